"""The payload of every web page, one function per page kind. Each HTML page renders exactly one of these, and its
JSON twin (``/api/pages/...``) returns it unchanged.

List pages read summary columns (``Store.story_summaries``, ``search_hits``, ``article_meta``), never every full
record. Pages about one thing (story, article, outlet, actor) read the few full records they show.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from newsprism.report.registry import Registry, blindspot
from newsprism.report.summary import build_summary, fact_coverage
from newsprism.report.view import segments
from newsprism.store import Store

STATUSES = ("agreed", "differs", "single-source")


# -------------------------------------------------------------------------------------------------------- links
@lru_cache(maxsize=1 << 16)
def _segment(name: str) -> str:
    # A story page links hundreds of evidence passages of its twenty-odd articles: each id is quoted once.
    return quote(name, safe="")


def article_href(article: str, start: int | None = None, end: int | None = None) -> str:
    base = "/articles/" + _segment(article)
    if start is None or end is None:
        return base
    return f"{base}?hl={start}-{end}#ev-{start}-{end}"


def evidence_href(ev: dict) -> str:
    return article_href(ev["article"], ev.get("start"), ev.get("end"))


def story_href(story: str) -> str:
    return "/stories/" + _segment(story)


def outlet_href(outlet: str) -> str:
    return "/outlets/" + _segment(outlet or "")


def actor_href(name: str) -> str:
    return "/actors/" + quote(name or "", safe="")


def _page(total: int, offset: int, limit: int) -> dict[str, Any]:
    return {"total": total, "offset": offset, "limit": limit,
            "next_offset": offset + limit if offset + limit < total else None,
            "prev_offset": max(0, offset - limit) if offset > 0 else None}


# ------------------------------------------------------------------------------------------------------ stories
def stories_index(store: Store, *, q: str | None = None, outlet: str | None = None, since: str | None = None,
                  until: str | None = None, sort: str = "size", offset: int = 0, limit: int = 50,
                  side: str | None = None, registry: Registry | None = None) -> dict[str, Any]:
    side_outlets = [o for o in (registry or {}) if registry.side(o) == side] if side else None
    res = store.story_summaries(offset=offset, limit=limit, outlet=outlet or None, words=q or None,
                                since=since or None, until=until or None, sort=sort, outlets_any=side_outlets)
    for r in res["rows"]:
        r["blindspot"] = blindspot(r["outlets"], registry) if registry else None
    return {"filters": {"q": q, "outlet": outlet, "since": since, "until": until, "sort": sort, "side": side},
            "sides": registry.sides() if registry else [],
            **_page(res["total"], res["offset"], res["limit"]), "rows": res["rows"]}


def story_page(store: Store, story_id: str, registry: Registry | None = None) -> dict[str, Any] | None:
    s = store.get_story(story_id)
    if s is None:
        return None
    meta = store.article_meta(ids=list(s.articles))
    summary = build_summary(s, meta, evidence_href, registry=registry)
    summary["blindspot"] = blindspot(s.outlets, registry) if registry else None
    titles = {aid: (m.get("title") or aid) for aid, m in meta.items()}
    fact_text = {f.get("id"): f.get("text", "") for f in (s.comparison or {}).get("facts", [])}
    timeline = [{"date": t.date, "articles": [{"id": a, "title": titles.get(a, a)} for a in t.articles],
                 "new_facts": len(t.facts), "facts": [fact_text.get(f, f) for f in t.facts[:5]],
                 "new_quotes": len(t.quotes)} for t in s.timeline]
    syndication = [{"origin": g.get("origin"), "origin_title": titles.get(g.get("origin"), g.get("origin")),
                    "copies": [{"article": c.get("article"), "kind": c.get("kind"),
                                "title": titles.get(c.get("article"), c.get("article"))}
                               for c in g.get("copies", [])]} for g in s.syndication]
    articles = [{"id": aid, **{k: meta[aid].get(k) for k in ("outlet", "title", "published")}}
                for aid in s.articles if aid in meta]
    return {**summary, "timeline": timeline, "syndication": syndication, "article_list": articles}


def story_facts(store: Store, story_id: str, *, outlets: list[str] | None = None, status: str | None = None,
                offset: int = 0, limit: int = 50) -> dict[str, Any] | None:
    """The fact matrix for chosen outlets (default: the eight that report most facts), paged by fact."""
    s = store.get_story(story_id)
    if s is None:
        return None
    facts = [f for f in (s.comparison or {}).get("facts", []) if not status or f.get("status") == status]
    per_outlet = defaultdict(int)
    for f in (s.comparison or {}).get("facts", []):
        for o, evs in (f.get("outlets") or {}).items():
            per_outlet[o] += bool(evs)
    all_outlets = sorted(set(per_outlet) | set(s.outlets or []))
    chosen = [o for o in (outlets or []) if o in all_outlets] or \
        sorted(all_outlets, key=lambda o: (-per_outlet.get(o, 0), o))[:8]
    order = {"differs": 0, "agreed": 1, "single-source": 2}
    facts.sort(key=lambda f: (order.get(f.get("status"), 3), -fact_coverage(f)))
    rows = []
    for f in facts[offset:offset + limit]:
        cells = {}
        for o in chosen:
            cells[o] = [{"text": ev.get("text", ""), "value": ev.get("value"), "href": evidence_href(ev)}
                        for ev in (f.get("outlets") or {}).get(o, []) if isinstance(ev.get("start"), int)]
        rows.append({"id": f.get("id"), "text": f.get("text", ""), "kind": f.get("kind"), "status": f.get("status"),
                     "outlets_count": fact_coverage(f), "cells": cells})
    return {"story": s.id, "title": s.title or s.id, "outlets": chosen, "all_outlets": all_outlets,
            "status": status, **_page(len(facts), offset, limit), "rows": rows}


def story_quotes(store: Store, story_id: str, *, speaker: str | None = None, side: str | None = None,
                 outlet: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any] | None:
    s = store.get_story(story_id)
    if s is None:
        return None
    rows, speakers, sides, outlets = [], set(), set(), set()
    for o, spk in sorted(((s.comparison or {}).get("voices") or {}).items()):
        for sp in spk:
            name, aff = sp.get("speaker_name") or "", sp.get("affiliation") or ""
            speakers.add(name)
            sides.add(aff)
            outlets.add(o)
            if (speaker and speaker != name) or (side and side != aff) or (outlet and outlet != o):
                continue
            for ev in sp.get("evidence", []):
                if isinstance(ev.get("start"), int):
                    rows.append({"outlet": o, "speaker": name, "side": aff or None, "title": sp.get("title"),
                                 "text": ev.get("text", ""), "href": evidence_href(ev)})
    return {"story": s.id, "title": s.title or s.id, "filters": {"speaker": speaker, "side": side, "outlet": outlet},
            "speakers": sorted(x for x in speakers if x), "sides": sorted(x for x in sides if x),
            "outlets": sorted(outlets), **_page(len(rows), offset, limit), "rows": rows[offset:offset + limit]}


# ------------------------------------------------------------------------------------------------------ article
LEGEND = [
    {"class": "entity", "label": "name of a person, organisation or place (dotted underline)"},
    {"class": "quote", "label": "quotation (italic, blue)"},
    {"class": "claim", "label": "checkable value: number, date, duration, place (bold, green)"},
    {"class": "evidence", "label": "sentence a story's comparison cites (solid underline)"},
    {"class": "hl", "label": "the passage you followed a link to (boxed)"},
]


def _story_evidence(store: Store, story: Any) -> dict[str, list[tuple[Any, Any]]]:
    """Article id -> the (start, end) of every passage the story's comparison cites in it (facts first, then
    voices, in the record's order). Built once per story and kept with it when the store keeps derived values
    (``web.memo.MemoStore``): the twenty pages of a story's articles each scan its record once, not twenty times."""
    def build() -> dict[str, list[tuple[Any, Any]]]:
        out: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        comp = story.comparison or {}
        for f in comp.get("facts", []):
            for evs in (f.get("outlets") or {}).values():
                for ev in evs:
                    out[ev.get("article")].append((ev.get("start"), ev.get("end")))
        for spk in (comp.get("voices") or {}).values():
            for sp in spk:
                for ev in sp.get("evidence", []):
                    out[ev.get("article")].append((ev.get("start"), ev.get("end")))
        return dict(out)

    derived = getattr(store, "derived", None)
    return derived(("story_evidence", story.id), build) if derived is not None else build()


