"""Fact alignment across the outlets of one story.

A fact is a tight group of clauses: at most one clause per outlet, and every member close to the group's
representative, so that no fact chains outlets through intermediaries. Groups come from a constrained average-link
clustering over a nearest-neighbour graph of clauses (each clause linked to its best match in every other outlet).

* value facts: counts, amounts, percentages and durations whose slot (read from the parse by the nlp stage: what
  happened to what, "killed" + "people", "shot down" + "jet", "talks" for a length) is the same are grouped when
  their clauses are about the same thing (lexical similarity of the clauses). Status is decided over all members:
  two values that cannot both be true make the fact ``differs``, with the spread of values (value -> outlets,
  independent sources, whom they credit). Vague quantities ("several") never make a difference.
* statement facts: clauses grouped by TF-IDF similarity (shared actors only break ties). A group of two or more
  independent sources is ``agreed``; it is ``differs`` when its members hold incompatible values of one slot or
  when one side states what the other denies. A clause with no counterpart anywhere (low best similarity, words no
  other outlet uses) is ``single-source``; clauses in between are left out rather than guessed.
* phrase-anchored statement facts: outlets paraphrase one statement inside long lead sentences that carry several
  facts, so whole-clause similarity leaves it in pieces. A word n-gram (1-4 words, normalised, no stop word at
  its edges, no number or compared value in it, not names alone) that at least three independent sources use and
  that would be rare in general English (wordfreq Zipf of its non-name words, as if independent) anchors a fact:
  each outlet's clause where the phrase is central (its IDF share, or a short clause), with the piece of the
  clause around the phrase as evidence. Dropped when the members' other words have little in common (a chance
  collocation), when they give incompatible values (the value facts compare those), and a denying minority is
  left out. A phrase fact and a tight group sharing most clauses are one fact: the one with more sources stays.

Syndicated copies count once: articles that share most of their text (shingle containment) form one source family,
and every fact reports ``sources``, the number of independent families carrying it. Page furniture (credit,
time-stamp, login and share lines, and clauses the caller found recurring across unrelated stories) never makes a
fact. Every piece of evidence is a span of an article's text (``article.text[start:end] == text``).
"""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from itertools import combinations
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from newsprism.knowledge import countries
from newsprism.model import Article, Claim

from .paraphrase import event_fold, lexical_predicate, story_fold
from .text import (ONE_PERSON_NOUNS, THINGS, VICTIM_NOUNS, WORD_MEMO, clause_key, clauses, concept, content_terms,
                   sentences, speech_parts, thing_concept)
from .values import Value, compatible, fallback_claims, value_of

if TYPE_CHECKING:
    from scipy.sparse import spmatrix

MATCH = 0.42  # average similarity within a statement fact (tuned on the dev gold, see benchmarks)
CLOSE = 0.3  # every member of a statement fact at least this close to its representative
VALUE_LINK = 0.1  # average clause similarity within a value fact (its slot already matches)
VALUE_CLOSE = 0.06  # every member of a value fact at least this close to its representative
DIFFER = 0.2  # context similarity of two incompatible values before a small fact calls them contradictory
NEAR = 0.36  # best similarity (to another source, same actor) at or above which a clause is never single-source
NOVEL = 0.5  # share (IDF-weighted) of a clause's words that no other outlet uses, for it to be single-source
COPY = 0.28  # shingle containment at or above which two articles are copies of one text ...
COPY_MIN = 25  # ... sharing at least this many word 6-grams (a passage, not a stock phrase or two)
MIN_TERMS = 3
NEIGHBOURS = 48  # nearest clauses (of distinct other outlets) a clause is linked to
STRICT = 1
STORY_SLOT_ONCE = 0.6  # share of its outlets that give a slot once for it to be the story's own slot
SCENE_OUTLETS = 3  # outlets that give a slot, each once, for its values to be one scene whatever their wording
SLOT_MERGE = 0.28  # centroid similarity at which tight groups of one slot are one scene (one fact)
VALUE_KINDS = ("number", "money", "percent", "duration")
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside)\s+(?:the\s+)?$", re.I)  # where, not whence
_ANAPHORIC = {"other", "others", "more", "another", "rest"}
_KIND_ORDER = ("percent", "money", "duration", "number", "date", "commitment")
# Credit, time-stamp, login, share and navigation lines: what a page wraps around any article.
_FURNITURE = re.compile(
    r"\b(?:log ?in|sign ?in|sign up|subscribe|newsletter|all rights reserved|copyright|cookie|click here|"
    r"read more|follow us|share (?:this|on)|download (?:the|our) app|advertisement|whatsapp channel|"
    r"(?:updated|published|posted|last modified)\s*:?\s*(?:on\s+)?(?:\w+\s+)?\d)|"
    r"^\W*(?:by\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+){0,3}\s*)?\|", re.I)
# a contracted "not" ends its word ("hasn't", "didn’t", either apostrophe): no word boundary before it
_NEGATION = re.compile(r"\b(?:no|not|never|none|nor|den(?:y|ies|ied|ying)|reject(?:s|ed)?|dismiss(?:es|ed))\b"
                       r"|n['’]t\b", re.I)


@dataclass
class Unit:
    article: str
    outlet: str
    start: int
    end: int
    text: str
    terms: Counter
    actors: set[int] = field(default_factory=set)
    claims: list[tuple[Claim, Value]] = field(default_factory=list)
    # counts of one read from a singular noun ("killing a child"): weighed against the numbers of a statement fact
    # only, never phrases, measures or value facts of their own
    ones: list[tuple[Claim, Value]] = field(default_factory=list)
    quoted: float = 0.0  # share of the clause inside a quotation
    lead: int = 0  # position of the clause in its article
    subject: int | None = None  # the first actor the clause names: usually who acts or speaks
    piece: "UnitPiece | None" = field(default=None, repr=False, compare=False)  # what it was made from


@dataclass
class Mention:
    """A value of one slot in one clause."""

    unit: int  # index of its clause
    claim: Claim
    value: Value
    event: str  # what happened: the predicate's concept, else the counted noun's ("death")
    head: str | None  # the counted thing ("person", "aircraft") when it is not the event itself
    attributed: str | None = None
    negated: bool = False
    agent: frozenset[str] = frozenset()  # who or what did it ("Pakistani shelling", "gunmen"), as concepts
    side: str | None = None  # the country whose hand did it ("by Pakistani shelling", "in India's strikes")
    place: frozenset[frozenset[str]] = frozenset()  # named places below a country it happened at ("Bahawalpur", "Bilal Mosque")


def _span(article: Article, start: int, end: int) -> dict:
    return {"article": article.id, "start": start, "end": end, "text": article.text[start:end]}


def _claims_of(article: Article) -> list[Claim]:
    cl = [c for c in article.claims if 0 <= c.start < c.end <= len(article.text)]
    return cl if cl else fallback_claims(article.text)


