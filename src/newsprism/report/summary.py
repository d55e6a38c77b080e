"""The summary-first view of a story: coverage, consensus core, contested values, exclusives, voice share.

Built from the stored comparison and the member articles' metadata (outlet, title, date), never their texts, so the
served story page stays small whatever the number of outlets. Pure, JSON-serialisable data; the same dict is the
story page's JSON twin. Reads the comparison defensively: fields other stages add later (independent outlet
counts, value spread, rank, outlet sides) are used when present, and today's fields are the fallback.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from newsprism.model import Story
from newsprism.report.charts import coverage_over_time, stacked_shares, value_matrix

Href = Callable[[dict], str]  # evidence {"article","start","end"} -> link to its passage
CLAIM_KINDS = ("number", "money", "percent", "duration", "date", "place")


def fact_coverage(f: dict) -> int:
    """Independent outlets carrying a fact: the compare stage's own count when it gives one, else its outlets."""
    for key in ("independent_outlets", "n_independent", "independent", "outlet_count", "n_outlets"):
        v = f.get(key)
        if isinstance(v, int):
            return v
        if isinstance(v, (list, dict)):
            return len(v)
    return sum(1 for evs in (f.get("outlets") or {}).values() if evs)


def _ev(ev: dict, href: Href, outlet: str) -> dict | None:
    if not isinstance(ev, dict) or not isinstance(ev.get("start"), int) or not isinstance(ev.get("end"), int) \
            or not ev.get("article"):
        return None
    return {"outlet": outlet, "article": ev["article"], "start": ev["start"], "end": ev["end"],
            "text": ev.get("text", ""), "value": ev.get("value"), "href": href(ev)}


def contested_values(f: dict, href: Href) -> list[dict]:
    """The values of a ``differs`` fact, each with the outlets that carry it and their evidence, widest first.

    Uses the compare stage's ``spread`` when it lists values, else groups each outlet's evidence by its value.
    """
    by_value: dict[str, dict] = {}
    for o, evs in (f.get("outlets") or {}).items():
        for ev in evs or []:
            e = _ev(ev, href, o)
            if e is None:
                continue
            val = e["value"] if e["value"] not in (None, "") else _value_of(f, o) or (ev.get("claim") or {}).get(
                "text") or e["text"][:60]
            key = str(val)
            g = by_value.setdefault(key, {"value": key, "outlets": [], "evidence": []})
            if o not in g["outlets"]:
                g["outlets"].append(o)
                g["evidence"].append(e)
    spread = f.get("spread")
    if isinstance(spread, list):  # [{"value", "outlets"?, "independent_outlets"?, "claimed_by"?}]
        for item in spread:
            if isinstance(item, dict) and str(item.get("value")) in by_value:
                g = by_value[str(item["value"])]
                for k in ("independent_outlets", "claimed_by", "attribution", "slot"):
                    if k in item:
                        g[k] = item[k]
    out = list(by_value.values())
    for g in out:
        g["count"] = g.get("independent_outlets") if isinstance(g.get("independent_outlets"), int) \
            else len(g["outlets"])
    out.sort(key=lambda g: (-g["count"], g["value"]))
    return out


def _value_of(f: dict, outlet: str) -> str | None:
    vals = f.get("values")
    if isinstance(vals, dict):
        v = vals.get(outlet)
        if isinstance(v, list):
            return ", ".join(map(str, v))
        return None if v is None else str(v)
    return None


def _exclusive_score(f: dict, order: int) -> tuple:
    # The compare stage's rank when present; else values before clauses (checkable), then story order.
    rank = f.get("rank")
    return (rank if isinstance(rank, (int, float)) else 1e9, 0 if f.get("kind") in CLAIM_KINDS else 1, order)


def outlet_sides(story: Story, registry: Mapping[str, dict] | None = None) -> dict[str, str | None]:
    """Each outlet's side where known: the outlet registry first, then a side the comparison records for it."""
    comp = story.comparison or {}
    known = comp.get("outlet_sides") if isinstance(comp.get("outlet_sides"), dict) else {}
    out = {}
    for o in _outlets(story):
        side = ((registry.get(o) or {}).get("side")) if registry else None
        out[o] = side or known.get(o)
    return out


def _outlets(story: Story) -> list[str]:
    comp = story.comparison or {}
    names = list(comp.get("outlets") or {}) or list(story.outlets or [])
    return sorted(set(names) | set(story.outlets or []))


