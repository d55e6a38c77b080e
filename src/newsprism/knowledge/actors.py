"""What newsprism knows about actors across stories and runs: a book of people and organisations, each with the
forms texts use for it, its titles (with the articles that gave each), its type and its side.

Two sources fill the book, and the user's wins:
- ``learned``: what earlier stories resolved (``compare.actors.StoryActors``), kept in the store's ``actors`` table, so a
  side is known even where one article does not say it ("Scott Bessent -> US Treasury Secretary -> US");
- the user's file (``NEWSPRISM_ACTORS=path``, YAML or CSV), which corrects or pins an actor:

      # actors.yaml                                    # actors.csv
      - name: Scott Bessent                            name,side,title,type,variants
        side: US                                       Scott Bessent,US,Treasury Secretary,PERSON,Bessent|Scott Besent
        title: Treasury Secretary
        variants: [Bessent]

Also here, general knowledge the side vote needs: the country of news agencies and state broadcasters (a state
agency speaks from its country: "TASS reports"), and the roles that speak for no side (analysts, journalists).
"""
from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from newsprism.bounded import lru_by_size, text_bytes
from newsprism.knowledge import countries as _gaz

ENV_FILE = "NEWSPRISM_ACTORS"

# News agencies and public broadcasters, by country: an outlet quoted as a source speaks from where it is based.
# Wire services, state media and national broadcasters only (the ones stories cite by name), not a story's cast and
# not commercial papers and channels (their country is the outlet registry's business, not a side).
_MEDIA = {
    "Russia": ["TASS", "RIA Novosti", "RIA", "Interfax", "Sputnik", "RT", "Russia Today"],
    "China": ["Xinhua", "CGTN", "CCTV", "Global Times", "People's Daily", "China Daily"],
    "Pakistan": ["PTV", "PTV News", "Pakistan Television", "APP", "Associated Press of Pakistan", "Radio Pakistan"],
    "India": ["PTI", "Press Trust of India", "ANI", "IANS", "Doordarshan", "DD News", "All India Radio", "PIB",
              "Press Information Bureau"],
    "Iran": ["IRNA", "Press TV", "Fars", "Tasnim", "Mehr"],
    "Turkey": ["Anadolu", "Anadolu Agency", "TRT", "TRT World"],
    "Qatar": ["Al Jazeera"],
    "North Korea": ["KCNA", "Korean Central News Agency"],
    "South Korea": ["Yonhap"],
    "Japan": ["Kyodo", "NHK"],
    "Saudi Arabia": ["SPA", "Saudi Press Agency", "Al Arabiya"],
    "UAE": ["WAM", "Emirates News Agency"],
    "Israel": ["Kan"],
    "Ukraine": ["Ukrinform"],
    "Germany": ["DPA", "Deutsche Welle", "DW"],
    "France": ["AFP", "Agence France-Presse", "France 24"],
    "UK": ["Reuters", "BBC"],
    "US": ["AP", "Associated Press", "CNN", "Bloomberg", "Voice of America", "VOA"],
}
# Roles whose holders speak for no government or party in a story unless their title names one.
_INDEPENDENT_ROLES = frozenset("""
analyst analysts expert experts scholar researcher academic professor economist strategist commentator
journalist correspondent reporter editor columnist
""".split())


@lru_cache(maxsize=1 << 17)
def _key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", (name or "").lower().replace("’", "'").replace("'s ", " ")).strip()


@lru_cache(maxsize=1)
def _media() -> dict[str, str]:
    return {_key(n): country for country, names in _MEDIA.items() for n in names}


def side_of_org(name: str | None) -> str | None:
    """The side of an organisation the knowledge base knows: an international body is its own side ("UN"), a news
    agency or public broadcaster its country ("TASS" -> Russia); else None."""
    if not name:
        return None
    return _gaz.body_of(name) or _media().get(_key(name)) or _media().get(_key(re.sub(r"^the\s+", "", name, flags=re.I)))