def article_page(store: Store, article_id: str, hl: str | None = None, q: str | None = None
                 ) -> dict[str, Any] | None:
    a = store.get_article(article_id)
    if a is None:
        return None
    n = len(a.text)
    spans: list[tuple[int, int, str, str]] = []
    seen: set[str] = set()

    def add(s: Any, e: Any, cls: str, anchor: bool = True) -> None:
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= n):
            return
        name = f"ev-{s}-{e}"
        spans.append((s, e, name if anchor and name not in seen else "", cls))
        seen.add(name)

    for ent in a.entities:
        for s, e in ent.mentions:
            add(s, e, "entity", anchor=False)
    for qt in a.quotes:
        add(qt.start, qt.end, "quote")
    for c in a.claims:
        add(c.start, c.end, "claim")
    story = store.get_story(a.story) if a.story else None
    if story is not None:
        for s, e in _story_evidence(store, story).get(a.id, ()):
            add(s, e, "evidence")
    if q and not hl:
        # From a search hit: the first sentence that holds one of the searched words, as a whole word.
        found = [m.start() for w in q.split() if (m := re.search(rf"\b{re.escape(w)}", a.text, re.I))]
        if found:
            s, e = _sentence_around(a.text, min(found))
            hl = f"{s}-{e}"
    highlight = None
    m = re.fullmatch(r"(\d+)-(\d+)", hl or "")
    if m and int(m.group(1)) <= int(m.group(2)) <= n:
        highlight = {"start": int(m.group(1)), "end": int(m.group(2)),
                     "text": a.text[int(m.group(1)):int(m.group(2))]}
        add(highlight["start"], highlight["end"], "hl")
        spans.append((highlight["start"], highlight["end"], "hit", "hl"))
    segs = [{"text": g["text"], "anchors": [x for x in g["anchors"] if x], "classes": g["classes"]}
            for g in segments(a.text, spans)]
    return {"id": a.id, "title": a.title or a.id, "outlet": a.outlet, "published": a.published,
            "url": a.url if a.url and re.match(r"https?://", a.url) else None, "story": a.story,
            "story_title": (story.title or story.id) if story else None,
            "duplicate_of": a.duplicate_of, "duplicate_kind": a.duplicate_kind, "highlight": highlight,
            "legend": LEGEND, "segments": segs,
            "entities": [{"name": e.name, "type": e.type, "title": e.title, "affiliation": e.affiliation,
                          "mentions": len(e.mentions)} for e in a.entities],
            "quotes": [{"text": q.text, "speaker_name": q.speaker_name, "href": evidence_href(
                {"article": a.id, "start": q.start, "end": q.end})} for q in a.quotes],
            "claims": [{"text": c.text, "kind": c.kind, "value": c.value, "href": evidence_href(
                {"article": a.id, "start": c.start, "end": c.end})} for c in a.claims],
            "removals": [r.to_dict() for r in a.removals], "errors": list(a.errors)}


