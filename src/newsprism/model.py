"""The typed records that flow through newsprism.

Everything an extractor finds is a character span into ``Article.text``; the loose strings kept beside a span
(``text``, ``name``) are copies for convenience and always equal ``article.text[start:end]`` where they are spans.
``Article.to_record()`` produces exactly the ``articles.jsonl`` contract of DESIGN.md (extra keys may be added,
none renamed).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Span | None:
        return None if d is None else cls(int(d["start"]), int(d["end"]), d["text"])


@dataclass(slots=True)
class Entity:
    """An actor, place or thing, canonicalised within the article; ``mentions`` are [start, end) offsets."""

    id: str
    name: str
    type: str  # PERSON, ORG, GPE, NORP, LOC, ...
    title: str | None = None
    affiliation: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "title": self.title,
                "affiliation": self.affiliation, "mentions": [list(m) for m in self.mentions]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(d["id"], d["name"], d["type"], d.get("title"), d.get("affiliation"),
                   [tuple(m) for m in d.get("mentions", [])])


@dataclass(slots=True)
class Quote:
    """Reported speech. ``kind`` is ``direct``, ``indirect`` or ``mixed``; ``act`` is what the cue reports:
    ``speech`` (said, told, according to), ``belief`` (believe, expect), ``intention`` (aim, seek) or ``action``
    (allow, ensure); only speech counts as a voice. ``speaker_type`` is the speaker's kind: PERSON, ORG, GPE (a
    government named by its country or capital), ``anonymous`` (an unnamed source kept with its description,
    "a senior official") or None when the speaker is unknown."""

    start: int
    end: int
    text: str
    kind: str = "direct"
    cue: Span | None = None
    speaker: Span | None = None
    speaker_name: str | None = None
    speaker_title: str | None = None
    speaker_entity: str | None = None
    speaker_affiliation: str | None = None
    act: str = "speech"
    speaker_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind, "act": self.act,
                "cue": self.cue.to_dict() if self.cue else None,
                "speaker": self.speaker.to_dict() if self.speaker else None,
                "speaker_name": self.speaker_name, "speaker_title": self.speaker_title,
                "speaker_entity": self.speaker_entity, "speaker_affiliation": self.speaker_affiliation,
                "speaker_type": self.speaker_type}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        return cls(d["start"], d["end"], d["text"], d.get("kind", "direct"), Span.from_dict(d.get("cue")),
                   Span.from_dict(d.get("speaker")), d.get("speaker_name"), d.get("speaker_title"),
                   d.get("speaker_entity"), d.get("speaker_affiliation"), d.get("act", "speech"),
                   d.get("speaker_type"))


@dataclass(slots=True)
class Claim:
    """A checkable statement: a number, money, percentage, duration, date, place or commitment."""

    start: int
    end: int
    text: str
    kind: str
    value: Any = None
    unit: str | None = None
    normalized: Any = None
    about: str | None = None
    sentence: tuple[int, int] | None = None
    # what the value is a value of, read from the parse: {"predicate", "head", "negated", "attributed_to"}
    slot: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind, "value": self.value,
                "unit": self.unit, "normalized": self.normalized, "about": self.about,
                "sentence": list(self.sentence) if self.sentence else None, "slot": self.slot}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        s = d.get("sentence")
        return cls(d["start"], d["end"], d["text"], d["kind"], d.get("value"), d.get("unit"), d.get("normalized"),
                   d.get("about"), tuple(s) if s else None, d.get("slot"))


@dataclass(slots=True)
class Removal:
    """Something the cleaner took out of the text, so a user can audit it."""

    what: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "why": self.why}


@dataclass(slots=True)
class Article:
    id: str
    source: str = ""  # file path, URL or "file.jsonl#line" the article came from
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    language: str | None = None
    author: str | None = None
    credit: str | None = None  # wire credit line kept as metadata: "MENAFN", "AP", ...
    raw: str | None = None  # the input as read (HTML or text), before cleaning
    raw_kind: str = "text"  # "html" or "text"
    verbatim: bool = False
    text: str = ""
    content_hash: str = ""
    duplicate_of: str | None = None
    duplicate_kind: str | None = None  # exact, near, contained, syndicated
    syndication_group: str | None = None  # id of the group of copies of one text across outlets
    story: str | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_record(self) -> dict[str, Any]:
        """The articles.jsonl record (DESIGN.md contract)."""
        return {"id": self.id, "url": self.url, "outlet": self.outlet, "title": self.title,
                "published": self.published, "language": self.language, "text": self.text,
                "duplicate_of": self.duplicate_of, "duplicate_kind": self.duplicate_kind, "story": self.story,
                "entities": [e.to_dict() for e in self.entities], "quotes": [q.to_dict() for q in self.quotes],
                "claims": [c.to_dict() for c in self.claims], "errors": list(self.errors),
                "author": self.author, "credit": self.credit, "source": self.source,
                "content_hash": self.content_hash, "syndication_group": self.syndication_group,
                "removals": [r.to_dict() for r in self.removals]}

    @classmethod
    def from_record(cls, d: dict[str, Any]) -> Article:
        return cls(id=d["id"], source=d.get("source", ""), url=d.get("url"), outlet=d.get("outlet"),
                   title=d.get("title"), published=d.get("published"), language=d.get("language"),
                   author=d.get("author"), credit=d.get("credit"), text=d.get("text") or "",
                   content_hash=d.get("content_hash", ""), duplicate_of=d.get("duplicate_of"),
                   duplicate_kind=d.get("duplicate_kind"), syndication_group=d.get("syndication_group"),
                   story=d.get("story"),
                   entities=[Entity.from_dict(e) for e in d.get("entities", [])],
                   quotes=[Quote.from_dict(q) for q in d.get("quotes", [])],
                   claims=[Claim.from_dict(c) for c in d.get("claims", [])],
                   removals=[Removal(**r) for r in d.get("removals", [])], errors=list(d.get("errors", [])))


@dataclass(slots=True)
class TimelineEntry:
    """What was new in a story on one day (or one burst of articles)."""

    date: str | None
    articles: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # fact ids first reported then
    quotes: list[dict[str, Any]] = field(default_factory=list)  # {"article","start","end","text","speaker_name"}

    def to_dict(self) -> dict[str, Any]:
        # by hand, not ``asdict``: its deep copy of every quote was a third of writing a run's stories
        return {"date": self.date, "articles": list(self.articles), "facts": list(self.facts),
                "quotes": [dict(q) for q in self.quotes]}


@dataclass(slots=True)
class Story:
    id: str
    title: str = ""
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    first_published: str | None = None
    last_published: str | None = None
    actors: list[dict[str, Any]] = field(default_factory=list)  # {"name","type","title","affiliation","articles"}
    timeline: list[TimelineEntry] = field(default_factory=list)
    syndication: list[dict[str, Any]] = field(default_factory=list)  # {"origin","copies":[{"article","kind"}]}
    comparison: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The stories.jsonl record (DESIGN.md contract)."""
        return {"story": self.id, "title": self.title, "articles": list(self.articles), "outlets": list(self.outlets),
                "first_published": self.first_published, "last_published": self.last_published,
                "actors": self.actors, "timeline": [t.to_dict() for t in self.timeline],
                "syndication": self.syndication, "comparison": self.comparison}

    @classmethod
    def from_record(cls, d: dict[str, Any]) -> Story:
        return cls(id=d["story"], title=d.get("title", ""), articles=list(d.get("articles", [])),
                   outlets=list(d.get("outlets", [])), first_published=d.get("first_published"),
                   last_published=d.get("last_published"), actors=list(d.get("actors", [])),
                   timeline=[TimelineEntry(**t) for t in d.get("timeline", [])],
                   syndication=list(d.get("syndication", [])), comparison=dict(d.get("comparison", {})))


def content_hash(data: str | bytes) -> str:
    """Stable key of an input's content: re-running the same input finds the same key."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()
