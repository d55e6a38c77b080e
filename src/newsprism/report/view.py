"""The view of one story that every renderer shares: facts matrix, voices, quotes, timeline, syndication, and the
article texts cut into segments so each piece of evidence can be highlighted and linked to.

Pure data (dicts, lists, strings); the renderers decide how to show it. Nothing here marks text as safe HTML.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from newsprism.model import Article, Story

STATUS_LABEL = {"agreed": "agreed", "differs": "differs", "single-source": "only one outlet"}


def page_name(story_id: str) -> str:
    """The file name of a story's page: the id, with anything unsafe in a file name or URL replaced."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", story_id).lstrip(".") or "story"
    return f"{safe}.html"


class Anchors:
    """Stable, HTML-safe anchor ids for evidence spans, per article."""

    def __init__(self, article_ids: list[str]):
        self.index = {aid: i for i, aid in enumerate(article_ids)}

    def article(self, aid: str) -> str:
        return f"a{self.index.get(aid, 'x')}"

    def span(self, aid: str, start: int, end: int) -> str:
        return f"ev-{self.index.get(aid, 'x')}-{start}-{end}"


def _valid(ev: dict, arts: Mapping[str, Article]) -> bool:
    a = arts.get(ev.get("article", ""))
    return a is not None and isinstance(ev.get("start"), int) and isinstance(ev.get("end"), int) \
        and 0 <= ev["start"] <= ev["end"] <= len(a.text)


def build(story: Story, articles: Mapping[str, Article]) -> dict[str, Any]:
    comp = story.comparison or {}
    members = [aid for aid in story.articles if aid in articles]
    arts = {aid: articles[aid] for aid in members}
    anchors = Anchors(members)
    facts = comp.get("facts", [])
    outlets = sorted({o for f in facts for o in f.get("outlets", {})} | set(comp.get("outlets", {}) or {})
                     | set(story.outlets or [])) or sorted({a.outlet or aid for aid, a in arts.items()})
    spans: dict[str, list[tuple[int, int, str, str]]] = {aid: [] for aid in members}  # start, end, anchor, class

    def link(ev: dict, cls: str) -> dict | None:
        if not _valid(ev, arts):
            return None
        anchor = anchors.span(ev["article"], ev["start"], ev["end"])
        spans[ev["article"]].append((ev["start"], ev["end"], anchor, cls))
        out = dict(ev)
        out["anchor"] = anchor
        out["outlet_article"] = arts[ev["article"]].title or ev["article"]
        return out

    rows = []
    for f in facts:
        cells = {}
        for o in outlets:
            evs = [x for x in (link(ev, f.get("status", "")) for ev in f.get("outlets", {}).get(o, [])) if x]
            cells[o] = evs
        rows.append({"id": f.get("id"), "text": f.get("text", ""), "kind": f.get("kind", ""),
                     "status": f.get("status", ""), "label": STATUS_LABEL.get(f.get("status", ""), f.get("status")),
                     "values": f.get("values", {}), "cells": cells})

    voices = []
    max_q = max([s.get("quotes", 0) for ss in comp.get("voices", {}).values() for s in ss] or [1]) or 1
    quotes_table = []
    for o, speakers in sorted(comp.get("voices", {}).items()):
        rows_v = []
        for s in speakers:
            evs = [x for x in (link(ev, "quote") for ev in s.get("evidence", [])) if x]
            rows_v.append({**{k: v for k, v in s.items() if k != "evidence"}, "evidence": evs,
                           "pct": round(100 * s.get("quotes", 0) / max_q)})
            for ev in evs:
                quotes_table.append({"outlet": o, "speaker": s.get("speaker_name"), "side": s.get("affiliation"),
                                     "text": ev["text"], "anchor": ev["anchor"]})
        share = comp.get("voice_share", {}).get(o, {})
        voices.append({"outlet": o, "speakers": rows_v,
                       "share": [{"side": k, "pct": round(100 * v)} for k, v in share.items()
                                 if isinstance(v, (int, float))]})

    timeline = []
    for t in story.timeline:
        timeline.append({"date": t.date, "articles": [{"id": x, "anchor": anchors.article(x),
                                                       "title": (arts[x].title if x in arts else None) or x}
                                                      for x in t.articles],
                         "facts": [next((r["text"] for r in rows if r["id"] == fid), fid) for fid in t.facts],
                         "quotes": [x for x in (link(q, "quote") for q in t.quotes) if x]})
    texts = []
    copies = {c.get("article"): c for c in comp.get("syndicated", [])}
    for aid in members:
        a = arts[aid]
        texts.append({"id": aid, "anchor": anchors.article(aid), "title": a.title or aid, "outlet": a.outlet or "",
                      "url": a.url if a.url and re.match(r"https?://", a.url) else None, "published": a.published,
                      "copy_of": copies.get(aid, {}).get("copy_of"), "segments": segments(a.text, spans[aid])})

    syndication = []
    for g in story.syndication:
        origin = g.get("origin")
        syndication.append({"origin": origin, "origin_anchor": anchors.article(origin) if origin in arts else None,
                            "origin_title": arts[origin].title if origin in arts else origin,
                            "copies": [{**c, "anchor": anchors.article(c.get("article")) if c.get("article") in arts
                                        else None} for c in g.get("copies", [])]})
    counts = {k: sum(r["status"] == k for r in rows) for k in STATUS_LABEL}
    return {"story": story, "title": story.title or story.id, "outlets": outlets, "facts": rows, "counts": counts,
            "voices": voices, "quotes": quotes_table, "texts": texts, "timeline": timeline,
            "syndication": syndication, "framing": comp.get("framing", {}), "actors": story.actors,
            "copies": comp.get("syndicated", [])}


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict]:
    """Cut ``text`` at every span boundary: each segment says which spans cover it and which anchors start there."""
    cuts = {0, len(text)}
    for s, e, _, _ in spans:
        cuts.add(s)
        cuts.add(e)
    bounds = sorted(cuts)
    out = []
    for i in range(len(bounds) - 1):
        s, e = bounds[i], bounds[i + 1]
        if s == e:
            continue
        cover = [sp for sp in spans if sp[0] <= s and e <= sp[1]]
        starts = sorted({sp[2] for sp in spans if sp[0] == s})
        classes = sorted({sp[3] for sp in cover})
        out.append({"text": text[s:e], "marked": bool(cover), "anchors": starts, "classes": classes})
    # spans of zero length still need their anchor somewhere
    for s, e, anchor, _ in spans:
        if s == e:
            out.append({"text": "", "marked": False, "anchors": [anchor], "classes": []})
    return out