class _Actors:
    """Actor names to small ints, one id per canonical name (surname-only mentions meet full names)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, name: str) -> int:
        return self.add_key(self.key_of(name))

    def add_key(self, key: str) -> int:
        return self.ids.setdefault(key, len(self.ids))

    @staticmethod
    def key_of(name: str) -> str:
        words = re.sub(r"[^\w\s-]", " ", (name or "").lower().replace("’s", "").replace("'s", "")).split()
        return (countries.canonical(countries.country_of(name)) if countries.country_of(name) else None) \
            or (words[-1] if words else "")


def is_furniture(text: str) -> bool:
    """Credit, time-stamp, login and share lines, and bare headers without a sentence in them."""
    return bool(_FURNITURE.search(text))


@dataclass
class UnitPiece:
    """The story-free part of one unit: what ``build_units`` reads from the article alone. Actors are the
    article's entity numbers (``ArticleUnits.actor_keys``), given story ids when a story's units are made."""

    start: int
    end: int
    text: str
    terms: Counter
    ents: list[tuple[int, int]]  # (mention start, entity number) of the entity mentions inside
    quoted: float
    claims: list[tuple[Claim, Value]]
    ones: list[tuple[Claim, Value]]
    kept: bool  # enough content words or a value: a unit at all
    phrases: dict | None = None  # ``_unit_phrases`` of the unit, filled on first use


@dataclass
class ArticleUnits:
    """An article's clauses as ``build_units`` cuts them, before a story's furniture and actors are known: it
    depends on the article's text and annotations only, so it can be computed once and reused by every story
    comparison the article takes part in (``compare.cache``)."""

    actor_keys: list[str]  # ``_Actors.key_of`` of its PERSON/ORG/NORP/GPE entities, in entity order
    clauses: list[tuple[str, list[UnitPiece]]]  # (clause key, its pieces) of every clause a story may keep


def article_units(article: Article) -> ArticleUnits:
    text = article.text
    typed = [e for e in article.entities if e.type in ("PERSON", "ORG", "NORP", "GPE")]
    keys = [_Actors.key_of(e.name) for e in typed]
    ents = [(s, x) for x, e in enumerate(typed) for s, t in e.mentions]
    quotes = [(q.start, q.end) for q in article.quotes]
    claims = _claims_of(article)
    out: list[tuple[str, list[UnitPiece]]] = []
    seen: set[str] = set()
    for sent in sentences(text):
        # A sentence holding a number keeps its reported speech whole: whose hand, where and who says it sit around
        # the value, and a value fact compares values within their clauses' context.
        valued = any(sent.start <= c.start < sent.end and c.kind in VALUE_KINDS for c in claims)
        for p in clauses(text, sent):
            key = clause_key(p.text)
            if key in seen or is_furniture(p.text):
                continue  # a body repeated in the page, or the page's own furniture
            # a story's furniture drops every clause of its key (``story_units``), so the first one is all to keep
            seen.add(key)
            pieces = []
            for q in ([p] if valued else speech_parts(text, p)):
                terms = Counter(content_terms(q.text))
                inside = sum(max(0, min(qe, q.end) - max(qs, q.start)) for qs, qe in quotes)
                pc = UnitPiece(q.start, q.end, q.text, terms, [(s, x) for s, x in ents if q.start <= s < q.end],
                           inside / max(1, q.end - q.start), [], [], False)
                for c in claims:
                    if q.start <= c.start < q.end:
                        (pc.ones if (c.slot or {}).get("singular") else pc.claims).append(
                            (c, value_of(c, text[max(0, c.start - 30):c.start])))
                pc.kept = sum(terms.values()) >= MIN_TERMS or bool(pc.claims)
                pieces.append(pc)
            out.append((key, pieces))
    return ArticleUnits(keys, out)


def story_units(prepared: ArticleUnits, article: Article, outlet: str, actors: _Actors,
                furniture: Collection[str] = ()) -> list[Unit]:
    """The units of one article in a story: its prepared clauses without the story's furniture, actors numbered
    across the story."""
    ids = [actors.add_key(k) for k in prepared.actor_keys]
    units: list[Unit] = []
    for key, pieces in prepared.clauses:
        if key in furniture:
            continue
        for pc in pieces:
            if not pc.kept:
                continue
            u = Unit(article.id, outlet, pc.start, pc.end, pc.text, pc.terms, lead=len(units))
            inside_ents = sorted((s, ids[x]) for s, x in pc.ents)
            u.actors = {k for s, k in inside_ents}
            u.subject = inside_ents[0][1] if inside_ents else None
            u.quoted = pc.quoted
            u.claims, u.ones = list(pc.claims), list(pc.ones)
            u.piece = pc
            units.append(u)
    return units


def build_units(article: Article, outlet: str, actors: _Actors, furniture: Collection[str] = ()) -> list[Unit]:
    return story_units(article_units(article), article, outlet, actors, furniture)


class _Vectors:
    """TF-IDF over the story's clauses (each clause one document) and the clause-by-clause similarity, as sparse
    matrices: only pairs sharing a word are ever looked at, so a story of hundreds of articles stays fast."""

    def __init__(self, units: list[Unit]):
        from scipy.sparse import csr_matrix

        # the vocabulary in first-use order, never a set's: a term's column orders the sums of every dot product it
        # is in, and a set's order (string hashes, salted per process) made the similarities, and the ties between
        # them, differ in their last bit from one run to the next
        df: Counter = Counter()
        for u in units:
            df.update(u.terms.keys())
        n = max(1, len(units))
        self.idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
        vocab = {t: k for k, t in enumerate(self.idf)}
        rows, cols, vals = [], [], []
        for i, u in enumerate(units):
            v = {t: (1 + math.log(c)) * self.idf[t] for t, c in u.terms.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            for t, x in v.items():
                rows.append(i)
                cols.append(vocab[t])
                vals.append(x / norm)
        x = csr_matrix((vals, (rows, cols)), shape=(len(units), max(1, len(vocab))))
        # shared actors only break ties between similar wordings: a small bonus, never a match on their own
        actor_ids = {a: k for k, a in enumerate(sorted({a for u in units for a in u.actors}))}
        ar, ac = [], []
        for i, u in enumerate(units):
            for a in u.actors:
                ar.append(i)
                ac.append(actor_ids[a])
        acts = csr_matrix(([1.0] * len(ar), (ar, ac)), shape=(len(units), max(1, len(actor_ids))))
        self.sim = _row_blocks(lambda lo, hi: _similarity_rows(x, acts, lo, hi), len(units))

    def row(self, i: int):
        start, end = self.sim.indptr[i], self.sim.indptr[i + 1]
        return self.sim.indices[start:end], self.sim.data[start:end]

    def get(self, i: int, j: int) -> float:
        cols, vals = self.row(i)
        k = cols.searchsorted(j)
        return float(vals[k]) if k < len(cols) and cols[k] == j else 0.0

    def block(self, idx: list[int]) -> np.ndarray:
        return self.sim[idx][:, idx].toarray()


def _similarity_rows(x: spmatrix, acts: spmatrix, lo: int, hi: int) -> spmatrix:
    """Rows ``lo:hi`` of the clause similarity: cosine of the TF-IDF rows, plus the actor bonus where the cosine is
    not zero, without the diagonal. Each entry is summed as in the whole product (one row's terms in their order)."""
    cos = (x[lo:hi] @ x.T).tocsr()
    bonus = (acts[lo:hi] @ acts.T).tocsr().multiply(0.02).minimum(0.06).tocsr()
    bonus = bonus.multiply(cos > 0)
    sim = (cos + bonus).tocsr()
    sim.setdiag(0.0, k=lo)
    sim.eliminate_zeros()
    sim.sort_indices()
    return sim


# Rows of the clause similarity worked out at once. A long story's clauses share much of their vocabulary (a quarter
# of all pairs in a 106-article story of 3,406 clauses), and the whole product with its temporaries (the cosine, the
# bonus, their sum, the test for a non-zero cosine) took several times the final matrix: +130 MB of a worker for
# that story, growing with the square of the clauses. By blocks of rows only the result is whole.
ROW_BLOCK = 256


def _row_blocks(rows_of: Callable[[int, int], spmatrix], n: int) -> spmatrix:
    from scipy.sparse import vstack

    blocks = [rows_of(lo, min(n, lo + ROW_BLOCK)) for lo in range(0, max(n, 1), ROW_BLOCK)]
    out = blocks[0] if len(blocks) == 1 else vstack(blocks, format="csr")
    out.sort_indices()
    return out


def _fact_id(kind: str, spans: list[tuple[str, int, int]]) -> str:
    h = hashlib.sha1(f"{kind}|{sorted(spans)}".encode()).hexdigest()
    return "f" + h[:10]


# ---------------------------------------------------------------- copies: one source family per shared text

def _shingles(text: str, k: int = 6) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    # the hash of each run of k words (zip hands out the runs as tuples, without a slice and a tuple built apiece)
    return set(map(hash, zip(*(words[j:] for j in range(k)))))


def source_families(arts: Mapping[str, Article], outlet_by_article: Mapping[str, str]) -> dict[str, str]:
    """Outlet -> source family: outlets whose articles share most of their text (syndicated or edited copies of
    one wire story) form one family and count as one independent source."""
    outlets = sorted(set(outlet_by_article.values()))
    parent = {o: o for o in outlets}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sh = {aid: _shingles(arts[aid].text) for aid in outlet_by_article}
    # an inverted index over shingles keeps this near-linear: only articles sharing a shingle are compared; only
    # shingles found in two articles or more are indexed (most are one article's own, and a list apiece for them
    # made a long story's index cost more than the rest of this)
    seen: Counter = Counter()
    for s in sh.values():
        seen.update(s)
    index: dict[int, list[str]] = defaultdict(list)
    for aid, s in sh.items():
        for h in s:
            if seen[h] > 1:
                index[h].append(aid)
    shared: Counter = Counter()
    for ids in index.values():
        if 1 < len(ids) <= 8:  # a shingle in many articles is a set phrase, not a copied text
            shared.update(combinations(ids, 2))  # each pair (ids[x], ids[y]), x < y, in that order
    for (a, b), n in shared.items():
        small = min(len(sh[a]), len(sh[b]))
        if small and n >= COPY_MIN and n / small >= COPY:
            oa, ob = find(outlet_by_article[a]), find(outlet_by_article[b])
            if oa != ob:
                parent[oa] = ob
    return {o: find(o) for o in outlets}


# ---------------------------------------------------------------- constrained average-link clustering

def tight_groups(n: int, edges: list[tuple[float, int, int]], sim: Callable[[int, int], float],
                 outlet: Callable[[int], str], link: float, close: float,
                 can_link: Callable[[int, int], bool] | None = None) -> list[list[int]]:
    """Average-link clustering of ``n`` items over candidate ``edges`` (similarity, i, j), strongest first.

    Two groups merge only when they share no outlet (one clause per outlet), their average cross similarity is at
    least ``link``, and every member of the merged group is at least ``close`` to its representative (the member
    with the highest total similarity to the others): no chaining through intermediaries. ``can_link``, when
    given, must hold for every pair of the merged group."""
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    outs: dict[int, set[str]] = {i: {outlet(i)} for i in range(n)}
    for s, i, j in sorted(edges, key=lambda e: -e[0]):
        gi, gj = group[i], group[j]
        if gi == gj or outs[gi] & outs[gj]:
            continue
        a, b = members[gi], members[gj]
        if can_link is not None and not all(can_link(x, y) for x in a for y in b):
            continue
        cross = [sim(x, y) for x in a for y in b]
        if sum(cross) / len(cross) < link:
            continue
        merged = a + b
        totals = [sum(sim(x, y) for y in merged if y != x) for x in merged]
        rep = merged[totals.index(max(totals))]
        if any(sim(rep, x) < close for x in merged if x != rep):
            continue
        members[gj] = merged
        outs[gj] |= outs.pop(gi)
        del members[gi]
        for x in a:
            group[x] = gj
    return list(members.values())


# ---------------------------------------------------------------- value slots

def _slot_of(c: Claim) -> tuple[str, str | None] | None:
    """(event, head) of a value: what happened ("kill", "down") and what was counted ("person", "aircraft")."""
    if c.slot is None:
        # no parse (hand-made or fallback claims) or none found: an unknown slot, compared only between clauses
        # that say nearly the same thing (see ``_value_groups``)
        return ("?", None) if c.kind in VALUE_KINDS else None
    slot = c.slot
    pred, head = slot.get("predicate"), slot.get("head")
    if head and head.lower() in _ANAPHORIC:
        head = None  # "46 others injured": the noun stands for the thing counted before it, not a thing of its own
    p = concept(lexical_predicate(pred).replace(" ", "_")) if pred else None
    h = thing_concept(head) if head else None
    if slot.get("singular") and head and head.lower() in ONE_PERSON_NOUNS:
        h = "person"  # "killing a child": one person killed
    if c.kind == "duration":
        # how long something lasted; what lasted ("operation", "strikes") is the head, and outlets name it
        # differently more often than they measure it differently (see ``_same_slot``)
        return ("last", h) if h else None
    if p:
        return p, h
    if head and head.lower() in VICTIM_NOUNS:
        return VICTIM_NOUNS[head.lower()]
    if not h or h in THINGS:
        return None  # "26 people", "nine sites" with no word for what happened: not a slot
    return h, "=" + h  # a count of the events themselves ("24 strikes"), never of the things they hit


_CAUSE = re.compile(r"\b(?:by|in|from|after|amid|under|during|of|due to|because of)\s+(?:the\s+|an?\s+)?$", re.I)
_POSSESSIVE = re.compile(r"^['’]s\b")


def _hands(article: Article) -> list[tuple[int, str]]:
    """(offset, country) of every phrase that names whose hand did something: a demonym or a country's possessive
    after a cause preposition ("killed in Pakistani shelling", "by Indian forces", "in India's strikes"). A country
    named plainly after "in" is a place ("killed in Pakistan"), not a hand."""
    text = article.text
    out = []
    for e in article.entities:
        if e.type not in ("NORP", "GPE", "ORG"):
            continue
        country = countries.country_of(e.name)
        if not country:
            continue
        for s, t in e.mentions:
            if not _CAUSE.search(text[max(0, s - 16):s]):
                continue
            after = re.match(r"\s+([a-z][\w-]*)(\s+[A-Z])?", text[t:t + 40])
            # an attribute of a noun ("Pakistani shelling", "Indian forces") or a possessive ("India's strikes");
            # not the start of a place's name ("Indian administered Kashmir")
            if not (_POSSESSIVE.match(text[t:t + 3])
                    or (after and content_terms(after.group(1)) and not after.group(2))):
                continue
            out.append((s, countries.canonical(country)))
    return out


def _side_of(c: Claim, agent: str | None, hands: list[tuple[int, str]], start: int, end: int) -> str | None:
    """The country whose hand the parse's agent names, else the one a cause phrase of the clause names (a clause
    naming two hands says nothing sure)."""
    for word in re.findall(r"[A-Z][\w.-]*(?:['’]s)?", agent or ""):
        country = countries.country_of(re.sub(r"['’]s$", "", word))
        if country:
            return countries.canonical(country)
    # the cause phrase nearest after the value ("26 killed by Indian strikes and 12 dead from Pakistani shelling"),
    # else the nearest before it ("in India's strikes, 26 were killed")
    after = [(s - c.end, k) for s, k in hands if c.end <= s < end]
    before = [(c.start - s, k) for s, k in hands if start <= s < c.start]
    return min(after)[1] if after else (min(before)[1] if before else None)


def _mentions(units: list[Unit], arts: Mapping[str, Article]) -> list[Mention]:
    out = []
    hands = {aid: _hands(a) for aid, a in arts.items()}
    for i, u in enumerate(units):
        text = arts[u.article].text
        for c, v in u.claims + u.ones:
            if c.kind in VALUE_KINDS:
                if v.lo is None:
                    continue  # vague ("several") or unreadable: never a value to compare
                slot = _slot_of(c)
                if slot is None:
                    continue
                s = c.slot or {}
                out.append(Mention(i, c, v, slot[0], slot[1], s.get("attributed_to"), bool(s.get("negated")),
                                   frozenset(content_terms(s.get("agent") or "")),
                                   _side_of(c, s.get("agent"), hands[u.article], u.start, u.end),
                                   _place_keys(s.get("place"))))
            elif c.kind == "place" and v.label and _LOCATIVE.search(text[max(0, c.start - 12):c.start]) \
                    and not countries.country_of(c.text) and not countries.body_of(c.text):
                out.append(Mention(i, c, v, "place:" + v.label, None))
    # "a child" counts one only against a number: a singular noun is a value when another clause of the story
    # counts the same slot with a number ("killing 13 people"); "gave a response" is no count of anything
    counted = {(m.event, m.head) for m in out if not _singular(m)}
    return [m for m in out if not _singular(m) or (m.event, m.head) in counted]


def _fold_events(ms: list[Mention]) -> None:
    """Predicates WordNet relates, for one counted thing, are one event ("three jets crashed", "two planes fell"):
    rewrites ``event`` to the most used predicate of each such set (``paraphrase.event_fold``)."""
    preds: dict[tuple, Counter] = defaultdict(Counter)
    for m in ms:
        pred = (m.claim.slot or {}).get("predicate")
        if pred and m.head and not m.head.startswith("=") and m.event == concept(lexical_predicate(pred).replace(" ", "_")):
            preds[(m.claim.kind, m.head)][lexical_predicate(pred)] += 1
    folds = {slot: event_fold(c) for slot, c in preds.items() if len(c) > 1}
    for m in ms:
        fold = folds.get((m.claim.kind, m.head))
        pred = (m.claim.slot or {}).get("predicate")
        if fold and pred and lexical_predicate(pred) in fold:
            m.event = concept(fold[lexical_predicate(pred)].replace(" ", "_"))


def _singular(m: Mention) -> bool:
    return bool((m.claim.slot or {}).get("singular"))


_CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                      "june july august september october november december".split())


