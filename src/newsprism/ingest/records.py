"""Helpers that build ingested Articles (one place computes ids and content hashes)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from typing import Any

from newsprism.model import Article, content_hash


def make_article(id: str, source: str, raw: str, raw_kind: str, **meta: Any) -> Article:
    art = Article(id=id, source=source, raw=raw, raw_kind=raw_kind)
    for k, v in meta.items():
        if v is not None and v != "":
            setattr(art, k, v)
    art.content_hash = content_hash(id + "\0" + raw)
    return art


def error_article(id: str, source: str, message: str, **meta: Any) -> Article:
    art = Article(id=id, source=source, raw=None, raw_kind="text")
    for k, v in meta.items():
        if v is not None:
            setattr(art, k, v)
    art.content_hash = content_hash(id + "\0")
    art.errors.append(f"ingest: {message}")
    return art


def stable_id(prefix: str, *keys: str) -> str:
    """A short id that is the same every time the same key (URL, record id) is read."""
    h = hashlib.sha256("\0".join(keys).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{prefix}-{h}"


def file_id(name: str) -> str:
    """The DESIGN.md rule: the file name up to its first dot (a leading dot is kept: '.x.txt' -> '.x')."""
    if name.startswith("."):
        rest = name[1:]
        return "." + rest.split(".", 1)[0]
    return name.split(".", 1)[0] or name


def iso_date(value: Any) -> str | None:
    """Dates arrive as strings, numbers (epoch seconds) or time tuples; keep strings as given (stripped)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), timezone.utc).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, tuple | list) and len(value) >= 6:  # time.struct_time from feedparser
        try:
            return datetime(*[int(x) for x in value[:6]]).isoformat() + "Z"
        except (TypeError, ValueError):
            return None
    s = str(value).strip()
    return s or None
