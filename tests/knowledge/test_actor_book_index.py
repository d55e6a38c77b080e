"""The actor book's lookup index: the same answers as a scan of every record, and no rebuild per chunk."""
from __future__ import annotations

import itertools

import pytest

from newsprism.knowledge import actors as book_mod
from newsprism.knowledge.actors import ActorBook, ActorRecord, _matches

NAMES = [
    ("Marta Kowalczyk", "PERSON"), ("Marta Kowalczik", "PERSON"), ("M Kowalczyk", "PERSON"),
    ("Jonas Petraitis", "PERSON"), ("Jonas P Vilkas", "PERSON"), ("Jonas Vilkas", "PERSON"),
    ("Ines Albuquerque", "PERSON"), ("Inez Albuquerqe", "PERSON"), ("Albuquerque", "PERSON"),
    ("Harbour Safety Council", "ORG"), ("HSC", "ORG"), ("Harbor Safety Council", "ORG"),
    ("Northern Grain Cooperative", "ORG"), ("Northern Grain Co-operative", None), ("Grain Board", "ORG"),
    ("Tomasz Wrobel", None), ("T Wrobel", "PERSON"), ("Wrobel", None), ("Li Wei", "PERSON"), ("Wei Li", "PERSON"),
    ("Ana Lima", "PERSON"), ("Ana Lim", "PERSON"), ("Coastal Ministry", "ORG"), ("Ministry of the Coast", "ORG"),
]


def _linear(book: ActorBook, names: list[str], type_: str | None):
    """The book's answer as a scan of every record in order (what ``match`` did before it had an index)."""
    names = [n for n in names if n]
    return next((r for r in book._records if _matches(r, names, type_)), None)


def _record(name: str, type_: str | None, variants=()) -> ActorRecord:
    return ActorRecord(name, type_, variants=list(variants))


def test_index_answers_as_a_scan_of_every_record():
    book = ActorBook()
    for name, type_ in NAMES[::2]:  # half the names stored (some merging), the other half asked
        book.add(_record(name, type_))
    for (name, _), type_ in itertools.product(NAMES, ("PERSON", "ORG", None)):
        assert book.match([name], type_) is _linear(book, [name], type_), (name, type_)


def test_index_follows_merged_variants():
    book = ActorBook([_record("Ines Albuquerque", "PERSON")])
    assert book.match(["Ines Albakirk"], "PERSON") is None
    book.add(_record("Ines Albuquerque", "PERSON", ["Ines Albakirk"]))  # merges: the record gains a variant
    assert len(book.records()) == 1
    assert book.match(["Ines Albakirk"], "PERSON") is book.records()[0]


@pytest.fixture()
def fresh_book():
    book_mod._LEARNED.clear()
    book_mod._BOOK = None
    yield
    book_mod._LEARNED.clear()
    book_mod._BOOK = None


class _Rows:
    def __init__(self):
        self.written: list[list[dict]] = []

    def upsert_actors(self, rows):
        self.written.append(rows)


def test_remember_reuses_its_book_and_writes_what_a_rebuild_would(fresh_book, monkeypatch):
    chunks = [[{"name": n, "type": t} for n, t in NAMES[i:i + 5]] for i in range(0, len(NAMES), 5)]
    # the rows a full rebuild per chunk writes (the behaviour before the book was kept between chunks)
    rebuilt, learned = [], []
    for chunk in chunks:
        before = {r.name: r.to_dict() for r in learned}
        book = ActorBook(learned)
        book.learn(chunk)
        learned = book.records()
        rebuilt.append([d for d in (r.to_dict() for r in learned) if before.get(d["name"]) != d])
    builds = []
    real_init = ActorBook.__init__

    def counting_init(self, records=()):
        records = list(records)
        builds.append(len(records))
        real_init(self, records)

    monkeypatch.setattr(ActorBook, "__init__", counting_init)
    rows = _Rows()
    for chunk in chunks:
        ActorBook.default()
        book_mod.remember(rows, chunk)
    assert rows.written == rebuilt
    assert [r.to_dict() for r in book_mod._LEARNED] == [r.to_dict() for r in learned]
    # one book built from nothing at the first chunk; later chunks learn into it instead of rebuilding it
    assert builds.count(0) >= 1 and all(n == 0 for n in builds)


def test_rebuilding_asks_only_what_can_merge_and_gives_what_a_full_build_gives():
    import copy

    book = ActorBook([_record("Tomasz Wrobel", "PERSON"), _record("Ines Albuquerque", "PERSON"),
                      _record("Harbour Safety Council", "ORG")])
    assert book._consistent()
    # a merge gives the first record a name of the second: a build from these records would merge them
    book.add(_record("Tomasz Wrobel", "PERSON", ["Ines Albuquerqe"]))
    assert not book._consistent()
    expected = ActorBook(copy.deepcopy(book.records()))
    rebuilt = book._rebuilt()
    assert [r.to_dict() for r in rebuilt.records()] == [r.to_dict() for r in expected.records()]
    assert len(rebuilt.records()) == 2 and rebuilt._consistent()