def _place_keys(names: list[str] | None) -> frozenset[frozenset[str]]:
    """The place names of a value below a country, each as its set of words ("Subhan Mosque" -> {subhan, mosque});
    a country, a capital standing for its government and "Pakistan-controlled" say whose toll it is (the side),
    not which part of the country."""
    from .text import STOP

    out = set()
    for name in names or ():
        words = []
        for w in re.findall(r"[A-Za-z][\w’'-]*", name):
            w = re.sub(r"[’']s$", "", w)
            low = w.lower()
            if low in STOP or low in _CALENDAR:
                continue
            if countries.country_of(re.split(r"[-’']", w)[0]) or countries.body_of(w) or countries.capital_of(w):
                continue
            words.append(low)
        if words and not countries.capital_of(name) and not countries.country_of(name):
            out.add(frozenset(words))
    return frozenset(out)


def _places_meet(a: frozenset[frozenset[str]], b: frozenset[frozenset[str]]) -> bool:
    """Two values' places name one place: some name of one holds all the words of a name of the other ("Subhan"
    and "Subhan Mosque"; not "Bilal Mosque" and "Subhan Mosque")."""
    return any(x <= y or y <= x for x in a for y in b)


def _unify_events(ms: list[Mention], units: list[Unit]) -> None:
    """Predicates one story uses for one slot, learned from the story itself: two predicates of the same counted
    thing ("nine sites struck", "strikes launched at nine locations", "nine locations attacked") are one event when
    some article states both with the same value, and no clause states both with different values (a clause that
    counts "8 killed, 35 injured" tells two slots apart). Rewrites ``event`` to the most used predicate of each
    such set. Word vectors cannot tell this: "killed" and "wounded" sit closer in them than "struck" and
    "attacked"."""
    def value_key(m: Mention) -> tuple:
        v = _bare(m)
        return (v.lo, v.hi, v.unit)

    by_article: dict[tuple, set[str]] = defaultdict(set)
    in_clause: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for m in ms:
        if not m.head or m.head.startswith("=") or m.event.startswith("place:") or m.event == "?":
            continue
        slot = (m.claim.kind, m.head)
        by_article[(units[m.unit].article, slot, value_key(m))].add(m.event)
        in_clause[(m.unit, slot)][m.event].add(value_key(m))
    apart: set[tuple[str, str]] = set()
    for evs in in_clause.values():
        names = sorted(evs)
        for x, a in enumerate(names):
            for b in names[x + 1:]:
                if evs[a] != evs[b]:
                    apart.add((a, b))
    parent: dict[tuple, tuple] = {}

    def find(x: tuple) -> tuple:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (_, slot, _), evs in by_article.items():
        names = sorted(evs)
        for x, a in enumerate(names):
            for b in names[x + 1:]:
                if (a, b) not in apart:
                    parent[find((slot, a))] = find((slot, b))
    if not parent:
        return
    use = Counter((( m.claim.kind, m.head), m.event) for m in ms if m.head)
    best: dict[tuple, tuple] = {}
    for node in parent:
        root = find(node)
        if root not in best or (use[node], node[1]) > (use[best[root]], best[root][1]):
            best[root] = node
    # a set joined through a third predicate must not hold two predicates some clause tells apart
    members: dict[tuple, list[str]] = defaultdict(list)
    for node in parent:
        members[find(node)].append(node[1])
    for m in ms:
        node = ((m.claim.kind, m.head), m.event)
        if node in parent:
            root = find(node)
            if not any((a, b) in apart for a in members[root] for b in members[root]):
                m.event = best[root][1]


