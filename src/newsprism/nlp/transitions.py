"""The parser's and the entity recogniser's transition loop, stepped with numpy: the same model, the same
annotations, about half the CPU of spaCy's own loop on this build.

spaCy predicts a parse (or entity spans) one transition at a time for every doc of a batch. Its compiled greedy loop
(``Parser._parseC``) takes the max over the maxout pieces of each hidden unit of each state at each step through a
helper that the Cython 3 build of spaCy compiles with an exception check: every call takes and drops the GIL. That
is 64 GIL round trips per state per step, and profiles of the loop (perf, 64 PolNeAR texts) show 30-40% of the
parser's and the entity recogniser's CPU in the GIL's mutex alone. The state-to-action product also goes through
BLIS's generic reference kernel on this CPU, four docs at a time (``Parser.pipe`` cuts its batch in quarters).

Here each step of a batch is a handful of whole-batch numpy operations on the same precomputed features:

- the model's lower layer is applied to every token once (as spaCy does), giving for each token and each state
  feature slot a vector of hidden pieces; row 0 is the model's padding vector for empty slots;
- at each step the states' feature tokens (spaCy's own ``set_context_tokens``) pick those vectors, summed in slot
  order from zero as spaCy's ``sum_state_features`` does, plus the bias, max over the pieces (maxout);
- the upper layer scores the actions (numpy's BLAS, as every other product of the pipeline here:
  ``loading.use_numpy_blas``), actions the model never saw get the step's lowest score, as in spaCy;
- the best valid action of each state is applied: for the parser by spaCy's own ``transition_states``, for the
  entity recogniser by applying the best-scoring action when it is valid (``_taker``; the same choice).

Sums are taken in spaCy's order and a max is exact, so the features and hidden units are bit-identical to spaCy's
loop; the action scores come from the BLAS that the rest of the pipeline uses. ``tests/nlp/test_transitions.py``
checks heads, labels and entities against spaCy's loop on real texts.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace

import numpy
from spacy.language import Language
from spacy.ml.parser_model import ParserStepModel
from spacy.pipeline import DependencyParser, EntityRecognizer
from spacy.tokens import Doc
from spacy.util import minibatch

from newsprism.nlp.tok2vec import by_tokens, predict_rows

FACTORY = "newsprism_fast_transitions"


def supported(pipe) -> bool:
    """Whether ``pipe`` is a greedy parser or entity recogniser whose model has the shape stepped here."""
    if not isinstance(pipe, (DependencyParser, EntityRecognizer)) or pipe.cfg.get("beam_width", 1) != 1:
        return False
    model = pipe.model
    if model.name != "parser_model" or not model.attrs.get("has_upper"):
        return False
    lower = model.get_ref("lower")
    return lower.has_dim("nP") and lower.get_dim("nP") >= 2  # maxout pieces (spaCy's default architecture)


def parse(pipe, docs: list[Doc]) -> list:
    """The final states of ``pipe``'s greedy transition loop over ``docs`` (as ``pipe.predict`` returns them)."""
    moves = pipe.moves
    if not any(len(doc) for doc in docs):
        return moves.init_batch(docs)
    pipe._ensure_labels_are_added(docs)  # as spaCy's predict does (labels met in the docs' annotations)
    model = pipe.model
    tok2vec, lower, upper = model.get_ref("tok2vec"), model.get_ref("lower"), model.get_ref("upper")
    batch = moves.init_batch(docs)  # states carry their doc's offset into the batch's token rows
    tokvecs = predict_rows(tok2vec, docs)  # the entity recogniser's own tok2vec, in bounded parts (nlp/tok2vec.py)
    cached = lower.predict(tokvecs)  # (tokens + 1, slots, hidden, pieces); row 0: the padding vector
    n_rows, n_slots, n_hidden, n_pieces = cached.shape
    rows = cached.reshape(n_rows * n_slots, n_hidden * n_pieces)  # row (token + 1) * slots + slot
    slot_of = numpy.arange(n_slots, dtype="int32")
    bias = lower.get_param("b").reshape(n_hidden * n_pieces)
    W, b = upper.get_param("W"), upper.get_param("b")
    unseen = sorted(model.attrs.get("unseen_classes") or ())
    ids_of = _token_ids(n_slots)
    take = _taker(pipe)
    states = [s for s in batch if not s.is_final()]
    while states:
        ids = ids_of(states)  # (states, slots); -1: no token in that slot, i.e. the padding row
        ids += 1
        ids *= n_slots
        ids += slot_of
        picked = rows.take(ids, axis=0)  # (states, slots, hidden * pieces)
        # summed over the slots in spaCy's order, slot 0 then 1, ... (a reduction over an outer axis adds the
        # slices one after another: bit-identical to spaCy's sums, checked in tests/nlp/test_transitions.py)
        summed = picked.sum(axis=1)
        summed += bias
        pieces = summed.reshape(len(states), n_hidden, n_pieces)
        hidden = pieces[:, :, 0].copy()
        for p in range(1, n_pieces):  # maxout (a max is exact)
            numpy.maximum(hidden, pieces[:, :, p], out=hidden)
        scores = hidden @ W.T
        scores += b
        if unseen:
            scores[:, unseen] = scores.min()
        states = take(states, scores)
    return batch