# ------------------------------------------------------------------------------------------------------ outlets
def outlets_index(store: Store, *, limit: int = 2000, registry: Registry | None = None) -> dict[str, Any]:
    counts: dict[str, dict] = {}
    for m in store.article_meta().values():
        o = m.get("outlet") or ""
        if not o:
            continue
        c = counts.setdefault(o, {"outlet": o, "articles": 0, "stories": set()})
        c["articles"] += 1
        if m.get("story"):
            c["stories"].add(m["story"])
    rows = sorted(({"outlet": c["outlet"], "articles": c["articles"], "stories": len(c["stories"]),
                    **{k: (registry.get(c["outlet"]) or {}).get(k) if registry else None
                       for k in ("country", "type", "side")}}
                   for c in counts.values()), key=lambda r: (-r["stories"], -r["articles"], r["outlet"]))
    return {"total": len(rows), "rows": rows[:limit]}


def outlet_page(store: Store, outlet: str, *, offset: int = 0, limit: int = 20,
                registry: Registry | None = None) -> dict[str, Any] | None:
    page = store.story_summaries(outlet=outlet, offset=offset, limit=limit)
    if page["total"] == 0 and not any(m.get("outlet") == outlet for m in store.article_meta().values()):
        return None
    voices: dict[str, dict] = {}
    exclusives = []
    for row in page["rows"]:
        s = store.get_story(row["story"])
        if s is None:
            continue
        comp = s.comparison or {}
        for sp in (comp.get("voices") or {}).get(outlet, []):
            name = sp.get("speaker_name") or ""
            v = voices.setdefault(name, {"speaker_name": name, "affiliation": sp.get("affiliation"),
                                         "title": sp.get("title"), "quotes": 0, "words": 0, "stories": []})
            v["quotes"] += sp.get("quotes") or 0
            v["words"] += sp.get("words") or 0
            ev = (sp.get("evidence") or [None])[0]
            v["stories"].append({"story": s.id, "title": s.title or s.id,
                                 "href": evidence_href(ev) if ev else story_href(s.id)})
        for f in comp.get("facts", []):
            if f.get("status") == "single-source" and (f.get("outlets") or {}).get(outlet):
                ev = f["outlets"][outlet][0]
                exclusives.append({"story": s.id, "story_title": s.title or s.id, "text": f.get("text", ""),
                                   "kind": f.get("kind"), "href": evidence_href(ev)})
    share: dict[str, int] = defaultdict(int)
    for v in voices.values():
        share[v["affiliation"] or "unknown"] += v["quotes"]
    total_q = sum(share.values()) or 1
    return {"outlet": outlet, "registry": (registry.get(outlet) if registry else None),
            **_page(page["total"], page["offset"], page["limit"]), "stories": page["rows"],
            "voices": sorted(voices.values(), key=lambda v: (-v["quotes"], v["speaker_name"]))[:50],
            "voice_share": [{"side": k, "quotes": n, "pct": round(100 * n / total_q)}
                            for k, n in sorted(share.items(), key=lambda kv: -kv[1])],
            "exclusives": exclusives[:50], "exclusives_total": len(exclusives)}


