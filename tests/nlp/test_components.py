import spacy
from spacy.util import registry

import newsprism.nlp  # noqa: F401  (registers the components)
from newsprism.nlp.actors import ActorsComponent
from newsprism.nlp.claims import ClaimsComponent
from newsprism.nlp.loading import base_model_name
from newsprism.nlp.quotes import QuotesComponent


def test_versioned_names_in_the_registry():
    assert isinstance(registry.misc.get("newsprism.actors.v1")(), ActorsComponent)
    assert isinstance(registry.misc.get("newsprism.quotes.v1")(), QuotesComponent)
    assert isinstance(registry.misc.get("newsprism.claims.v1")(), ClaimsComponent)


def test_components_in_someone_elses_pipeline():
    nlp = spacy.load(base_model_name())
    for name in ("newsprism_actors_v1", "newsprism_quotes_v1", "newsprism_claims_v1"):
        nlp.add_pipe(name)
    doc = nlp("\"We made very good progress,\" Treasury Secretary Scott Bessent said on Monday.")
    (q,) = doc._.quotes
    assert q.speaker_name == "Scott Bessent" and q.kind == "direct"
    assert any(c.kind == "date" for c in doc._.claims)
