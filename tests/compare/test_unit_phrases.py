"""The phrases of a clause (``align._unit_phrases``): the n-grams the definition names, whatever way they are cut."""
from __future__ import annotations

from collections import Counter

import pytest

from newsprism.compare.align import PHRASE_MAX, Unit, _unit_phrases
from newsprism.compare.text import phrase_segments

# Written for this test: stop words at the edges, numbers, names, commas and quotation marks breaking runs.
CLAUSES = [
    "The army said the border posts were shelled overnight by heavy artillery near the river",
    "Officials in Lahore reported 12 people killed and 40 injured, including three children",
    "The minister told reporters the new tariffs on steel imports would take effect within a week",
    '"We will respond to any aggression," the spokesman for the foreign office warned on Tuesday',
    "a an the of and or but in",
    "Reconstruction talks between the two governments resumed in Geneva after a long pause",
]


def _by_definition(text: str, base: int, claim_spans: list[tuple[int, int]]) -> dict:
    """Every n-gram of 1..PHRASE_MAX tokens of a segment, taken one by one: no stop word at either edge, no number
    inside, a content word inside, and clear of every value's span."""
    out: dict = {}
    for seg in phrase_segments(text):
        for i in range(len(seg)):
            for n in range(1, PHRASE_MAX + 1):
                gram = seg[i:i + n]
                if len(gram) < n or gram[0].kind == "stop" or gram[-1].kind == "stop":
                    continue
                if any(t.kind == "num" for t in gram):
                    continue
                if not any(t.kind == "word" for t in gram):
                    continue
                s, e = base + gram[0].start, base + gram[-1].end
                if any(cs < e and s < ce for cs, ce in claim_spans):
                    continue
                key = tuple(t.key for t in gram)
                out.setdefault(key, (set(), (s, e)))[0].add(
                    tuple(t.surface.lower() for t in gram if t.kind != "name"))
    return out


@pytest.mark.parametrize("text", CLAUSES)
def test_phrases_are_the_ngrams_of_the_definition(text):
    base = 100
    spans = [(base + 10, base + 20)]  # a value inside the clause: no phrase may overlap it
    unit = Unit(article="a", outlet="o", start=base, end=base + len(text), text=text, terms=Counter())
    got = _unit_phrases(unit, spans)
    assert got == _by_definition(text, base, spans)
    assert all(not (s < base + 20 and base + 10 < e) for _, (s, e) in got.values())


def test_no_phrase_spans_a_number():
    text = "Shelling killed 12 civilians in border villages"
    unit = Unit(article="a", outlet="o", start=0, end=len(text), text=text, terms=Counter())
    got = _unit_phrases(unit, [])
    assert got, "the clause has phrases"
    assert not any(s <= text.index("12") < e for _, (s, e) in got.values())