# -- the store's book: keys as rows, read by the names a chunk asks about ----------------------------------------------
class _MemoryRows(_Rows):
    """A store without key rows: ``recall`` builds the book from every stored record, as before migration 13."""

    def __init__(self, stored: list[dict]):
        super().__init__()
        self.stored = stored

    def iter_actors(self):
        return iter(sorted(self.stored, key=lambda d: d["name"]))


# the stored archive: consistent (no record matches another), with people and bodies near in spelling to the names
# the chunks bring, and ones they never reach
STORED = [("Marta Kowalczyk", "PERSON", ["M Kowalczyk"]), ("Ines Albuquerque", "PERSON", []),
          ("Harbour Safety Council", "ORG", ["HSC"]), ("Li Wei", "PERSON", []), ("Coastal Ministry", "ORG", []),
          ("Oskar Lindqvist", "PERSON", []), ("Baltic Ferry Union", "ORG", []), ("Tomasz Wrobel", "PERSON", [])]
# chunks of resolved story actors: some join stored records, some are new, one merge makes two stored records match
# (Wrobel, named with a misspelling of Albuquerque, joins her record: the next chunk's book is rebuilt and merges his)
CHUNKS = [
    [{"name": "Marta Kowalczik", "type": "PERSON", "side": "PL"}, {"name": "Jonas Petraitis", "type": "PERSON"},
     {"name": "Harbor Safety Council", "type": "ORG", "titles": {"regulator": ["a1"]}}],
    [{"name": "Jonas P Vilkas", "type": "PERSON"}, {"name": "Northern Grain Cooperative", "type": "ORG"},
     {"name": "Tomasz Wrobel", "type": "PERSON", "variants": ["Ines Albuquerqe"], "side": "PL"}],
    [{"name": "Inez Albuquerqe", "type": "PERSON", "title": "mayor"}, {"name": "Wei Li", "type": "PERSON"},
     {"name": "Northern Grain Co-operative", "type": None}, {"name": "Ana Lima", "type": "PERSON"}],
    [{"name": "Ana Lim", "type": "PERSON"}, {"name": "Grain Board", "type": "ORG"}, {"name": "T Wrobel", "type": None}],
]
ASKED = [n for n, _ in NAMES] + ["Oskar Lindqvist", "O Lindqvist", "Baltic Ferry Union", "BFU", "Ines Albuquerqe"]


def _answers(book: ActorBook) -> list:
    import copy

    return [(copy.deepcopy(r.to_dict()) if r else None)
            for name, type_ in itertools.product(ASKED, ("PERSON", "ORG", None)) for r in [book.match([name], type_)]]


def test_store_book_answers_and_writes_as_the_book_built_from_every_record(fresh_book, store_url):
    from newsprism.store import open_store

    stored = [ActorRecord(n, t, variants=v).to_dict() for n, t, v in STORED]
    memory = _MemoryRows([dict(d) for d in stored])
    expected_answers, expected_rows = [], {d["name"]: d for d in stored}
    book_mod.recall(memory)
    for chunk in CHUNKS:
        expected_answers.append(_answers(ActorBook.default()))
        book_mod.remember(memory, [dict(a) for a in chunk])
    for rows in memory.written:
        expected_rows.update((d["name"], d) for d in rows)

    store = open_store(store_url)
    try:
        store.upsert_actors(stored)
        assert book_mod.recall(store) == len(stored)
        for chunk, expected in zip(CHUNKS, expected_answers):
            book = ActorBook.default()
            assert _answers(book) == expected
            with store.transaction():
                book_mod.remember(store, [dict(a) for a in chunk])
        assert {d["name"]: d for d in store.iter_actors()} == expected_rows
        # the book read only what the names reach: Lindqvist's record and the ferry union stay unread when not asked
        book_mod.recall(store)
        book = ActorBook.default()
        assert book.match(["Marta Kowalczyk"], "PERSON").name == "Marta Kowalczyk"
        assert {r.name for r in book.records()} == {"Marta Kowalczyk"}
        # the stored record merged away (Wrobel, into Albuquerque, which learned his name) is no longer found by
        # itself: its row stays, its keys are gone
        merged = book.match(["Tomasz Wrobel"], "PERSON")
        assert merged is not None and merged.name == "Ines Albuquerque"
        assert store.get_actor("Tomasz Wrobel") is not None
        assert "Tomasz Wrobel" not in store.actor_rows().all_names()
        # a new process's book (and a worker's copy of it) answers as one built from every row it can find
        names = store.actor_rows().all_names()
        full = ActorBook([ActorRecord.from_dict(d) for d in store.iter_actors() if d["name"] in names])
        assert _answers(ActorBook.default()) == _answers(full)
    finally:
        store.close()


def test_a_store_book_sent_to_a_worker_reads_the_store_there(fresh_book, tmp_path):
    import pickle

    from newsprism.store import open_store

    store = open_store(str(tmp_path / "np.db"))
    try:
        store.upsert_actors([ActorRecord(n, t, variants=v).to_dict() for n, t, v in STORED])
        book_mod.recall(store)
        copy = pickle.loads(pickle.dumps(ActorBook.default()))
        assert copy.match(["Oskar Lindqvist"], "PERSON").name == "Oskar Lindqvist"
        assert copy.match(["BFU"], "ORG").name == "Baltic Ferry Union"  # read by its acronym's key
        assert copy.match(["Oskar Lindkvist"], "ORG") is None
    finally:
        store.close()


