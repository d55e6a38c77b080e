"""The fast lemmatizer's word index (nlp/rules.py): kept as sets in newsprism's pipeline only, same lemmas."""
from __future__ import annotations

import spacy

from newsprism.nlp.loading import base_model_name
from newsprism.nlp.rules import speed_up_rule_components

# Written for this test: plurals, comparatives, irregular and regular verb forms, unknown words.
TEXT = ("The ministers were running quickly to the biggest houses; geese flew over the wolves' dens while "
        "negotiators blorfed and the glimmering zonkers had been stapled together.")


def _index(nlp):
    lem = nlp.get_pipe("lemmatizer")
    lem = getattr(getattr(lem, "impl", None), "lemmatizer", lem)
    return lem.lookups.get_table("lemma_index", {})


def test_lemmas_unchanged_and_other_pipelines_untouched():
    plain = spacy.load(base_model_name())
    fast = spacy.load(base_model_name())
    assert "lemmatizer" in speed_up_rule_components(fast)
    assert [t.lemma_ for t in fast(TEXT)] == [t.lemma_ for t in plain(TEXT)]
    assert isinstance(_index(fast).get("noun"), frozenset)  # the fast one answers from sets ...
    assert isinstance(_index(plain).get("noun"), list)  # ... and a pipeline loaded beside it keeps its own tables
    assert _index(fast).get("noun") == frozenset(_index(plain).get("noun"))
