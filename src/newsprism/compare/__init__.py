"""Compare the outlets of a story: facts aligned across outlets (agreed, differs, single-source), voices, framing.

``CompareStage`` sets ``story.comparison`` (the ``comparison`` of ``stories.jsonl``); its schema, stable from
schema 1 on (keys may be added, none renamed)::

    {"schema": 1,
     "outlets": {outlet: [article ids compared under it]},
     "voices": {outlet: [{"speaker_name", "affiliation", "quotes", "words", "title", "type",
                          "evidence": [{"article", "start", "end", "text"}]}]},
     "voice_share": {outlet: {side: share of the outlet's attributed quotes}},
     "unattributed_quotes": {outlet: count},
     "facts": [{"id", "text", "kind", "status", "sources", "rank",
                "outlets": {outlet: [{"article", "start", "end", "text",
                                      "claim": {"article", "start", "end", "text"}, "value"}]},
                "values": {outlet: [claim texts]}, "similarity", "slot": {"event", "head"},
                "spread": [{"value", "outlets", "sources", "attributed_to"}], "importance"}],
     "counts": {"agreed": n, "differs": n, "single-source": n},
     "framing": {outlet: {"own_voice": {word: n}, "quoted": {word: n}, "own_voice_per_1000_words",
                          "evidence": [{"article", "start", "end", "text"}],
                          "distinctive": [{"word", "z", "count", "evidence"}]}},
     "framing_sides": {side: {"outlets": [outlet], "distinctive": [...]}},
     "syndicated": [{"article", "outlet", "copy_of", "source_outlet", "kind"}]}

``kind`` is number | money | percent | duration | place (value facts), or commitment | quote | statement
(clauses); ``status`` is agreed | differs | single-source. ``sources`` counts independent sources (copies of one
text count once), ``rank`` orders the list. ``claim``, ``value``, ``values``, ``similarity`` and ``slot`` appear on
value facts only; ``spread`` on facts whose values differ or are compared; ``importance`` on single-source facts. Every span satisfies ``article.text[start:end] == text``. A syndicated copy counts once,
under its source; an article without an outlet counts under its URL's host, then its credit line, then its id.
"""
from .stage import CompareStage, compare_story

__all__ = ["CompareStage", "compare_story"]
