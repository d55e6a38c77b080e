"""Sentence and clause units with offsets, and the word normalisation used to match statements across outlets.

No I/O and no model: the matching has to run on whatever the nlp stage left (which may be little), and be testable
alone. Offsets are always characters into the article text, so every unit can be shown as evidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and an opening
# capital, digit or quote; or at a line break. Abbreviations that commonly precede a capital are protected.
_ABBREV = {"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "st", "jr", "sr",
           "no", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "mt", "ft", "fig", "approx", "est"}
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n+")
# Clause breaks inside one sentence that usually join two separate pieces of information.
_CLAUSE = re.compile(r",\s+(?=(?:with|while|whereas|although|though|but|as well as|and (?:the|a|an|it|they|he|she)"
                     r"|which|after which)\b)|;\s+")
# A reported-speech complement hung on a clause by a participle ("..., saying that the attacks came from ...",
# "..., adding that ..."): what was said is a statement of its own, which other outlets report in a sentence alone.
_SPEECH = re.compile(r",\s+(?=(?:saying|adding|claiming|stating|insisting|noting|warning|alleging)\b)")


@dataclass(slots=True)
class Piece:
    start: int
    end: int
    text: str


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[Piece]:
    out: list[Piece] = []
    pos = 0
    for m in _END.finditer(text):
        cut = m.end() if m.group().strip() else m.start()
        if m.group().startswith("."):
            word = re.search(r"([\w.]+)$", text[pos:m.start()])
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
        s, e = _strip(text, pos, cut)
        if e > s:
            out.append(Piece(s, e, text[s:e]))
        pos = m.end()
    s, e = _strip(text, pos, len(text))
    if e > s:
        out.append(Piece(s, e, text[s:e]))
    return out


def clauses(text: str, sent: Piece, min_chars: int = 25, breaks: re.Pattern = _CLAUSE) -> list[Piece]:
    """Split a sentence into clauses that carry separate information; tiny fragments stay with their neighbour."""
    cuts = [m for m in breaks.finditer(sent.text)]
    if not cuts:
        return [sent]
    bounds = [0]
    for m in cuts:
        if _inside_quote(sent.text, m.start()):
            continue
        if m.start() - bounds[-1] >= min_chars and len(sent.text) - m.end() >= min_chars:
            bounds.append(m.end())
    out = []
    for i, b in enumerate(bounds):
        e = bounds[i + 1] if i + 1 < len(bounds) else len(sent.text)
        s_abs, e_abs = _strip(text, sent.start + b, sent.start + e)
        # drop the trailing separator of a non-final clause
        while e_abs > s_abs and text[e_abs - 1] in ",;":
            e_abs -= 1
        if e_abs > s_abs:
            out.append(Piece(s_abs, e_abs, text[s_abs:e_abs]))
    return out


def speech_parts(text: str, piece: Piece, min_chars: int = 25) -> list[Piece]:
    """A clause cut before a participle of saying that opens a reported statement (``_SPEECH``), outside
    quotations; both parts keep at least ``min_chars``."""
    return clauses(text, piece, min_chars, _SPEECH)


def _inside_quote(s: str, i: int) -> bool:
    before = s[:i]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


STOP = frozenset("""a an the and or but if then than that this these those there here of in on at to for from by with
without about as into onto over under after before during since until while is are was were be been being am do does
did done has have had having it its it's he she they them their his her him we us our you your i me my not no nor so
also very just more most less least such can could will would shall should may might must which who whom whose what
when where why how all any both each few other some own same too only up down out off again further once said says
say told tell according one ones s t""".split())

# Words news outlets use interchangeably for the same thing; mapped to one concept so lexical matching sees them.
# General news vocabulary only: countries, capitals and demonyms come from the gazetteer (``_place_concept``).
_CONCEPTS = {
    "talk": "talk", "negotiation": "talk", "negoti": "talk", "negotiator": "talk", "negotiate": "talk", "discussion": "talk", "discus": "talk",
    "meeting": "talk", "meet": "talk", "summit": "talk", "dialogue": "talk", "consultation": "talk",
    "lead": "lead", "led": "lead", "head": "lead", "chair": "lead",
    "deal": "agreement", "agreement": "agreement", "accord": "agreement", "pact": "agreement", "treaty": "agreement",
    "consensu": "agreement", "framework": "agreement",
    "kill": "kill", "dead": "kill", "death": "kill", "die": "kill", "fatal": "kill", "slain": "kill", "slay": "kill",
    "martyr": "kill", "martyrdom": "kill", "fatality": "kill", "fataliti": "kill", "toll": "kill",
    "injur": "injure", "injury": "injure", "wound": "injure", "hurt": "injure",
    "arrest": "arrest", "detain": "arrest", "custody": "arrest", "apprehend": "arrest",
    "quake": "earthquake", "earthquake": "earthquake", "tremor": "earthquake",
    "fire": "fire", "blaze": "fire", "inferno": "fire",
    "shoot": "shoot", "shot": "shoot", "gunman": "shoot", "gunfire": "shoot",
    # downing an aircraft, however it is phrased
    "shoot_down": "down", "bring_down": "down", "take_down": "down", "down": "down", "gun_down": "kill",
    "strike": "strike", "hit": "strike", "target": "strike", "bomb": "strike", "struck": "strike",
    "tariff": "tariff", "duty": "tariff", "levy": "tariff",
    "sign": "sign", "acquire": "buy", "buy": "buy", "purchase": "buy", "acquisition": "buy",
    "fire_": "dismiss", "sack": "dismiss", "dismis": "dismiss", "oust": "dismiss",
    # the counted things of news numbers, one concept each
    "people": "person", "person": "person", "civilian": "person", "citizen": "person", "individual": "person",
    "resident": "person",
    "aircraft": "aircraft", "plane": "aircraft", "airplane": "aircraft", "jet": "aircraft", "warplane": "aircraft",
    "fighter": "aircraft",
    "site": "site", "location": "site", "place": "site", "spot": "site",
}
# Concepts above that name counted things, not events: a count of them says nothing until a predicate says what
# happened to them ("nine sites" struck, "26 people" killed).
THINGS = frozenset({"person", "aircraft", "site"})
_THING_WORDS = {"target": "site", "targets": "site"}  # as the counted noun, a target is a site, not an attack


def thing_concept(noun: str) -> str:
    """The concept of a counted noun ("nine targets" -> site), as ``concept`` for anything else."""
    low = noun.lower()
    return _THING_WORDS[low] if low in _THING_WORDS else concept(noun)
# Singular nouns for one person ("killing a child", "a woman was injured"): a count of one of them is a count of one
# person, compared with the toll of the same event ("killing 13 people"). Plurals keep their own head: "seven women"
# among "13 people" is a part of the toll, not another toll.
ONE_PERSON_NOUNS = frozenset("person man woman child boy girl baby infant toddler teenager civilian resident "
                             "villager passenger pedestrian worker student".split())
# Nouns that count the victims of an event: "eight deaths" is "eight people killed".
VICTIM_NOUNS = {"death": ("kill", "person"), "fatality": ("kill", "person"), "life": ("kill", "person"),
                "injury": ("injure", "person")}

_WORD = re.compile(r"[A-Za-z][A-Za-z.'’\-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
_NUMWORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
             "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12}


# Words remembered by the per-word memos here and in ``align`` (each process keeps its own): a news stream's
# vocabulary is Zipfian, so this covers nearly every lookup while holding a few MB per memo, not tens.
WORD_MEMO = 32_768


@lru_cache(maxsize=WORD_MEMO)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to make talks/talk, negotiations/negotiated, leading/lead meet."""
    w = word.lower().replace("’", "'").rstrip("'").strip(".-")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    for suf in ("ations", "ation", "ings", "ing", "ments", "ment", "edly", "ed", "ies", "es", "s", "ly"):
        # "ment" needs a stem of four letters: "comment" is no "com"+"ment" (its verb "commented" must meet it)
        if w.endswith(suf) and len(w) - len(suf) >= (4 if suf.startswith("ment") else 3):
            w = w[: -len(suf)] + ("y" if suf == "ies" else "")
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@lru_cache(maxsize=WORD_MEMO)
def concept(word: str) -> str:
    low = word.lower().replace("’", "'")
    if low in _CONCEPTS:
        return _CONCEPTS[low]
    if low.endswith("s") and low[:-1] in _CONCEPTS:  # a plural the stemmer would cut too far ("planes")
        return _CONCEPTS[low[:-1]]
    st = stem(low)
    return _CONCEPTS.get(st, st)


