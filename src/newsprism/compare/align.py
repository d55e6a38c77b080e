"""Fact alignment across the outlets of one story.

Two families of facts come out:

* value facts: claims (numbers, money, percentages, durations, dates, places) of different outlets that measure the
  same thing (same kind and unit, overlapping context words such as "talks"/"negotiations") are grouped; the group
  is ``agreed`` when every pair of values is compatible after normalisation, else ``differs``.
* statement facts: sentences, cut into clauses where a sentence joins separate pieces of information, are matched
  across outlets by TF-IDF cosine over normalised content words plus shared actors. A clause matched in another
  outlet is ``agreed``; a clause with no counterpart at all (low best similarity) whose key words no other outlet
  uses anywhere in the story is ``single-source``. Clauses in between are left out rather than guessed.

Every piece of evidence is a span of an article's text (``article.text[start:end] == text``).
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsprism.model import Article, Claim

from .actors import ActorIndex, country_of
from .text import Piece, clauses, concept, content_terms, sentences
from .values import Value, compatible, fallback_claims, value_of

MATCH = 0.42  # statement similarity at or above which two clauses report the same thing (tuned, see benchmarks)
SILENT = 0.22  # best similarity below which the other outlets are taken to be silent on a clause
MIN_TERMS = 3
VALUE_KINDS = ("number", "money", "percent", "duration", "date")
NEAR = 0.36  # best similarity at or above which a clause is never called single-source
NOVEL = 0.5  # share (IDF-weighted) of a clause's words that no other outlet uses, for it to be single-source
_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|from|across|to)\s+(?:the\s+)?$", re.I)
_KIND_ORDER = ("percent", "money", "duration", "number", "date", "commitment")


@dataclass
class Unit:
    article: str
    outlet: str
    start: int
    end: int
    text: str
    terms: Counter
    actors: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    claims: list[tuple[Claim, Value]] = field(default_factory=list)
    quoted: float = 0.0  # share of the clause inside a quotation
    speaker: int | None = None


@dataclass
class ClaimRef:
    unit: Unit
    claim: Claim
    value: Value
    about: set[str]
    wide: set[str] = field(default_factory=set)
    holder: int | None = None  # the actor named last before the value in its clause ("Carter scored 14")
    compound: bool = False  # "a 73-yard drive", "a three-point play": a modifier, not a count of the thing


def _span(article: Article, start: int, end: int) -> dict:
    return {"article": article.id, "start": start, "end": end, "text": article.text[start:end]}


def _claims_of(article: Article) -> list[Claim]:
    cl = [c for c in article.claims if 0 <= c.start < c.end <= len(article.text)]
    return cl if cl else fallback_claims(article.text)


def build_units(article: Article, outlet: str, actors: ActorIndex) -> list[Unit]:
    text = article.text
    ents = []
    for e in article.entities:
        if e.type in ("PERSON", "ORG", "NORP", "GPE"):
            k = actors.add(e.name)
            ents.extend((s, t, k, e.type) for s, t in e.mentions)
    quotes = [(q.start, q.end, actors.add(q.speaker_name) if q.speaker_name else None) for q in article.quotes]
    claims = _claims_of(article)
    units: list[Unit] = []
    seen_text: set[str] = set()
    for sent in sentences(text):
        for p in clauses(text, sent):
            key = re.sub(r"\s+", " ", p.text)
            if key in seen_text:  # a body repeated in the page: the same clause counts once
                continue
            seen_text.add(key)
            terms = Counter(content_terms(p.text))
            u = Unit(article.id, outlet, p.start, p.end, p.text, terms)
            u.actors = {k for s, t, k, typ in ents if p.start <= s < p.end and typ in ("PERSON", "ORG")}
            u.people = {k for s, t, k, typ in ents if p.start <= s < p.end and typ == "PERSON"}
            inside = 0
            for qs, qe, spk in quotes:
                ov = min(qe, p.end) - max(qs, p.start)
                if ov > 0:
                    inside += ov
                    if spk is not None:
                        u.speaker = spk
            u.quoted = inside / max(1, p.end - p.start)
            for c in claims:
                if p.start <= c.start < p.end:
                    u.claims.append((c, value_of(c, text[max(0, c.start - 30):c.start])))
            if sum(terms.values()) >= MIN_TERMS or u.claims:
                units.append(u)
    return units


class _Vectors:
    """TF-IDF over the story's clauses (each clause one document) and the clause-by-clause similarity, as sparse
    matrices so that a story of hundreds of articles stays fast: only pairs sharing a word are ever looked at."""

    def __init__(self, units: list[Unit]):
        from scipy.sparse import csr_matrix

        df: Counter = Counter()
        for u in units:
            df.update(set(u.terms))
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
        cos = (x @ x.T).tocsr()
        # shared actors raise the similarity: names are the strongest anchor between two reports
        actor_ids = {a: k for k, a in enumerate(sorted({a for u in units for a in u.actors}))}
        ar, ac = [], []
        for i, u in enumerate(units):
            for a in u.actors:
                ar.append(i)
                ac.append(actor_ids[a])
        acts = csr_matrix(([1.0] * len(ar), (ar, ac)), shape=(len(units), max(1, len(actor_ids))))
        bonus = (acts @ acts.T).tocsr().multiply(0.2).minimum(0.5).tocsr()
        sim = (cos + bonus - cos.multiply(bonus)).tocsr()
        sim.setdiag(0.0)
        sim.eliminate_zeros()
        sim.sort_indices()
        self.sim = sim

    def row(self, i: int):
        start, end = self.sim.indptr[i], self.sim.indptr[i + 1]
        return self.sim.indices[start:end], self.sim.data[start:end]

    def get(self, i: int, j: int) -> float:
        cols, vals = self.row(i)
        k = cols.searchsorted(j)
        return float(vals[k]) if k < len(cols) and cols[k] == j else 0.0


def similarity(vectors: _Vectors, units: list[Unit], i: int, j: int) -> float:
    """Lexical cosine of two clauses, raised when they name the same actors."""
    return vectors.get(i, j)


def _fact_id(kind: str, spans: list[tuple[str, int, int]]) -> str:
    h = hashlib.sha1(f"{kind}|{sorted(spans)}".encode()).hexdigest()
    return "f" + h[:10]


def _about_terms(ref_claim: Claim, unit: Unit, text: str) -> tuple[set[str], set[str]]:
    """What a value measures: (near, wide). ``near`` is the three content words either side of the value within its
    clause ("two days of talks" -> talk); ``wide`` adds the nlp stage's ``about`` phrase and the whole clause."""
    before = content_terms(text[unit.start:ref_claim.start])[-3:]
    after = content_terms(text[ref_claim.end:unit.end])[:3]
    near = (set(before) | set(after) | set(content_terms(ref_claim.about or ""))) - set(content_terms(ref_claim.text))
    return near, set(unit.terms) - set(content_terms(ref_claim.text))