# ------------------------------------------------------------------------------------------------------- actors
def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", (name or "").lower()).split())


def _same_actor(a: str, b: str) -> bool:
    """'Scott Bessent' and 'Bessent' name one actor: equal, or one is the other's trailing words."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na.split(), nb.split()), key=len)
    return len(short) >= 1 and long_[-len(short):] == short and len(short[-1]) > 2


def actor_page(store: Store, name: str) -> dict[str, Any] | None:
    """Everything the store holds about one actor: the actor book's record (variants, titles with the articles that
    give them, side) and, from the stories, its quotes and the stories it appears in."""
    variants, titles, sides, types = set(), {}, defaultdict(int), set()
    quotes, stories = [], []
    surname = (_norm(name).split() or [""])[-1]
    for sid in (store.stories_containing(surname) if surname else []):
        s = store.get_story(sid)
        if s is None:
            continue
        hit = False
        for a in s.actors or []:
            if _same_actor(a.get("name") or "", name):
                hit = True
                variants.add(a["name"])
                types.add(a.get("type"))
                if a.get("affiliation"):
                    sides[a["affiliation"]] += 1
                if a.get("title"):
                    titles.setdefault(a["title"], {"title": a["title"], "stories": []})["stories"].append(
                        {"story": s.id, "href": story_href(s.id)})
        for o, spk in ((s.comparison or {}).get("voices") or {}).items():
            for sp in spk:
                if not _same_actor(sp.get("speaker_name") or "", name):
                    continue
                hit = True
                variants.add(sp["speaker_name"])
                if sp.get("affiliation"):
                    sides[sp["affiliation"]] += 1
                for ev in sp.get("evidence", []):
                    if isinstance(ev.get("start"), int):
                        quotes.append({"story": s.id, "story_title": s.title or s.id, "outlet": o,
                                       "text": ev.get("text", ""), "href": evidence_href(ev)})
                if sp.get("title"):
                    t = titles.setdefault(sp["title"], {"title": sp["title"], "stories": []})
                    ev = (sp.get("evidence") or [None])[0]
                    t["stories"].append({"story": s.id, "href": evidence_href(ev) if ev else story_href(s.id)})
        if hit:
            stories.append({"story": s.id, "title": s.title or s.id, "href": story_href(s.id)})
    book = next((r for r in map(store.get_actor, [name, *sorted(variants)]) if r), None)
    if not stories and book is None:
        return None
    side = max(sides, key=sides.get) if sides else None
    if book is not None:
        variants |= set(book.get("variants") or []) | {book["name"]}
        types |= {book.get("type")}
        side = book.get("side") or side
        for title, evidence in (book.get("titles") or {}).items():
            t = titles.setdefault(title, {"title": title, "stories": []})
            t["articles"] = [{"article": a, "href": f"/articles/{quote(str(a), safe='')}"}
                             for a in evidence if a != "user"]
    return {"name": name, "variants": sorted(variants), "types": sorted(t for t in types if t),
            "side": side, "sides": dict(sides),
            "titles": list(titles.values()), "stories": stories, "quotes": quotes[:500],
            "quotes_total": len(quotes), "source": "actor book and stories" if book else "stories"}


def actors_index(store: Store, *, limit: int = 2000) -> dict[str, Any]:
    seen: dict[str, dict] = {}
    for _, actors in store.story_actors():
        for a in actors or []:
            if a.get("type") != "PERSON" or not a.get("name"):
                continue
            r = seen.setdefault(a["name"], {"name": a["name"], "title": a.get("title"),
                                            "affiliation": a.get("affiliation"), "stories": 0})
            r["stories"] += 1
    rows = sorted(seen.values(), key=lambda r: (-r["stories"], r["name"]))
    return {"total": len(rows), "rows": rows[:limit]}


# ------------------------------------------------------------------------------------------------------- search
def search_page(store: Store, q: str | None, *, outlet: str | None = None, story: str | None = None,
                month: str | None = None, offset: int = 0, limit: int = 20) -> dict[str, Any]:
    res = store.search_hits(q or "", offset=offset, limit=limit, outlet=outlet or None, story=story or None,
                            month=month or None)
    # A hit opens its article at the first sentence holding a searched word (the article page finds it), so the
    # search itself never loads article texts.
    hits = [{**h, "href": article_href(h["id"]) + "?" + urlencode({"q": q}) + "#hit"} for h in res["hits"]]
    return {"q": q, "filters": {"outlet": outlet, "story": story, "month": month}, **_page(res["total"], res["offset"], res["limit"]),
            "hits": hits, "facets": res["facets"]}


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    """The sentence holding ``pos``: from after the previous sentence end (or line break) to the next."""
    starts = [m.end() for m in re.finditer(r"[.!?][\"'”’)]*\s+|\n+", text[:pos])]
    s = starts[-1] if starts else 0
    m = re.search(r"[.!?][\"'”’)]*(?=\s|$)|\n", text[pos:])
    e = pos + m.end() if m else len(text)
    return s, e
