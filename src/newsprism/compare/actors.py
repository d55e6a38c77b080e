"""Actor names matched across articles, and the side (country) an actor speaks for.

The nlp package owns name canonicalisation (``newsprism.nlp.actors``); compare uses it when importable and a small
equivalent otherwise, so compare and the report still work where spaCy is absent.
"""
from __future__ import annotations

import bisect
import re
import sys

from newsprism.bounded import lru_by_size, text_bytes

try:  # the nlp engineer's helpers: one notion of "same actor" across the project
    from newsprism.nlp.actors import canonical_key, same_actor  # noqa: F401
except Exception:  # pragma: no cover - exercised only without the nlp package
    _TITLES = frozenset("mr mrs ms dr the president vice premier secretary minister spokesman spokeswoman "
                        "senator gov governor prime chairman chief treasury commerce foreign state us".split())

    def canonical_key(name: str) -> str:
        words = re.sub(r"[^\w\s-]", " ", (name or "").lower().replace("’s", "").replace("'s", "")).split()
        while len(words) > 1 and words[0] in _TITLES:
            words.pop(0)
        return " ".join(words)

    def same_actor(a: str, b: str) -> bool:
        ka, kb = canonical_key(a).split(), canonical_key(b).split()
        if not ka or not kb:
            return False
        if ka == kb:
            return True
        short, long_ = sorted((ka, kb), key=len)
        return len(short) == 1 and short[0] in (long_[0], long_[-1])

try:
    from newsprism.nlp.lexicon import country_of
except Exception:  # pragma: no cover
    _C = {"us": "US", "u.s.": "US", "american": "US", "washington": "US", "united states": "US",
          "china": "China", "chinese": "China", "beijing": "China", "uk": "UK", "british": "UK",
          "russia": "Russia", "russian": "Russia", "moscow": "Russia"}

    def country_of(text: str) -> str | None:
        return _C.get(text.strip().lower().removesuffix("'s").removesuffix("’s"))


_WORDS = re.compile(r"[A-Za-z][A-Za-z.\-'’]*")


def side_of(*texts: str | None) -> str | None:
    """The country named in a speaker's affiliation, title or name ("US Treasury Secretary" -> "US")."""
    for text in texts:
        if not text:
            continue
        if country_of(text):
            return country_of(text)
        words = _WORDS.findall(text)
        # two-word names first ("United States", "South Korea"), then single words
        for i in range(len(words) - 1):
            c = country_of(f"{words[i]} {words[i + 1]}") or country_of(f"{words[i]}-{words[i + 1]}".lower())
            if c:
                return c
        for w in words:
            c = country_of(w.rstrip("."))
            if c:
                return c
    return None


class ActorIndex:
    """Groups names seen across a story's articles into actors; ``key(name)`` returns the actor's first name seen
    in its longest form, so "Bessent" and "Scott Bessent" share one key."""

    def __init__(self) -> None:
        self._names: list[str] = []  # representative (longest) name per actor
        self._cache: dict[str, int] = {}

    def add(self, name: str) -> int:
        if name in self._cache:
            return self._cache[name]
        for i, rep in enumerate(self._names):
            if canonical_key(rep) == canonical_key(name) or same_actor(rep, name):
                if len(canonical_key(name)) > len(canonical_key(rep)):
                    self._names[i] = name
                self._cache[name] = i
                return i
        self._names.append(name)
        self._cache[name] = len(self._names) - 1
        return len(self._names) - 1

    def name(self, i: int) -> str:
        return self._names[i]


# ----------------------------------------------------------------------------------------------------------------
# Story-level actor resolution: one actor per person or organisation across a story's articles.

from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from rapidfuzz import fuzz  # noqa: E402

from newsprism.knowledge import countries as _gaz  # noqa: E402
from newsprism.knowledge.places import city_country  # noqa: E402
from newsprism.knowledge.actors import ActorBook, _words_of, independent_role, is_media, side_of_org  # noqa: E402
from newsprism.nlp.lexicon import ORG_HEADS, TITLE_WORDS  # noqa: E402

_CONJ = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)")
_POSSESSOR = re.compile(r"^(.+?)['’]s\s+(.+)$")