def build_summary(story: Story, meta: Mapping[str, dict], href: Href, *, registry: Mapping[str, dict] | None = None,
                  top: int = 12, exclusives_per_outlet: int = 3) -> dict[str, Any]:
    """The story page's payload. ``meta``: article id -> {"outlet", "title", "published", "url"}."""
    comp = story.comparison or {}
    facts = [f for f in comp.get("facts", []) if isinstance(f, dict)]
    outlets = _outlets(story)
    sides = outlet_sides(story, registry)

    # -- coverage
    per_outlet = Counter((meta.get(a) or {}).get("outlet") or "" for a in story.articles)
    compared = comp.get("outlets") or {}
    copies = {c.get("article") for c in comp.get("syndicated", []) if isinstance(c, dict)}
    by_side: dict[str, list[str]] = defaultdict(list)
    for o in outlets:
        by_side[sides.get(o) or "side unknown"].append(o)
    independent = comp.get("independent_outlets")
    coverage = {
        "outlets": [{"outlet": o, "articles": per_outlet.get(o, 0) or len(compared.get(o, [])),
                     "side": sides.get(o), "type": ((registry.get(o) or {}).get("type") if registry else None)}
                    for o in outlets],
        "by_side": [{"side": s, "outlets": os_, "count": len(os_)} for s, os_ in
                    sorted(by_side.items(), key=lambda kv: (kv[0] == "side unknown", -len(kv[1]), kv[0]))],
        "independent_outlets": independent if isinstance(independent, int) else len(compared) or len(outlets),
        "syndicated_copies": len(copies),
        "chart": coverage_over_time([(meta.get(a) or {}).get("published") for a in story.articles]),
    }

    # -- consensus core: agreed facts, widest coverage first
    agreed = [f for f in facts if f.get("status") == "agreed"]
    agreed.sort(key=lambda f: (-fact_coverage(f), _exclusive_score(f, 0)[0], facts.index(f)))
    consensus = []
    for f in agreed[:top]:
        evs = [e for o, es in sorted((f.get("outlets") or {}).items()) for e in [_ev((es or [{}])[0], href, o)] if e]
        consensus.append({"id": f.get("id"), "text": f.get("text", ""), "kind": f.get("kind", ""),
                          "outlets_count": fact_coverage(f), "outlets": [e["outlet"] for e in evs],
                          "evidence": evs[:6], "more": max(0, len(evs) - 6)})

    # -- contested values
    contested = []
    differs = [f for f in facts if f.get("status") == "differs"]
    differs.sort(key=lambda f: (-fact_coverage(f), facts.index(f)))
    for f in differs[:top]:
        contested.append({"id": f.get("id"), "text": f.get("text", ""), "kind": f.get("kind", ""),
                          "slot": f.get("slot"), "outlets_count": fact_coverage(f),
                          "values": contested_values(f, href)})

    # who reports which value: contested facts × the outlets that carry one of their values
    mrows, carriers = [], []
    for c in contested:
        picks = {}
        for k, v in enumerate(c["values"]):
            for o in v["outlets"]:
                picks.setdefault(o, k)
                if o not in carriers:
                    carriers.append(o)
        mrows.append((c["text"], picks))
    matrix = value_matrix(mrows, sorted(carriers)) if mrows else None

    # -- exclusives: single-source facts per outlet, best first
    excl: dict[str, list[tuple]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.get("status") != "single-source":
            continue
        for o, evs in (f.get("outlets") or {}).items():
            e = _ev((evs or [{}])[0], href, o)
            if e:
                excl[o].append((_exclusive_score(f, i), {"id": f.get("id"), "text": f.get("text", ""),
                                                         "kind": f.get("kind", ""), "evidence": e}))
    exclusives = []
    for o in outlets:
        items = [x for _, x in sorted(excl.get(o, []), key=lambda t: t[0])]
        if items:
            exclusives.append({"outlet": o, "total": len(items), "top": items[:exclusives_per_outlet]})

    # -- voices: share by side per outlet, and who speaks most
    share = comp.get("voice_share") or {}
    side_names = Counter()
    for o, sh in share.items():
        for s, v in (sh or {}).items():
            if isinstance(v, (int, float)):
                side_names[s] += v
    side_order = [s for s, _ in side_names.most_common()]
    chart = stacked_shares([(o, share[o]) for o in outlets if share.get(o)], side_order)
    # An outlet whose every article is a copy counts under its source: say so rather than show it empty.
    copy_of: dict[str, set] = defaultdict(set)
    for c in comp.get("syndicated", []):
        if isinstance(c, dict) and c.get("outlet") and c.get("source_outlet"):
            copy_of[c["outlet"]].add(c["source_outlet"])
    voices = []
    for o in outlets:
        speakers = (comp.get("voices") or {}).get(o) or []
        voices.append({"outlet": o, "share": chart_row(chart, o),
                       "copy_of": sorted(copy_of[o]) if o in copy_of and o not in compared else [],
                       "unattributed": (comp.get("unattributed_quotes") or {}).get(o, 0),
                       "top": [{"speaker_name": s.get("speaker_name"), "affiliation": s.get("affiliation"),
                                "title": s.get("title"), "quotes": s.get("quotes", 0),
                                "href": (_ev((s.get("evidence") or [{}])[0], href, o) or {}).get("href")}
                               for s in sorted(speakers, key=lambda s: -(s.get("quotes") or 0))[:3]]})

    counts = comp.get("counts") or {k: sum(f.get("status") == k for f in facts)
                                    for k in ("agreed", "differs", "single-source")}
    return {
        "story": story.id, "title": story.title or story.id, "articles": len(story.articles),
        "first_published": story.first_published, "last_published": story.last_published,
        "counts": counts, "coverage": coverage, "consensus": consensus, "consensus_total": len(agreed),
        "contested": contested, "contested_total": len(differs), "contested_matrix": matrix,
        "exclusives": exclusives,
        "voice_chart": chart, "voices": voices,
        "actors": [{"name": a.get("name"), "type": a.get("type"), "title": a.get("title"),
                    "affiliation": a.get("affiliation")} for a in (story.actors or [])[:20] if a.get("name")],
    }


def chart_row(chart: dict, label: str) -> str:
    return next((r["text"] for r in chart["rows"] if r["label"] == label), "")
