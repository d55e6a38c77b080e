"""The clean stage: raw input -> article text + metadata + the list of what was removed."""
from __future__ import annotations

from newsprism.clean.extract import EFFORTS, extract_html, guess_language
from newsprism.clean.hygiene import strip_controls, strip_field
from newsprism.clean.textpass import clean_text, fix_mojibake, normalise
from newsprism.model import Article

DEFAULT_MAX_CHARS = 200_000  # about 30,000 words: far past any news article, far below what exhausts nlp memory


class CleanStage:
    """Article-scope stage. Metadata given at read time (front matter, JSON fields, feeds) wins over metadata found
    in the page. With ``verbatim`` the text of a text input is its raw input exactly, so offsets refer to the input;
    HTML is still extracted (there is no text to keep verbatim) but not cleaned further.

    Control characters are taken out first (recorded as a removal; replaced by spaces when verbatim). A text longer
    than ``max_chars`` is refused with an error on the article before the costly stages see it: one huge input must
    not take the machine (nlp memory grows with the text)."""

    name = "clean"
    scope = "article"
    requires = frozenset({"raw", "raw_kind"})
    assigns = frozenset({"text", "removals", "credit", "language", "title", "outlet", "published", "author"})

    def __init__(self, verbatim: bool = False, effort: str = "best", max_chars: int = DEFAULT_MAX_CHARS):
        if effort not in EFFORTS:
            raise ValueError(f"effort must be one of {EFFORTS}, not {effort!r}")
        self.verbatim = verbatim
        self.effort = effort  # "best": choose among candidate extractions; "fast": no recall candidate
        self.max_chars = max_chars

    def __call__(self, article: Article) -> Article:
        raw, controls = strip_controls(article.raw or "", keep_offsets=self.verbatim)
        for attr in ("title", "outlet", "author"):
            setattr(article, attr, strip_field(getattr(article, attr)))
        if article.raw_kind != "html" and len(raw) > self.max_chars:
            self._too_long(article, len(raw))
            return article
        self._clean(article, raw)
        if controls is not None:
            article.removals.insert(0, controls)
        for attr in ("title", "outlet", "author"):
            setattr(article, attr, strip_field(getattr(article, attr)))
        if article.ok and len(article.text) > self.max_chars:
            self._too_long(article, len(article.text))
            article.text = ""
        return article

    def _too_long(self, article: Article, n: int) -> None:
        article.errors.append(f"clean: text of {n:,} characters is over the limit of {self.max_chars:,} per article "
                              f"({article.source}); raise it with --max-chars")

    def _clean(self, article: Article, raw: str) -> None:
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
            return
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
