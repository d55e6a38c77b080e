"""Token-to-vector layers run over token-bounded parts (nlp/tok2vec.py): the same vectors and annotations, never a
larger part. Vectors are compared to float rounding: on parts of a few tokens the BLAS takes another kernel for its
tiny products, which may round the last bit differently (real articles make parts of thousands of tokens, where the
vectors came out bit-identical on 314 PolNeAR texts)."""
from __future__ import annotations

import numpy
import pytest
import spacy

from newsprism.nlp import tok2vec as bounded
from newsprism.nlp.loading import base_model_name, load_nlp, use_numpy_blas

# Written for these tests: docs of unlike lengths, with an empty one and a one-word one among them.
TEXTS = [
    "Rebels, who had held the town since March, withdrew after three days of fighting that killed at least "
    "40 people, according to a spokesman for the regional government.",
    "",
    "Hello.",
    "“We will not sign this deal,” Foreign Minister Ana Duarte told reporters in Lisbon on Monday, and the talks "
    "in Geneva were put off until the spring.",
    "The company said revenue rose 12% to $4.5 billion in the third quarter.",
]


@pytest.fixture(scope="module")
def plain():
    """The plain pipeline (spaCy's own Tok2Vec, the same BLAS) to compare against."""
    nlp = spacy.load(base_model_name())
    use_numpy_blas(nlp)
    return nlp


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of at most 12 tokens, so that every batch here is cut."""
    monkeypatch.setattr(bounded, "MAX_TOKENS", 12)
    return 12


def test_the_loaded_pipeline_embeds_in_bounded_parts():
    nlp = load_nlp()
    assert isinstance(nlp.get_pipe("tok2vec"), bounded.BoundedTok2Vec)
    assert nlp.pipe_names.index("tok2vec") == 0


def test_bounded_parts_give_spacys_vectors_and_never_exceed_the_budget(plain, small_parts, monkeypatch):
    nlp = load_nlp()
    comp = nlp.get_pipe("tok2vec")
    sizes = []
    predict = comp.impl.predict
    monkeypatch.setattr(comp.impl, "predict", lambda docs: sizes.append(sum(len(d) for d in docs)) or predict(docs))
    ours = list(comp.pipe([nlp.make_doc(t) for t in TEXTS], batch_size=len(TEXTS)))
    theirs = list(plain.get_pipe("tok2vec").pipe([plain.make_doc(t) for t in TEXTS], batch_size=len(TEXTS)))
    longest = max(len(d) for d in ours)
    assert len(sizes) > 1 and all(s <= max(small_parts, longest) for s in sizes)
    for a, b in zip(ours, theirs):
        assert a.tensor.shape == b.tensor.shape
        assert numpy.allclose(a.tensor, b.tensor, rtol=1e-5, atol=1e-5)


def test_rows_in_parts_are_the_rows_of_the_whole_batch(plain, small_parts):
    """The entity recogniser's own tok2vec, as the transition loop calls it."""
    layer = plain.get_pipe("ner").model.get_ref("tok2vec")
    docs = [plain.make_doc(t) for t in TEXTS]
    whole = layer.predict(docs)
    parts = bounded.predict_rows(layer, docs)
    assert len(list(bounded.by_tokens(docs, small_parts))) > 1
    assert parts.shape == whole.shape
    assert numpy.allclose(parts, whole, rtol=1e-5, atol=1e-5)


def test_analyses_are_the_same_whatever_the_part_size(analyse, with_polnear, monkeypatch):
    from newsprism.nlp.stage import analyse_many

    texts = with_polnear(TEXTS, 12)
    items = [(t, "2017-03-01") for t in texts]

    def run():
        return [([(t.tag_, t.head.i, t.dep_) for t in d], [(e.start, e.end, e.label_) for e in d.ents],
                 d._.actors, d._.quotes, [c.to_dict() for c in d._.claims]) for d in analyse_many(items)]

    monkeypatch.setattr(bounded, "MAX_TOKENS", 10**9)
    whole = run()
    monkeypatch.setattr(bounded, "MAX_TOKENS", 300)
    assert run() == whole
