"""The nlp stage: entities with titles and sides, quotes with speakers, and claims, on each article."""
from __future__ import annotations

from newsprism.model import Article


class NlpStage:
    name = "nlp"
    scope = "article"
    requires = frozenset({"text"})
    assigns = frozenset({"entities", "quotes", "claims"})

    def __call__(self, article: Article) -> Article:
        return self.process_batch([article])[0]

    def process_batch(self, articles: list[Article]) -> list[Article]:
        """One ``nlp.pipe`` over the batch: spaCy's models run on many texts at once (padded matrices), the
        newsprism components one doc at a time as before."""
        todo = []
        for a in articles:
            if (a.text or "").strip():
                todo.append(a)
            else:
                a.entities, a.quotes, a.claims = [], [], []
        for a, doc in zip(todo, analyse_many([(a.text, a.published) for a in todo])):
            a.entities = list(doc._.actors or [])
            a.quotes = list(doc._.quotes or [])
            a.claims = list(doc._.claims or [])
        return articles

    def __reduce__(self):  # the pipeline is loaded per process, never pickled
        return (NlpStage, ())


def analyse(text: str, published: str | None = None):
    """Run the full pipeline on one text; ``published`` (ISO) anchors relative dates."""
    return next(iter(analyse_many([(text, published)])))


def analyse_many(items: list[tuple[str, str | None]]):
    """The full pipeline over ``(text, published)`` pairs, batched through ``nlp.pipe``; yields docs in order."""
    from newsprism.nlp.loading import load_nlp

    nlp = load_nlp()
    longest = max((len(t) for t, _ in items), default=0)
    if longest >= nlp.max_length:  # a very long article is rare; parse it whole rather than refuse it
        nlp.max_length = longest + 1
    docs = []
    for text, published in items:
        doc = nlp.make_doc(text)
        doc._.published = published  # set before the components run: claims read it
        docs.append(doc)
    return nlp.pipe(docs, batch_size=max(1, len(docs)))