def is_media(name: str | None) -> bool:
    """Whether a name is a news agency or broadcaster the knowledge base knows."""
    return bool(name) and (_key(name) in _media() or _key(re.sub(r"^the\s+", "", name, flags=re.I)) in _media())


def independent_role(title: str | None) -> bool:
    """Whether a title names a role that speaks for no side ("South Asia analyst", "Al Jazeera correspondent",
    or the outlet a reporter works for: "Al Jazeera")."""
    if not title:
        return False
    words = set(re.findall(r"[a-z]+", title.lower()))
    return bool(words & _INDEPENDENT_ROLES) or is_media(title)


@dataclass
class ActorRecord:
    """One actor in the book; ``titles`` maps a title to the evidence for it (article ids or "user")."""

    name: str
    type: str | None = None
    side: str | None = None
    title: str | None = None
    variants: list[str] = field(default_factory=list)
    titles: dict[str, list[str]] = field(default_factory=dict)
    pinned: bool = False  # from the user's file
    quotes: list[dict] = field(default_factory=list)  # [{"article", "start", "end"}] across stories

    def to_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "side": self.side, "title": self.title,
                "variants": sorted(set(self.variants)), "titles": self.titles, "pinned": self.pinned,
                "quotes": self.quotes}

    @classmethod
    def from_dict(cls, d: dict) -> ActorRecord:
        variants = d.get("variants") or []
        if isinstance(variants, str):
            variants = [v.strip() for v in variants.split("|") if v.strip()]
        titles = d.get("titles") or ({d["title"]: ["user"]} if d.get("title") else {})
        return cls(d["name"], d.get("type") or None, _gaz.canonical(d.get("side")) or None, d.get("title") or None,
                   list(variants), dict(titles), bool(d.get("pinned")), list(d.get("quotes") or []))

    def names(self) -> list[str]:
        return [self.name, *self.variants]