def _equal(a: Mention, b: Mention) -> bool:
    """The same exact figure: a bound ("more than two decades") or an estimate identifies no measure."""
    x, y = _bare(a), _bare(b)
    return x.lo is not None and x.lo == x.hi and not (x.approx or y.approx) \
        and (x.lo, x.hi, x.unit, x.grain) == (y.lo, y.hi, y.unit, y.grain)


def _same_slot(a: Mention, b: Mention) -> bool:
    if a.event != b.event or a.claim.kind != b.claim.kind:
        return False
    if a.head and b.head and a.head != b.head and not (
            _equal(a, b) and (a.claim.kind == "duration" or a.head in THINGS or b.head in THINGS)):
        # the same length to the minute, measured by two outlets in one story, is one measure whatever noun each
        # hangs it on ("the 25-minute operation", "strikes which lasted 25 minutes"); the same exact count of one
        # event given with a generic noun by one outlet ("people", "sites") and a specific one by another
        # ("tourists", "terrorist camps") is one count. Different
        # figures for differently named things are not compared ("seven women" among "13 people" is a part).
        return False
    if a.side and b.side and a.side != b.side:
        return False  # one side's toll and the other side's: "killed by Indian fire" and "by Pakistani shelling"
    if a.place and b.place and not _places_meet(a.place, b.place):
        return False  # the toll at one mosque and at another, in one city and in another
    if a.agent and b.agent and not a.agent & b.agent:
        return False  # done by different hands: "killed by shelling" and "killed by the strikes"
    if a.claim.kind != "place" and (a.value.unit or "") != (b.value.unit or "") and a.claim.kind != "number":
        return False
    return True


class _Context:
    """Cosine of the clauses around values of one slot, without the slot's own words: two tolls both say "killed",
    what tells them apart is where, when and by whom. Computed on demand, pair by pair."""

    def __init__(self, units: list[Unit], ms: list[Mention], idf: Mapping[str, float]):
        self.vecs = []
        for m in ms:
            slot = m.claim.slot or {}
            own = {m.event, m.head or ""} | set(content_terms(" ".join(
                str(slot.get(k) or "") for k in ("predicate", "head"))))
            v = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in units[m.unit].terms.items() if t not in own}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vecs.append({t: x / norm for t, x in v.items()})
        self.same_clause = [m.unit for m in ms]
        self.cache: dict[tuple[int, int], float] = {}

    def __call__(self, x: int, y: int) -> float:
        if x > y:
            x, y = y, x
        key = (x, y)
        if key not in self.cache:
            if self.same_clause[x] == self.same_clause[y]:
                v = 1.0  # the same clause (two values of one slot in it) is as close as can be
            else:
                a, b = self.vecs[x], self.vecs[y]
                if len(b) < len(a):
                    a, b = b, a
                v = sum(w * b.get(t, 0.0) for t, w in a.items())
            self.cache[key] = v
        return self.cache[key]


def _value_groups(units: list[Unit], mentions: list[Mention], vectors: _Vectors,
                  best: list[dict[str, tuple[float, int]]],
                  story_slots: set[tuple[str, str]] | None = None) -> list[list[int]]:
    """Tight groups of values per slot; ``story_slots`` receives the slots most outlets give once each.

    Candidate pairs are values in the same clause or in clauses that are nearest neighbours (``best``), so a story
    with many values costs what its neighbour graph costs, not the square of its values."""
    n_outlets = len({u.outlet for u in units})
    buckets: dict[tuple, list[int]] = defaultdict(list)
    by_unit: dict[int, list[Mention]] = defaultdict(list)
    for k, m in enumerate(mentions):
        buckets[(m.claim.kind, m.event)].append(k)
        by_unit[m.unit].append(m)
    groups: list[list[int]] = []
    for (kind, event), idx in buckets.items():
        # an unknown slot, or a place (a story names its places in many unrelated sentences), needs clauses that
        # say nearly the same thing
        link, close = (CLOSE, CLOSE * 0.66) if event == "?" or kind == "place" else (VALUE_LINK, VALUE_CLOSE)
        if len(idx) < 2:
            groups.extend([k] for k in idx)
            continue
        ms = [mentions[k] for k in idx]
        us = [m.unit for m in ms]
        ctx = _Context(units, ms, vectors.idf)
        floor = 0.0
        per_outlet = Counter(units[u].outlet for u in us)
        once = sum(1 for c in per_outlet.values() if c == 1)
        # most outlets give this slot, each once (the story's own slot); or a few outlets give it, every one of
        # them once (a scene no outlet tells twice): the slot itself says which values belong together, whatever
        # the wording around them ("two days of talks", "the negotiations continue over four days"; "three jets
        # crashed in Kashmir", "two planes fell onto villages"). Places are named in many unrelated sentences.
        own = STORY_SLOT_ONCE * len(per_outlet) <= once and 2 * len(per_outlet) >= n_outlets
        scene = kind != "place" and once == len(per_outlet) >= SCENE_OUTLETS
        if event != "?" and (own or scene):
            if story_slots is not None:
                story_slots.add((kind, event))
            floor = link
            pairs = {(x, y) for x in range(len(idx)) for y in range(x + 1, len(idx))}
        else:
            at: dict[int, list[int]] = defaultdict(list)
            for x, u in enumerate(us):
                at[u].append(x)
            pairs = set()
            for x, u in enumerate(us):
                for j in [u] + [j for _, j in best[u].values()]:
                    pairs.update((min(x, y), max(x, y)) for y in at.get(j, ()) if y != x)

        def sim(x: int, y: int) -> float:
            return max(ctx(x, y), floor) if _same_slot(ms[x], ms[y]) else 0.0

        edges = [(sim(x, y), x, y) for x, y in pairs if units[us[x]].outlet != units[us[y]].outlet]
        edges = [e for e in edges if e[0] >= close]

        def same(x: int, y: int) -> bool:
            return _same_slot(ms[x], ms[y])

        local = tight_groups(len(idx), edges, sim, lambda x: units[us[x]].outlet, link, close, same)
        if event != "?" and kind != "place":
            # in the story's own slot an outlet giving two values (its side's and the other side's) splits the
            # tight groups; the slot says they are one fact, whatever their wording
            local = _slot_merge(local, ctx, ms, units, 0.0 if floor else SLOT_MERGE,
                                [_pair_signatures(m, by_unit) for m in ms])
        groups.extend([idx[x] for x in g] for g in local)
    return groups


def _centroid(g: list[int], ctx: "_Context") -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for x in g:
        for t, w in ctx.vecs[x].items():
            out[t] += w
    norm = math.sqrt(sum(w * w for w in out.values())) or 1.0
    return {t: w / norm for t, w in out.items()}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _main_head(g: list[int], ms: list[Mention]) -> str | None:
    heads = Counter(ms[x].head for x in g if ms[x].head)
    return heads.most_common(1)[0][0] if heads else None