@dataclass
class StoryActor:
    """One person or organisation across a story: the name it is shown under, the forms the texts use, its type
    by vote, its titles and sides with the evidence for each, and its quotes."""

    name: str
    type: str | None = None
    variants: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    titles: dict[str, list[str]] = field(default_factory=dict)  # title -> evidence (article ids)
    sides: Counter = field(default_factory=Counter)
    side_evidence: dict[str, list[str]] = field(default_factory=dict)
    quotes: list[tuple[str, object]] = field(default_factory=list)  # (article id, Quote)
    side: str | None = None
    title: str | None = None
    pinned: bool = False  # set by the user's file: wins over votes
    context: Counter = field(default_factory=Counter)  # countries named around its mentions (weak evidence)
    homes: Counter = field(default_factory=Counter)  # countries of the places around its mentions (residents only)

    def vote_side(self, side: str | None, evidence: str, weight: int = 1) -> None:
        if side:
            side = _gaz.canonical(side)
            self.sides[side] += weight
            self.side_evidence.setdefault(side, []).append(evidence)

    def settle(self) -> None:
        if self.types:
            self.type = self.types.most_common(1)[0][0]
        if not self.pinned:
            if self.sides:
                best = max(self.sides.items(), key=lambda kv: (kv[1], kv[0] != "independent"))
                self.side = best[0]
            if self.titles:
                self.title = max(self.titles.items(), key=lambda kv: (len(kv[1]), -len(kv[0])))[0]
        # the name shown: the most used full form (two words or more for people), longest on ties
        forms = [(n, c) for n, c in self.variants.items() if self.type != "PERSON" or len(n.split()) >= 2]
        if forms:
            self.name = max(forms, key=lambda nc: (nc[1], len(nc[0])))[0]


def _looks_personal(name: str) -> bool:
    """Two or three capitalised words with no organisation head noun ("Kamal Hyder", not "Foreign Ministry")."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        not any(w.lower() in ORG_HEADS or w.lower() in ("ministry", "office", "forces", "force") for w in words) and \
        not side_of(name) and not side_of_org(name)


def split_conjoined(name: str) -> list[str]:
    """ "Bessent, Greer" / "Bessent and Greer" -> two names; a single name comes back alone. Names of bodies with
    "and" inside ("Ministry of Commerce and Industry") are kept whole: only capitalised one- or two-word parts
    are split off."""
    parts = [p.strip() for p in _CONJ.split(name or "") if p and p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 3 or not all(w[:1].isupper() for w in p.split()) for p in parts):
        return [name]  # "Ministry of Commerce and Industry": "of" says one body's name
    if any(p.lower().split()[0] in ("ministry", "department", "office") for p in parts[1:]):
        return [name]
    return parts


def _person_words(name: str) -> list[str]:
    """A person's name words, with titles and organisation words in front dropped ("Treasury Scott Bessent")."""
    return canonical_key(name).split()


def _given_matches(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)) or \
        fuzz.ratio(a, b) >= 80


def same_person(a: list[str], b: list[str]) -> bool:
    """Surname plus fuzzy given name: "Jamison Greer" ~ "Jamieson Greer", "Ahmad Sharif" ~ "Ahmed Sharif
    Chaudhry" (the shorter's words match, in order, a run of the longer's), "Trump" ~ "Donald Trump"."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        return short[0] == long_[-1] or (len(long_) == 2 and short[0] == long_[0] and len(short[0]) <= 3)
    if short[-1] == long_[-1] or fuzz.ratio(short[-1], long_[-1]) >= 90:
        return _given_matches(short[0], long_[-len(short)]) or _given_matches(short[0], long_[0])
    for i in range(len(long_) - len(short) + 1):
        if all(_given_matches(x, y) for x, y in zip(short, long_[i:i + len(short)])):
            return True
    return False


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w not in ("of", "the", "and", "for", "on"))


def same_org(a: str, b: str) -> bool:
    """The same organisation: equal keys, an acronym of the other's name ("ISPR" ~ "Inter-Services Public
    Relations"), or names differing by a slip ("Internal Services Public Relations")."""
    ka, kb = canonical_key(a), canonical_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    wa, wb = ka.replace("-", " ").split(), kb.replace("-", " ").split()
    for x, y in ((wa, wb), (wb, wa)):
        if len(x) == 1 and len(y) >= 2 and x[0] == _acronym(y):
            return True
    return len(wa) >= 2 and len(wb) >= 2 and fuzz.ratio(ka, kb) >= 88