def test_a_book_of_an_in_memory_store_goes_to_a_worker_whole(fresh_book):
    import pickle

    from newsprism.store import open_store

    store = open_store("sqlite://")
    try:
        store.upsert_actors([ActorRecord(n, t, variants=v).to_dict() for n, t, v in STORED])
        book_mod.recall(store)
        copy = pickle.loads(pickle.dumps(ActorBook.default()))
        assert copy._source is None and len(copy.records()) == len(STORED)
        assert copy.match(["O Lindqvist"], "PERSON").name == "Oskar Lindqvist"
    finally:
        store.close()


def _variants(name: str, rng) -> list[str]:
    """Spellings a text may use for a name: a letter changed, dropped or put in inside a long word (the keys' one
    assumption: words near in spelling share their first or their last letters), a given name cut to its initial,
    a middle initial put in, the words in the other order, the surname alone."""
    words = name.split()
    out = []
    long_ = [i for i, w in enumerate(words) if len(w) >= 7]
    for _ in range(3 if long_ else 0):
        w = list(words)
        i = rng.choice(long_)
        j = rng.randrange(3, len(w[i]) - 3)
        letter = rng.choice("aeiourstln")
        w[i] = rng.choice([w[i][:j] + letter + w[i][j + 1:], w[i][:j] + w[i][j + 1:], w[i][:j] + letter + w[i][j:]])
        out.append(" ".join(w))
    if len(words) >= 2:
        out += [" ".join([words[0][0], *words[1:]]), " ".join([words[0], "K", *words[1:]]),
                " ".join(reversed(words)), words[-1]]
    return out


def test_keys_find_every_record_a_scan_finds_among_near_spellings():
    import random

    rng = random.Random(5)
    base = [n for n, _ in NAMES] + ["Oskar Lindqvist", "Baltic Ferry Union", "Ministry of Coastal Affairs",
                                    "Aleksandr Petrenko", "Maria del Carmen Ruiz", "Joao Baptista Silva",
                                    "Federal Office of Maritime Safety", "Kateryna Bondar", "Kim Jong Su"]
    names = sorted({v for n in base for v in [n, *_variants(n, rng)]})
    book = ActorBook()
    for i, name in enumerate(names[::3]):
        book.add(_record(name, ("PERSON", "ORG", None)[i % 3]))
    for name, type_ in itertools.product(names, ("PERSON", "ORG", None)):
        assert book.match([name], type_) is _linear(book, [name], type_), (name, type_)


def test_a_store_book_places_what_it_reads_under_the_stored_keys_and_prefetches_at_once(fresh_book, store_url):
    """A store's book places the records it reads under the keys their rows are kept by (not keyed again), and a
    prefetch reads every asked name's records in one go: either way its answers are a full book's."""
    from newsprism.store import open_store

    store = open_store(store_url)
    try:
        store.upsert_actors([ActorRecord(n, t, variants=v).to_dict() for n, t, v in STORED])
        full = ActorBook([ActorRecord(n, t, variants=v) for n, t, v in STORED])
        book_mod.recall(store)
        book = ActorBook.default()
        one_by_one = _answers(book)
        assert book._stored and not any(at in book._indexed for at in book._stored.values())
        book_mod.recall(store)
        book = ActorBook.default()
        calls = []
        keyed = book._source.keyed
        book._source.keyed = lambda keys: calls.append(1) or keyed(keys)
        book.prefetch([([name], type_) for name, type_ in itertools.product(ASKED, ("PERSON", "ORG", None))])
        assert len(calls) == 1
        assert _answers(book) == one_by_one == _answers(full)
        assert len(calls) == 1  # nothing left to read
    finally:
        store.close()


def test_learning_a_chunk_reads_the_store_once_for_all_its_records(fresh_book, tmp_path):
    """``learn`` asks the store for every record's keys in one query (not one per record), and learns what a book
    reading them one record at a time learns."""
    from newsprism.store import open_store

    def learned(batched: bool) -> tuple[list, int]:
        store = open_store(str(tmp_path / f"np-{batched}.db"))
        try:
            store.upsert_actors([ActorRecord(n, t, variants=v).to_dict() for n, t, v in STORED])
            book_mod.recall(store)
            book = ActorBook.default()
            calls = []
            keyed = book._source.keyed
            book._source.keyed = lambda keys: calls.append(1) or keyed(keys)
            if not batched:
                book.prefetch = lambda asked: None  # each match reads its own keys
            book.learn([dict(a) for chunk in CHUNKS for a in chunk])
            return [r.to_dict() for r in book.records()], len(calls)
        finally:
            store.close()

    one_by_one, queries = learned(False)
    together, query = learned(True)
    assert together == one_by_one
    assert query == 1 < queries
