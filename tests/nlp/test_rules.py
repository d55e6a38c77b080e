"""The fast attribute ruler and lemmatizer (nlp/rules.py) and numpy's BLAS (nlp/loading.py) leave every annotation
as plain spaCy sets it."""
from __future__ import annotations


import pytest
import spacy

from newsprism.nlp.loading import base_model_name, load_nlp
from newsprism.nlp.rules import FastAttributeRules, Unsupported, speed_up_rule_components


# Written for these tests: the ruler's odd corners (contractions, "gonna", "y'all", "let's", expletive "there",
# pronoun cases, auxiliaries, whitespace tokens) and ordinary news prose.
TEXTS = [
    "Y'all gonna let's c'm on, ain't it?  I gave it to you, and you gave it to me.",
    "There is a dog in the yard.\n\nThere are two cats, but do they care?  It does not.",
    "The minister said on Tuesday that the talks, which lasted three days, had gotta end by 5 p.m.",
    "“We will not back down,” Ms. Okafor told reporters in Lagos.   She has done it before.",
    "Which of these does he want?  That one, said the clerk, who had been waiting since 2019.",
    "",
    "   \n\t ",
]


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


@pytest.fixture(scope="module")
def plain():
    return spacy.load(base_model_name())


def test_the_full_pipeline_annotates_as_plain_spacy(plain, with_polnear):
    nlp = load_nlp()
    assert "newsprism_fast_rules" in [nlp.get_pipe_meta(n).factory for n in nlp.pipe_names]
    for text in with_polnear(TEXTS, 8):
        ours = nlp.make_doc(text)
        for name in plain.pipe_names:  # spaCy's own components only, not the newsprism ones on top
            ours = nlp.get_pipe(name)(ours)
        assert _annotations(ours) == _annotations(plain(text)), text[:80]


def test_rules_alone_match_the_attribute_ruler(plain, with_polnear):
    fast = spacy.load(base_model_name())
    assert speed_up_rule_components(fast) == ["attribute_ruler", "lemmatizer"]
    texts = with_polnear(TEXTS, 8)
    docs = list(fast.pipe(texts))
    for doc, want in zip(docs, plain.pipe(texts)):
        assert _annotations(doc) == _annotations(want)


def test_a_ruler_outside_the_fast_path_is_left_alone():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]], {"LEMMA": "good"})
    with pytest.raises(Unsupported):
        FastAttributeRules(ruler)
    assert speed_up_rule_components(nlp) == []
    assert nlp.get_pipe_meta("attribute_ruler").factory == "attribute_ruler"


def test_later_rules_override_earlier_ones_on_the_same_token():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "bank"}]], {"LEMMA": "first", "POS": "NOUN"})
    ruler.add([[{"LOWER": "the"}, {"LOWER": "bank"}]], {"LEMMA": "second"}, index=1)
    ruler.add([[{"LOWER": {"IN": ["river", "bank"]}}]], {"POS": "PROPN"})
    ruler.add([[{"LOWER": {"REGEX": "^riv"}}, {"IS_SPACE": False}]], {"LEMMA": "water"})
    text = "the bank by the river bank , bank river"
    want = [(t.lemma_, t.pos_) for t in nlp(text)]
    speed_up_rule_components(nlp)
    assert nlp.get_pipe_meta("attribute_ruler").factory == "newsprism_fast_rules"
    assert [(t.lemma_, t.pos_) for t in nlp(text)] == want
    assert want[1] == ("second", "PROPN") and want[5] == ("first", "PROPN") and want[4] == ("water", "PROPN")