def _taker(pipe):
    """How a step's actions are taken: the highest-scoring valid action of each state (the lowest class on a tie).

    spaCy's loop (``transition_states``) first checks every action's validity for every state, then takes the best
    valid one. For the entity recogniser those checks are most of the loop's cost (74 actions a state a step, each a
    call through its compiled function pointer), and the best-scoring action is nearly always valid (all but 86 of
    176,574 state-steps on 96 PolNeAR texts). So the best-scoring action is applied when it is valid, which is the
    same choice, and a state whose best is not valid goes through spaCy's own choice: 3x less CPU for NER's choices,
    the same entities. The parser's checks are cheap, and a Python call a state costs more than they do (measured),
    so the parser keeps spaCy's loop."""
    if not isinstance(pipe, EntityRecognizer):
        return pipe.transition_states
    moves = pipe.moves
    names = [moves.get_class_name(i) for i in range(moves.n_moves)]
    if len(set(names)) != len(names):  # a name must lead back to its own action
        return pipe.transition_states
    apply, fallback = moves.apply_transition, pipe.transition_states

    def take(states: list, scores) -> list:
        retry = []
        for i, (state, best) in enumerate(zip(states, scores.argmax(axis=1).tolist())):  # first max: lowest class
            try:
                apply(state, names[best])  # checks validity first, and raises before changing the state
            except (ValueError, KeyError):
                retry.append(i)
        if retry:
            fallback([states[i] for i in retry], numpy.ascontiguousarray(scores[retry]))
        return [state for state in states if not state.is_final()]

    return take


def _token_ids(n_slots: int):
    """spaCy's per-state feature tokens (``StateC.set_context_tokens``) for a list of unfinished states, as an
    (states, slots) int32 array. ``ParserStepModel.get_token_ids`` reads only the slot count from its model."""
    holder = SimpleNamespace(state2vec=SimpleNamespace(nF=n_slots))
    get = ParserStepModel.get_token_ids
    return lambda states: get(holder, states)


class FastTransitions:
    """A pipeline component standing in for a parser or an entity recogniser: same model, same annotations,
    its transition loop stepped by ``parse``. The spaCy component stays reachable as ``.impl``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.impl = None

    @property
    def model(self):  # the pipeline links tok2vec listeners through the components' models
        return self.impl.model if self.impl is not None else None

    def __call__(self, doc: Doc) -> Doc:
        self.impl.set_annotations([doc], parse(self.impl, [doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            for part in by_tokens(batch, MAX_TOKENS):
                self.impl.set_annotations(part, parse(self.impl, part))
            yield from batch


# Tokens stepped together at most. The lower layer's output for a batch is kept while it is parsed: for the parser
# 8 slots x 64 hidden x 2 pieces floats a token (4 KB), for NER 1.5 KB, so a batch of 32 long articles (~3,000 tokens
# each) would hold ~400 MB in a worker; 16,384 tokens hold at most 64 MB. spaCy's own loop steps a quarter of its
# batch at a time for the same reason. Fewer, longer runs share each step's fixed costs among more docs (nlp/stage.py
# PARSE_BATCH): 32,768 saved no clear CPU over 16,384 and raised a worker's peak by ~85 MB.
MAX_TOKENS = 16384


@Language.factory(FACTORY, assigns=["token.dep", "token.head", "token.is_sent_start", "doc.ents", "token.ent_iob",
                                    "token.ent_type"], requires=["doc.tensor"])
def make_fast_transitions(nlp: Language, name: str) -> FastTransitions:
    return FastTransitions(name)


def speed_up_transitions(nlp: Language, names: tuple[str, ...] = ("parser", "ner")) -> list[str]:
    """Put ``FastTransitions`` in place of the pipeline's parser and entity recogniser (those ``supported``);
    returns the names replaced."""
    done = []
    for name in names:
        if name not in nlp.pipe_names:
            continue
        pipe = nlp.get_pipe(name)
        if not supported(pipe):
            continue
        nlp.replace_pipe(name, FACTORY, config={})
        nlp.get_pipe(name).impl = pipe
        done.append(name)
    return done