class StoryActors:
    """Resolves the speakers of a story's quotes into actors, votes their type, title and side over every mention,
    and writes the result back to each quote (``speaker_name``, ``speaker_title``, ``speaker_affiliation``,
    ``speaker_type``)."""

    def __init__(self, book: ActorBook | None = None) -> None:
        self.book = book if book is not None else ActorBook.default()
        self.actors: list[StoryActor] = []

    def find(self, name: str, type_: str | None) -> StoryActor | None:
        words = _words_of(name)  # the same names are asked about again and again: their words kept once per name
        for a in self.actors:
            t = a.type or (a.types.most_common(1)[0][0] if a.types else None)
            if type_ == "PERSON" and t == "PERSON":
                if any(same_person(words, _words_of(v)) for v in a.variants):
                    return a
            elif type_ is None and t is None:  # names no recogniser typed: either test
                if any(same_person(words, _words_of(v)) or same_org(name, v) for v in a.variants):
                    return a
            elif type_ != "PERSON" and t != "PERSON":
                if any(same_org(name, v) for v in a.variants):
                    return a
        return None

    def add(self, name: str, type_: str | None) -> StoryActor:
        a = self.find(name, type_)
        if a is None:
            a = StoryActor(name=name)
            self.actors.append(a)
        a.variants[name] += 1
        if type_:
            a.types[type_] += 1
        return a

    def resolve(self, arts, article_ids) -> list[StoryActor]:
        mentions = []  # (article id, quote, name, type)
        blanked: dict[str, str] = {}
        for aid in article_ids:
            art = arts[aid]
            ents = {e.id: e for e in art.entities}
            for q in art.quotes:
                if not q.speaker_name or q.speaker_type == "anonymous":
                    continue
                ent = ents.get(q.speaker_entity) if q.speaker_entity else None
                type_ = q.speaker_type or (ent.type if ent else None)
                if type_ == "anonymous":
                    continue
                for part in split_conjoined(q.speaker_name):
                    name, owner = part, None
                    m = _POSSESSOR.match(part)
                    if m and (type_ == "PERSON" or _looks_personal(m.group(2))):
                        # "Al Jazeera's Kamal Hyder": a person, and the possessor is their affiliation
                        owner, name, type_ = m.group(1), m.group(2), "PERSON"
                    mentions.append((aid, q, name, type_, ent, owner))
        # full names first, so that a surname joins the person it abbreviates; untyped names ("Hyder" the parser
        # did not recognise) only join an actor the story already has
        order = sorted(range(len(mentions)), key=lambda i: (mentions[i][3] is None,
                                                            -len(_words_of(mentions[i][2]))))
        placed: dict[int, StoryActor] = {}
        for i in order:
            aid, q, name, type_, ent, owner = mentions[i]
            if type_ is None:
                a = self.find(name, "PERSON") or self.find(name, "ORG")
                if a is not None:
                    a.variants[name] += 1
                    placed[i] = a
                    continue
            placed[i] = self.add(name, type_)
        for i, (aid, q, name, type_, ent, owner) in enumerate(mentions):
            a = placed.get(i)
            if a is None:
                continue
            a.quotes.append((aid, q))
            spans = list(ent.mentions) if ent is not None else []
            if q.speaker is not None:
                spans.append((q.speaker.start, q.speaker.end))
            if aid not in blanked:  # what speakers said is no evidence of whose side they are on
                blanked[aid] = _blank(arts[aid].text, [(x.start, x.end) for x in arts[aid].quotes])
            for s, e in set(spans):
                a.context.update(_countries_around(blanked[aid], s, e))
                home = _home_around(arts[aid].text, s, e)
                if home:
                    a.homes[home] += 2
            home = _dateline_country(arts[aid].text) or _article_place(blanked[aid])
            if home:
                a.homes[home] += 1
            title = q.speaker_title or (ent.title if ent else None)
            if title:
                a.titles.setdefault(title, []).append(aid)
            a.vote_side(q.speaker_affiliation or (ent.affiliation if ent else None) or side_of(title), aid, 2)
            if owner:
                if not is_media(owner):  # a reporter's outlet is not their side
                    a.vote_side(side_of(owner) or side_of_org(owner), aid)
                a.titles.setdefault(owner, []).append(aid)
        for a in self.actors:
            a.settle()
        # the stored actors every one of them may be are read from a store's book at once, not one lookup each
        self.book.prefetch([(list(a.variants) or [a.name], a.type) for a in self.actors])
        for a in self.actors:
            self.book.apply(a)
        self._sides_from_organisations()
        for a in self.actors:
            if a.side is None and a.type == "PERSON" and any(independent_role(t) for t in a.titles):
                a.side = "independent"
            if a.side is None and a.context:
                # last resort: the one country the sentences naming this actor speak of, when one clearly leads
                # ("India's briefing was led by Colonel X"); capitals and cities never count (venues)
                top = a.context.most_common(2)
                if len(top) == 1 or top[0][1] > top[1][1]:
                    a.side = top[0][0]
            if a.side is None and a.type == "PERSON" and not any(_official(t) for t in a.titles) and a.homes:
                # an ordinary person quoted where they live (no title, no organisation): the country of the place
                # the reporting is from (their sentence, the dateline, the article's places)
                a.side = a.homes.most_common(1)[0][0]
            for aid, q in a.quotes:
                q.speaker_name, q.speaker_type = a.name, a.type
                q.speaker_title = a.title or q.speaker_title
                q.speaker_affiliation = a.side
        return self.actors

    def _sides_from_organisations(self) -> None:
        """An organisation's side from its country (in its name, the knowledge base, or a person of the story who
        speaks for it); a person's side from the organisation in their title ("ISPR Director General")."""
        for a in self.actors:
            if a.side is None and a.type != "PERSON":
                a.side = side_of(a.name) or side_of_org(a.name) or next(
                    (side_of(v) or side_of_org(v) for v in a.variants if side_of(v) or side_of_org(v)), None)
        for _ in range(3):  # person -> organisation -> person: a few passes reach every link
            if not self._propagate():
                break

    def _propagate(self) -> bool:
        changed = False
        orgs = [a for a in self.actors if a.type != "PERSON" and a.side]
        for a in self.actors:
            if a.side is not None:
                continue
            for title in [*a.titles, *a.variants]:  # "ISPR Director General", "DG ISPR"
                if a.type != "PERSON" and title in a.variants and len(title.split()) < 2:
                    continue
                words = re.findall(r"[\w'’-]+", title)
                for o in orgs:
                    if o is a:
                        continue
                    if any(same_org(v, w) for v in o.variants for w in words if len(w) >= 3) or \
                            any(v in title for v in o.variants if len(v) >= 3):
                        a.side = o.side
                        changed = True
                        break
                if a.side:
                    break
        # an organisation is on the side of the people who speak for it ("ISPR" <- its director general)
        for o in self.actors:
            if o.side is not None or o.type == "PERSON":
                continue
            votes = Counter(p.side for p in self.actors if p.type == "PERSON" and p.side and
                            any(any(v in t for v in o.variants if len(v) >= 3) for t in p.titles))
            if votes:
                o.side = votes.most_common(1)[0][0]
                changed = True
        return changed


