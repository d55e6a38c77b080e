"""RSS / Atom feeds (files or URLs) through feedparser.

An entry whose feed carries the full article (``content:encoded`` / Atom ``content`` of some length) is read from
the feed; an entry that only carries a summary has its page fetched (through the Fetcher) and falls back to the
summary when the page cannot be fetched. Feeds that declare XML entities are refused before parsing: entity
declarations have no use in news feeds and are how entity-expansion ("billion laughs") bombs work.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

from newsprism.ingest.decode import InputError
from newsprism.ingest.records import error_article, iso_date, make_article, stable_id
from newsprism.model import Article

NO_ENTRIES = "feed has no entries"  # a readable feed with nothing in it (not an error for a poller)
FULL_CONTENT_CHARS = 600  # an entry with at least this much text in its content is taken as the full article
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
_TAGS = re.compile(r"<[^>]+>")
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)\b", re.I)


def looks_like_feed(data: bytes) -> bool:
    return bool(_FEED_ROOT.search(data[:4096]))


def _as_page(fragment: str) -> tuple[str, str]:
    """(raw, raw kind) of a feed entry's content. Content is an HTML fragment, and the main-text extractor expects
    a page (it finds nothing in a lone ``<p>``): a fragment becomes the article of a minimal page. Content without
    any markup is plain text."""
    if "<" not in fragment:
        return html.unescape(fragment), "text"
    head = fragment[:2048].lower()
    if "<html" in head or "<body" in head:
        return fragment, "html"
    return f"<html><body><article>{fragment}</article></body></html>", "html"


def _text_len(html: str) -> int:
    return len(_TAGS.sub(" ", html).split()) * 6


def read_feed(data: bytes, source: str, fetch_page: Callable[[str], tuple[str, str] | None] | None,
              feed_id: str, known: Callable[[str], bool] | None = None) -> Iterator[Article]:
    """Parse feed bytes; ``fetch_page(url)`` returns (final_url, html) or raises; None means fetching is off.

    ``known(article_id)`` says an entry is stored already: an entry whose page would be fetched is then skipped (a
    polled feed lists the same entries many times; their pages are fetched once). Entries carrying their full
    content are always read, so an edited entry is seen."""
    if _ENTITY_DECL.search(data) or _DOCTYPE.search(data[:65536]):
        yield error_article(feed_id, source, f"{source}: refused, the feed declares XML entities "
                                             "(possible entity-expansion bomb)")
        return
    import feedparser

    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    except Exception as exc:  # noqa: BLE001 - feedparser is lenient, but never let a feed stop the batch
        yield error_article(feed_id, source, f"{source}: cannot parse feed ({type(exc).__name__}: {exc})")
        return
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        msg = f"not an RSS/Atom feed or no entries ({why})" if why else NO_ENTRIES
        yield error_article(feed_id, source, f"{source}: {msg}")
        return
    feed_title = (parsed.get("feed") or {}).get("title")
    for n, e in enumerate(entries):
        link = (e.get("link") or "").strip() or None
        key = e.get("id") or link or f"{source}#{n}"
        aid = stable_id("feed", key)
        where = link or f"{source}#{n}"
        meta = {"url": link, "title": (e.get("title") or "").strip() or None,
                "published": iso_date(e.get("published_parsed") or e.get("updated_parsed")) or e.get("published"),
                "author": e.get("author")}
        content = ""
        for c in e.get("content") or []:
            if len(c.get("value") or "") > len(content):
                content = c.get("value") or ""
        summary = e.get("summary") or ""
        if content and _text_len(content) >= FULL_CONTENT_CHARS:
            yield make_article(aid, where, *_as_page(content), outlet=feed_title, **meta)
            continue
        page_error = None
        if link and fetch_page is not None and known is not None and known(aid):
            continue
        if link and fetch_page is not None:
            try:
                got = fetch_page(link)
            except (InputError, Exception) as exc:  # noqa: BLE001 - one page never stops the feed
                got, page_error = None, str(exc)
            if got is not None:
                final_url, html = got
                yield make_article(aid, link, html, "html", **{**meta, "url": final_url or link})
                continue
        fallback = content if len(content) > len(summary) else summary
        if fallback.strip():
            yield make_article(aid, where, *_as_page(fallback), outlet=feed_title, **meta)
        else:
            yield error_article(aid, where, f"{where}: feed entry has no content"
                                + (f" and its page could not be fetched ({page_error})" if page_error else ""),
                                **meta)
