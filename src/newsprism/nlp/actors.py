"""Actors: people, organisations and countries, canonicalised within an article, with title and side.

The small English model misses many names (it does not tag "He Lifeng" at all), so person mentions come from three
places: spaCy's PERSON entities, capitalised words written after a title ("Vice-Premier He", "Secretary Bessent"), and
later uses of any part of a full name seen before ("Li" after "Li Chenggang"). Organisations are spaCy's ORG
entities, widened to a possessive country in front ("China's Commerce Ministry"), and picked up again by definite
descriptions ("the ministry").

``same_actor`` and ``canonical_key`` are pure helpers for matching names across articles.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.attrs import IDX
from spacy.language import Language
from spacy.util import registry
from spacy.tokens import Doc, Token

from newsprism.knowledge.countries import is_place_name
from newsprism.model import Entity
from newsprism.nlp.sentences import doc_text, lowers, sent_start
from newsprism.nlp.lexicon import (MONTHS, ORG_HEADS, PRONOUNS, STRONG_TITLES, TITLE_WORDS, WEEKDAYS,
                                   country_of)

ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC")

# ----------------------------------------------------------------------------------------------------------------
# Pure name helpers (no spaCy)

_PUNCT = re.compile(r"[^\w\s-]")
_POSS = re.compile(r"['’]s\b")


def _norm_words(name: str) -> list[str]:
    return list(_norm_words_cached(name or ""))


@lru_cache(maxsize=65_536)  # the comparison normalises the same few thousand names over and over, pairwise
def _norm_words_cached(name: str) -> tuple[str, ...]:
    name = unicodedata.normalize("NFKC", name).replace("’", "'")
    name = _POSS.sub("", name)
    words = [w for w in _PUNCT.sub(" ", name.lower()).replace("-", " ").split() if w]
    # Titles and determiners in front are not part of the name ("US Treasury Secretary Scott Bessent").
    while len(words) > 1 and (words[0] in TITLE_WORDS or words[0] in {"the", "a", "an", "former", "vice", "deputy"}
                              or words[0].rstrip(".") in TITLE_WORDS or country_of(words[0])
                              or words[0] in {"treasury", "state", "foreign", "defense", "commerce", "trade",
                                              "prime", "general", "attorney", "white", "house", "us", "u", "s"}
                              and any(w in TITLE_WORDS for w in words[1:])):
        words.pop(0)
    return tuple(words)


def canonical_key(name: str) -> str:
    """A normalised key for a name: lower case, no punctuation, no titles or articles in front.

    >>> canonical_key("US Treasury Secretary Scott Bessent")
    'scott bessent'
    """
    return " ".join(_norm_words_cached(name or ""))


def same_actor(name_a: str, name_b: str) -> bool:
    """Whether two written names plausibly denote the same actor ("Scott Bessent" ~ "Bessent" ~ "Mr. Bessent")."""
    a, b = _norm_words(name_a), _norm_words(name_b)
    if not a or not b:
        return False
    # a pronoun-looking word is a surname when a title stood before it ("Vice-Premier He")
    titled = {id(a): len(_PUNCT.sub(" ", name_a).split()) > len(a), id(b): len(_PUNCT.sub(" ", name_b).split()) > len(b)}
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        w = short[0]
        if country_of(w) or (w in PRONOUNS and not titled[id(short)]):
            return False
        # a surname alone: last word in Western order, first word in Chinese/Korean order ("Li" ~ "Li Chenggang")
        return w == long_[-1] or (len(long_) == 2 and w == long_[0])
    if short[-1] != long_[-1]:
        return fuzz.ratio(" ".join(a), " ".join(b)) >= 92
    # same last word: first words agree, or one is an initial ("J. Smith" ~ "John Smith")
    f1, f2 = short[0], long_[0]
    return f1 == f2 or (len(f1) == 1 and f2.startswith(f1)) or (len(f2) == 1 and f1.startswith(f2)) or \
        set(short) <= set(long_)


# ----------------------------------------------------------------------------------------------------------------
# The spaCy component


@dataclass
class _Actor:
    type: str
    name: str
    words: list[str]
    mentions: list[tuple[int, int]] = field(default_factory=list)  # token [start, end)
    title: str | None = None
    affiliation: str | None = None


def _is_title_token(t: Token) -> bool:
    return t.lower_ in TITLE_WORDS or t.lower_.rstrip(".") in TITLE_WORDS


def _capitalised(t: Token) -> bool:
    return bool(t.text) and t.text[0].isupper() and (t.is_alpha or "'" in t.text or "’" in t.text or
                                                     t.text.endswith(".") and len(t.text) <= 3)


def _name_token(t: Token, after_title: bool) -> bool:
    if not _capitalised(t) or _is_title_token(t):
        return False
    low = t.lower_
    if low in MONTHS or low in WEEKDAYS or country_of(low):
        return False
    if t.ent_type_ in ("GPE", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"):
        return False
    if low in PRONOUNS:
        # "He" is a surname right after a strong title ("Vice-Premier He") and mid-sentence when capitalised
        return after_title
    return t.pos_ in ("PROPN", "NOUN", "ADJ", "X") or t.ent_type_ == "PERSON"


def _one_line(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """A name never runs over a line break ("Khawaja Asif\nAround midnight"): the first line's part of a span."""
    for i in range(s, e):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            return s, (i if "\n" in doc[i].text else i + 1)
    return s, e