def align(story_articles: Mapping[str, Article], outlet_by_article: Mapping[str, str]) -> list[dict]:
    """Facts for the compared articles of one story (``outlet_by_article`` maps each compared id to its outlet)."""
    outlets = sorted(set(outlet_by_article.values()))
    if len(outlets) < 2:
        return []
    actors = ActorIndex()
    units: list[Unit] = []
    for aid, outlet in outlet_by_article.items():
        units.extend(build_units(story_articles[aid], outlet, actors))
    if not units:
        return []
    vectors = _Vectors(units)
    n = len(units)
    best: list[dict[str, tuple[float, int]]] = [dict() for _ in range(n)]
    for i in range(n):
        cols, vals = vectors.row(i)
        for j, sv in zip(cols.tolist(), vals.tolist()):
            o = units[j].outlet
            if o == units[i].outlet:
                continue
            if sv > best[i].get(o, (-1.0, -1))[0]:
                best[i][o] = (sv, j)
    mentions = {aid: sorted((s, e, actors.add(ent.name)) for ent in story_articles[aid].entities
                            if ent.type in ("PERSON", "ORG") for s, e in ent.mentions)
                for aid in outlet_by_article}
    value_facts = _value_facts(units, story_articles, vectors, mentions)
    statement_facts = _statement_facts(units, story_articles, best, outlets, vectors)
    facts = value_facts + _drop_repeats(statement_facts, value_facts)
    order = {"differs": 0, "agreed": 1, "single-source": 2}
    facts.sort(key=lambda f: (order[f["status"]], -len(f["outlets"]), f["_pos"]))
    for f in facts:
        f.pop("_pos", None)
    return facts


def _is_country(name: str) -> bool:
    low = name.strip().lower()
    c = country_of(low)
    return bool(c) and (low == c.lower() or low.startswith("the "))