def read_user_file(path: str | os.PathLike) -> list[ActorRecord]:
    """Actors from a user's YAML (a list of mappings) or CSV file (columns name, side, title, type, variants with
    variants "|"-separated); every record is pinned: it wins over what was learned."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if p.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        import yaml

        data = yaml.safe_load(text) or []
        rows = data.get("actors", []) if isinstance(data, dict) else data
    out = []
    for r in rows:
        if r and r.get("name"):
            rec = ActorRecord.from_dict(r)
            rec.pinned = True
            out.append(rec)
    return out


@lru_cache(maxsize=1 << 17)
def _words_of(name: str) -> list[str]:
    """``compare.actors._person_words``, kept once per name (a book lookup asks it of the same names again and
    again). Callers must not change the list."""
    from newsprism.compare.actors import _person_words

    return _person_words(name)


def _word_keys(w: str) -> list[str]:
    # Two name words near in spelling (``same_person``'s fuzzy test: lengths within 2:3) share their first or their
    # last letters: two of them for words of up to six letters, three from five letters on (so lengths 5 and 6 meet
    # either way); a rare pair differing at both ends, or a two-letter word against a three-letter one with a
    # letter put in the middle, is not looked for. Equal words share every key.
    keys = []
    if len(w) <= 6:
        keys += ["p" + w[:2], "s" + w[-2:]]
    if len(w) >= 5:
        keys += ["P" + w[:3], "S" + w[-3:]]
    return keys


def _run_keys(w: str, stored: bool) -> list[str]:
    """Keys of a word that two matching words (``_given_matches``: equal, near, or one the other's initial)
    share, one taken as stored and the other as asked."""
    if stored:
        return _word_keys(w) + ["i" + w[0]] + (["I" + w] if len(w) == 1 else [])
    return _word_keys(w) + ["I" + w[0]] + (["i" + w] if len(w) == 1 else [])


@lru_cache(maxsize=1 << 17)
def _block_keys(name: str, stored: bool) -> tuple[str, ...]:
    """Keys under which a book record's name is kept (``stored``), or looked up, such that two names ``match``
    pairs share one: the same key or canonical key here; ``_person_keys`` for two people's names of two words or
    more (``same_person``), where two words of one match two words of the other in order (each the same, near in
    spelling, or one an initial of the other: "I" + a one-letter word, "i" + a word's initial); ``_org_keys`` for
    organisations' other tests."""
    return ("k" + _key(name), "c" + " ".join(_words_of(name)))


def _keys_cost(args: tuple, keys: tuple[str, ...]) -> int:
    # tracemalloc finds about a quarter more held than the objects' own sizes sum to (the memo's nodes, the key
    # tuple, the sets and sorts the keys came through), hence the 1.3
    return int(1.3 * (text_bytes(*args) + sys.getsizeof(keys) + sum(sys.getsizeof(k) for k in keys))) + 200


# A person's keys asked of a name run to ~4 KB (every ordered pair of words times every length its given name may
# have), so the memo is bounded by bytes, not by entries: 131,072 entries of those would be ~550 MB a process.
@lru_by_size(32 * 2**20, _keys_cost)
def _person_keys(name: str, stored: bool) -> tuple[str, ...]:
    """Keys of ``same_person``'s test (asked only where a person can be meant: of a person or of an untyped name)."""
    words = _words_of(name)
    keys: set[str] = set()
    if len(words) >= 2:
        # ``same_person`` matches two names of two words or more only where the shorter's first and last words
        # match (``_given_matches``) two words of the longer, in order: the same last word (or one near in
        # spelling) and a given name at the start of either, or a run of words. Every ordered pair of words is
        # keyed by the later word's spelling keys together with the earlier word's size and initial, which every
        # given name it matches shares ("P"), and by the later word's initial together with the earlier word's
        # keys ("Q", a later word matched as an initial: "Kim Jong U"): a lookup meets the names with a like pair,
        # not every name with one word like its last one (thousands in a large archive).
        for i, j in combinations(range(len(words)), 2):
            keys |= {"P" + a + "|" + b for a in _size_keys(words[i], stored) for b in _word_keys(words[j])}
            keys |= {"Q" + a + "|" + b for a in _run_keys(words[i], stored)
                     for b in _initial_keys(words[j], stored)}
    return tuple(sorted(keys))


def _initial_keys(w: str, stored: bool) -> list[str]:
    """Keys that two words one of which is the other's initial share (one taken as stored, the other as asked)."""
    if stored:
        return ["i" + w[0]] + (["I" + w] if len(w) == 1 else [])
    return ["I" + w[0]] + (["i" + w] if len(w) == 1 else [])


def _size_keys(w: str, stored: bool) -> list[str]:
    """Keys that two words ``_given_matches`` pairs share, one taken as stored and the other as asked: the length
    with the first or with the last letter (``fuzz.ratio`` >= 80 needs lengths within 2:3, and the asked word asks
    every length in that range; near spellings share their first or their last letter, as ``_word_keys`` assume
    of two or three), or one a one-letter initial of the other."""
    if stored:
        return ["n%d<%s" % (len(w), w[0]), "n%d>%s" % (len(w), w[-1]), "i" + w[0]] + (["I" + w] if len(w) == 1 else [])
    n = len(w)
    return [k for m in range((2 * n + 2) // 3, 3 * n // 2 + 1) for k in ("n%d<%s" % (m, w[0]), "n%d>%s" % (m, w[-1]))] \
        + ["I" + w[0]] + (["i" + w] if len(w) == 1 else [])


@lru_cache(maxsize=1 << 17)
def _org_keys(name: str, stored: bool) -> tuple[str, ...]:
    """Keys of ``same_org``'s other tests (never asked between people): one name the acronym of the other, a
    one-word name against a multi-word one (keyed apart, so that two multi-word names with the same initials do not
    meet); two multi-word names near in spelling, which share the first or the last three letters of their
    canonical keys."""
    from newsprism.compare.actors import _acronym

    ck = " ".join(_words_of(name))
    words = ck.replace("-", " ").split()
    if len(words) == 1:
        return ("ao" + words[0],) if stored else ("am" + words[0],)
    if len(words) < 2:
        return ()
    acronym = ("am" if stored else "ao") + _acronym(words)
    return (acronym, "f<" + ck[:3], "f>" + ck[-3:])


def record_keys(d: dict) -> list[str]:
    """The blocking keys a stored actor record (``ActorRecord.to_dict()``) is kept under, as ``ActorBook`` indexes
    it: the store's ``actor_keys`` rows."""
    names = [n for n in [d.get("name"), *(d.get("variants") or [])] if n]
    keys = {k for n in names for k in _block_keys(n, stored=True)}
    if d.get("type") in (None, "PERSON"):
        keys |= {k for n in names for k in _person_keys(n, True)}
    if d.get("type") != "PERSON":
        keys |= {k for n in names for k in _org_keys(n, stored=True)}
    return sorted(keys)


class ActorBook:
    """The actors known before a story is resolved. ``apply`` lets a book record fill (user: override) a story
    actor; ``learn`` folds a resolved story's actors in; ``records`` is what the store keeps.

    With a ``source`` (``store.actor_rows.ActorRows``) the book is the store's: a lookup first reads the stored
    actors sharing a key with the names asked for (each key once), so a chunk costs what its names reach, not the
    archive. Its order is the one a book built from every stored record (by name) and then added to would have:
    stored records by name, then the ones this process added. ``records`` is then what has been read or added."""

    def __init__(self, records: Iterable[ActorRecord] = (), source=None) -> None:
        self._records: list[ActorRecord] = []
        self._order: list[tuple] = []  # position -> sort key: (0, name) read from the store, (1, n) added
        self._source = source
        self._fetched: set[str] = set()  # keys read from the source
        self._skip: set[str] = set()  # names never to read from the source (merged away, or about to be placed)
        self._gone: set[str] = set()  # stored names merged into another record by a rebuild, not yet retired
        self._base: dict[str, dict] = {}  # name -> the record as stored (read, or last written)
        self._stored: dict[str, int] = {}  # name -> where the record read from the source under that name stands
        self._seq = 0  # the next added record's place after every other
        # Where each record stands, and its names' blocking keys -> positions: ``match`` checks only the records
        # sharing a key with the names asked for, so a lookup costs what matches, not the whole book (a learned
        # book grows with the archive, and it is asked once per story actor of every chunk).
        self._at: dict[int, int] = {}
        self._blocks: dict[str, set[int]] = {}
        self._indexed: dict[int, set[str]] = {}  # position -> the names indexed for it
        self._named: dict[str, list[int]] = {}  # record name -> positions (two records may share a name)
        # positions added or changed since the book was last found consistent, with their record as it was before
        # (None: added); see ``_consistent``
        self._touched: dict[int, dict | None] = {}
        # of those, the ones changed in place (merged into, or replaced): a record added was checked against every
        # record before it when it was added, and each later one against it
        self._recheck: set[int] = set()
        for r in records:
            self.add(r)

    @classmethod
    def default(cls) -> ActorBook:
        """The user's file named by ``NEWSPRISM_ACTORS`` (if any), on top of the actors learned this process."""
        path = os.environ.get(ENV_FILE)
        user = read_user_file(path) if path and Path(path).is_file() else []
        book = _learned_book(copy=bool(user))
        for r in user:
            book.add(r)
        return book

    def records(self) -> list[ActorRecord]:
        return [self._records[i] for i in self._ordered()]

    def _ordered(self) -> list[int]:
        return sorted(range(len(self._records)), key=self._order.__getitem__)

    def _load(self, keys: Iterable[str]) -> None:
        """Read from the source the stored records kept under keys not read yet (none changes the book's answers
        about names read before: a stored record matches no other stored one, see ``_rebuilt``)."""
        need = [k for k in keys if k not in self._fetched]
        if self._source is None or not need:
            return
        self._fetched.update(need)
        if not hasattr(self._source, "keyed"):
            self._read(self._source.names(need))
            return
        # A stored record is placed under the keys the store found it by (its ``record_keys`` rows), not indexed
        # here: every key a lookup asks is read from the store first, so its block holds every stored record kept
        # under it, and working out each read record's keys again cost more than the read (a large book's records
        # share their coarse keys with hundreds of others). A record changed in memory is indexed as ever.
        pairs = self._source.keyed(need)
        self._read({n for _, n in pairs}, index=False)
        for k, n in pairs:
            at = self._stored.get(n)
            if at is not None:
                self._blocks.setdefault(k, set()).add(at)

    def _read(self, names: Iterable[str], index: bool = True) -> None:
        names = {n for n in names if n not in self._named and n not in self._skip}
        if not names:
            return
        for d in self._source.records(names):
            rec = ActorRecord.from_dict(d)
            at = len(self._records)
            self._records.append(rec)
            self._order.append((0, rec.name))
            self._at[id(rec)] = at
            self._named.setdefault(rec.name, []).append(at)
            self._base[rec.name] = rec.to_dict()
            self._stored.setdefault(rec.name, at)
            if index:
                self._index(at)

    def __getstate__(self) -> dict:
        # A copy for a worker process reads the store there (``store.actor_rows.ActorRows``); an in-memory store
        # cannot be reached from another process, so the copy takes every record it can find along instead.
        if self._source is not None and not self._source.shareable:
            self._read(self._source.all_names())
            for at in self._stored.values():  # the copy finds them by their own keys: it has no store to ask
                if at not in self._indexed:
                    self._index(at)
            return dict(self.__dict__, _source=None)
        return dict(self.__dict__)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._at = {id(r): i for i, r in enumerate(self._records)}  # keyed by object identity, new in a copy

    def _place(self, at: int, rec: ActorRecord, order: tuple | None = None) -> None:
        if at == len(self._records):
            self._records.append(rec)
            self._order.append(order or (1, self._seq))
            self._seq += 1
            self._touched.setdefault(at, None)
        else:
            self._touched.setdefault(at, self._records[at].to_dict())
            self._recheck.add(at)
            old = self._records[at]
            del self._at[id(old)]
            self._named[old.name].remove(at)
            self._records[at] = rec
        self._at[id(rec)] = at
        self._named.setdefault(rec.name, []).append(at)
        self._named[rec.name].sort(key=self._order.__getitem__)
        self._index(at)

    def add(self, rec: ActorRecord) -> None:
        """A user's record replaces a learned one for the same actor; a learned one merges into what is there."""
        old = self.match(rec.names(), rec.type)
        if old is None:
            self._place(len(self._records), rec)
            return
        if rec.pinned and not old.pinned:
            rec.variants = sorted(set(rec.variants) | set(old.names()) - {rec.name})
            self._place(self._at[id(old)], rec)
            return
        if old.pinned:
            return
        self._touched.setdefault(self._at[id(old)], old.to_dict())
        self._recheck.add(self._at[id(old)])
        old.variants = sorted(set(old.variants) | set(rec.names()) - {old.name})
        for t, ev in rec.titles.items():
            old.titles.setdefault(t, [])
            old.titles[t] = sorted(set(old.titles[t]) | set(ev))
        old.side = old.side or rec.side
        old.title = old.title or rec.title
        old.type = old.type or rec.type
        seen = {(q["article"], q["start"], q["end"]) for q in old.quotes}
        old.quotes += [q for q in rec.quotes if (q["article"], q["start"], q["end"]) not in seen]
        self._index(self._at[id(old)])

    def _index(self, at: int) -> None:
        """Index the names of the record at ``at`` that are not indexed yet (a merge only adds names; a position
        keeps the keys of a record it held before, which costs a check and changes no answer)."""
        done = self._indexed.setdefault(at, set())
        for name in self._records[at].names():
            if name and name not in done:
                done.add(name)
                for k in _block_keys(name, stored=True):
                    self._blocks.setdefault(k, set()).add(at)
        if self._records[at].type in (None, "PERSON"):  # a typed organisation is never compared as a person
            for name in self._records[at].names():
                if name and "person:" + name not in done:
                    done.add("person:" + name)
                    for k in _person_keys(name, True):
                        self._blocks.setdefault(k, set()).add(at)
        if self._records[at].type != "PERSON":  # a person's record is never compared as an organisation
            for name in self._records[at].names():
                if name and "org:" + name not in done:
                    done.add("org:" + name)
                    for k in _org_keys(name, stored=True):
                        self._blocks.setdefault(k, set()).add(at)

    @staticmethod
    def _asked_keys(names: list[str], type_: str | None) -> list[str]:
        return [k for n in names for k in _block_keys(n, stored=False)
                + (_person_keys(n, False) if type_ in (None, "PERSON") else ())
                + (_org_keys(n, stored=False) if type_ != "PERSON" else ())]

    def prefetch(self, asked: Iterable[tuple[Iterable[str], str | None]]) -> None:
        """Read from the source, in one go, what ``match`` of each (names, type) would read (answers are the
        same with or without it: a record read changes no answer about other names)."""
        if self._source is not None:
            self._load([k for names, type_ in asked for k in self._asked_keys([n for n in names if n], type_)])

    def _near(self, names: list[str], type_: str | None) -> list[int]:
        keys = self._asked_keys(names, type_)
        self._load(keys)
        near: set[int] = set()
        for k in keys:
            near |= self._blocks.get(k, set())
        return sorted(near, key=self._order.__getitem__)

    def match(self, names: Iterable[str], type_: str | None) -> ActorRecord | None:
        names = [n for n in names if n]
        # the same test as a scan of the whole book, in book order, over the records that can pass it
        for i in self._near(names, type_):
            if _matches(self._records[i], names, type_):
                return self._records[i]
        return None

    def _consistent(self) -> bool:
        """Whether building a book from this one's records would give it back unchanged: no record matches one
        before it. Only pairs with a record changed in place since the last check can have come to match."""
        for c in sorted(self._recheck):
            rec = self._records[c]
            for p in self._near([n for n in rec.names() if n], rec.type):
                if p == c:
                    continue
                later, earlier = (rec, self._records[p]) if self._order[c] > self._order[p] else (self._records[p], rec)
                if _matches(earlier, [n for n in later.names() if n], later.type):
                    return False
        self._touched.clear()
        self._recheck.clear()
        return True

    def _rebuilt(self) -> ActorBook:
        """``ActorBook(self.records())`` (merging shared records in place, as that does), asking the book only for
        the records that can match one before them: those changed in place since the last check, those their
        names can match, and, as merges change records, the ones the merged names can match. Any other record
        was found to match none before it, and none has changed since."""
        if self._source is not None:
            return self._rebuilt_from_source()
        new = ActorBook()
        need = set(self._recheck)
        for c in self._recheck:
            need.update(self._near([n for n in self._records[c].names() if n], self._records[c].type))
        for j, rec in enumerate(self._records):
            if j not in need:
                new._place(len(new._records), rec)
                continue
            size = len(new._records)
            new.add(rec)
            if len(new._records) == size:  # merged into an earlier record: its new names may match later ones
                into = new.match(rec.names(), rec.type)
                if into is not None and id(into) in self._at:
                    at = self._at[id(into)]
                    self._index(at)
                    self._recheck.add(at)
                    need.update(p for p in self._near([n for n in into.names() if n], into.type) if p > j)
        return new

    def _rebuilt_from_source(self) -> ActorBook:
        """``_rebuilt`` for a store's book: the records read or added so far added again in order, reading from the
        store what their names reach (a stored record not read yet matches none stored, and is read before any
        record that can match it is added). Records merged away are the ones ``retire`` names."""
        new = ActorBook(source=self._source)
        new._fetched = set(self._fetched)
        new._base = self._base
        order = self._ordered()
        new._skip = self._skip | {self._records[i].name for i in order}
        new._gone = set(self._gone)
        new._seq = self._seq
        for i in order:
            rec = self._records[i]
            size = len(new._records)
            new.add(rec)
            if len(new._records) > size and new._records[-1] is rec:
                new._order[-1] = self._order[i]  # keeps its place (records read meanwhile sort around it)
                new._named[rec.name].sort(key=new._order.__getitem__)
            elif rec.name in self._base:
                new._gone.add(rec.name)  # a stored record merged into an earlier one
        new._skip = set(self._skip) | new._gone
        new._touched.clear()
        new._recheck.clear()
        return new

    def retire(self) -> list[str]:
        """Stored names merged into another record since the last call: the store drops their keys."""
        gone = sorted(self._gone - set(self._named))
        self._skip |= self._gone
        self._gone = set()
        return gone

    def dirty(self) -> list[dict]:
        """The records (in book order) that differ from what the store holds under their name; marked as stored."""
        out = []
        for i in self._ordered():
            d = self._records[i].to_dict()
            if self._base.get(d["name"]) != d:
                out.append(d)
        for d in out:
            self._base[d["name"]] = d
        return out

    def _changed(self, before_len: int) -> list[dict]:
        """What ``remember`` writes after a ``learn`` into a consistent book: the records whose dict differs from
        the one stored before under their name (the last record of that name), in book order."""
        names = {self._records[i].name for i in self._touched}
        names |= {n for n, at in self._named.items() if len(at) > 1}
        before: dict[str, dict] = {}
        for n in names:
            old = [i for i in self._named.get(n, []) if i < before_len]
            if old:
                i = old[-1]
                before[n] = self._touched[i] if self._touched.get(i) is not None else self._records[i].to_dict()
        out = []
        for i in sorted(i for n in names for i in self._named.get(n, [])):
            d = self._records[i].to_dict()
            if before.get(d["name"]) != d:
                out.append(d)
        return out

    def apply(self, actor) -> None:
        """Fill a story actor from the book: a user's record pins name, side and title; a learned one gives a side
        and a title only where the story's own mentions gave none."""
        rec = self.match(list(actor.variants) or [actor.name], actor.type)
        if rec is None:
            return
        if rec.pinned:
            actor.name = rec.name
            actor.side = rec.side or actor.side
            actor.title = rec.title or actor.title
            actor.type = rec.type or actor.type
            actor.pinned = True
            return
        actor.side = actor.side or rec.side
        actor.title = actor.title or rec.title

    def learn(self, actors: Iterable) -> None:
        """Fold resolved story actors (``compare.actors.StoryActor``, or their ``record_of`` dicts) into the book."""
        recs = [rec for a in actors for rec in [ActorRecord.from_dict(a) if isinstance(a, dict) else record_of(a)]
                if rec is not None and not rec.pinned]
        # what each record's match would read from the store, read in one go (one query, not one per record)
        self.prefetch((rec.names(), rec.type) for rec in recs)
        for rec in recs:
            self.add(rec)


def record_of(actor) -> ActorRecord | None:
    """The book's record of a resolved story actor (``compare.actors.StoryActor``); None when it has no name."""
    if not actor.name:
        return None
    quotes = [{"article": aid, "start": q.start, "end": q.end} for aid, q in actor.quotes]
    return ActorRecord(actor.name, actor.type, actor.side, actor.title, sorted(set(actor.variants) - {actor.name}),
                       {t: sorted(set(ev)) for t, ev in actor.titles.items()}, pinned=actor.pinned, quotes=quotes)


def _matches(r: ActorRecord, names: list[str], type_: str | None) -> bool:
    """Whether a book record stands for an actor with these names and type."""
    from newsprism.compare.actors import same_org, same_person

    if type_ and r.type and (type_ == "PERSON") != (r.type == "PERSON"):
        return False
    person = (type_ or r.type) == "PERSON"
    for n in names:
        for v in r.names():
            if _key(n) == _key(v) and (not person or len(_words_of(n)) >= 2):
                return True  # a surname alone may be two people's: only full names match a person
            if person and len(_words_of(n)) >= 2 and len(_words_of(v)) >= 2 \
                    and same_person(_words_of(n), _words_of(v)):
                return True
            if not person and same_org(n, v):
                return True
    return False


# What this process has learned or loaded from a store (``remember`` / ``recall``); ActorBook.default() starts from it.
_LEARNED: list[ActorRecord] = []
# The book last built from _LEARNED. A book is built from _LEARNED once per chunk (to read) and again to learn; when
# _LEARNED is still that book's records and the book is consistent (a rebuild would give it back), it is used as it
# stands instead of being built again, which would cost the whole archive's actors each chunk.
_BOOK: ActorBook | None = None


def _learned_book(copy: bool = False) -> ActorBook:
    """``ActorBook(_LEARNED)``: the last one built when that is what a rebuild gives (``copy``: a copy of it, for a
    caller that adds to it), else a new one."""
    book = _reusable()
    if book is not None and not copy:
        return book
    return _rebuild()


def _same_records() -> bool:
    book = _BOOK
    if book is not None and book._source is not None:
        return True  # a store's book: _LEARNED only mirrors what it has read
    return book is not None and len(book._records) == len(_LEARNED) and \
        all(a is b for a, b in zip(book._records, _LEARNED))


def _reusable() -> ActorBook | None:
    return _BOOK if _same_records() and _BOOK._consistent() else None


def _rebuild() -> ActorBook:
    """``ActorBook(_LEARNED)``, asking only the records that can merge when _LEARNED is the kept book's."""
    return _BOOK._rebuilt() if _same_records() else ActorBook(_LEARNED)


def recall(store) -> int:
    """Make the actors a store keeps this process's book; returns how many it keeps. A store that keeps the book's
    keys as rows (``store.actor_rows``) is read by key as chunks ask, not here."""
    global _BOOK
    if hasattr(store, "actor_rows"):
        _BOOK = ActorBook(source=store.actor_rows())
        _LEARNED[:] = []
        return _BOOK._source.count()
    recs = [ActorRecord.from_dict(d) for d in store.iter_actors()]
    _BOOK = ActorBook(recs)
    _LEARNED[:] = _BOOK.records()
    return len(recs)


def remember(store, actors: Iterable) -> int:
    """Fold resolved story actors into this process's book and write the records that changed to the store;
    returns how many were written."""
    global _BOOK
    if _BOOK is not None and _BOOK._source is not None:
        book = _reusable() or _BOOK._rebuilt()
        book.learn(actors)
        changed, gone = book.dirty(), book.retire()
        _BOOK = book
        _LEARNED[:] = book.records()
        store.upsert_actors(changed)
        if gone:
            store.retire_actors(gone)
        return len(changed)
    book = _reusable()
    if book is not None:  # a rebuild would change nothing: only what is learned now changes
        n = len(book._records)
        book.learn(actors)
        changed = book._changed(n)
    else:
        before = {r.name: r.to_dict() for r in _LEARNED}
        book = _rebuild()
        book.learn(actors)
        changed = [d for d in (r.to_dict() for r in book._records) if before.get(d["name"]) != d]
        _BOOK = book
    _LEARNED[:] = book.records()
    store.upsert_actors(changed)
    return len(changed)
