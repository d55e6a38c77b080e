"""``read_inputs``: every kind of input, dispatched by what it is (see the package docstring for the formats)."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsprism.ingest import decode
from newsprism.ingest.decode import InputError, decode_bytes, gunzip_bounded
from newsprism.ingest.feeds import looks_like_feed, read_feed
from newsprism.ingest.fetch import FetchError, Fetcher
from newsprism.ingest.files import (file_id, html_url, read_bytes, read_html_file, read_json_file, read_jsonl_file,
                                    read_text_file)
from newsprism.ingest.records import error_article, make_article, stable_id
from newsprism.ingest.warc import read_warc
from newsprism.model import Article

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
JSON_EXT = {".json"}
FEED_EXT = {".rss", ".atom", ".xml", ".rdf", ".feed"}
WARC_EXT = {".warc", ".arc"}
URLS_EXT = {".urls"}
KNOWN = TEXT_EXT | HTML_EXT | JSONL_EXT | JSON_EXT | FEED_EXT | WARC_EXT | URLS_EXT
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/feed+json")


def _kind_ext(name: str) -> str:
    """The format extension, looking through a trailing .gz (``x.html.gz`` -> ``.html``)."""
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    return os.path.splitext(low)[1]


def is_url(s: str) -> bool:
    return urlsplit(s).scheme in ("http", "https") and bool(urlsplit(s).netloc)


class _Reader:
    def __init__(self, allow_private: bool, client: Any):
        self.allow_private = allow_private
        self._client = client
        self._fetcher: Fetcher | None = None
        self._own = False

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            c = self._client
            if isinstance(c, Fetcher):
                self._fetcher = c
            else:
                import httpx
                if c is not None and not isinstance(c, httpx.Client):
                    raise TypeError("client must be a newsprism Fetcher or an httpx.Client")
                self._fetcher = Fetcher(allow_private=self.allow_private, client=c)
                self._own = c is None
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None and self._own:
            self._fetcher.close()

    # -- files ----------------------------------------------------------------------------------------------
    def path(self, p: Path, explicit: bool) -> Iterator[Article]:
        if p.is_dir():
            yield from self.folder(p)
            return
        if not p.exists():
            yield error_article(file_id(p.name), str(p), f"{p}: no such file or folder")
            return
        ext = _kind_ext(p.name)
        if ext in WARC_EXT or p.name.lower().endswith((".warc.gz", ".arc.gz")):
            yield from read_warc(p)
        elif ext in JSONL_EXT:
            yield from read_jsonl_file(p)
        elif ext in JSON_EXT:
            yield from read_json_file(p)
        elif ext in HTML_EXT:
            yield from read_html_file(p)
        elif ext in FEED_EXT:
            yield from self.feed_file(p)
        elif ext in URLS_EXT:
            yield from self.url_list_file(p)
        elif ext in TEXT_EXT:
            yield from self.text_file(p)
        else:
            yield from self.sniffed(p)

    def folder(self, root: Path) -> Iterator[Article]:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or _kind_ext(name) not in KNOWN:
                    continue  # a folder may hold images, styles, notes: only known formats are articles
                yield from self.path(Path(dirpath) / name, explicit=False)

    def text_file(self, p: Path) -> Iterator[Article]:
        got = read_text_file(p)
        if isinstance(got, list):
            yield from self.urls(got, origin=str(p))
        else:
            yield from got

    def url_list_file(self, p: Path) -> Iterator[Article]:
        from newsprism.ingest.files import url_lines
        try:
            text = decode_bytes(read_bytes(p), kind="text")
        except InputError as exc:
            yield error_article(file_id(p.name), str(p), f"{p}: {exc}")
            return
        urls = [u for u in (line.strip() for line in text.splitlines()) if u and not u.startswith("#")]
        bad = [u for u in urls if not is_url(u)]
        for u in bad:
            yield error_article(stable_id("url", u), f"{p}", f"{p}: not an http(s) URL: {u[:200]!r}")
        yield from self.urls([u for u in urls if is_url(u)] if url_lines(text) is None else urls, origin=str(p))

    def feed_file(self, p: Path) -> Iterator[Article]:
        try:
            data = read_bytes(p)
        except InputError as exc:
            yield error_article(file_id(p.name), str(p), f"{p}: {exc}")
            return
        if not data.strip():
            yield error_article(file_id(p.name), str(p), f"{p}: empty input")
            return
        yield from read_feed(data, str(p), self.fetch_page, file_id(p.name))

    def sniffed(self, p: Path) -> Iterator[Article]:
        """An unknown extension given explicitly: look at the bytes."""
        try:
            data = read_bytes(p)
        except InputError as exc:
            yield error_article(file_id(p.name), str(p), f"{p}: {exc}")
            return
        head = data[:4096].lstrip().lower()
        if looks_like_feed(data):
            yield from read_feed(data, str(p), self.fetch_page, file_id(p.name))
        elif head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
            yield from read_html_file(p, data)
        else:
            got = read_text_file(p, data)
            yield from (self.urls(got, origin=str(p)) if isinstance(got, list) else got)

    # -- network --------------------------------------------------------------------------------------------
    def fetch_page(self, url: str) -> tuple[str, str]:
        got = self.fetcher.get(url)
        try:
            return got.url, decode_bytes(got.content, declared=got.charset, kind="html")
        except InputError as exc:
            raise FetchError(f"{url}: {exc}") from None

    def urls(self, urls: Iterable[str], origin: str | None = None) -> Iterator[Article]:
        for u in urls:
            yield from self.url(u)

    def url(self, url: str) -> Iterator[Article]:
        aid = stable_id("url", url)
        try:
            got = self.fetcher.get(url, conditional=True)
        except (FetchError, InputError) as exc:
            yield error_article(aid, url, str(exc) if url in str(exc) else f"{url}: {exc}", url=url)
            return
        if got.not_modified:
            return  # a feed unchanged since the last fetch: nothing new to read
        data = got.content
        ctype = got.content_type
        if ctype in FEED_TYPES or (ctype in ("", "text/plain", "application/octet-stream") and looks_like_feed(data)) \
                or (ctype not in ("text/html", "application/xhtml+xml") and looks_like_feed(data)):
            yield from read_feed(data, url, self.fetch_page, aid)
            return
        if ctype in ("application/gzip", "application/x-gzip"):
            try:
                data = gunzip_bounded(data, decode.MAX_BYTES)
            except InputError as exc:
                yield error_article(aid, url, f"{url}: {exc}", url=url)
                return
        kind = "text" if ctype == "text/plain" else "html"
        try:
            raw = decode_bytes(data, declared=got.charset, kind=kind)
        except InputError as exc:
            yield error_article(aid, url, f"{url}: {exc}", url=url)
            return
        if kind == "html" and ctype not in ("text/html", "application/xhtml+xml", ""):
            head = raw[:4096].lower()
            if "<html" not in head and "<body" not in head and "<p" not in head:
                yield error_article(aid, url, f"{url}: unsupported content type {ctype!r}", url=url)
                return
        final = got.url or url
        yield make_article(aid, url, raw, kind, url=(html_url(raw) if kind == "html" else None) or final)


def read_inputs(inputs: Iterable[str], *, allow_private: bool = False, client: Any = None) -> Iterator[Article]:
    """Yield one Article per input item (file, record, feed entry, WARC record, URL); never raises for a bad item.

    ``client`` is a :class:`~newsprism.ingest.fetch.Fetcher` or an ``httpx.Client`` (e.g. with a MockTransport);
    without one, a Fetcher is made on first network use with ``allow_private``.
    """
    reader = _Reader(allow_private, client)
    try:
        for item in inputs:
            item = str(item)
            try:
                if is_url(item):
                    yield from reader.url(item)
                else:
                    yield from reader.path(Path(item), explicit=True)
            except Exception as exc:  # noqa: BLE001 - last line of defence: a reader bug must not stop the batch
                yield error_article(stable_id("input", item), item, f"{item}: {type(exc).__name__}: {exc}")
    finally:
        reader.close()
