"""Readers for local files: plain text (with optional front matter), HTML, JSON / JSONL records, URL lists.

Each reader takes a path and yields Articles; it never raises for a bad input: the error goes on the article.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from newsprism.ingest import decode
from newsprism.ingest.decode import InputError, decode_bytes, gunzip_bounded
from newsprism.ingest.records import error_article, file_id, iso_date, make_article
from newsprism.model import Article

_YAML = frontmatter.YAMLHandler()
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it
_CLOSE = re.compile(r"-{3,}[ \t]*(?:\r?\n|\Z)")  # the closing line and its line break, not the blank lines after
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$")
_URL_LINE = re.compile(r"^https?://\S+$", re.I)
_CANONICAL = re.compile(
    r"""<link\b[^>]*?\brel\s*=\s*["']?canonical["']?[^>]*?>|<meta\b[^>]*?\bproperty\s*=\s*["']og:url["'][^>]*?>""",
    re.I)
_HREF = re.compile(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.I)

# Record fields and the Article attribute they fill (first present wins, in this order).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "publisher"),
    "title": ("title", "headline"),
    "published": ("published", "date", "publication_date"),
    "author": ("author", "byline"),
    "language": ("language", "lang"),
}


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """Read a file (gunzipping ``*.gz``), refusing more than ``limit`` bytes before or after decompression."""
    limit = decode.MAX_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    gz = path.name.lower().endswith(".gz")
    if size > limit:
        raise InputError(f"{'compressed ' if gz else ''}file of {size:,} bytes exceeds the {limit:,}-byte limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if gz:
        data = gunzip_bounded(data, limit)
    return data


def parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (``---`` / YAML / ``---`` at the very top) read by python-frontmatter's YAML handler;
    returns (fields with lower-case keys, body). Unknown keys are kept.

    The body is the text after the closing ``---`` line exactly as given (the library's own ``parse`` strips it, and
    ``--verbatim`` offsets refer to it). A block that is not valid YAML because of an unquoted colon in a value
    (``title: Analysis: the vote``, common in headlines) is read one ``key: value`` line at a time instead of failing.
    """
    text = text.lstrip("\ufeff")
    if not _YAML.detect(text):
        return {}, text
    marks = list(islice(_YAML.FM_BOUNDARY.finditer(text), 2))
    if len(marks) < 2:
        return {}, text
    block = text[marks[0].end():marks[1].start()]
    try:
        data = _YAML.load(block, Loader=_LOADER)
    except yaml.YAMLError:
        data = _loose_fields(block)
    if not isinstance(data, dict):
        data = {}
    close = _CLOSE.match(text, marks[1].start())
    body = text[close.end():] if close else text[marks[1].end():]
    return {str(k).lower(): v for k, v in data.items() if v is not None}, body


def _loose_fields(block: str) -> dict[str, str]:
    """``key: value`` lines, the value taken verbatim (surrounding quotes removed): the fallback for a block YAML
    refuses."""
    fields: dict[str, str] = {}
    for line in block.splitlines():
        km = _KEY.match(line)
        if km:
            v = km.group(2)
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]
            fields[km.group(1)] = v
    return fields


def pick(record: dict[str, Any], attr: str) -> Any:
    for key in FIELD_ALIASES[attr]:
        v = record.get(key)
        if v not in (None, ""):
            return v
    return None


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in ("url", "outlet", "title", "author", "language"):
        v = pick(record, attr)
        if isinstance(v, dict):  # e.g. {"source": {"name": ...}} from news APIs
            v = v.get("name") or v.get("title")
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v if x)
        out[attr] = str(v).strip() if v not in (None, "") else None
    out["published"] = iso_date(pick(record, "published"))
    return out


def url_lines(text: str) -> list[str] | None:
    """The URLs of a URL list (blank lines and # comments allowed), or None when any other line is present."""
    urls = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if not _URL_LINE.match(s):
            return None
        urls.append(s)
    return urls or None


def html_url(html: str) -> str | None:
    head = html[:100_000]
    for m in _CANONICAL.finditer(head):
        h = _HREF.search(m.group(0))
        if h and h.group(1).lower().startswith(("http://", "https://")):
            return h.group(1).strip()
    return None


def read_text_file(path: Path, data: bytes | None = None) -> Iterator[Article] | list[str]:
    """A .txt file: an Article, or the URLs when every line is a URL (the caller fetches them)."""
    fid, src = file_id(path.name), str(path)
    try:
        text = decode_bytes(read_bytes(path) if data is None else data, kind="text")
    except InputError as exc:
        return iter([error_article(fid, src, f"{src}: {exc}")])
    urls = url_lines(text)
    if urls is not None:
        return urls
    fields, body = parse_front_matter(text)
    if not body.strip():
        return iter([error_article(fid, src, f"{src}: empty text (nothing after the front matter)")])
    return iter([make_article(fid, src, body, "text", **_meta(fields))])


def read_html_file(path: Path, data: bytes | None = None) -> Iterator[Article]:
    fid, src = file_id(path.name), str(path)
    try:
        html = decode_bytes(read_bytes(path) if data is None else data, kind="html")
    except InputError as exc:
        yield error_article(fid, src, f"{src}: {exc}")
        return
    yield make_article(fid, src, html, "html", url=html_url(html))


def record_article(record: Any, default_id: str, source: str) -> Article:
    """One JSON record -> Article (``text`` is preferred over ``html`` when a record has both)."""
    if not isinstance(record, dict):
        return error_article(default_id, source, f"{source}: record is a JSON {type(record).__name__}, "
                                                 "not an object")
    rid = pick(record, "id")
    aid = str(rid).strip() if rid not in (None, "") else default_id
    meta = _meta(record)
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        return make_article(aid, source, text, "text", **meta)
    if isinstance(html, str) and html.strip():
        return make_article(aid, source, html, "html", **{**meta, "url": meta.get("url") or html_url(html)})
    return error_article(aid, source, f"{source}: record has no text or html", **meta)


def read_jsonl_file(path: Path) -> Iterator[Article]:
    stem, src = file_id(path.name), str(path)
    try:
        if path.name.lower().endswith(".gz"):
            data = read_bytes(path)
            lines: Any = iter(data.splitlines(keepends=True))
        else:
            if not path.exists():
                raise InputError("no such file")
            fh = open(path, "rb")  # noqa: SIM115 - closed below; streamed so huge files never sit in memory
            lines = fh
    except InputError as exc:
        yield error_article(stem, src, f"{src}: {exc}")
        return
    n_records = 0
    try:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            n_records += 1
            where = f"{src}#{lineno}"
            default_id = f"{stem}-{lineno}"
            if len(line) > decode.MAX_BYTES:
                yield error_article(default_id, where, f"{where}: line exceeds the {decode.MAX_BYTES:,}-byte limit")
                continue
            try:
                record = json.loads(decode_bytes(line, kind="text"))
            except (InputError, ValueError) as exc:
                yield error_article(default_id, where, f"{where}: malformed JSON line ({exc})")
                continue
            yield record_article(record, default_id, where)
    except OSError as exc:
        yield error_article(stem, src, f"{src}: cannot read: {exc.strerror or exc}")
    finally:
        if hasattr(lines, "close"):
            lines.close()
    if n_records == 0:
        yield error_article(stem, src, f"{src}: empty file (no JSON records)")


def read_json_file(path: Path) -> Iterator[Article]:
    """A .json file: one record, a list of records, or {"articles"|"records"|"data": [...]}."""
    stem, src = file_id(path.name), str(path)
    try:
        data = json.loads(decode_bytes(read_bytes(path), kind="text"))
    except InputError as exc:
        yield error_article(stem, src, f"{src}: {exc}")
        return
    except ValueError as exc:
        yield error_article(stem, src, f"{src}: malformed JSON ({exc})")
        return
    if isinstance(data, dict):
        for key in ("articles", "records", "data", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        yield record_article(data, stem, src)
        return
    if not isinstance(data, list):
        yield error_article(stem, src, f"{src}: JSON is neither an object nor a list of objects")
        return
    if not data:
        yield error_article(stem, src, f"{src}: empty list of records")
    for i, rec in enumerate(data):
        yield record_article(rec, f"{stem}-{i}", f"{src}#{i}")


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def open_maybe_gzip(path: Path):
    return gzip.open(path, "rb") if is_gzip_name(path.name) else open(path, "rb")


def size_of(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1
