"""Compare the outlets of a story: facts aligned across outlets (agreed, differs, single-source), voices, framing.

``CompareStage`` sets ``story.comparison`` (the ``comparison`` of ``stories.jsonl``); its schema, stable from
schema 1 on (keys may be added, none renamed)::

    {"schema": 1,
     "outlets": {outlet: [article ids compared under it]},
     "voices": {outlet: [{"speaker_name", "affiliation", "quotes", "words", "title", "type",
                          "evidence": [{"article", "start", "end", "text"}]}]},
     "voice_share": {outlet: {side: share of the outlet's attributed quotes}},
     "unattributed_quotes": {outlet: count},
     "facts": [{"id", "text", "kind", "status",
                "outlets": {outlet: [{"article", "start", "end", "text",
                                      "claim": {"article", "start", "end", "text"}, "value"}]},
                "values": {outlet: [claim texts]}, "similarity"}],
     "counts": {"agreed": n, "differs": n, "single-source": n},
     "framing": {outlet: {"own_voice": {word: n}, "quoted": {word: n}, "own_voice_per_1000_words",
                          "evidence": [{"article", "start", "end", "text"}]}},
     "syndicated": [{"article", "outlet", "copy_of", "source_outlet", "kind"}]}

``kind`` is number | money | percent | duration | date | place (value facts), or commitment | quote | statement
(clauses); ``status`` is agreed | differs | single-source. ``claim``, ``value``, ``values`` and ``similarity``
appear on value facts only. Every span satisfies ``article.text[start:end] == text``. A syndicated copy counts once,
under its source; an article without an outlet counts under its URL's host, then its credit line, then its id.
"""
from .stage import CompareStage, compare_story

__all__ = ["CompareStage", "compare_story"]
