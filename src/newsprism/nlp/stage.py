"""The nlp stage: entities with titles and sides, quotes with speakers, and claims, on each article."""
from __future__ import annotations

from newsprism.model import Article



class NlpStage:
    name = "nlp"
    scope = "article"
    requires = frozenset({"text"})
    assigns = frozenset({"entities", "quotes", "claims"})

    def __call__(self, article: Article) -> Article:
        text = article.text or ""
        if not text.strip():
            article.entities, article.quotes, article.claims = [], [], []
            return article
        doc = analyse(text, article.published)
        article.entities = list(doc._.actors or [])
        article.quotes = list(doc._.quotes or [])
        article.claims = list(doc._.claims or [])
        return article

    def __reduce__(self):  # the pipeline is loaded per process, never pickled
        return (NlpStage, ())


def analyse(text: str, published: str | None = None):
    """Run the full pipeline on one text; ``published`` (ISO) anchors relative dates."""
    from newsprism.nlp.loading import load_nlp

    nlp = load_nlp()
    if len(text) >= nlp.max_length:  # a very long article is rare; parse it whole rather than refuse it
        nlp.max_length = len(text) + 1
    doc = nlp.make_doc(text)
    doc._.published = published
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
