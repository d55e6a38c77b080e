"""Token-to-vector layers run over token-bounded parts of a batch: the same vectors, a bounded peak.

A tok2vec layer (hash embeddings, then four window encoders) keeps every intermediate array of a batch alive until
the batch is through: about 15 KB per token on ``en_core_web_sm``. spaCy cuts batches by doc count, so a batch of
8 long articles (45,000 tokens) took ~670 MB of scratch in a worker, and the entity recogniser, which has a tok2vec
of its own, ~250 MB for each 16,384-token run of the transition loop. Cut at ``MAX_TOKENS`` tokens, a part's scratch
stays under ~70 MB however many long articles share a batch. A part holds one doc at least, so an article longer than
that costs in proportion to its own length.

Each doc's vectors depend on that doc alone (the encoders' windows are padded at doc boundaries), so the parts give
the same vectors as the whole batch: bit for bit on 314 PolNeAR texts (tags, parses, entities, actors, quotes and
claims too). Only a part of a few tokens may round a last bit otherwise, where the BLAS takes another kernel for its
tiny products, as a batch of a few short docs did before; ``tests/nlp/test_tok2vec.py`` checks both.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy
from spacy.language import Language
from spacy.pipeline import Tok2Vec
from spacy.tokens import Doc
from spacy.util import minibatch

FACTORY = "newsprism_bounded_tok2vec"
# Tokens embedded together at most: 4,096 hold ~60 MB of scratch, and took no more CPU than 8 docs at once (smaller
# arrays stay in cache; 32 longest PolNeAR texts, 1,000 to 16,000 tokens a part: 2.3-2.9 CPU-s, no trend).
MAX_TOKENS = 4096


def by_tokens(docs: list[Doc], budget: int) -> Iterator[list[Doc]]:
    """``docs`` cut in order into runs of at most ``budget`` tokens (a longer doc alone)."""
    part: list[Doc] = []
    size = 0
    for doc in docs:
        if part and size + len(doc) > budget:
            yield part
            part, size = [], 0
        part.append(doc)
        size += len(doc)
    if part:
        yield part


def predict_rows(layer, docs: list[Doc]):
    """``layer.predict(docs)`` for a layer giving one row per token of the batch (one 2-d array), computed
    ``MAX_TOKENS`` tokens at a time and stacked."""
    parts = list(by_tokens(docs, MAX_TOKENS))
    if len(parts) == 1:
        return layer.predict(docs)
    return numpy.concatenate([layer.predict(part) for part in parts])


class BoundedTok2Vec:
    """A pipeline component standing in for spaCy's ``Tok2Vec``: same model, same ``doc.tensor``, each batch
    embedded ``MAX_TOKENS`` tokens at a time. The components listening to it read ``doc.tensor`` in prediction, as
    they do behind spaCy's own. The spaCy component stays reachable as ``.impl``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.impl: Tok2Vec | None = None

    @property
    def model(self):
        return self.impl.model if self.impl is not None else None

    def __call__(self, doc: Doc) -> Doc:
        self.impl.set_annotations([doc], self.impl.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            for part in by_tokens(batch, MAX_TOKENS):
                self.impl.set_annotations(part, self.impl.predict(part))
            yield from batch


@Language.factory(FACTORY, assigns=["doc.tensor"])
def make_bounded_tok2vec(nlp: Language, name: str) -> BoundedTok2Vec:
    return BoundedTok2Vec(name)


def bound_tok2vec(nlp: Language) -> list[str]:
    """Put ``BoundedTok2Vec`` in place of the pipeline's shared ``Tok2Vec`` components; the names replaced."""
    done = []
    for name, pipe in list(nlp.pipeline):
        if type(pipe) is Tok2Vec:
            nlp.replace_pipe(name, FACTORY, config={})
            nlp.get_pipe(name).impl = pipe
            done.append(name)
    return done
