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
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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


class ActorBook:
    """The actors known before a story is resolved. ``apply`` lets a book record fill (user: override) a story
    actor; ``learn`` folds a resolved story's actors in; ``records`` is what the store keeps."""

    def __init__(self, records: Iterable[ActorRecord] = ()) -> None:
        self._records: list[ActorRecord] = []
        for r in records:
            self.add(r)

    @classmethod
    def default(cls) -> ActorBook:
        """The user's file named by ``NEWSPRISM_ACTORS`` (if any), on top of the actors learned this process."""
        book = cls(_LEARNED)
        path = os.environ.get(ENV_FILE)
        if path and Path(path).is_file():
            for r in read_user_file(path):
                book.add(r)
        return book

    def records(self) -> list[ActorRecord]:
        return list(self._records)

    def add(self, rec: ActorRecord) -> None:
        """A user's record replaces a learned one for the same actor; a learned one merges into what is there."""
        old = self.match(rec.names(), rec.type)
        if old is None:
            self._records.append(rec)
            return
        if rec.pinned and not old.pinned:
            rec.variants = sorted(set(rec.variants) | set(old.names()) - {rec.name})
            self._records[self._records.index(old)] = rec
            return
        if old.pinned:
            return
        old.variants = sorted(set(old.variants) | set(rec.names()) - {old.name})
        for t, ev in rec.titles.items():
            old.titles.setdefault(t, [])
            old.titles[t] = sorted(set(old.titles[t]) | set(ev))
        old.side = old.side or rec.side
        old.title = old.title or rec.title
        old.type = old.type or rec.type
        seen = {(q["article"], q["start"], q["end"]) for q in old.quotes}
        old.quotes += [q for q in rec.quotes if (q["article"], q["start"], q["end"]) not in seen]

    def match(self, names: Iterable[str], type_: str | None) -> ActorRecord | None:
        from newsprism.compare.actors import same_org, same_person, _person_words

        names = [n for n in names if n]
        for r in self._records:
            if type_ and r.type and (type_ == "PERSON") != (r.type == "PERSON"):
                continue
            for n in names:
                for v in r.names():
                    person = (type_ or r.type) == "PERSON"
                    if _key(n) == _key(v) and (not person or len(_person_words(n)) >= 2):
                        return r  # a surname alone may be two people's: only full names match a person
                    if (type_ or r.type) == "PERSON" and len(_person_words(n)) >= 2 and len(_person_words(v)) >= 2 \
                            and same_person(_person_words(n), _person_words(v)):
                        return r
                    if (type_ or r.type) != "PERSON" and same_org(n, v):
                        return r
        return None

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
        for a in actors:
            rec = ActorRecord.from_dict(a) if isinstance(a, dict) else record_of(a)
            if rec is not None and not rec.pinned:
                self.add(rec)


def record_of(actor) -> ActorRecord | None:
    """The book's record of a resolved story actor (``compare.actors.StoryActor``); None when it has no name."""
    if not actor.name:
        return None
    quotes = [{"article": aid, "start": q.start, "end": q.end} for aid, q in actor.quotes]
    return ActorRecord(actor.name, actor.type, actor.side, actor.title, sorted(set(actor.variants) - {actor.name}),
                       {t: sorted(set(ev)) for t, ev in actor.titles.items()}, pinned=actor.pinned, quotes=quotes)


# What this process has learned or loaded from a store (``remember`` / ``recall``); ActorBook.default() starts from it.
_LEARNED: list[ActorRecord] = []


def recall(store) -> int:
    """Load the actors a store keeps into this process's book; returns how many."""
    recs = [ActorRecord.from_dict(d) for d in store.iter_actors()]
    _LEARNED[:] = ActorBook(recs).records()
    return len(recs)


def remember(store, actors: Iterable) -> int:
    """Fold resolved story actors into this process's book and write the records that changed to the store;
    returns how many were written."""
    before = {r.name: r.to_dict() for r in _LEARNED}
    book = ActorBook(_LEARNED)
    book.learn(actors)
    _LEARNED[:] = book.records()
    changed = [d for d in (r.to_dict() for r in _LEARNED) if before.get(d["name"]) != d]
    store.upsert_actors(changed)
    return len(changed)
