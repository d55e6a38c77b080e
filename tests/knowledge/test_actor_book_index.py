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
