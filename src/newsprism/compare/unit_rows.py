"""An article's story-free compare work as a stored row, so a story re-compared when a chunk adds to it reads its
stored members' prepared clauses instead of cutting them again.

A touched story's comparison prepares every member (``align.article_units``: clauses, their terms, values and actor
mentions; the phrases ``align._phrases_of`` cuts from them; ``cache.furniture_keys``). For a story of an archive
most members are stored ones, prepared by the chunk that brought them and again by every chunk that touches their
story. The chunk that prepares an article now writes that work to the store (``compare_units``, migration 15), and a
later chunk reads it back for its stored members.

A row is JSON (plain lists, strings and numbers, never pickle) and is read back only under the key it was written
with: ``cache.content_key`` of the article (its text, entities, quotes and claims) and ``SCHEME``, a hash of the
code that does the work. A changed text, other annotations or another version of that code gives another key, and
the row is ignored (and written again by the chunk that prepares the article anew). Stored databases from before
fill lazily: a stored member without a row is prepared as ever, and its row written then.

Read back, a row gives the very objects a fresh preparation gives (equal field by field): a claim is kept as its
place in the article's claim list (``align._claims_of``) and taken from the article, a value field by field, a
piece's text only when it is not the article's slice at its span.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from newsprism.model import Article

from . import align
from .align import ArticleUnits, UnitPiece, _claims_of
from .cache import content_key
from .values import Value

VERSION = 2  # the row layout below


def _scheme() -> str:
    """A hash of the source of the modules that prepare an article, of the version of the library whose word list
    they read (scikit-learn's stop words), and of the row layout."""
    from importlib.metadata import version

    from newsprism import model
    from newsprism.knowledge import countries

    from . import cache, text, values

    h = hashlib.blake2b(digest_size=8)
    h.update(f"{VERSION} {version('scikit-learn')}".encode())
    for mod in (align, text, values, cache, countries, model):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()


SCHEME = _scheme()


def row_key(article: Article) -> str:
    """The key a row of this article is kept and read under."""
    return f"{content_key(article)}:{SCHEME}"


def _value(v: Value) -> list:
    return [v.kind, v.unit, v.lo, v.hi, v.label, v.approx, v.grain]


# A piece's phrases are most of a row (hundreds of short word tuples an article), and JSON reads them slowly: they
# follow the JSON as plain text, split by separators no article text holds (ingest strips control characters).
_PHRASES, _PIECE, _NONE = "\x1a", "\x19", "\x18"  # JSON | phrases; piece | piece; phrases not cut yet
_ITEM, _FIELD, _FORM, _WORD = "\x1e", "\x1d", "\x1c", "\x1f"


def _dump_phrases(phrases: dict | None) -> str:
    if phrases is None:
        return _NONE
    return _ITEM.join(_WORD.join(k) + _FIELD + _FORM.join(sorted(_WORD.join(w) for w in ws)) + f"{_FIELD}{s}{_FIELD}{e}"
                      for k, (ws, (s, e)) in phrases.items())


def _load_phrases(text: str) -> dict | None:
    if text == _NONE:
        return None
    out = {}
    if text:
        for item in text.split(_ITEM):
            k, forms, s, e = item.split(_FIELD)
            out[tuple(k.split(_WORD))] = ({tuple(w.split(_WORD)) for w in forms.split(_FORM)}, (int(s), int(e)))
    return out


def dump_units(article: Article, units: ArticleUnits) -> str:
    """The row of an article's prepared clauses (``align.article_units`` of ``article``)."""
    claims = _claims_of(article)
    where = {id(c): i for i, c in enumerate(claims)}
    text = article.text

    def pairs(cs) -> list:
        # the article's own claims are found by identity; claims taken from the text (an article without any) are
        # made anew by each ``_claims_of``, and found by equality
        return [[where[id(c)] if id(c) in where else claims.index(c), _value(v)] for c, v in cs]

    out, phrases = [], []
    for key, pieces in units.clauses:
        ps = []
        for pc in pieces:
            ps.append([pc.start, pc.end, None if text[pc.start:pc.end] == pc.text else pc.text,
                       list(pc.terms.items()), [list(x) for x in pc.ents], pc.quoted, pairs(pc.claims),
                       pairs(pc.ones), pc.kept])
            phrases.append(_dump_phrases(pc.phrases))
        out.append([key, ps])
    head = json.dumps({"v": VERSION, "actors": units.actor_keys, "clauses": out}, ensure_ascii=False,
                      separators=(",", ":"))
    return head + _PHRASES + _PIECE.join(phrases)


def load_units(article: Article, row: str) -> ArticleUnits:
    """``dump_units`` read back: equal to ``align.article_units(article)`` (with the phrases cut so far)."""
    head, _, tail = row.partition(_PHRASES)
    d = json.loads(head)
    phrases = iter(tail.split(_PIECE))
    text = article.text
    claims: list | None = None

    def pairs(xs: list) -> list:
        nonlocal claims
        if not xs:
            return []
        if claims is None:
            claims = _claims_of(article)
        return [(claims[i], Value(*v)) for i, v in xs]

    out = []
    for key, ps in d["clauses"]:
        pieces = []
        for start, end, txt, terms, ents, quoted, cl, ones, kept in ps:
            pc = UnitPiece(start, end, text[start:end] if txt is None else txt, Counter(dict(terms)),
                           [(s, x) for s, x in ents], quoted, pairs(cl), pairs(ones), kept)
            pc.phrases = _load_phrases(next(phrases))
            pieces.append(pc)
        out.append((key, pieces))
    return ArticleUnits(list(d["actors"]), out)


def dump_clauses(keys: frozenset[str]) -> str:
    return json.dumps(sorted(keys), ensure_ascii=False, separators=(",", ":"))


def load_clauses(row: str) -> frozenset[str]:
    return frozenset(json.loads(row))


class StoredUnits:
    """The store's rows of compare work (``Store.compare_rows`` / ``put_compare_rows``), used inside a chunk's unit
    of work: what the chunk prepares commits with its articles. Rows are read and written as JSON text; a row under
    another key than the article's is left unread (and replaced when the article is prepared again)."""

    def __init__(self, store) -> None:
        self.store = store

    def rows(self, articles: list[Article], column: str) -> dict[str, str]:
        """article id -> ``column`` (JSON) of the rows of these articles written under their current key."""
        if not articles:
            return {}
        got = self.store.compare_rows([a.id for a in articles], column)
        out = {}
        for a in articles:
            hit = got.get(a.id)
            if hit is not None and hit[0] == row_key(a):
                out[a.id] = hit[1]
        return out

    def furniture(self, articles: list[Article]) -> dict[str, frozenset[str]]:
        """article id -> its furniture clause keys, for the articles with a current row holding them."""
        return {aid: load_clauses(v) for aid, v in self.rows(articles, "clauses").items()}

    def put(self, rows: dict[str, tuple[str, str | None, str | None]]) -> None:
        """Write rows: article id -> (key, units JSON or None, clauses JSON or None)."""
        self.store.put_compare_rows(rows)
