"""Main text and metadata from an HTML page (trafilatura, tuned), without newsprism's text pass.

Metadata: title, outlet (site name, else the domain), author, publication date (trafilatura's metadata, which uses
htmldate on the page's markup and URL, not on scripts or related-article widgets), language (``<html lang>`` /
``content-language``, else a stop-word guess on the text).
"""
from __future__ import annotations

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


def extract_text(html: str, url: str | None = None) -> str:
    """Main text only (the benchmarks' entry point); the same extraction ``extract_html`` uses."""
    return _extract(html, url, with_metadata=False).text


def extract_html(html: str, url: str | None = None) -> Extracted:
    return _extract(html, url, with_metadata=True)


def _extract(html: str, url: str | None, with_metadata: bool) -> Extracted:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, include_tables=True,
                                      with_metadata=with_metadata, favor_precision=False)
    if doc is None:
        return Extracted("", language=html_language(html))
    text = doc.text or ""
    ex = Extracted(text)
    if with_metadata:
        ex.title = doc.title or None
        ex.url = doc.url or url
        ex.outlet = doc.sitename or domain_of(doc.url or url) or None
        ex.author = doc.author or None
        ex.published = doc.date or None
        ex.language = html_language(html) or guess_language(text)
    return ex