def _main_side(g: list[int], ms: list[Mention]) -> str | None:
    """The side whose hand half or more of a group's members name: one clause's stray cause phrase ("after Indian
    forces struck ...") in a group that mostly names none does not make the group that side's toll."""
    sides = Counter(ms[x].side for x in g if ms[x].side)
    if not sides:
        return None
    side, n = sides.most_common(1)[0]
    return side if 2 * n >= len(g) else None


def _heads_meet(a: list[int], b: list[int], ms: list[Mention]) -> bool:
    """Two groups count the same thing: their main counted heads ("aircraft", "drone") agree, or one has none,
    and so do the sides whose hands did it."""
    ha, hb = _main_head(a, ms), _main_head(b, ms)
    sa, sb = _main_side(a, ms), _main_side(b, ms)
    return (ha is None or hb is None or ha == hb or _kind_of(a, ha, b, hb, ms) or _kind_of(b, hb, a, ha, ms)) \
        and (sa is None or sb is None or sa == sb)


def _kind_of(a: list[int], ha: str, b: list[int], hb: str, ms: list[Mention]) -> bool:
    """Group ``a`` counts a kind of the generic thing group ``b`` counts ("nine terrorist camps" of "nine
    sites"), and every exact figure it gives is one that ``b`` gives too: the same count told with a narrower
    noun, not a count of something else."""
    if hb not in THINGS or ha in THINGS:
        return False
    exact = {_value_key(ms[x]) for x in a if _bare(ms[x]).lo == _bare(ms[x]).hi and not _bare(ms[x]).approx}
    return bool(exact) and exact <= {_value_key(ms[x]) for x in b}


def _group_places_meet(a: list[int], b: list[int], ms: list[Mention]) -> bool:
    """Two groups tell of one place, or one of them has none: the place names most of a group's members give
    meet the other's (a scene is the toll at one school, not at another; a stray name in one clause says little)."""
    def main(g: list[int]) -> frozenset:
        count = Counter(name for x in g for name in ms[x].place)
        return frozenset(name for name, n in count.items() if 2 * n >= len(g))
    pa, pb = main(a), main(b)
    return not pa or not pb or _places_meet(pa, pb)


def _value_key(m: Mention) -> tuple:
    v = _bare(m)
    return (v.kind, v.lo, v.hi, v.unit)


def _pair_signatures(m: Mention, by_unit: Mapping[int, list[Mention]]) -> set[tuple]:
    """What else the clause of a value counts, with that value: (this value, another slot, its value) for every
    value of another slot in the same clause ("eight killed, 35 injured" -> (8, injure, 35)), and (this value,
    "at", a place) for every place below a country it is given at."""
    out = {(_value_key(m), o.claim.kind, o.event, o.head, _value_key(o)) for o in by_unit.get(m.unit, ())
           if (o.event, o.head) != (m.event, m.head) and o.event != "?" and not o.event.startswith("place:")}
    # the same exact figure at the same named place below a country ("13 killed" in Bahawalpur) is one report too
    v = _bare(m)
    if v.lo is not None and v.lo == v.hi and not v.approx:
        out.update((_value_key(m), "at", name) for name in m.place)
    return out


def _slot_merge(groups: list[list[int]], ctx: "_Context", ms: list[Mention], units: list[Unit],
                threshold: float = SLOT_MERGE, signatures: list[set[tuple]] | None = None) -> list[list[int]]:
    """One fact per value slot and scene: tight groups of one slot whose contexts, taken as a whole (the centroid
    of their clauses without the slot's own words), tell the same scene are one fact, so every outlet's value for
    that slot lands in it with its spread. Centroid to centroid, never member chaining: a group joins a scene only
    through what its clauses say together; values of another scene (another place, another hand) keep apart."""
    groups = [list(g) for g in groups]
    cents = [_centroid(g, ctx) for g in groups]
    alive = [True] * len(groups)

    # Two outlets that give the same values for two slots in one clause ("eight killed and 35 injured") report
    # one scene: the joint coincidence of two values is rare where one shared value is not. Such groups are one
    # fact whatever else their clauses say (their heads, sides and places must still meet).
    def signed(g: list[int]) -> dict[tuple, set[str]]:
        out: dict[tuple, set[str]] = defaultdict(set)
        for x in g:
            for sig in (signatures[x] if signatures else ()):
                out[sig].add(units[ms[x].unit].outlet)
        return out
    sigs = [signed(g) for g in groups]

    def paired(a: int, b: int) -> bool:
        return any(len(sigs[a][k] | sigs[b][k]) >= 2 for k in sigs[a].keys() & sigs[b].keys())

    while True:
        best, pick = threshold, None
        for a in range(len(groups)):
            if not alive[a]:
                continue
            for b in range(a + 1, len(groups)):
                if not alive[b]:
                    continue
                s = _cos(cents[a], cents[b])
                if paired(a, b):
                    s = max(s, 1.0)
                if s >= best and _heads_meet(groups[a], groups[b], ms) \
                        and _group_places_meet(groups[a], groups[b], ms):
                    best, pick = s, (a, b)
        if pick is None:
            break
        a, b = pick
        groups[a] += groups[b]
        alive[b] = False
        cents[a] = _centroid(groups[a], ctx)
        for k, outs in sigs[b].items():
            sigs[a][k] |= outs
    return [g for g, ok in zip(groups, alive) if ok]


def _spread(ms: list[Mention], units: list[Unit], family: Mapping[str, str]) -> list[dict]:
    """The values of one slot: each value with the outlets that state it, its independent sources and whom the
    outlets credit it to; the most widely carried first."""
    by_value: dict[str, list[Mention]] = defaultdict(list)
    for m in ms:  # one entry per value, whatever noun each outlet counts with ("26 civilians", "26 people")
        by_value[_bare(m).describe() or m.claim.text].append(m)
    out = []
    for val, group in by_value.items():
        outlets = sorted({units[m.unit].outlet for m in group})
        out.append({"value": val, "outlets": outlets, "sources": len({family[o] for o in outlets}),
                    "attributed_to": sorted({m.attributed for m in group if m.attributed})})
    out.sort(key=lambda d: (-d["sources"], d["value"]))
    return out


def _bare(m: Mention) -> Value:
    """A count without the noun it counts: the slot already says both count the same thing ("nine deaths",
    "14 people were killed")."""
    v = m.value
    return Value(v.kind, None, v.lo, v.hi, v.label, v.approx, v.grain) if v.kind == "number" else v


def _clash(ms: list[Mention], units: list[Unit]) -> bool:
    """Two outlets give values of one slot that cannot both be true."""
    for x in range(len(ms)):
        for y in range(x + 1, len(ms)):
            a, b = ms[x], ms[y]
            if units[a.unit].outlet != units[b.unit].outlet and _same_slot(a, b) \
                    and a.claim.kind != "place" and compatible(_bare(a), _bare(b)) is False:
                return True
    return False


def _sure_clash(ms: list[Mention], units: list[Unit], idf: Mapping[str, float]) -> bool:
    """Two incompatible values whose clauses say the same thing apart from the slot's own words."""
    sim = _Context(units, ms, idf)
    return any(sim(x, y) >= DIFFER for x in range(len(ms)) for y in range(x + 1, len(ms))
               if units[ms[x].unit].outlet != units[ms[y].unit].outlet and _same_slot(ms[x], ms[y])
               and compatible(_bare(ms[x]), _bare(ms[y])) is False)


# ---------------------------------------------------------------- the facts of a story

def align(story_articles: Mapping[str, Article], outlet_by_article: Mapping[str, str],
          furniture: Collection[str] = (), *, prepare: Callable[[Article], ArticleUnits] = article_units) -> list[dict]:
    """Facts for the compared articles of one story (``outlet_by_article`` maps each compared id to its outlet;
    ``furniture`` holds clause keys (``text.clause_key``) the caller found recurring across unrelated stories;
    ``prepare`` gives an article's ``ArticleUnits``, by default computed afresh, or from a cache)."""
    outlets = sorted(set(outlet_by_article.values()))
    if len(outlets) < 2:
        return []
    actors = _Actors()
    units: list[Unit] = []
    for aid, outlet in sorted(outlet_by_article.items()):
        art = story_articles[aid]
        units.extend(story_units(prepare(art), art, outlet, actors, furniture))
    if not units:
        return []
    # words the story's outlets use for one concept ("facilities", "installations") count as one term
    fold = story_fold((u.outlet, u.text) for u in units)
    if fold:
        units = [replace(u, terms=_fold_terms(u.terms, fold)) for u in units]
    units = _drop_restated(units)
    family = source_families(story_articles, outlet_by_article)
    vectors = _Vectors(units)
    every = _mentions(units, story_articles)
    _fold_events(every)
    # a singular noun ("killing a child") is weighed only inside a statement fact, against the numbers its own
    # members give; on its own a count of one is too common to make a value fact of
    mentions = [m for m in every if not _singular(m)]
    _unify_events(mentions, units)
    best = _best_per_outlet(units, vectors)
    value_facts = _value_facts(units, mentions, story_articles, vectors, family, best)
    statement_facts = _statement_facts(units, every, story_articles, vectors, family, best, fold)
    statement_facts = _merge_phrase_facts(_phrase_facts(units, mentions, story_articles, vectors, family, fold),
                                          statement_facts)
    facts = value_facts + _drop_repeats(statement_facts, value_facts)
    order = {"differs": 0, "agreed": 1, "single-source": 2}
    facts.sort(key=lambda f: (order[f["status"]], -f["sources"], -len(f["outlets"]), -f.get("importance", 0.0),
                              f["_pos"]))
    for rank, f in enumerate(facts, 1):
        f["rank"] = rank
        f.pop("_pos", None)
    return facts


