"""What the story clusterer looks at in one article: terms, names, title terms and a day number. No I/O.

Terms are plain lower-cased words (kept as strings so the index state stays readable JSON and the vocabulary can
grow as articles arrive: no fitted vocabulary, only document frequencies counted online).

Names come from ``article.entities`` when the nlp stage found any; otherwise (or in addition) from capitalised words
that do not open a sentence, a light stand-in for NER that keeps the clusterer useful when spaCy failed or is absent.
Names are split into words so that "Reid" and "Tara Reid" meet. The days an article names (event dates resolved
against its publication date) join its names: what happened when is event identity, whatever the framing.

Weights: a word's weight is the geometric mean of its rarity in this corpus (online document frequency) and its
rarity in general English (``wordfreq``, shipped with its data). In a corpus that is mostly one story every shared
word has a low corpus idf, which would leave only the incidental words to match; general rarity keeps "missile" or a
place name informative there, and keeps "said" or "people" light in any corpus.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from functools import lru_cache
from operator import mul

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from wordfreq import zipf_frequency

from newsprism.cluster.evidence import event_dates, evidence_text

# The prefix of the name keys of the days a text names (``date:2025-05-07``, ``date:05-07`` without a year).
DATE_PREFIX = "date:"

# Words that carry no event identity in news copy, on top of the generic English list.
_NEWS_STOP = frozenset("""
said says say told according reported reports report news today yesterday tomorrow week weeks year years
monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr new also just like would could
one two three first last time people percent per cent according via updated read image photo video
""".split())
STOP = frozenset(ENGLISH_STOP_WORDS) | _NEWS_STOP

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,:]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?\n\"“”:]\s*$")

# Entity types that name who or where (actors and places) or the event itself.
NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    # A crude plural fold; enough for "earthquakes"/"earthquake" without a stemmer's surprises.
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


def terms(text: str) -> Counter[str]:
    """Content words of ``text`` with their counts (numbers kept: magnitudes, tolls and years tell events apart)."""
    out: Counter[str] = Counter()
    # Each distinct token is folded once: the counts, and the order words first appear in, are those of folding
    # every token (the first token that folds to a word comes first among the distinct ones too).
    for tok, n in Counter(_TOKEN.findall(text)).items():
        w = _norm(tok)
        if len(w) < 2 and not w.isdigit():
            continue
        if w in STOP:
            continue
        out[w] += n
    return out


def light_names(text: str) -> Counter[str]:
    """Capitalised words not at a sentence start: proper nouns, without a tagger."""
    out: Counter[str] = Counter()
    for m in _TOKEN.finditer(text):
        word = m.group()
        if not word[0].isupper() or len(word) < 2:
            continue
        before = text[max(0, m.start() - 3):m.start()]
        if m.start() == 0 or _SENTENCE_END.search(before):
            continue
        w = _norm(word)
        if w in STOP or w.isdigit():
            continue
        out[w] += 1
    return out


def entity_names(entities: Iterable) -> Counter[str]:
    """Words of the names of actors and places found by the nlp stage, counted once per mention."""
    out: Counter[str] = Counter()
    for ent in entities:
        etype = getattr(ent, "type", None) or (ent.get("type") if isinstance(ent, Mapping) else None)
        name = getattr(ent, "name", None) or (ent.get("name") if isinstance(ent, Mapping) else None)
        if not name or (etype and etype not in NAME_TYPES):
            continue
        mentions = getattr(ent, "mentions", None) or (ent.get("mentions") if isinstance(ent, Mapping) else None)
        k = max(1, len(mentions or ()))
        for m in _TOKEN.finditer(name):
            w = _norm(m.group())
            if len(w) >= 2 and w not in STOP and not w.isdigit():
                out[w] += k
    return out


def day_number(published: str | None) -> int | None:
    """Proleptic ordinal day of an ISO date or datetime, or None when absent or unreadable."""
    if not published:
        return None
    s = published.strip()
    try:
        return date.fromisoformat(s[:10]).toordinal()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().toordinal()
    except ValueError:
        return None


@dataclass(slots=True)
class ArticleFeatures:
    terms: Counter[str]
    names: Counter[str]
    title: Counter[str]
    day: int | None = None
    extra: dict = field(default_factory=dict)


def article_features(text: str, title: str | None = None, entities: Iterable = (), published: str | None = None,
                     use_light_names: bool = True, outlet: str | None = None) -> ArticleFeatures:
    """Features of one article. The title's words count in the body too (a title is the densest summary).

    Only the evidence text counts (furniture lines and credit fragments out), the words of the article's own outlet
    are not names of the event, and the days the text names are added to its names as ``date:`` keys."""
    raw = text
    text = evidence_text(text)
    body = terms(text)
    ttl = terms(title) if title else Counter()
    body.update(ttl)
    names = entity_names(entities)
    if use_light_names:
        light = light_names(text)
        if title:
            light.update(light_names(title))
        # NER names, when present, lead; light names only add words the tagger did not report.
        for w, c in light.items():
            if w not in names:
                names[w] += c
    for w in terms(outlet or ""):
        names.pop(w, None)
    day = day_number(published)
    for d in event_dates(raw, date.fromordinal(day) if day else None):
        names[DATE_PREFIX + d] += 1
    return ArticleFeatures(body, names, ttl, day)


class DocFreq:
    """Online document frequencies: the vocabulary grows with the corpus, nothing is fitted in advance."""

    def __init__(self, n: int = 0, df: dict[str, int] | None = None):
        self.n = n
        self.df: dict[str, int] = dict(df or {})

    def add(self, words: Iterable[str]) -> None:
        self.n += 1
        df = self.df
        for w in words:
            df[w] = df.get(w, 0) + 1

    def remove(self, words: Iterable[str]) -> None:
        self.n = max(0, self.n - 1)
        df = self.df
        for w in words:
            c = df.get(w, 0) - 1
            if c > 0:
                df[w] = c
            else:
                df.pop(w, None)

    def idf(self, word: str) -> float:
        # Smoothed so unseen words get the highest weight and the very first articles are not all zero; blended with
        # the word's rarity in general English (see the module docstring).
        corpus = math.log((self.n + 1) / (self.df.get(word, 0) + 1)) + 1.0
        return math.sqrt(corpus * general_rarity(word))

    def to_state(self) -> dict:
        return {"n": self.n, "df": self.df}

    @classmethod
    def from_state(cls, d: Mapping | None) -> DocFreq:
        d = d or {}
        return cls(int(d.get("n", 0)), d.get("df"))


@lru_cache(maxsize=200_000)
def general_rarity(word: str) -> float:
    """Rarity of ``word`` in general English, about 1 for an ordinary content word ("strike"), up to 2 for words
    English text almost never uses (names, coinages), down to 0.125 for the commonest. Date keys count as rare."""
    if word.startswith(DATE_PREFIX):
        return 2.0
    return max(0.5, 8.0 - zipf_frequency(word, "en")) / 4.0


def weigh(counts: Mapping[str, float], df: DocFreq, cap: int | None = None) -> dict[str, float]:
    """Sublinear tf times idf, unit length; optionally only the ``cap`` heaviest words."""
    vec = {w: (1.0 + math.log(c)) * df.idf(w) for w, c in counts.items() if c > 0}
    if cap is not None and len(vec) > cap:
        vec = dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:cap])
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0:
        return {}
    return {w: v / norm for w, v in vec.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    # The key-set intersection runs in C; most words of an article are absent from any one story. A set's order
    # follows the hash seed, so the products are summed exactly (fsum): equal scores stay equal in every process
    # and ties (a two-member story's members are always tied) fall to the id, not to rounding.
    # (map over the common words keeps the products and the exact sum in C: the same figure, faster)
    common = a.keys() & b.keys()
    return math.fsum(map(mul, map(a.__getitem__, common), map(b.__getitem__, common)))
