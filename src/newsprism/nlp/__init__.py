"""Who said what: actors with titles and sides, quotations with speakers, and factual claims.

Importing this package registers three spaCy components that anyone can add to an English pipeline:
``newsprism_actors_v1`` (``doc._.actors``), ``newsprism_quotes_v1`` (``doc._.quotes``) and
``newsprism_claims_v1`` (``doc._.claims``). Their results are the records of ``newsprism.model`` with character
offsets into ``doc.text``. spaCy forbids dots in factory names, so the versioned names ``newsprism.actors.v1``,
``newsprism.quotes.v1`` and ``newsprism.claims.v1`` are registered in ``spacy.util.registry.misc`` (each returns the
component). ``NlpStage`` (in ``stage``) runs them over articles.
"""
from newsprism.nlp import actors, claims, quotes  # noqa: F401  (registers the components)
from newsprism.nlp.actors import canonical_key, same_actor
from newsprism.nlp.loading import load_nlp

__all__ = ["canonical_key", "same_actor", "load_nlp"]
