"""Framing: the words that most separate one outlet's own voice from the rest of the story's coverage.

Word use is compared with the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
Quinn, "Fightin' Words", 2008): for each outlet against all other outlets of the story, the log-odds of a word in
the outlet's own voice (outside quotations) minus its log-odds elsewhere, each smoothed by a prior proportional to
the word's share of the whole story, divided by its estimated standard deviation (a z-score). A word is kept when
its z-score is at least ``Z`` and the outlet uses it at least twice; no word list is involved, so the same
statistic separates "terrorist camps" from "civilian areas" in one story and "bullying" from "negotiation" in
another. Each word carries its evidence sentences.

Per outlet (keys of schema 1 kept): ``own_voice`` {word: uses in the outlet's own voice} and ``quoted`` {word: uses
inside quotations} for its distinctive words, ``own_voice_per_1000_words`` (uses of those words per 1,000 own-voice
words), ``evidence`` (the sentences), and ``distinctive``: [{"word", "z", "count", "evidence"}], strongest first.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from newsprism.bounded import lru_by_size, text_bytes
from newsprism.model import Article

from .text import STOP, sentences

Z = 1.96  # two-sided 5% level: a word this far from the story's usage is the outlet's own choice
PRIOR = 0.1  # weight of the informative prior, as a multiple of the story's own word counts (pooled over outlets)
TOP = 10  # distinctive words kept per outlet
_QUOTE = re.compile(r"“[^”]{1,2000}”|\"[^\"\n]{1,2000}\"")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]")


def _quoted_spans(text: str, quotes: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    spans = list(quotes)
    spans += [m.span() for m in _QUOTE.finditer(text)]
    return sorted(spans)


def _words(art: Article) -> tuple[tuple[str, int, int, bool], ...]:
    """(word, start, end, inside a quotation) for the content words of an article."""
    return _words_of(art.text, tuple((q.start, q.end) for q in art.quotes if q.kind != "indirect"))


WORDS_BYTES = 32 * 2**20  # memory the memo of articles' words may hold: some 350 news articles of 5 KB
_WORD_BYTES = 200  # one word's entry (a tuple of four, its string, its offsets above 256): measured ~190


def _words_cost(args: tuple, words: tuple) -> int:
    return text_bytes(*args) + _WORD_BYTES * len(words) + 200  # the key keeps the text alive


@lru_by_size(WORDS_BYTES, _words_cost)
def _words_of(text: str, quotes: tuple[tuple[int, int], ...]) -> tuple[tuple[str, int, int, bool], ...]:
    # memoised: an article is counted again each time its story is compared (twice, with framing between sides),
    # and again when the story grows; its words depend on its text and quotes only
    inside = bytearray(len(text) + 1)  # 1 where a quotation covers the character
    for s, e in _quoted_spans(text, quotes):
        inside[max(0, s):max(0, e)] = b"\x01" * (max(0, e) - max(0, s))
    out = []
    for m in _WORD.finditer(text):
        w = m.group().lower().replace("’", "'")
        if w in STOP or len(w) < 3:
            continue
        out.append((w, m.start(), m.end(), bool(inside[m.start()])))
    return tuple(out)


def log_odds(counts: Mapping[str, Counter], prior: Counter, scale: float = PRIOR) -> dict[str, dict[str, float]]:
    """z-scores of the weighted log-odds ratio of each word, each group against all others, with an informative
    Dirichlet prior: ``scale`` times the ``prior`` counts."""
    alpha = {w: scale * c for w, c in prior.items()}
    alpha0 = sum(alpha.values()) or 1.0
    all_counts: Counter = Counter()
    for c in counts.values():
        all_counts.update(c)
    n_all = sum(all_counts.values())
    out: dict[str, dict[str, float]] = {}
    for g, c in counts.items():
        n_i = sum(c.values())
        n_j = n_all - n_i
        z: dict[str, float] = {}
        for w, y_i in c.items():
            a = alpha.get(w, 0.0)
            if a <= 0:
                continue
            y_j = all_counts[w] - y_i
            rest_i, rest_j = n_i + alpha0 - y_i - a, n_j + alpha0 - y_j - a
            if rest_i <= 1e-9 or rest_j <= 1e-9:
                continue  # the word is all either side says (a one-word vocabulary): its odds are undefined
            d = math.log((y_i + a) / rest_i) - math.log((y_j + a) / rest_j)
            z[w] = d / math.sqrt(1.0 / (y_i + a) + 1.0 / (y_j + a))
        out[g] = z
    return out


def _count(arts: Mapping[str, Article], group_by_article: Mapping[str, str]):
    own: dict[str, Counter] = defaultdict(Counter)
    quoted: dict[str, Counter] = defaultdict(Counter)
    own_words: Counter = Counter()
    where: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    lower: set[str] = set()
    for aid, group in sorted(group_by_article.items()):
        art = arts[aid]
        for w, s, _, inside in _words(art):
            (quoted if inside else own)[group][w] += 1
            if art.text[s].islower():
                lower.add(w)
            if not inside:
                own_words[group] += 1
                where[(group, w)].append((aid, s))
    # names (never written in lower case anywhere in the story) tell whom an outlet covers, which the voices
    # already show; framing is about the common words it chooses
    for c in (*own.values(), *quoted.values()):
        for w in [w for w in c if w not in lower]:
            del c[w]
    return own, quoted, own_words, where


def framing_groups(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str],
                   group_of: Mapping[str, str]) -> dict:
    """The same statistic between groups of outlets (``group_of``: outlet -> group, e.g. the side most of its
    quoted voices speak for): {group: {"outlets", "distinctive"}}; empty with fewer than two groups."""
    by_article = {aid: group_of[o] for aid, o in outlet_by_article.items() if o in group_of}
    if len(set(by_article.values())) < 2:
        return {}
    res = framing(arts, by_article)
    return {g: {"outlets": sorted(o for o, x in group_of.items() if x == g), "distinctive": r["distinctive"]}
            for g, r in res.items()}


def framing(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str]) -> dict:
    own, quoted, own_words, where = _count(arts, outlet_by_article)
    prior: Counter = Counter()
    for c in own.values():
        prior.update(c)
    for c in quoted.values():
        prior.update(c)
    z = log_odds(own, prior) if len(own) >= 2 else {}
    sents = {aid: sentences(arts[aid].text) for aid in outlet_by_article}
    out = {}
    for outlet in sorted(set(outlet_by_article.values())):
        ranked = sorted(((v, w) for w, v in z.get(outlet, {}).items() if v >= Z and own[outlet][w] >= 2),
                        reverse=True)[:TOP]
        distinctive, evidence = [], []
        for v, w in ranked:
            ev = []
            for aid, pos in where[(outlet, w)][:3]:
                sent = next((p for p in sents[aid] if p.start <= pos < p.end), None)
                if sent is not None:
                    item = {"article": aid, "start": sent.start, "end": sent.end, "text": sent.text}
                    if item not in ev:
                        ev.append(item)
            distinctive.append({"word": w, "z": round(v, 2), "count": own[outlet][w], "evidence": ev})
            evidence.extend(e for e in ev if e not in evidence)
        words = [d["word"] for d in distinctive]
        n = sum(own[outlet][w] for w in words)
        out[outlet] = {"own_voice": {w: own[outlet][w] for w in words},
                       "quoted": {w: quoted[outlet][w] for w in words if quoted[outlet][w]},
                       "own_voice_per_1000_words": round(1000 * n / own_words[outlet], 2) if own_words[outlet]
                       else 0.0,
                       "evidence": evidence[:20], "distinctive": distinctive}
    return out
