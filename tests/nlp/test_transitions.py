"""The numpy transition loop (nlp/transitions.py) parses and finds entities exactly as spaCy's own loop does."""
from __future__ import annotations


import numpy
import pytest
import spacy

from newsprism.nlp.loading import base_model_name, load_nlp, use_numpy_blas
from newsprism.nlp.tok2vec import by_tokens
from newsprism.nlp.transitions import FACTORY, parse, speed_up_transitions, supported


# Written for these tests: quotes, numbers, titles, a long sentence, one-word and empty docs in one batch.
TEXTS = [
    "“We will not sign this deal,” Foreign Minister Ana Duarte told reporters in Lisbon on Monday.",
    "The company said revenue rose 12% to $4.5 billion in the third quarter, beating forecasts.",
    "",
    "Hello.",
    "Rebels, who had held the town since March, withdrew after three days of fighting that killed at least "
    "40 people, according to a spokesman for the regional government, which has asked the United Nations "
    "for help and said it would hold talks with the group's leaders in Nairobi next week.",
    "   \n  ",
    "He said she said they said.\n\nNobody answered. The vote is set for 5 p.m. on Friday, Oct. 3.",
]


def _parse_of(doc):
    return [(t.head.i, t.dep_, t.is_sent_start) for t in doc]


def _ents_of(doc):
    return [(e.start, e.end, e.label_) for e in doc.ents]


@pytest.fixture(scope="module")
def spacy_nlp():
    """The same pipeline with spaCy's own loop (and the same BLAS) to compare against."""
    nlp = spacy.load(base_model_name())
    use_numpy_blas(nlp)
    return nlp


def _before(nlp, names, texts):
    docs = [nlp.make_doc(t) for t in texts]
    for name in names:
        docs = list(nlp.get_pipe(name).pipe(docs, batch_size=16))
    return docs


def test_the_pipeline_steps_parser_and_ner_with_numpy():
    nlp = load_nlp()
    assert nlp.get_pipe_meta("parser").factory == FACTORY
    assert nlp.get_pipe_meta("ner").factory == FACTORY


@pytest.mark.parametrize("batch", [1, 5, 16, 32])  # 32: the batch a job's task steps together (PARSE_BATCH)
def test_parses_and_entities_match_spacys_loop(spacy_nlp, batch, with_polnear):
    texts = with_polnear(TEXTS, 24)
    theirs = _before(spacy_nlp, ("tok2vec", "tagger"), texts)
    ours = _before(spacy_nlp, ("tok2vec", "tagger"), texts)
    for name in ("parser", "ner"):  # spaCy's own loop (its pipe cuts a batch in quarters; docs are independent)
        theirs = list(spacy_nlp.get_pipe(name).pipe(theirs, batch_size=batch))
    for name in ("parser", "ner"):
        pipe = spacy_nlp.get_pipe(name)
        for i in range(0, len(ours), batch):
            part = ours[i:i + batch]
            pipe.set_annotations(part, parse(pipe, part))
    for a, b in zip(ours, theirs):
        assert _parse_of(a) == _parse_of(b), a.text[:80]
        assert _ents_of(a) == _ents_of(b), a.text[:80]


def test_state_features_sum_as_spacy_does():
    """The slots are summed one after another (spaCy's order), so the hidden units are bit-identical."""
    rng = numpy.random.default_rng(7)
    picked = (rng.random((40, 8, 128), dtype=numpy.float32) - 0.5) * 7
    one_by_one = picked[:, 0].copy()
    for f in range(1, 8):
        one_by_one += picked[:, f]
    assert numpy.array_equal(picked.sum(axis=1), one_by_one)


def test_a_beam_parser_is_left_to_spacy():
    nlp = spacy.load(base_model_name())
    nlp.get_pipe("parser").cfg["beam_width"] = 4
    assert not supported(nlp.get_pipe("parser"))
    assert speed_up_transitions(nlp) == ["ner"]
    assert nlp.get_pipe_meta("parser").factory == "parser"


def test_batches_are_cut_by_tokens(spacy_nlp):
    docs = [spacy_nlp.make_doc(t) for t in ("one two three", "four five", "six", "seven eight nine ten", "")]
    parts = list(by_tokens(docs, 4))
    assert [[len(d) for d in p] for p in parts] == [[3], [2, 1], [4, 0]]
    assert [d for p in parts for d in p] == docs


def test_ner_choices_match_spacys_when_the_best_score_is_invalid(spacy_nlp):
    """Random scores make the best-scoring action often invalid (an I- or L- with no entity open, say): the NER's
    choice of action must still be spaCy's, state by state, to the last step."""
    from newsprism.nlp.transitions import _taker

    pipe = spacy_nlp.get_pipe("ner")
    texts = [t for t in TEXTS if t.strip()]
    take = _taker(pipe)
    assert take != pipe.transition_states  # the NER takes its own path
    done = {}
    for who, step in (("ours", take), ("spacy", pipe.transition_states)):
        docs = [spacy_nlp.make_doc(t) for t in texts]
        batch = pipe.moves.init_batch(docs)
        states, rng_here, steps = [s for s in batch if not s.is_final()], numpy.random.default_rng(3), []
        while states:
            scores = rng_here.standard_normal((len(states), pipe.moves.n_moves)).astype("float32")
            states = step(states, scores)
            steps.append(len(states))
        pipe.set_annotations(docs, batch)
        done[who] = ([_ents_of(d) for d in docs], [[t.ent_iob_ for t in d] for d in docs], steps)
    assert done["ours"] == done["spacy"]
    assert any(done["ours"][0])  # random scores still open entities: the comparison says something
