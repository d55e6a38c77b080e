"""A story's developments in time: what was new on each day. No I/O.

Articles are grouped by publication day. A fact belongs to the first day any article reporting it appeared; a quote
to the first day its words were carried (the same words quoted again later are not news). Undated articles form one
entry with ``date=None`` at the end: without dates there is no order to tell.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from newsprism.cluster.features import day_number
from newsprism.model import Article, TimelineEntry

_WS = re.compile(r"\W+")


def _quote_key(text: str) -> str:
    return _WS.sub(" ", text.lower()).strip()


def build_timeline(articles: Iterable[Article], comparison: Mapping[str, Any] | None = None) -> list[TimelineEntry]:
    arts = sorted(articles, key=lambda a: (day_number(a.published) is None, day_number(a.published) or 0,
                                           a.published or "", a.id))
    day_of: dict[str, int | None] = {a.id: day_number(a.published) for a in arts}
    entries: dict[int | None, TimelineEntry] = {}
    for a in arts:
        d = day_of[a.id]
        if d not in entries:
            entries[d] = TimelineEntry(date=date.fromordinal(d).isoformat() if d is not None else None)
        entries[d].articles.append(a.id)

    # Facts: first day among the articles that report them.
    facts = (comparison or {}).get("facts") or []
    for fact in facts:
        reporters = [m.get("article") for spans in (fact.get("outlets") or {}).values() for m in spans or ()]
        days = [day_of[r] for r in reporters if r in day_of]
        if not days or fact.get("id") is None:
            continue
        dated = [d for d in days if d is not None]
        first = min(dated) if dated else None
        entries[first].facts.append(fact["id"])

    # Quotes: first carried; later repetitions of the same words are left out.
    seen: set[str] = set()
    for a in arts:
        for q in a.quotes:
            key = _quote_key(q.text)
            if not key or key in seen:
                continue
            seen.add(key)
            entries[day_of[a.id]].quotes.append({"article": a.id, "start": q.start, "end": q.end, "text": q.text,
                                                 "speaker_name": q.speaker_name})
    return [entries[d] for d in sorted(entries, key=lambda d: (d is None, d or 0))]
