"""Story titles a person would write: the most central article's headline, else a short extract of its central
sentence; never a credit, dateline, caption or page-furniture line. Deterministic. No I/O.

A scraped "title" is often not a headline at all ("2 min read", "Connect with us", a byline, a date, an edition
menu). A headline is accepted when it reads like one (enough words, not a credit or dateline line, mostly letters).
Headlines about their article (most of their content words occur in its text) rank first; a headline-shaped title
that is not (a publisher's teaser, a mislabelled related link) still beats an extract, which is the fallback.
"""
from __future__ import annotations

import re

from newsprism.cluster.evidence import _STAMP, evidence_text, is_credit_or_dateline, is_furniture
from newsprism.cluster.features import terms

_SENT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘A-Z0-9])")
_LEAD = re.compile(r"^(?:[A-Z][A-Za-z./'’ -]{1,30}(?:,\s*[A-Z][A-Za-z. ]{1,25})?"
                   r"(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
                   r"(?:\s*\([^)]{1,30}\))?\s*(?::|—|–|\s-\s)|[^\w\"“]+)\s*")
_CLAUSE = re.compile(r"[,;:—–]\s")


def headline_shaped(title: str | None) -> str | None:
    """``title`` cleaned, when it reads like a headline (not a credit, dateline, caption or furniture line)."""
    if not title:
        return None
    t = " ".join(_STAMP.sub("", title).split())
    if not t or len(t.split()) > 30:
        return None
    # A headline may be short ("Floods reach Varn"): the length rules that tell furniture lines in a text apart do
    # not apply to a title given as such; a credit, a dateline or a line of symbols still never is one.
    if is_credit_or_dateline(t) and len(terms(t)) < 3 or is_furniture(t) and len(t.split()) > 3:
        return None
    if len(terms(t)) < 2:
        return None
    return t


def is_about(headline: str, text: str) -> bool:
    """Whether most of the headline's content words occur in the article's text."""
    words = terms(headline)
    body = terms(text)
    return sum(1 for w in words if w in body) >= max(2, 0.5 * len(words))


def good_headline(title: str | None, text: str) -> str | None:
    """``title`` cleaned, when it is a real headline of ``text``; otherwise None."""
    t = headline_shaped(title)
    return t if t and is_about(t, text) else None


def central_sentence(text: str, limit: int = 110) -> str:
    """A short extract of the article's first reporting sentence: furniture, credits and a leading dateline out,
    cut at a clause boundary when long."""
    for line in evidence_text(text).split("\n"):
        for sent in _SENT.split(line):
            s = " ".join(sent.split())
            s = _LEAD.sub("", s, count=1) if _LEAD.match(s) and len(_LEAD.sub("", s, count=1).split()) >= 6 else s
            if len(s.split()) < 6 or is_credit_or_dateline(s) or not re.search(r"[a-z]{3}", s):
                continue
            s = s.rstrip(" .")
            if len(s) <= limit:
                return s
            cut = [m.start() for m in _CLAUSE.finditer(s) if 40 <= m.start() <= limit]
            if cut:
                return s[:cut[-1]]
            return s[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def article_title(title: str | None, text: str) -> tuple[str, str, bool]:
    """(headline or "", extract or "", whether the headline is about the text): what a story can be titled with."""
    head = headline_shaped(title) or ""
    about = bool(head) and is_about(head, text)
    return head, "" if about else central_sentence(text), about