_SENT_END = re.compile(r"(?<!\b[A-Z])[.!?](?=\s+[A-Z\"“‘'])|\n")  # "U.S. envoy" does not end a sentence
_QUOTED = re.compile(r"[\"“«][^\"”»]*[\"”»]")
_CAP_WORDS = re.compile(r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?")


_POSSESSIVE = re.compile(r"^[’']s\b")


# The look-ups below read one article's text around one mention; they do not depend on the story, and an article is
# compared again each time its story grows (within a run, the next chunk's): memoised, they are read once per text.
# An entry keeps its text alive, so the memos are bounded by bytes (``bounded.lru_by_size``), each text counted in
# full in every entry that holds it (shared between a text's mentions, so this overcounts): a stream of long
# articles cannot fill a worker with texts the way 32,768 entries could.
_MENTIONS_BYTES = 32 * 2**20  # mention look-ups: some 6,000 mentions of 5 KB texts
_TEXTS_BYTES = 16 * 2**20  # whole-text look-ups: some 3,000 texts of 5 KB
_ENTRY = 200  # an entry's key, result and LRU node beyond its text


def _text_cost(args: tuple, _result: object) -> int:
    return text_bytes(*args) + _ENTRY


def _ends_cost(args: tuple, result: tuple[list[int], ...]) -> int:
    return text_bytes(*args) + sum(sys.getsizeof(v) + 32 * len(v) for v in result) + _ENTRY


@lru_by_size(_MENTIONS_BYTES, _text_cost)
def _countries_around(text: str, s: int, e: int) -> tuple[str, ...]:
    """Countries written as a possessor or an adjective ("India's briefing", "Pakistani officials") in the sentence
    around [s, e), outside quotation marks and the mention itself. A country named as a place ("due to visit
    China", "talks in Spain") says where, not whose, and is not counted; capitals never are."""
    a, b = _sentence(text, s, e)
    sent = text[a:s] + " " + text[e:b]
    sent = _QUOTED.sub(" ", sent)
    out = []
    for m in _CAP_WORDS.finditer(sent):
        w = m.group(0)
        for form in ([w] if len(w.split()) == 2 else []) + w.split():
            c = _gaz.country_of(form.rstrip(".,"))
            if not c:
                continue
            bare = form.rstrip(".,").replace("’", "'")
            possessive = bare.endswith("'s") or bool(_POSSESSIVE.match(sent[m.end():]))
            demonym = _gaz.country_of(bare) and bare.lower() not in (c.lower(), c.lower() + "'s") and \
                not bare.isupper() and "." not in bare
            if possessive or demonym:
                out.append(c)
                break
    return tuple(out)


def _official(title: str) -> bool:
    """Whether a title is an office ("Defence Minister", "ISPR spokesman"), not a private role ("a doctor at a
    nearby hospital", "52-year-old mother")."""
    words = re.findall(r"[a-z.]+", title.lower())
    return any(w in TITLE_WORDS or w.rstrip(".") in TITLE_WORDS or w in ORG_HEADS for w in words) or \
        bool(re.search(r"\b[A-Z]{2,}\b", title))


def _blank(text: str, ranges) -> str:
    chars = list(text)
    for s, e in ranges:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _sentence(text: str, s: int, e: int) -> tuple[int, int]:
    """The bounds of the sentence around [s, e): after the last sentence end found in ``text[:s]`` (as if the text
    stopped at s), up to the first one at or after e. Looked up in the text's sentence ends, found once per text:
    scanning from the start for every mention made long stories quadratic."""
    starts, needs, best = _sentence_ends(text)
    k = bisect.bisect_left(needs, s)  # ends whose match (lookahead included) lies wholly before s
    a = best[k - 1] if k else 0
    j = bisect.bisect_left(starts, e)
    return a, (starts[j] if j < len(starts) else len(text))


@lru_by_size(_TEXTS_BYTES, _ends_cost)
def _sentence_ends(text: str) -> tuple[list[int], list[int], list[int]]:
    """Every ``_SENT_END`` match of ``text``: their starts in order; and, sorted by the last character each match
    reads (a period reads ahead to the capital that follows it), that position and the largest end so far."""
    starts, reads = [], []
    for m in _SENT_END.finditer(text):
        starts.append(m.start())
        if m.group(0) == "\n":
            reads.append((m.start(), m.end()))
        else:  # the lookahead's last character: the first non-space after the period
            k = m.end()
            while text[k].isspace():
                k += 1
            reads.append((k, m.end()))
    reads.sort()
    needs, best, top = [], [], 0
    for need, end in reads:
        top = max(top, end)
        needs.append(need)
        best.append(top)
    return starts, needs, best


_PLACE_AFTER = re.compile(r"\b(?:in|near|from|of|at)\s+((?:[A-Z][\w’'-]+)(?:\s+[A-Z][\w’'-]+)?)")
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'’-]{2,40})(?:,\s*([A-Z][\w .'’-]{2,40}?))?\s*(?:\(\w+\))?\s*[:—–]", re.M)


