"""Main text and metadata from an HTML page (trafilatura, tuned), without newsprism's text pass.

Metadata: title, outlet (site name, else the domain), author, publication date (trafilatura's metadata, which uses
htmldate on the page's markup and URL, not on scripts or related-article widgets), language (``<html lang>`` /
``content-language``, else a stop-word guess on the text).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_LANG_ATTR = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?""", re.I)
_LANG_META = re.compile(
    r"""<meta\b[^>]*?http-equiv\s*=\s*["']?content-language["']?[^>]*?content\s*=\s*["']?([A-Za-z]{2,3})""", re.I)

_STOP = {
    "en": "the and of to in is that for it with as was on are be by this have from",
    "de": "der die und das ist nicht mit den ein eine auf für sich dem des von zu",
    "fr": "le la les et des est une que pour dans qui pas sur au du ce avec",
    "es": "el la los las y de que en un una por para con no es se del al",
    "it": "il di che la le per un una non con del della sono gli è nel",
    "pt": "o a os as de que e do da em um uma para com não no na se",
    "nl": "de het een en van is dat niet op te in voor met zijn er aan",
}
_STOPSETS = {k: set(v.split()) for k, v in _STOP.items()}


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
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) < 5:
        return None
    scores = {k: sum(w in s for w in words) for k, s in _STOPSETS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= max(3, 0.05 * len(words)) else None


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
    """``effort="best"`` chooses among up to three trafilatura extractions (about 2-2.5x the time of one);
    ``"fast"`` runs one balanced extraction (comments excluded)."""
    return _extract(html, url, with_metadata=True, effort=effort)


# Candidate choice. trafilatura's balanced extraction keeps link lists and teasers on some pages and its precision
# mode drops them; on others precision mode loses half the article, and on short outputs the recall mode finds
# body text the balanced one missed. The thresholds were chosen on the Zyte and WCXB dev sets (see
# benchmarks/extraction.py) and are deliberately coarse: lengths only, nothing about particular sites.
SHORT_CHARS = 4000  # a balanced extraction shorter than this may have missed body text: try recall mode
RECALL_GAIN = 2.0  # ... and take it when it finds at least this many times more text
PRECISION_MIN_CHARS = 500  # a longer balanced extraction may carry furniture: try precision mode
PRECISION_KEEP = 0.5  # ... and take it when it keeps at least this share of the text


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


def _run(tree, url: str | None, **kw):
    import trafilatura

    return trafilatura.bare_extraction(copy.deepcopy(tree), url=url, include_comments=False, include_tables=True,
                                       **kw)


def _extract(html: str, url: str | None, with_metadata: bool, effort: str = "best") -> Extracted:
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return Extracted("", language=html_language(html))
    doc = _run(tree, url)
    text = (doc.text or "") if doc is not None else ""
    took_recall = effort == "fast"
    if not took_recall and len(text) < SHORT_CHARS:
        alt = _run(tree, url, favor_recall=True, fast=True)
        if alt is not None and len(alt.text or "") >= RECALL_GAIN * max(len(text), 1):
            text, took_recall = alt.text or "", True
    if not took_recall and len(text) >= PRECISION_MIN_CHARS:
        alt = _run(tree, url, favor_precision=True, fast=True)
        if alt is not None and len(alt.text or "") >= PRECISION_KEEP * len(text):
            text = alt.text or ""
    ex = Extracted(text)
    if with_metadata:
        meta = page_metadata(tree, url)
        ex.title = meta.title or None
        ex.url = meta.url or url
        ex.outlet = meta.sitename or domain_of(meta.url or url) or None
        ex.author = meta.author or None
        ex.published = meta.date or None
        ex.language = html_language(html) or guess_language(text)
    return ex