def _clause_keys(f: dict) -> set[tuple[str, int, int]]:
    return {(ev["article"], ev["start"], ev["end"]) for evs in f["outlets"].values() for ev in evs}


def _drop_repeats(statements: list[dict], values: list[dict]) -> list[dict]:
    """An agreed clause whose value differs between outlets is told by the differs fact; an agreed clause whose
    value agrees is kept and the value fact's clauses are not repeated."""
    differs = set().union(*[_clause_keys(f) for f in values if f["status"] == "differs"] or [set()])
    compared = set().union(*[_clause_keys(f) for f in values] or [set()])
    out = []
    for f in statements:
        if f["status"] == "agreed" and _clause_keys(f) & differs:
            continue
        if f["status"] == "single-source" and _clause_keys(f) & compared:
            continue  # its value is compared with the other outlets in a value fact: it is not unreported
        out.append(f)
    return out


def _usable(r: ClaimRef) -> bool:
    v = r.value
    if r.claim.kind == "date":
        return bool(v.label)
    if r.claim.kind == "place":
        return bool(v.label)
    return v.lo is not None


def _pair_score(a: ClaimRef, b: ClaimRef, sent_sim: float) -> float:
    """How surely two values of different outlets measure the same thing; 0 when they do not."""
    if a.unit.outlet == b.unit.outlet or a.claim.kind != b.claim.kind:
        return 0.0
    if a.claim.kind == "place":
        return 1.0 if compatible(a.value, b.value) is True else 0.0
    if (a.value.unit or "") != (b.value.unit or ""):
        return 0.0
    shared = a.about & b.about
    if not shared:
        return 0.0
    wide = len(a.wide & b.wide) / max(1, min(len(a.wide), len(b.wide)))
    near = len(shared) / max(1, min(len(a.about), len(b.about)))
    # a bare count needs more context than a duration or an amount: "two catches" in one game and "59 catches" in
    # a season share their noun but not their sentence
    if a.claim.kind == "number" and (len(shared) < 2 or sent_sim < SILENT or not a.value.unit):
        return 0.0
    if a.claim.kind == "date" and (len(shared) < 2 or sent_sim < (MATCH if "-" not in (a.value.label or "") else NEAR)):
        return 0.0  # events of one story fall on many days: only dates of clauses that match are compared
    if a.claim.kind in ("money", "percent") and len(shared) < 2 and sent_sim < SILENT:
        return 0.0
    if near < 0.25:
        return 0.0
    return near + wide + sent_sim


_AGGREGATE = re.compile(r"\b(total|so far|in all|altogether|overall|cumulative|career|season|this year|all year|"
                        r"to date|combined|operations)\b", re.I)


def _sure_same(a: ClaimRef, b: ClaimRef, sim: float, head: set[str], arts: Mapping[str, Article]) -> bool:
    """Strong evidence that two values measure one thing, needed before calling two outlets contradictory.

    Either their clauses report the same event (similarity at the match level) and neither counts a larger scope
    than the other ("so far", "in total", "career"); or both are durations or dates tied to the story's own event:
    a word from the lead of most outlets right next to the value or as the clause's first word (its subject), as
    in "two days of talks" and "the negotiations ... continue over four days"."""
    ta, tb = a.unit.text, b.unit.text
    if a.compound or b.compound:
        return False
    if a.holder is not None and b.holder is not None and a.holder != b.holder:
        return False  # two people's numbers ("Artino scored 14", "Echenique had 11")
    if bool(_AGGREGATE.search(ta)) != bool(_AGGREGATE.search(tb)):
        return False
    if a.unit.actors and b.unit.actors and not a.unit.actors & b.unit.actors:
        return False  # the values belong to different actors ("Ford's 2,290 points", "Hansbrough's 20")
    if sim >= MATCH:
        return True
    if a.claim.kind not in ("duration", "date"):
        return False
    return bool(_anchor(a, arts) & _anchor(b, arts) & head)


_OFFSET = re.compile(r"^\W*(after|before|earlier|later|ago|since|prior|from now)\b", re.I)


def _anchor(r: ClaimRef, arts: Mapping[str, Article]) -> set[str]:
    """Common words (not names) right next to the value, or first in its clause; none when the value is an
    offset from something ("a day after the quake") rather than its length or date."""
    text = arts[r.unit.article].text
    if _OFFSET.search(text[r.claim.end:r.unit.end]):
        return set()
    lower = {w for w in re.findall(r"[a-z][a-z'\-]+", r.unit.text)}
    common = {concept(w) for w in lower}
    before = content_terms(text[r.unit.start:r.claim.start])
    after = content_terms(text[r.claim.end:r.unit.end])
    first = content_terms(r.unit.text)[:1]
    return (set(before[-1:]) | set(after[:1]) | set(first)) & common


