"""Flat tables of what the store holds — articles, quotes, facts, stories — as JSON lines, CSV or Parquet.

One row generator per table (flat columns, fixed order), one writer per format. Rows stream from the store, so an
export's memory does not grow with the archive (Parquet is written in row groups of ``BATCH`` rows).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from newsprism.store import Store

TABLES = ("articles", "quotes", "facts", "stories")
FORMATS = ("jsonl", "csv", "parquet")
BATCH = 5000

# Column -> type ("str" or "int"): the order of CSV columns and the Parquet schema.
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {"id": "str", "url": "str", "outlet": "str", "title": "str", "published": "str",
                 "language": "str", "story": "str", "duplicate_of": "str", "duplicate_kind": "str",
                 "entities": "int", "quotes": "int", "claims": "int", "errors": "str", "text": "str"},
    "quotes": {"article": "str", "outlet": "str", "story": "str", "start": "int", "end": "int", "text": "str",
               "kind": "str", "speaker_name": "str", "speaker_title": "str", "speaker_affiliation": "str"},
    "facts": {"story": "str", "fact": "str", "status": "str", "kind": "str", "fact_text": "str", "outlet": "str",
              "article": "str", "start": "int", "end": "int", "evidence": "str", "value": "str"},
    "stories": {"story": "str", "title": "str", "articles": "int", "outlets": "int", "outlet_names": "str",
                "first_published": "str", "last_published": "str", "agreed": "int", "differs": "int",
                "single_source": "int"},
}


def rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    if table == "articles":
        for a in store.iter_articles():
            yield {"id": a.id, "url": a.url, "outlet": a.outlet, "title": a.title, "published": a.published,
                   "language": a.language, "story": a.story, "duplicate_of": a.duplicate_of,
                   "duplicate_kind": a.duplicate_kind, "entities": len(a.entities), "quotes": len(a.quotes),
                   "claims": len(a.claims), "errors": "; ".join(a.errors), "text": a.text}
    elif table == "quotes":
        for a in store.iter_articles():
            for q in a.quotes:
                yield {"article": a.id, "outlet": a.outlet, "story": a.story, "start": q.start, "end": q.end,
                       "text": q.text, "kind": q.kind, "speaker_name": q.speaker_name,
                       "speaker_title": q.speaker_title, "speaker_affiliation": q.speaker_affiliation}
    elif table == "facts":
        for s in store.iter_stories():
            for f in (s.comparison or {}).get("facts", []):
                for o, evs in (f.get("outlets") or {}).items():
                    for ev in evs:
                        yield {"story": s.id, "fact": f.get("id"), "status": f.get("status"), "kind": f.get("kind"),
                               "fact_text": f.get("text"), "outlet": o, "article": ev.get("article"),
                               "start": ev.get("start"), "end": ev.get("end"), "evidence": ev.get("text"),
                               "value": None if ev.get("value") is None else str(ev.get("value"))}
    elif table == "stories":
        offset = 0
        while True:  # summary columns, paged: never the full story records
            page = store.story_summaries(offset=offset, limit=500)
            for r in page["rows"]:
                c = r.get("counts") or {}
                yield {"story": r["story"], "title": r["title"], "articles": r["articles"],
                       "outlets": len(r["outlets"]), "outlet_names": "; ".join(r["outlets"]),
                       "first_published": r["first_published"], "last_published": r["last_published"],
                       "agreed": c.get("agreed"), "differs": c.get("differs"), "single_source": c.get("single-source")}
            offset += 500
            if offset >= page["total"]:
                break
    else:
        raise ValueError(f"unknown table {table!r}: choose one of {', '.join(TABLES)}")


def write(records: Iterable[dict[str, Any]], table: str, fmt: str, out: IO) -> int:
    """Write ``records`` of ``table`` to ``out`` (text for jsonl/csv, binary for parquet); returns the row count."""
    cols = list(COLUMNS[table])
    n = 0
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow(r)
            n += 1
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.int64() if t == "int" else pa.string()) for c, t in COLUMNS[table].items()])
        with pq.ParquetWriter(out, schema) as pw:
            batch: list[dict] = []
            for r in records:
                batch.append(r)
                n += 1
                if len(batch) >= BATCH:
                    pw.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch or n == 0:
                pw.write_table(pa.Table.from_pylist(batch, schema=schema))
    else:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return n


def text_chunks(store: Store, table: str, fmt: str, size: int = 500) -> Iterator[str]:
    """jsonl or csv as a stream of text chunks (for HTTP responses)."""
    buf = io.StringIO()
    gen = rows(store, table)
    if fmt == "csv":
        w = csv.DictWriter(buf, fieldnames=list(COLUMNS[table]), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
    cols = list(COLUMNS[table])
    for i, r in enumerate(gen, 1):
        if fmt == "csv":
            w.writerow(r)
        else:
            buf.write(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False) + "\n")
        if i % size == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