@lru_cache(maxsize=WORD_MEMO)
def _place_concept(name: str) -> str | None:
    """A country named by its name, short form, demonym or capital ("U.S.", "Pakistani", "Islamabad"), as one
    concept per country, from the gazetteer of every country."""
    from newsprism.knowledge.countries import capital_of, country_of

    c = country_of(name) or capital_of(name)
    return "country:" + c.lower().replace(" ", "_") if c else None


def clause_key(text: str) -> str:
    """A clause's text reduced to its words, to find the same clause in two pages."""
    return " ".join(re.findall(r"\w+", text.lower()))


def content_terms(text: str) -> list[str]:
    """Normalised content words of a piece of text (stopwords dropped, concepts merged, countries, demonyms and
    capitals as their country)."""
    return [key for key, _ in content_words(text)]


def content_words(text: str) -> list[tuple[str, str | None]]:
    """The content words of ``content_terms`` as (key, word): the word as written (lower case) for common words,
    None for countries, demonyms and capitals (a name, not a word a dictionary relates)."""
    out: list[tuple[str, str | None]] = []
    words = list(_WORD.finditer(text))
    skip = -1
    for k, m in enumerate(words):
        if k <= skip:
            continue
        w = m.group()
        low = w.lower()
        if w[:1].isupper():
            if k + 1 < len(words) and words[k + 1].group()[:1].isupper() and \
                    text[m.end():words[k + 1].start()] == " ":
                pc = _place_concept(w + " " + words[k + 1].group())  # "New Delhi", "South Korea"
                if pc:
                    out.append((pc, None))
                    skip = k + 1
                    continue
            pc = _place_concept(w) if w not in ("May", "March") else None
            if pc:
                out.append((pc, None))
                continue
        if low in STOP or low in _NUMWORDS or (len(low) < 3 and not low.isdigit() and low not in ("us", "u.s")) \
                or low.endswith(("n't", "n’t")):  # "hasn't": a negation, a function word like "not"
            continue
        if low[0].isdigit():
            continue  # numbers are compared as claims, after normalisation, not as words
        # a capitalised word inside the text is a name ("Rice", "Bush"): not a word the dictionary relates
        out.append((concept(w), None if k and w[:1].isupper() else low.replace("’", "'")))
    return out


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(slots=True)
class Token:
    key: str  # the normalised form phrases are matched on (a concept for words and names, the word for stop words)
    kind: str  # "word" (a content word), "name" (a proper name or country), "stop", "num"
    surface: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """A general English stop list (scikit-learn's), for the edges of phrases: "between", "against", "within"."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def phrase_segments(text: str) -> list[list[Token]]:
    """The words of a clause as runs of tokens unbroken by punctuation, each token typed: a phrase never spans a
    comma or a quotation mark. A capitalised word is a name unless it opens the clause (then it is a name only if it
    is a country, demonym or capital)."""
    segs: list[list[Token]] = [[]]
    words = list(_WORD.finditer(text))
    for k, m in enumerate(words):
        w = m.group()
        low = w.lower()
        if k and (text[words[k - 1].end():m.start()].strip() or words[k - 1].group()[-1] in ",."):
            segs.append([])  # punctuation between two words breaks the run (a number's pattern takes its comma)
        if low[0].isdigit() or low in _NUMWORDS:
            kind = "num"
        elif w[:1].isupper() and (k > 0 or _place_concept(w)) and not (k > 0 and low in STOP and w.isupper()):
            kind = "name"
        elif low in STOP or low in _function_words() or len(low) < 3:
            kind = "stop"
        else:
            kind = "word"
        key = low if kind in ("stop", "num") else ((kind == "name" and _place_concept(w)) or concept(w))
        if kind == "num":
            w = w.rstrip(",.")
        segs[-1].append(Token(key, kind, w, m.start(), m.start() + len(w)))
    return [s for s in segs if s]