def _fold_terms(terms: Counter, fold: Mapping[str, str]) -> Counter:
    out: Counter = Counter()
    for t, c in terms.items():
        out[fold.get(t, t)] += c
    return out


def _drop_restated(units: list[Unit]) -> list[Unit]:
    """An article that states one thing twice in the same words, reordered ("No installation was targeted during
    the operation." / "During the operation, no installations were targeted."), says it once: a later clause with
    the same content words and no value the first lacks is left out, so it cannot join another fact as that
    outlet's clause."""
    seen: dict[tuple[str, frozenset], set[str]] = {}
    out = []
    for u in units:
        key = (u.article, frozenset(u.terms))
        values = {c.text for c, _ in u.claims}
        if len(key[1]) >= MIN_TERMS and key in seen and values <= seen[key]:
            continue
        seen.setdefault(key, values)
        out.append(u)
    return out


def _clause_keys(f: dict) -> set[tuple[str, int, int]]:
    return {(ev["article"], ev["start"], ev["end"]) for evs in f["outlets"].values() for ev in evs}


def _drop_repeats(statements: list[dict], values: list[dict]) -> list[dict]:
    """A statement group whose clauses a value fact already compares is told by that value fact."""
    compared = set().union(*[_clause_keys(f) for f in values if f["status"] != "single-source"] or [set()])
    out = []
    for f in statements:
        keys = _clause_keys(f)
        if f["status"] == "single-source" and keys & compared:
            continue  # its value is compared with the other outlets in a value fact: it is not unreported
        if f["status"] != "single-source" and len(keys & compared) * 2 > len(keys):
            continue
        out.append(f)
    return out


def _evidence(units: list[Unit], idx: list[int], arts: Mapping[str, Article],
              claims: Mapping[int, list[Mention]] | None = None) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for i in sorted(idx, key=lambda i: (units[i].outlet, units[i].article, units[i].start)):
        u = units[i]
        art = arts[u.article]
        for m in (claims or {}).get(i, [None]):
            item = _span(art, u.start, u.end)
            if m is not None:
                item["claim"] = _span(art, m.claim.start, m.claim.end)
                item["value"] = m.value.describe() or m.claim.text
            if item not in out[u.outlet]:
                out[u.outlet].append(item)
    return dict(sorted(out.items()))


def _value_facts(units: list[Unit], mentions: list[Mention], arts: Mapping[str, Article], vectors: _Vectors,
                 family: Mapping[str, str], best: list[dict[str, tuple[float, int]]]) -> list[dict]:
    facts = []
    story_slots: set[tuple[str, str]] = set()
    for g in _value_groups(units, mentions, vectors, best, story_slots):
        ms = [mentions[k] for k in g]
        outs = {units[m.unit].outlet for m in ms}
        if len(outs) < 2:
            continue
        sources = len({family[o] for o in outs})
        kind = ms[0].claim.kind
        clash = _clash(ms, units)
        if clash and sources < 3 and (kind, ms[0].event) not in story_slots \
                and not _sure_clash(ms, units, vectors.idf):
            continue  # two or three outlets that merely share a slot word: too thin to call them contradictory
        # two versions of one wire text that changed a number differ too; coverage still counts them once
        status = "differs" if clash else ("agreed" if sources >= 2 else "single-source")
        by_unit: dict[int, list[Mention]] = defaultdict(list)
        for m in ms:
            by_unit[m.unit].append(m)
        ev = _evidence(units, list(by_unit), arts, by_unit)
        values = {o: sorted({x["claim"]["text"] for x in items}) for o, items in ev.items()}
        spread = _spread(ms, units, family)
        what = ms[0].event.removeprefix("place:") if kind == "place" else (ms[0].head or "") if kind == "duration" \
            else " ".join(x for x in (ms[0].event.replace("_", " "), ms[0].head) if x)
        if kind == "place":
            text = f"place: {ms[0].claim.text}"
        elif status == "differs":
            text = f"{kind} ({what}): " + " vs ".join(
                f"{d['value']} ({', '.join(d['outlets'][:3])}{', …' if len(d['outlets']) > 3 else ''})"
                for d in spread)
        else:
            text = f"{kind} ({what}): {spread[0]['value']}"
        spans = [(x["article"], x["claim"]["start"], x["claim"]["end"]) for items in ev.values() for x in items]
        us = sorted(by_unit)
        sims = [vectors.get(a, b) for x, a in enumerate(us) for b in us[x + 1:]]
        facts.append({"id": _fact_id(kind, spans), "text": text, "kind": kind, "status": status, "outlets": ev,
                      "values": values, "similarity": round(max(sims, default=0.0), 3), "sources": sources,
                      "slot": {"event": ms[0].event.replace("_", " "), "head": ms[0].head},
                      "spread": spread, "_pos": min(m.claim.start for m in ms)})
    return facts


