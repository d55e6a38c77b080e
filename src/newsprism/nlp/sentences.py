"""Sentence bounds per token and the text of a doc, computed once per doc.

spaCy's ``Token.sent`` and ``Span.sent`` walk ``doc.sents`` on every call, which made sentence look-ups the largest
cost of the components; this caches the bounds in ``doc.user_data``.
"""
from __future__ import annotations

import numpy
from spacy.attrs import LOWER, POS
from spacy.tokens import Doc, Span, Token

_KEY = "newsprism.sent_bounds"


def _bounds(doc: Doc) -> list[tuple[int, int]]:
    b = doc.user_data.get(_KEY)
    if b is None or len(b) != len(doc):
        b = [(0, 0)] * len(doc)
        for s in doc.sents:
            for i in range(s.start, s.end):
                b[i] = (s.start, s.end)
        doc.user_data[_KEY] = b
    return b


def sent_of(tok: Token) -> Span:
    s, e = _bounds(tok.doc)[tok.i]
    return tok.doc[s:e]


def sent_start(tok: Token) -> int:
    return _bounds(tok.doc)[tok.i][0]


def sent_spans(doc: Doc) -> list[Span]:
    seen, out = set(), []
    for s, e in _bounds(doc):
        if (s, e) not in seen:
            seen.add((s, e))
            out.append(doc[s:e])
    return out


_TEXT_KEY = "newsprism.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per doc: spaCy rebuilds it from every token on each access, which the quote
    components did thousands of times per long article (a third of the nlp stage's time)."""
    t = doc.user_data.get(_TEXT_KEY)
    if t is None:
        t = doc.user_data[_TEXT_KEY] = doc.text
    return t


_LOWER_KEY = "newsprism.lowers"


def lowers(doc: Doc) -> list[str]:
    """Every token's ``lower_``, read once per doc from one array: the components scan whole docs for a few words,
    and making a ``Token`` of every word to ask was most of that cost."""
    low = doc.user_data.get(_LOWER_KEY)
    if low is None or len(low) != len(doc):
        strings = doc.vocab.strings
        low = doc.user_data[_LOWER_KEY] = [strings[h] for h in doc.to_array(LOWER).tolist()]
    return low


def token_ids_with_pos(doc: Doc, *pos: int) -> list[int]:
    """Indices of the tokens whose coarse POS is one of ``pos`` (spacy.symbols ids)."""
    col = doc.to_array(POS)
    return numpy.flatnonzero(numpy.isin(col, pos)).tolist()
