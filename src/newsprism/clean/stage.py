"""The clean stage: raw input -> article text + metadata + the list of what was removed."""
from __future__ import annotations

from newsprism.clean.extract import EFFORTS, extract_html, guess_language
from newsprism.clean.textpass import clean_text, fix_mojibake, normalise
from newsprism.model import Article


class CleanStage:
    """Article-scope stage. Metadata given at read time (front matter, JSON fields, feeds) wins over metadata found
    in the page. With ``verbatim`` the text of a text input is its raw input exactly, so offsets refer to the input;
    HTML is still extracted (there is no text to keep verbatim) but not cleaned further."""

    name = "clean"
    scope = "article"
    requires = frozenset({"raw", "raw_kind"})
    assigns = frozenset({"text", "removals", "credit", "language", "title", "outlet", "published", "author"})

    def __init__(self, verbatim: bool = False, effort: str = "best"):
        if effort not in EFFORTS:
            raise ValueError(f"effort must be one of {EFFORTS}, not {effort!r}")
        self.verbatim = verbatim
        self.effort = effort  # "best": choose among candidate extractions; "fast": no recall candidate

    def __call__(self, article: Article) -> Article:
        raw = article.raw or ""
        article.verbatim = self.verbatim
        if article.raw_kind == "html":
            # mojibake is repaired before extraction: trafilatura drops the C1 characters that make it reversible
            ex = extract_html(raw if self.verbatim else fix_mojibake(raw), article.url, effort=self.effort)
            for attr in ("title", "outlet", "author", "published", "language", "url"):
                if getattr(article, attr) in (None, "") and getattr(ex, attr):
                    setattr(article, attr, getattr(ex, attr))
            text = ex.text
            if self.verbatim:
                article.text = text
            else:
                done = clean_text(text, title=article.title)
                article.text, article.removals = done.text, done.removals
                article.credit = article.credit or done.credit
            if not article.text.strip():
                article.errors.append(f"clean: no article text found in the page ({article.source})")
            return article
        if self.verbatim:
            article.text = raw
        else:
            done = clean_text(raw, title=article.title, from_text_input=True)
            article.text, article.removals = done.text, done.removals
            article.credit = article.credit or done.credit
            if article.title is None and done.title:
                article.title = done.title
        if article.language is None:
            article.language = guess_language(article.text or normalise(raw))
        if not article.text.strip():
            article.errors.append(f"clean: empty text ({article.source})")
        return article