def _best_per_outlet(units: list[Unit], vectors: _Vectors) -> list[dict[str, tuple[float, int]]]:
    """Nearest neighbours: each clause's ``NEIGHBOURS`` most similar clauses of other outlets, at most one per
    outlet (its best there), {outlet: (similarity, clause)}. Vectorised, and bounded per clause, so the graph grows
    linearly with the clauses however many outlets share the story's vocabulary. Each clause's neighbours depend on
    its own row of similarities alone, so they are found ``ROW_BLOCK`` rows at a time (the sorts' arrays of the
    whole matrix took as much again as the matrix)."""
    names = sorted({u.outlet for u in units})
    oid = {o: k for k, o in enumerate(names)}
    outlet_ids = np.array([oid[u.outlet] for u in units], dtype=np.int64)
    best: list[dict[str, tuple[float, int]]] = [dict() for _ in units]
    outlet_of = [u.outlet for u in units]  # (a list, not ``names[outlet_ids[j]]``: numpy scalar indexing per pair)
    for lo in range(0, len(units), ROW_BLOCK):
        coo = vectors.sim[lo:lo + ROW_BLOCK].tocoo()
        rows, cols, vals = coo.row.astype(np.int64) + lo, coo.col, coo.data
        keep = outlet_ids[rows] != outlet_ids[cols]
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
        order = np.lexsort((-vals, outlet_ids[cols], rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        first = np.ones(len(rows), dtype=bool)
        if len(rows) > 1:
            first[1:] = (rows[1:] != rows[:-1]) | (outlet_ids[cols[1:]] != outlet_ids[cols[:-1]])
        rows, cols, vals = rows[first], cols[first], vals[first]
        order = np.lexsort((-vals, rows))  # each clause's outlets by their best similarity, strongest first
        rows, cols, vals = rows[order], cols[order], vals[order]
        starts = np.searchsorted(rows, rows, side="left")
        keep = (np.arange(len(rows)) - starts) < NEIGHBOURS
        for i, j, v in zip(rows[keep].tolist(), cols[keep].tolist(), vals[keep].tolist()):
            best[i][outlet_of[j]] = (v, j)
    return best


def _statement_facts(units: list[Unit], mentions: list[Mention], arts: Mapping[str, Article], vectors: _Vectors,
                     family: Mapping[str, str], best: list[dict[str, tuple[float, int]]],
                     fold: Mapping[str, str] = {}) -> list[dict]:
    n = len(units)
    edges = list({(s, min(i, j), max(i, j)) for i in range(n) for s, j in best[i].values() if s >= CLOSE})
    groups = tight_groups(n, edges, vectors.get, lambda i: units[i].outlet, MATCH, CLOSE)
    by_unit: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_unit[m.unit].append(m)
    slot_outlets: dict[tuple, set[str]] = defaultdict(set)
    for m in mentions:
        slot_outlets[(m.event, m.head)].add(units[m.unit].outlet)
    # words each outlet uses anywhere in the story, to tell "silent" from "said otherwise"
    term_outlets: dict[str, set[str]] = defaultdict(set)
    for u in units:
        for t in u.terms:
            term_outlets[t].add(u.outlet)
    value_families: dict[tuple, set[str]] = defaultdict(set)  # who gives each measure anywhere in the story
    for u in units:
        for c, v in u.claims:
            if _measure(v):
                value_families[_measure(v)].add(family[u.outlet])
    actor_families: dict[int, set[str]] = defaultdict(set)  # who names each actor anywhere in the story
    for u in units:
        for a in u.actors:
            actor_families[a].add(family[u.outlet])
    facts = []
    for members in groups:
        mem = [units[i] for i in members]
        outs = {u.outlet for u in mem}
        sources = len({family[o] for o in outs})
        spread = None
        if len(outs) >= 2:
            ms = [m for i in members for m in by_unit.get(i, [])]
            if _clash(ms, units):
                status = "differs"
                spread = _spread(ms, units, family)
            elif sources >= 2 and _denied(mem, family, fold):
                status = "differs"
            else:
                status = "agreed" if sources >= 2 else "single-source"  # copies of one text: one source
        else:
            i = members[0]
            u = units[i]
            # the closest clause of another source that is about the same actor: a call for restraint by one
            # government is not reported by an outlet that carries another government's call
            top = max((s for o, (s, j) in best[i].items() if family[o] != family[u.outlet]
                       and not (u.subject is not None and units[j].subject is not None
                                and u.subject != units[j].subject and s < MATCH)), default=0.0)
            if top >= NEAR:
                continue  # a near paraphrase elsewhere: too close to call it unreported
            if any(len(slot_outlets[(m.event, m.head)]) > 1 for m in by_unit.get(i, [])):
                continue  # another outlet gives a value of the same slot: compared, not unreported
            if _continues(units, i) and any(len(slot_outlets[(m.event, m.head)]) > 1
                                            for m in by_unit.get(i - 1, [])):
                continue  # "..., but the real toll is likely higher": a remark on a value compared elsewhere
            if any(len(value_families.get(_measure(v), ())) > 1 for c, v in u.claims if _measure(v)):
                continue  # its measure ("a 25-minute operation") is given by another source: reported there
            novel = [t for t in u.terms if term_outlets[t] == {u.outlet}]
            weight = sum(vectors.idf[t] for t in u.terms) or 1.0
            novelty = sum(vectors.idf[t] for t in novel) / weight
            own_actor = u.subject is not None and actor_families[u.subject] == {family[u.outlet]}
            if len(novel) < 2 or (novelty < NOVEL and not own_actor):
                continue  # its words and its actor are found elsewhere in the story: perhaps reported otherwise
            status = "single-source"
        kinds = {c.kind for u in mem for c, v in u.claims if c.kind != "number" or v.unit}
        quoted = sum(u.quoted for u in mem) / len(mem)
        kind = "quote" if quoted >= 0.5 else "statement"
        if status == "single-source" and kind == "statement":
            kind = next((k for k in _KIND_ORDER if k in kinds), kind)
        first = min(mem, key=lambda u: (u.outlet, u.start))
        spans = [(u.article, u.start, u.end) for u in mem]
        fact = {"id": _fact_id(kind, spans), "text": first.text, "kind": kind, "status": status,
                "outlets": _evidence(units, members, arts), "sources": sources, "_pos": first.start}
        if spread:
            fact["spread"] = spread
        if status == "single-source":
            fact["importance"] = round(_importance(members, units, vectors, by_unit), 3)
        facts.append(fact)
    return facts


_CONNECTIVE = re.compile(r"^(?:but|and|while|whereas|although|though|which|with|as well as|after which)\b")


def _continues(units: list[Unit], i: int) -> bool:
    """The clause goes on from the one before it in the same sentence ("but ...", "while ...")."""
    return i > 0 and units[i - 1].article == units[i].article and bool(_CONNECTIVE.match(units[i].text)) \
        and units[i].start - units[i - 1].end <= 3


def _measure(v: Value) -> tuple | None:
    """A duration, amount or percentage as a comparable key; bare counts are too common to identify a report."""
    if v.kind in ("duration", "money", "percent") and v.lo is not None:
        return v.kind, v.unit, round(v.lo, 4), round(v.hi, 4) if v.hi != float("inf") else None
    return None


def _negated_terms(text: str, fold: Mapping[str, str] = {}) -> set[str]:
    """Content words in the scope of a negation: the few words after "no", "not", "denied" ..."""
    out: set[str] = set()
    for m in _NEGATION.finditer(text):
        out.update(fold.get(t, t) for t in content_terms(" ".join(text[m.end():].split()[:4])))
    return out


def _denied(mem: list[Unit], family: Mapping[str, str], fold: Mapping[str, str] = {}) -> bool:
    """A statement and its denial, each from an independent source: words one member negates ("no military
    installation was targeted") that another states plainly ("military installations were hit")."""
    neg = {i: _negated_terms(u.text, fold) for i, u in enumerate(mem)}
    for i, u in enumerate(mem):
        if not neg[i]:
            continue
        for j, v in enumerate(mem):
            if neg[j] or family[v.outlet] == family[u.outlet]:
                continue
            if len(neg[i] & set(v.terms)) >= 2:
                return True
    return False


def _importance(members: list[int], units: list[Unit], vectors: _Vectors,
                by_unit: Mapping[int, list[Mention]]) -> float:
    """How much an exclusive matters to the story: its centrality (similarity to the rest of the story), named
    actors, values, quotation and lead position."""
    u = units[members[0]]
    _, vals = vectors.row(members[0])
    centrality = float(np.sort(vals)[-5:].mean()) if len(vals) else 0.0
    return (centrality + 0.1 * min(3, len(u.actors)) + 0.15 * bool(by_unit.get(members[0]))
            + 0.1 * (u.quoted >= 0.5) + 0.2 / (1 + u.lead))


# ---------------------------------------------------------------- phrase-anchored statement facts
# Outlets paraphrase one statement inside long lead sentences that carry several facts, so whole-clause similarity
# leaves it in pieces. A phrase that several independent sources use and general English rarely does ("act of
# war", "airspace") anchors the statement instead: each source's clause that is about the phrase is a member.

PHRASE_SOURCES = 3  # independent sources (copy families) that must use a phrase for it to anchor a fact
PHRASE_MAX = 4  # words in a phrase, stop words inside it included
PHRASE_RARE = 3.8  # Zipf frequency (wordfreq, English) at or below which a word is rare in general English
PHRASE_SUBSUME = 0.8  # a phrase whose carriers a longer phrase holds in this share says nothing of its own
PHRASE_CENTRAL = 0.05  # IDF-weighted share of a clause's words the phrase must hold, unless the clause is short
PHRASE_SHORT = 8  # content words at or below which a clause is short enough for any phrase in it to be central
PHRASE_REST = 0.1  # mean pairwise TF-IDF similarity of the members' other words, below which the phrase is a
#                     chance collocation shared by unrelated statements
PHRASE_OVERLAP = 0.5  # share of a fact's clauses another (larger) fact already holds, at which it is a repeat


@lru_cache(maxsize=WORD_MEMO)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _phrase_zipf(surfaces: tuple[str, ...]) -> float:
    """The Zipf frequency a phrase would have in general English if its words were independent: a unigram's own
    frequency, and far rarer for a phrase of several words (a collocation several outlets repeat is specific)."""
    return sum(_zipf(w) for w in surfaces) - 9.0 * (len(surfaces) - 1)


def _phrases_of(u: Unit, fold: Mapping[str, str] = {}) -> dict[tuple[str, ...], tuple[set, tuple[int, int]]]:
    """``_unit_phrases`` of a unit with the story's synonym fold applied to the keys. The unfolded phrases are kept
    on the piece the unit was made from: a prepared article reused by a later comparison does not cut its phrases
    again, and the fold (a story's own) is applied on reading. Keys that fold into one keep the first one's span
    and all surface forms, as folding while cutting would."""
    found = u.piece.phrases if u.piece is not None else None
    if found is None:
        found = _unit_phrases(u, [(c.start, c.end) for c, v in u.claims])
        if u.piece is not None:
            u.piece.phrases = found
    if not fold:
        return found
    out: dict[tuple[str, ...], tuple[set, tuple[int, int]]] = {}
    for key, (ws, where) in found.items():
        folded = tuple(fold.get(k, k) for k in key)
        if folded in out:
            out[folded][0].update(ws)
        else:
            out[folded] = (set(ws), where)
    return out


def _unit_phrases(u: Unit, claim_spans: list[tuple[int, int]]) -> dict[tuple[str, ...], tuple[set, tuple[int, int]]]:
    """The candidate phrases of one clause: word n-grams (1..PHRASE_MAX) not starting or ending in a stop word,
    holding a content word that is not a name, and no number or part of a value the slots compare. Maps each
    phrase key to its surface forms (for their general-English frequency) and its first span in the text."""
    from .text import phrase_segments

    out: dict[tuple[str, ...], tuple[set, tuple[int, int]]] = {}
    base = u.start
    for seg in phrase_segments(u.text):
        # each token's fields read once per segment, and each n-gram grown from the one before (this runs over
        # every clause of every member: the largest part of a story's comparison)
        kinds = [t.kind for t in seg]
        keys = [t.key for t in seg]
        lows = [t.surface.lower() for t in seg]
        starts = [base + t.start for t in seg]
        ends = [base + t.end for t in seg]
        size = len(seg)
        for i in range(size):
            if kinds[i] == "stop":
                continue  # a phrase never starts with a stop word
            has_word = False
            for j in range(i, min(size, i + PHRASE_MAX)):  # the n-gram seg[i..j]
                kind = kinds[j]
                if kind == "num":
                    break  # no phrase holds a number (nor does any longer one from here)
                if kind == "word":
                    has_word = True
                if kind == "stop" or not has_word:
                    continue
                s, e = starts[i], ends[j]
                if any(cs < e and s < ce for cs, ce in claim_spans):
                    continue  # a counted thing or a value: compared by the value slots
                key = tuple(keys[i:j + 1])
                # names say who, not what: the phrase must be rare for its other words
                out.setdefault(key, (set(), (s, e)))[0].add(tuple(lows[x] for x in range(i, j + 1)
                                                                   if kinds[x] != "name"))
    return out


def _phrase_terms(key: tuple[str, ...]) -> set[str]:
    from .text import STOP

    return {k for k in key if k not in STOP}


def _phrase_facts(units: list[Unit], mentions: list[Mention], arts: Mapping[str, Article], vectors: _Vectors,
                  family: Mapping[str, str], fold: Mapping[str, str] = {}) -> list[dict]:
    carriers: dict[tuple[str, ...], set[int]] = defaultdict(set)
    at: dict[tuple[int, tuple], tuple[int, int]] = {}
    words: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for i, u in enumerate(units):
        for key, (ws, where) in _phrases_of(u, fold).items():
            carriers[key].add(i)
            words[key].update(ws)
            at[(i, key)] = where
    unit_family = [family[u.outlet] for u in units]
    # only a phrase carried by PHRASE_SOURCES units or more can come from as many families: the families of the
    # others (most phrases, carried by one clause) are never asked for
    fams = {k: {unit_family[i] for i in idx} for k, idx in carriers.items() if len(idx) >= PHRASE_SOURCES}
    salient = {k for k, f in fams.items() if len(f) >= PHRASE_SOURCES
               and max(_phrase_zipf(w) for w in words[k]) <= PHRASE_RARE}
    # a phrase inside a longer salient phrase carried by nearly the same sources is that phrase's fragment
    def inside(short: tuple, long: tuple) -> bool:
        return len(short) < len(long) and any(long[x:x + len(short)] == short
                                               for x in range(len(long) - len(short) + 1))
    keep = [k for k in sorted(salient) if not any(inside(k, q) and len(fams[q]) >= PHRASE_SUBSUME * len(fams[k])
                                          for q in salient)]
    by_unit: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_unit[m.unit].append(m)
    idf = vectors.idf
    facts = []
    for key in keep:
        terms = _phrase_terms(key)
        best: dict[str, tuple[float, int]] = {}
        for i in carriers[key]:
            u = units[i]
            weight = sum(idf[t] for t in u.terms) or 1.0
            share = sum(idf[t] for t in u.terms if t in terms) / weight
            if share < PHRASE_CENTRAL and len(u.terms) > PHRASE_SHORT:
                continue  # the phrase is a side remark of this clause, not what it says
            if u.outlet not in best or (share, -u.lead) > (best[u.outlet][0], -units[best[u.outlet][1]].lead):
                best[u.outlet] = (share, i)
        members = sorted(i for _, i in best.values())
        sources = len({family[units[i].outlet] for i in members})
        if sources < PHRASE_SOURCES:
            continue
        rest = [_rest_vector(units[i], terms, idf) for i in members]
        pairs = [_cos(rest[x], rest[y]) for x in range(len(rest)) for y in range(x + 1, len(rest))
                 if family[units[members[x]].outlet] != family[units[members[y]].outlet]]
        if pairs and sum(pairs) / len(pairs) < PHRASE_REST:
            continue
        ms = [m for i in members for m in by_unit.get(i, [])]
        if _clash(ms, units):
            continue  # the members give incompatible values: the value facts compare them
        # a statement and its denial are not one fact: the members that say it the way most sources do stay
        neg = {i: bool(_negated_terms(units[i].text, fold) & terms) for i in members}
        negated = sum(neg.values())
        if negated * 2 == len(members):
            continue
        members = [i for i in members if neg[i] == (negated * 2 > len(members))]
        sources = len({family[units[i].outlet] for i in members})
        if sources < PHRASE_SOURCES:
            continue
        mem = [units[i] for i in members]
        status = "agreed"
        quoted = sum(u.quoted for u in mem) / len(mem)
        kind = "quote" if quoted >= 0.5 else "statement"
        evidence: dict[str, list[dict]] = defaultdict(list)
        for i in sorted(members, key=lambda i: (units[i].outlet, units[i].start)):
            u = units[i]
            s, e = _phrase_span(u, at[(i, key)])  # the piece of the clause that says it, not all its lead
            evidence[u.outlet].append(_span(arts[u.article], s, e))
        first = next(iter(sorted(evidence.items())))[1][0]
        spans = [(ev["article"], ev["start"], ev["end"]) for evs in evidence.values() for ev in evs]
        facts.append({"id": _fact_id(kind, spans), "text": first["text"], "kind": kind, "status": status,
                      "outlets": dict(sorted(evidence.items())), "sources": sources,
                      "_pos": min(u.start for u in mem), "_clauses": {(u.article, u.start, u.end) for u in mem}})
    return facts


_PIECE = re.compile(r"[,;:()\[\]—–]|\s-\s")
PHRASE_SPAN_WORDS = 8  # words the evidence of a phrase fact holds at least (when its clause has them)


def _phrase_span(u: Unit, where: tuple[int, int]) -> tuple[int, int]:
    """The part of a clause that states the phrase: the punctuation-delimited piece holding it, widened by its
    neighbours until it has PHRASE_SPAN_WORDS words. A long lead sentence carries several facts; the evidence of
    this one is the piece around its phrase."""
    cuts = [u.start] + [u.start + m.end() for m in _PIECE.finditer(u.text)] + [u.end + 1]
    pieces = [(cuts[k], cuts[k + 1] - 1) for k in range(len(cuts) - 1) if cuts[k + 1] - 1 > cuts[k]]
    k = next((x for x, (a, b) in enumerate(pieces) if a <= where[0] < b + 1), 0)
    lo = hi = k
    def words(a: int, b: int) -> int:
        return len(u.text[pieces[a][0] - u.start:pieces[b][1] - u.start].split())
    while words(lo, hi) < PHRASE_SPAN_WORDS and (lo > 0 or hi < len(pieces) - 1):
        if hi < len(pieces) - 1:
            hi += 1
        if words(lo, hi) < PHRASE_SPAN_WORDS and lo > 0:
            lo -= 1
    s, e = pieces[lo][0], max(pieces[hi][1], where[1])
    text = u.text[s - u.start:e - u.start]
    s += len(text) - len(text.lstrip(" \"'“”‘’"))
    e -= len(text) - len(text.rstrip(" ,;:"))
    return (s, e) if e > s else (u.start, u.end)


def _rest_vector(u: Unit, drop: set[str], idf: Mapping[str, float]) -> dict[str, float]:
    v = {t: (1 + math.log(c)) * idf[t] for t, c in u.terms.items() if t not in drop}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {t: x / norm for t, x in v.items()}


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def _merge_phrase_facts(phrases: list[dict], statements: list[dict]) -> list[dict]:
    """Phrase facts and tight groups side by side without counting one statement twice: of two facts sharing
    most of the smaller one's clauses, the one with more sources stays (phrase facts first on ties). A clause a
    phrase fact finds in several sources is not single-source."""
    pool = [(f, f["_clauses"]) for f in phrases] + [(f, _clause_keys(f)) for f in statements
                                                       if f["status"] != "single-source"]
    pool.sort(key=lambda p: (-p[0]["sources"], -len(p[1]), "_clauses" not in p[0]))
    kept: list[tuple[dict, set]] = []
    for f, keys in pool:
        if any(len(keys & k) > PHRASE_OVERLAP * min(len(keys), len(k)) for _, k in kept):
            continue
        kept.append((f, keys))
    shared = set().union(*[f["_clauses"] for f, _ in kept if "_clauses" in f] or [set()])
    out = [f for f, _ in kept] + [f for f in statements
                                  if f["status"] == "single-source" and not _clause_keys(f) & shared]
    for f in out:
        f.pop("_clauses", None)
    return out