def _person_spans(doc: Doc) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            s, e = _one_line(doc, ent.start, ent.end)
            while s < e and (_is_title_token(doc[s]) or doc[s].is_punct):
                s += 1
            while e > s and (doc[e - 1].is_punct or doc[e - 1].lower_ in ("'s", "’s")):
                e -= 1
            if s < e and not all(w.lower_ in PRONOUNS for w in doc[s:e]) and not is_place_name(doc[s:e].text):
                spans.append((s, e))  # the small model tags some countries as people ("Sri Lanka said")
    for t in (doc[i] for i, w in enumerate(lowers(doc)) if w in TITLE_WORDS or w.rstrip(".") in TITLE_WORDS):
        strong = t.lower_.rstrip(".") in STRONG_TITLES or t.lower_ in STRONG_TITLES
        j = t.i + 1
        # "Vice-Premier": the title continues over a hyphen and further title words
        while j < len(doc) and (doc[j].text in ("-", "–") or _is_title_token(doc[j])):
            j += 1
        k = j
        while k < len(doc) and k - j < 3 and _name_token(doc[k], after_title=strong and k == j):
            k += 1
        if k > j and doc[k - 1].lower_ not in PRONOUNS:
            spans.append((j, k))
        elif k == j + 1 and strong:
            spans.append((j, k))
    # longest first, drop overlaps
    spans.sort(key=lambda se: (-(se[1] - se[0]), se[0]))
    taken: set[int] = set()
    out = []
    for s, e in spans:
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e))
    return sorted(out)


