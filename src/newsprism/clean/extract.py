"""Main text and metadata from an HTML page (trafilatura, tuned), without newsprism's text pass.

Metadata: title, outlet (site name, else the domain), author, publication date (trafilatura's metadata, which uses
htmldate on the page's markup and URL, not on scripts or related-article widgets), language (``<html lang>`` /
``content-language``, else py3langid on the text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_LANG_ATTR = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?""", re.I)
_LANG_META = re.compile(
    r"""<meta\b[^>]*?http-equiv\s*=\s*["']?content-language["']?[^>]*?content\s*=\s*["']?([A-Za-z]{2,3})""", re.I)

_LETTERS = re.compile(r"[^\W\d_]+")
# py3langid reads the opening of the text: on the shared extraction pages whose <html lang> names their language
# (Zyte, 156 pages in 8 languages) the first 600 characters score as well as 2,000 (0.974; stop-word counts 0.897,
# blind to Russian, Korean, Japanese, Indonesian), at 3.6 ms a page.
_LANGID_CHARS = 1000


@dataclass
class Extracted:
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for fewer than five words."""
    head = text[:_LANGID_CHARS]
    if len(_LETTERS.findall(head)) < 5:
        return None
    import py3langid

    return py3langid.classify(head)[0]


def html_language(html: str) -> str | None:
    head = html[:20000]
    m = _LANG_ATTR.search(head) or _LANG_META.search(head)
    return m.group(1).lower() if m else None


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host or None


EFFORTS = ("best", "fast")


def extract_text(html: str, url: str | None = None, effort: str = "best") -> str:
    """Main text only; the same extraction ``extract_html`` uses."""
    return _extract(html, url, with_metadata=False, effort=effort).text


def extract_html(html: str, url: str | None = None, effort: str = "best") -> Extracted:
    """``effort="best"`` runs trafilatura's precision extraction and, when it looks short, chooses among it and the
    balanced and recall extractions (about trafilatura's own time on most pages); ``"fast"`` does the same without
    the recall candidate (slightly less on short pages; the same text on most)."""
    return _extract(html, url, with_metadata=True, effort=effort)


# Candidate choice. trafilatura's balanced extraction keeps link lists and teasers on some pages and its precision
# mode drops them; on others precision mode loses half the article, and on short outputs the recall mode finds
# body text the balanced one missed. The thresholds were chosen on the Zyte and WCXB dev sets (see
# benchmarks/extraction.py) and are deliberately coarse: lengths only, nothing about particular sites.
#
# The precision extraction runs first (in trafilatura's fast mode it costs about 60% of one default extraction). It
# is kept at once when it holds most of the page's prose, i.e. of the text in runs of PROSE_SEGMENT characters or
# more outside scripts and styles: then it has not lost the article (on the dev sets, running the other
# candidates on those pages changed the F1 of none of them).
# Only when it looks short (about a quarter of news pages, a sixth of the WCXB dev pages) do the balanced and recall
# extractions run and the length rules below choose, as they did when every page ran all three.
PROSE_SEGMENT = 80
PRECISION_TRUST = 0.75  # precision text >= this share of the page's prose: take it without the other candidates
SHORT_CHARS = 4000  # a balanced extraction shorter than this may have missed body text: try recall mode
RECALL_GAIN = 1.5  # ... and take it when it finds at least this many times more text (1.3-1.6 alike on WCXB dev)
PRECISION_MIN_CHARS = 500  # a longer balanced extraction may carry furniture: prefer precision mode
PRECISION_KEEP = 0.5  # ... when it keeps at least this share of the text

_PAGE_TEXT = None


def prose_chars(tree) -> int:
    """Characters of the page's text in runs of at least ``PROSE_SEGMENT`` characters (scripts, styles excluded)."""
    global _PAGE_TEXT
    if _PAGE_TEXT is None:
        from lxml.etree import XPath

        # the length test first: it is cheap and leaves few nodes for the ancestor test
        _PAGE_TEXT = XPath(f"//body//text()[string-length(.) >= {PROSE_SEGMENT}]"
                           "[not(ancestor::script or ancestor::style or ancestor::noscript)]")
    total = 0
    for t in _PAGE_TEXT(tree):
        n = len(t.strip())
        if n >= PROSE_SEGMENT:
            total += n
    return total


def page_metadata(tree, url: str | None):
    """Title, author, URL, date and site name from trafilatura's metadata pieces, without the categories, tags
    and licence it also collects (a third of its metadata time, unused here). Dates come from htmldate on the
    page's markup and URL only (no extensive search in free text, scripts or related-article widgets)."""
    from trafilatura.metadata import (examine_meta, extract_author, extract_meta_json, extract_metadata,
                                      extract_sitename, extract_title, extract_url)

    try:
        from htmldate import find_date

        meta = examine_meta(tree)
        if meta.author and " " not in meta.author:
            meta.author = None  # a single token is a handle or a site name more often than a person
        try:
            meta = extract_meta_json(tree, meta)
        except Exception:  # noqa: BLE001 - malformed JSON-LD must not lose the rest
            pass
        meta.title = meta.title or extract_title(tree)
        meta.author = meta.author or extract_author(tree)
        meta.url = meta.url or extract_url(tree, url)
        meta.date = find_date(tree, url=meta.url or url, extensive_search=False, original_date=True)
        meta.sitename = (meta.sitename or extract_sitename(tree) or "").lstrip("@") or None
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
        meta.clean_and_trim()
        return meta
    except Exception:  # noqa: BLE001 - trafilatura's internals moved: use its public entry point
        return extract_metadata(tree, url, extensive=False)


def _run(tree, url: str | None, **kw) -> str:
    import trafilatura

    # no copy needed: handed a tree, bare_extraction works on its own copy (trafilatura 2.x: ``tree = copy(tree)``;
    # tests/clean/test_stage.py checks the tree is left as it was)
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True, **kw)
    return (doc.text or "") if doc is not None else ""