def _place_country(name: str) -> str | None:
    name = name.strip(" ,.")
    return _gaz.country_of(name) or city_country(name) or city_country(name.split()[0])


@lru_by_size(_MENTIONS_BYTES, _text_cost)
def _home_around(text: str, s: int, e: int) -> str | None:
    """The country of a place written "in/near/from X" in the sentence of a mention ("In Bahawalpur, X said")."""
    a, b = _sentence(text, s, e)
    for m in _PLACE_AFTER.finditer(text[a:b]):
        c = _place_country(m.group(1))
        if c:
            return c
    m = re.match(r"\s*In\s+([A-Z][\w’'-]+)", text[a:b])
    return _place_country(m.group(1)) if m else None


@lru_by_size(_TEXTS_BYTES, _text_cost)
def _dateline_country(text: str) -> str | None:
    """The country of a dateline ("BAHAWALPUR, Pakistan: ...", "ISLAMABAD: ...") among the first lines."""
    for m in _DATELINE.finditer(text[:600]):
        c = (_gaz.country_of(m.group(2)) if m.group(2) else None) or _place_country(m.group(1).title())
        if c:
            return c
    return None


@lru_by_size(_TEXTS_BYTES, _text_cost)
def _article_place(text: str) -> str | None:
    """The country most of an article's "in X" places belong to, when one clearly leads."""
    votes = Counter(c for m in _PLACE_AFTER.finditer(text) if (c := _place_country(m.group(1))))
    top = votes.most_common(2)
    if top and (len(top) == 1 or top[0][1] > top[1][1]):
        return top[0][0]
    return None