def _org_span(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Widen an ORG entity over a possessive country in front ("China's Commerce Ministry")."""
    if s >= 2 and doc[s - 1].lower_ in ("'s", "’s") and country_of(doc[s - 2].text):
        s -= 2
    elif s >= 3 and doc[s - 1].lower_ in ("'s", "’s") and doc[s - 2].ent_type_ == "GPE":
        s = doc[s - 2].ent.start if hasattr(doc[s - 2], "ent") else s - 2
    if doc[s].lower_ == "the":
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].lower_ in ("'s", "’s")):
        e -= 1
    return s, e


def _text(doc: Doc, s: int, e: int) -> str:
    return doc[s:e].text if e > s else ""


def _title_before(doc: Doc, s: int) -> tuple[int, int] | None:
    """Token range of a title written in front of a name: "Chinese Vice-Premier", "US Treasury Secretary"."""
    i = s - 1
    has_title = False
    while i >= 0:
        t = doc[i]
        if _is_title_token(t):
            has_title = True
        elif t.text in ("-", "–") or t.lower_ in ("'s", "’s") or t.lower_ in ("former", "then", "acting", "deputy",
                                                                            "vice", "assistant", "top"):
            pass
        elif t.text[:1].isupper() and t.pos_ in ("PROPN", "ADJ", "NOUN") and t.i >= sent_start(t) and \
                t.ent_type_ != "PERSON" and (t.lower_ not in PRONOUNS or country_of(t.text)):
            pass
        else:
            break
        if t.i == sent_start(t):
            i -= 1
            break
        i -= 1
    start = i + 1
    while start < s and not _is_title_token(doc[start]) and not has_title:
        start += 1
    return (start, s) if has_title and start < s else None


_REL_TITLE = re.compile(r"^,\s+(?:who\s+(?:is|was|has been|had been)\s+(?:also\s+|now\s+|currently\s+)?)"
                        r"([^,;.]{3,120}?)\s*,")
_APPOS_DET = ("the", "a", "an")


def _is_role_phrase(phrase: str) -> bool:
    """A noun phrase naming a role: it holds a title word or an organisation's head noun, and no verb clause
    ("to visit", "set to meet", "expected to")."""
    words = [w.lower().strip("'’") for w in re.findall(r"[\w'’.]+", phrase)]  # "vice-minister": two words
    if not words or "to" in words or words[0] in ("in", "at", "on", "set", "due", "expected", "scheduled", "about",
                                                    "going", "among", "not", "also"):
        return False
    return any(w in TITLE_WORDS or w.rstrip(".") in TITLE_WORDS or w in ORG_HEADS for w in words)


def _title_after(doc: Doc, s: int, e: int) -> str | None:
    """An appositive or a "who is" clause right after a name, as written."""
    if e >= len(doc) or doc[e].text != ",":
        return None
    rest = doc_text(doc)[doc[e].idx: doc[e].idx + 200]
    m = _REL_TITLE.match(rest)
    if m:
        # "who is also vice-minister of commerce" names a role; "who is due to visit China" or "who was in
        # Beijing last week" does not, and must not lend its country as a side
        phrase = m.group(1).strip()
        return phrase if _is_role_phrase(phrase) else None
    head = doc[s:e].root
    for child in head.children:
        if child.dep_ == "appos" and child.i >= e:
            sub = list(child.subtree)
            a, b = sub[0].i, sub[-1].i + 1
            while b > a and doc[b - 1].is_punct:
                b -= 1
            if b - a > 25 or any(doc[k].pos_ == "VERB" and doc[k].dep_ in ("ROOT", "ccomp") for k in range(a, b)):
                return None
            return _text(doc, a, b)
    return None


def _split_side(title: str) -> tuple[str, str | None]:
    """Split a leading country off a title: "China's international trade representative" -> (title, "China")."""
    words = title.replace("’", "'").split()
    side = None
    i = 0
    while i < len(words):
        w = words[i]
        if w.lower() in _APPOS_DET:
            i += 1
            continue
        c = country_of(w)
        if c:
            side = side or c
            i += 1
            continue
        break
    rest = " ".join(title.split()[i:]) if side else title
    return (rest or title), side


def _side_in(text: str) -> str | None:
    for w in re.findall(r"[A-Za-z][A-Za-z.'’]*", text):
        c = country_of(w)
        if c:
            return c
    # multi-word countries
    low = text.lower()
    for name in ("united states", "united kingdom", "north korea", "south korea", "saudi arabia",
                 "european union", "south africa", "new zealand"):
        if name in low:
            return country_of(name)
    return None


def find_actors(doc: Doc) -> list[Entity]:
    actors: list[_Actor] = []
    taken: set[int] = set()

    def add(type_: str, s: int, e: int) -> None:
        taken.update(range(s, e))
        name = _text(doc, s, e)
        words = _norm_words(name) if type_ == "PERSON" else [w for w in canonical_key(name).split()]
        if not words:
            return
        if type_ in ("GPE", "NORP"):
            c = country_of(name)
            key = [c.lower()] if c else words
            for a in actors:
                if a.type in ("GPE", "NORP") and a.words == key:
                    a.mentions.append((s, e))
                    return
            actors.append(_Actor("GPE" if c and type_ == "NORP" and False else type_, c or name, key, [(s, e)]))
            return
        best = None
        for a in reversed(actors):
            if a.type != type_:
                continue
            if a.words == words or (type_ == "PERSON" and same_actor(" ".join(a.words), " ".join(words))) or \
                    (type_ != "PERSON" and (a.words[-len(words):] == words or words[-len(a.words):] == a.words)):
                best = a
                break
        if best is None:
            actors.append(_Actor(type_, name, words, [(s, e)]))
        else:
            best.mentions.append((s, e))
            if len(words) > len(best.words):
                best.name, best.words = name, words

    persons = _person_spans(doc)
    # Full names first so that surnames seen before the full name still join it.
    full = [(s, e) for s, e in persons if e - s >= 2]
    for s, e in full:
        add("PERSON", s, e)
    name_parts = {w for a in actors for w in a.words}
    singles = [(s, e) for s, e in persons if e - s == 1]
    single_at = {s for s, _ in singles}  # one-token spans: a set, not a scan of the list for every token
    for t in (doc[i] for i, w in enumerate(lowers(doc)) if w in name_parts):
        if t.i in taken or t.i in single_at:
            continue
        if _capitalised(t) and t.lower_ not in PRONOUNS and \
                t.ent_type_ not in ("GPE", "NORP", "ORG", "DATE") and t.pos_ == "PROPN":
            singles.append((t.i, t.i + 1))
            single_at.add(t.i)
    for s, e in sorted(singles):
        if s in taken:
            continue
        w = doc[s].lower_
        cands = [a for a in actors if a.type == "PERSON" and len(a.words) >= 2 and w in (a.words[0], a.words[-1])]
        if cands:
            # nearest full name mentioned before, else the first one after
            before = [a for a in cands if a.mentions[0][0] < s]
            a = max(before, key=lambda a: max(m[0] for m in a.mentions if m[0] < s)) if before else cands[0]
            a.mentions.append((s, e))
            taken.add(s)
        else:
            add("PERSON", s, e)

    for ent in doc.ents:
        if ent.label_ not in ("ORG", "GPE", "NORP", "LOC") or any(i in taken for i in range(ent.start, ent.end)):
            continue
        # the small model tags some surnames as organisations or places ("Bessent said", "Lutnick told"): a name
        # the article gives a person, and no place the gazetteer knows, is that person
        person = _person_named(actors, ent.text) if not is_place_name(ent.text) else None
        if person is not None:
            person.mentions.append((ent.start, ent.end))
            taken.update(range(ent.start, ent.end))
            continue
        if ent.label_ == "ORG":
            s, e = _org_span(doc, *_one_line(doc, ent.start, ent.end))
            if s < e and not any(i in taken for i in range(s, e)):
                add("ORG", s, e)
        else:
            s, e = _one_line(doc, ent.start, ent.end)
            while s < e and doc[s].lower_ == "the":
                s += 1
            while e > s and (doc[e - 1].is_punct or doc[e - 1].lower_ in ("'s", "’s")):
                e -= 1
            if s < e:
                add(ent.label_, s, e)

    # "the ministry" / "the department": the most recent organisation whose name has that head noun
    orgs = [a for a in actors if a.type == "ORG"]
    low = lowers(doc)
    for t in (doc[i] for i, w in enumerate(low) if w in ORG_HEADS and i > 0 and low[i - 1] == "the"):
        if t.i not in taken and t.text.islower():
            best, best_pos = None, -1
            for a in orgs:
                if t.lower_ in a.words or (t.lower_ + "s") in a.words:
                    pos = max((m[0] for m in a.mentions if m[0] < t.i), default=-1)
                    if pos > best_pos:
                        best, best_pos = a, pos
            if best is not None:
                best.mentions.append((t.i - 1, t.i + 1))
                taken.update((t.i - 1, t.i))

    # titles and sides
    for a in actors:
        a.mentions.sort()
        if a.type == "PERSON":
            for s, e in a.mentions:
                before = _title_before(doc, s)
                after = _title_after(doc, s, e) or _title_after_text(doc, e)
                if a.title is None and after and _is_role_phrase(after):
                    a.title, side = _split_side(after)
                    a.affiliation = a.affiliation or side or _side_in(after) or _org_in(doc, after)
                if before:
                    pre = _text(doc, *before)
                    title, side = _split_side(pre)
                    if a.title is None or (len(title) > len(a.title) and not after):
                        a.title = a.title or title
                    a.affiliation = a.affiliation or side or _side_in(pre)
                if a.title and a.affiliation:
                    break
        elif a.type == "ORG":
            for s, e in a.mentions:
                # the country in its name, or written as its possessor or adjective ("Pakistan's Foreign Affairs
                # Ministry", "the Indian Air Force")
                side = _side_in(_text(doc, s, e)) or _side_in_front(doc, s)
                if side:
                    a.affiliation = side
                    break
        else:
            # a place is a side only when the gazetteer knows it as a country, capital or international body:
            # a city, a region or a mis-tagged surname is no side
            a.affiliation = country_of(a.name)

    out = []
    for n, a in enumerate(actors, 1):
        mentions = sorted({(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in a.mentions})
        out.append(Entity(id=f"e{n}", name=a.name, type=a.type, title=a.title, affiliation=a.affiliation,
                          mentions=mentions))
    return out


def _side_in_front(doc: Doc, s: int) -> str | None:
    """A country written right before a mention, as possessor or adjective: "Pakistan's ...", "Indian ..."."""
    i = s - 1
    if i >= 0 and doc[i].lower_ in ("'s", "’s"):
        i -= 1
    if i >= 0 and doc[i].text[:1].isupper():
        return country_of(doc[i].text) if not _is_title_token(doc[i]) else None
    return None


def _title_after_text(doc: Doc, e: int) -> str | None:
    """", UAE Deputy Prime Minister and Minister of Foreign Affairs, said": a title phrase written between commas
    after a name, when the parser gave no appositive."""
    if e >= len(doc) or doc[e].text != ",":
        return None
    m = re.match(r",\s+((?:the\s+|a\s+)?[A-Z][^,;.\n]{2,100}?)\s*[,.;]", doc_text(doc)[doc[e].idx: doc[e].idx + 160])
    if not m:
        return None
    words = m.group(1).split()
    if len(words) > 12 or not any(w.lower().rstrip(".") in TITLE_WORDS for w in words):
        return None
    return m.group(1).strip()


def _person_named(actors: list[_Actor], name: str) -> _Actor | None:
    """The person an ORG-tagged name really is: the small model tags some surnames as ORG ("Bessent said")."""
    words = _norm_words(name)
    if not words or len(words) > 3:
        return None
    for a in actors:
        if a.type == "PERSON" and len(a.words) >= 2 and (words == a.words or (len(words) == 1 and
                                                                              words[0] == a.words[-1])):
            return a
    return None


def _org_in(doc: Doc, text: str) -> str | None:
    for ent in doc.ents:
        if ent.label_ == "ORG" and ent.text in text:
            return ent.text.removeprefix("the ")
    return None


def mention_index(doc: Doc) -> dict[int, tuple[str, tuple[int, int]]]:
    """Token index -> (entity id, mention char span), for every token inside an actor mention."""
    idx: dict[int, tuple[str, tuple[int, int]]] = {}
    ents = doc._.actors or []
    if not ents:
        return idx
    char_to_tok = {c: i for i, c in enumerate(doc.to_array(IDX).tolist())}
    for ent in ents:
        for s, e in ent.mentions:
            i = char_to_tok.get(s)
            if i is None:
                continue
            while i < len(doc) and doc[i].idx < e:
                idx[i] = (ent.id, (s, e))
                i += 1
    return idx


if not Doc.has_extension("actors"):
    Doc.set_extension("actors", default=None)


@Language.factory("newsprism_actors_v1", assigns=["doc._.actors"], requires=["doc.ents", "token.dep"])
def make_actors(nlp: Language, name: str) -> ActorsComponent:
    return ActorsComponent()


class ActorsComponent:
    def __call__(self, doc: Doc) -> Doc:
        doc._.actors = find_actors(doc)
        return doc


# spaCy forbids dots in factory names; the versioned dotted name lives in the function registry, as spaCy's own do.
@registry.misc("newsprism.actors.v1")
def actors_component_v1() -> ActorsComponent:
    return ActorsComponent()