def choose_text(tree, url: str | None, effort: str = "best", prose: int | None = None) -> str:
    """The main text of a parsed page by the candidate choice above; ``fast`` leaves out the recall candidate.
    ``prose``: the page's prose measure, if taken before the tree was stripped."""
    precise = _run(tree, url, favor_precision=True, fast=True)
    if prose is None:
        prose = prose_chars(tree)
    if len(precise) >= PRECISION_MIN_CHARS and len(precise) >= PRECISION_TRUST * prose:
        return precise
    text = _run(tree, url)
    # recall mode is not tried when the balanced text is already as long as the page's prose: it never won there
    # on the Zyte and WCXB dev sets
    if effort == "best" and len(text) < SHORT_CHARS and len(text) < prose:
        recall = _run(tree, url, favor_recall=True, fast=True)
        if len(recall) >= RECALL_GAIN * max(len(text), 1):
            return recall
    if len(text) >= PRECISION_MIN_CHARS and len(precise) >= PRECISION_KEEP * len(text):
        return precise
    return text


_SCRIPTS = None
# Elements trafilatura's tree cleaning always deletes with their content (settings.MANUALLY_CLEANED), that hold no
# article text. Not figure (a figure holding a table becomes a div), form (kept when it wraps the content), head
# (JSON-LD tells forum threads) nor the stripped-but-kept tags; and not nav, aside or button either: on some pages
# (1-2% of WCXB dev) the whole text sits in one of them, and trafilatura's fallbacks, which see the uncleaned page,
# find it there.
_NEVER_TEXT = ("footer", "iframe", "noscript", "select", "input", "textarea", "picture", "video", "audio", "canvas",
               "object", "embed")


def strip_scripts(tree) -> None:
    """Remove what never holds article text from a parsed page, keeping the text that follows each element:
    scripts (JSON-LD kept), styles, inline SVG and the ``_NEVER_TEXT`` elements.

    trafilatura discards them in each extraction, but only after copying the whole tree and running its XPath
    prunes over it, once per candidate (and its readability fallback scores them); removed once here, every
    candidate works on a smaller tree. JSON-LD stays: trafilatura reads the body of a page from it when the markup
    has none, and tells forum threads by it. The prose measure of the precision trust test is taken after this."""
    global _SCRIPTS
    if _SCRIPTS is None:
        from lxml.etree import XPath

        _SCRIPTS = XPath("//script[not(contains(@type, 'ld+json'))]|//style|//svg|" + "|".join(
            f"//{tag}" for tag in _NEVER_TEXT))
    for el in _SCRIPTS(tree):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _extract(html: str, url: str | None, with_metadata: bool, effort: str = "best") -> Extracted:
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return Extracted("", language=html_language(html))
    # metadata first, on the page as parsed: htmldate finds some publication dates in scripts' data
    meta = page_metadata(tree, url) if with_metadata else None
    prose = prose_chars(tree)
    strip_scripts(tree)
    text = choose_text(tree, url, effort, prose)
    ex = Extracted(text)
    if meta is not None:
        ex.title = meta.title or None
        ex.url = meta.url or url
        ex.outlet = meta.sitename or domain_of(meta.url or url) or None
        ex.author = meta.author or None
        ex.published = meta.date or None
        ex.language = html_language(html) or guess_language(text)
    return ex