def _head_terms(units: list[Unit]) -> set[str]:
    """Words in the first clause of at least half of the outlets (at least two): what the story is about."""
    firsts: dict[str, Unit] = {}
    for u in units:
        if u.outlet not in firsts or u.start < firsts[u.outlet].start:
            firsts[u.outlet] = u
    count: Counter = Counter()
    for u in firsts.values():
        count.update(set(u.terms))
    need = max(2, (len(firsts) + 1) // 2)
    return {t for t, c in count.items() if c >= need}


_COMPOUND = re.compile(r"\s?-\s?[a-z]")


def _holder(u: Unit, c: Claim, mentions: list[tuple[int, int, int]]) -> int | None:
    before = [(e, k) for s, e, k in mentions if u.start <= s and e <= c.start and c.start - e <= 80]
    return max(before)[1] if before else None


def _value_facts(units: list[Unit], arts: Mapping[str, Article], vectors: _Vectors,
                 mentions: Mapping[str, list[tuple[int, int, int]]] | None = None) -> list[dict]:
    mentions = mentions or {}
    head = _head_terms(units)
    refs: list[ClaimRef] = []
    index = {id(u): i for i, u in enumerate(units)}
    for u in units:
        art_text = arts[u.article].text
        for c, v in u.claims:
            if c.kind == "place" and (not _LOCATIVE.search(art_text[max(0, c.start - 12):c.start])
                                      or _is_country(c.text)):
                continue  # a country is mostly a party to the story, not where something happened
            if c.kind in VALUE_KINDS or c.kind == "place":
                near, wide = _about_terms(c, u, art_text)
                r = ClaimRef(u, c, v, near)
                r.wide = wide
                r.holder = _holder(u, c, mentions.get(u.article, []))
                r.compound = bool(_COMPOUND.match(art_text[c.end:c.end + 4]))
                if c.kind == "duration" and _OFFSET.search(art_text[c.end:u.end]):
                    continue  # "five days before the game" dates something else; it is no length to compare
                if _usable(r):
                    refs.append(r)
    # mutual best pairs only: each value is paired with at most one value per other outlet, so unrelated numbers
    # cannot chain into one group
    best: dict[tuple[int, str], tuple[float, int]] = {}
    scores: dict[tuple[int, int], float] = {}
    sims: dict[tuple[int, int], float] = {}
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(refs):
        buckets[(r.claim.kind, r.value.unit or "" if r.claim.kind != "place" else "")].append(i)
    for bucket in buckets.values():
        for bi, i in enumerate(bucket):
            a = refs[i]
            for j in bucket[bi + 1:]:
                b = refs[j]
                if a.unit.outlet == b.unit.outlet or (a.claim.kind != "place" and not a.about & b.about):
                    continue
                ui, uj = index[id(a.unit)], index[id(b.unit)]
                sim = similarity(vectors, units, ui, uj)
                sc = _pair_score(a, b, sim)
                if sc <= 0:
                    continue
                if compatible(a.value, b.value) is False and not _sure_same(a, b, sim, head, arts):
                    continue  # calling two outlets contradictory needs more than a shared noun
                scores[(i, j)] = sc
                sims[(i, j)] = sim
                for x, y in ((i, j), (j, i)):
                    key = (x, refs[y].unit.outlet)
                    if sc > best.get(key, (0.0, -1))[0]:
                        best[key] = (sc, y)
    parent = list(range(len(refs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    outlets_of = {i: {r.unit.outlet} for i, r in enumerate(refs)}
    paired: list[tuple[int, int]] = []
    for (i, j), sc in sorted(scores.items(), key=lambda kv: -kv[1]):
        if best.get((i, refs[j].unit.outlet), (0, -1))[1] != j or best.get((j, refs[i].unit.outlet), (0, -1))[1] != i:
            continue
        ri, rj = find(i), find(j)
        if ri == rj or outlets_of[ri] & outlets_of[rj]:
            continue  # one value per outlet in a fact: a second value of the same outlet is about something else
        parent[ri] = rj
        outlets_of[rj] |= outlets_of.pop(ri)
        paired.append((i, j))
    groups: dict[int, list[ClaimRef]] = defaultdict(list)
    for i, r in enumerate(refs):
        groups[find(i)].append(r)
    id_of = {id(r): i for i, r in enumerate(refs)}
    facts = []
    for members in groups.values():
        by_outlet: dict[str, list[ClaimRef]] = defaultdict(list)
        for r in members:
            by_outlet[r.unit.outlet].append(r)
        if len(by_outlet) < 2:
            continue
        kind = members[0].claim.kind
        clash = any(compatible(refs[i].value, refs[j].value) is False for i, j in paired
                    if find(i) == find(id_of[id(members[0])]))
        status = "differs" if clash else "agreed"
        outlets_ev = {}
        values = {}
        for o, rs in sorted(by_outlet.items()):
            ev = []
            for r in rs:
                art = arts[r.unit.article]
                item = _span(art, r.unit.start, r.unit.end)
                item["claim"] = _span(art, r.claim.start, r.claim.end)
                item["value"] = r.value.describe() or r.claim.text
                if item not in ev:
                    ev.append(item)
            outlets_ev[o] = ev
            values[o] = sorted({x["claim"]["text"] for x in ev})
        about = next((r.claim.about for r in members if r.claim.about), None)
        head = f"{kind} of {about}" if about else kind
        if kind == "place":
            text = f"place: {members[0].claim.text}"
        elif status == "differs":
            text = f"{head}: " + " vs ".join(f"{'; '.join(v)} ({o})" for o, v in values.items())
        else:
            text = f"{head}: {next(iter(values.values()))[0]}"
        spans = [(x["article"], x["claim"]["start"], x["claim"]["end"]) for ev in outlets_ev.values() for x in ev]
        root = find(id_of[id(members[0])])
        similarity_ = max((sims[p] for p in paired if find(p[0]) == root), default=0.0)
        facts.append({"id": _fact_id(kind, spans), "text": text, "kind": kind, "status": status,
                      "outlets": outlets_ev, "values": values, "similarity": round(similarity_, 3),
                      "_pos": min(r.claim.start for r in members)})
    return facts


def _statement_facts(units: list[Unit], arts: Mapping[str, Article], best: list[dict], outlets: list[str],
                     vectors: _Vectors) -> list[dict]:
    n = len(units)
    # agreed: clauses linked by mutual best matches at or above MATCH, grouped
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(n):
        for o, (s, j) in best[i].items():
            if s >= MATCH and best[j].get(units[i].outlet, (0, -1))[1] == i:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    # words each outlet uses anywhere in the story, to tell "silent" from "said otherwise"
    term_outlets: dict[str, set[str]] = defaultdict(set)
    for u in units:
        for t in u.terms:
            term_outlets[t].add(u.outlet)
    facts = []
    for members in groups.values():
        mem = [units[i] for i in members]
        by_outlet: dict[str, list[Unit]] = defaultdict(list)
        for u in mem:
            by_outlet[u.outlet].append(u)
        if len(by_outlet) >= 2:
            status = "agreed"
        else:
            i = members[0]
            u = units[i]
            top = max((s for s, _ in best[i].values()), default=0.0)
            if top >= NEAR:
                continue  # a near paraphrase elsewhere: too close to call it unreported
            novel = [t for t in u.terms if term_outlets[t] == {u.outlet}]
            weight = sum(vectors.idf[t] for t in u.terms) or 1.0
            novelty = sum(vectors.idf[t] for t in novel) / weight
            if len(novel) < 2 or (novelty < NOVEL and top >= SILENT):
                continue
            status = "single-source"
        kinds = {c.kind for u in mem for c, v in u.claims if c.kind != "number" or v.unit}
        quoted = sum(u.quoted for u in mem) / len(mem)
        kind = "quote" if quoted >= 0.5 else "statement"
        if status == "single-source" and kind == "statement":
            kind = next((k for k in _KIND_ORDER if k in kinds), kind)
        outlets_ev = {o: [_span(arts[u.article], u.start, u.end) for u in us] for o, us in sorted(by_outlet.items())}
        first = min(mem, key=lambda u: (u.outlet, u.start))
        spans = [(u.article, u.start, u.end) for u in mem]
        facts.append({"id": _fact_id(kind, spans), "text": first.text, "kind": kind, "status": status,
                      "outlets": outlets_ev, "_pos": first.start})
    return facts
