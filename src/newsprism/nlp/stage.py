"""The nlp stage: entities with titles and sides, quotes with speakers, and claims, on each article."""
from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict

from newsprism.model import Article

# Analyses kept for copies in later chunks of a job (pickled: 10-20 KB each, held by the driver): two default chunks.
MEMO_SIZE = 2048
# Docs that go through spaCy's models together. The parser and tagger hold a few megabytes of scratch arrays per
# ~1,000-token article while a batch passes: 32 news articles at once peak at ~840 MB in a worker, 8 at ~540 MB,
# for the same CPU time and the same annotations (docs do not see each other inside a batch; compared on 160
# PolNeAR texts: tags, parses, lemmas, entities, actors, quotes and claims identical).
PIPE_BATCH = 8
# The parser and the entity recogniser take their docs 32 at a time (the rest of the pipeline 8): a job's whole task
# (``pipeline.BATCH``). Their transition loop steps every doc of a batch together, and a step's fixed costs (numpy's
# calls on small arrays, spaCy's feature and transition calls: ``transitions.parse``) are shared by more docs. With
# ``transitions.MAX_TOKENS`` at 16,384 (up from 16 docs and 8,192 tokens): parser CPU 4% and NER 6% lower (3
# interleaved rounds over 96 PolNeAR texts on a loaded machine; about 2% of the whole nlp stage), a worker's peak
# unchanged (690 against 694 MB over 160 texts). In prediction the parser and NER read the tok2vec output from
# ``doc.tensor``, and docs do not see each other, so the annotations are the same (tags, parses, lemmas, entities,
# actors, quotes and claims compared on 300 throughput texts; benchmarks/throughput.py --components shows the
# per-component CPU).
PARSE_BATCH = 32

# What ``NlpStage.warm`` analyses: a name with a title, a quote, a place and a day, so that every component reads
# its tables once.
_WARM_TEXT = ('Foreign Minister Jane Doe told reporters in Geneva on Tuesday: "We will talk again next week." '
              "The talks in Paris ended on 7 May, officials said.")


class NlpStage:
    name = "nlp"
    scope = "article"
    requires = frozenset({"text"})
    assigns = frozenset({"entities", "quotes", "claims"})

    def __init__(self) -> None:
        self._memo: OrderedDict[bytes, bytes] = OrderedDict()

    # -- copies analysed once ---------------------------------------------------------------------------------------
    # The analysis reads an article's text and publication date and nothing else, so two articles that agree on both
    # (a wire story carried word for word, a feed read twice) get the same entities, quotes and claims. The run loop
    # (pipeline.run_stages) asks ``plan_copies`` which articles to send to the workers and ``fill_copies`` to give
    # the others their original's results; the results of earlier chunks of the job are remembered here.

    @staticmethod
    def copy_key(article: Article) -> bytes | None:
        if not (article.text or "").strip():
            return None
        h = hashlib.blake2b(article.text.encode("utf-8", "surrogatepass"), digest_size=20)
        h.update(b"\0" + (article.published or "").encode("utf-8", "surrogatepass"))
        return h.digest()

    def plan_copies(self, articles: list[Article]) -> tuple[list[int], dict[int, int | bytes]]:
        """Positions of the articles to analyse, and for every other article where its results come from: the
        position of its original in this chunk, or the key of an analysis remembered from an earlier chunk."""
        todo: list[int] = []
        copies: dict[int, int | bytes] = {}
        first: dict[bytes, int] = {}
        for i, a in enumerate(articles):
            key = self.copy_key(a) if a.ok else None
            if key is None:
                todo.append(i)
            elif key in first:
                copies[i] = first[key]
            elif key in self._memo:
                self._memo.move_to_end(key)
                copies[i] = key
            else:
                first[key] = i
                todo.append(i)
        return todo, copies

    def fill_copies(self, articles: list[Article], todo: list[int], copies: dict[int, int | bytes]) -> None:
        """Give each copy its original's results (fresh objects: later stages may edit one article's records), and
        remember the analyses of this chunk's originals for copies in later chunks."""
        blobs: dict[int | bytes, bytes] = {k: self._memo[k] for k in set(copies.values()) if isinstance(k, bytes)}
        for i in todo:
            a = articles[i]
            key = self.copy_key(a) if a.ok else None
            if key is not None:
                blobs[i] = self._remember(key, a)
        for i, src in copies.items():
            blob = blobs.get(src)
            if blob is None:  # the original's analysis failed: the copy fails the same way
                articles[i].errors.extend(e for e in articles[src].errors if e.startswith(self.name + ":"))
            else:
                articles[i].entities, articles[i].quotes, articles[i].claims = pickle.loads(blob)

    def _remember(self, key: bytes, a: Article) -> bytes:
        blob = self._memo[key] = pickle.dumps((a.entities, a.quotes, a.claims), protocol=pickle.HIGHEST_PROTOCOL)
        self._memo.move_to_end(key)
        while len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return blob

    def __call__(self, article: Article) -> Article:
        return self.process_batch([article])[0]

    def warm(self) -> None:
        """Load what the first analysis would: the pipeline, and the tables and modules its components read lazily
        (places, word frequencies, date parsing), through one short text. A pool's workers call this as they start,
        while the job still reads its input (``ProcessExecutor.warm``): the first batch of a run then costs what the
        others do. Nothing of it is kept but those loads: the text is not an article."""
        from newsprism.nlp.loading import load_nlp

        nlp = load_nlp()
        doc = nlp.make_doc(_WARM_TEXT)
        doc._.published = "2025-05-07"
        nlp(doc)

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


def analyse_many(items: list[tuple[str, str | None]]) -> list:
    """The full pipeline over ``(text, published)`` pairs, batched through ``nlp.pipe``; the docs in order."""
    from newsprism.nlp.loading import load_nlp, wear

    wear(len(items))  # a long-running process gets a fresh pipeline now and then (bounded vocabulary)
    nlp = load_nlp()
    longest = max((len(t) for t, _ in items), default=0)
    if longest >= nlp.max_length:  # a very long article is rare; parse it whole rather than refuse it
        nlp.max_length = longest + 1
    # Shortest first: the parser and NER step the docs of a batch together until the longest is done, and each
    # step has a fixed cost, so batches of docs of like length take fewer steps (docs do not see each other in a
    # batch: the annotations are the same). Handed back in the order given.
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    docs = []
    for i in order:
        text, published = items[i]
        doc = nlp.make_doc(text)
        doc._.published = published  # set before the components run: claims read it
        docs.append(doc)
    batch = max(1, min(len(docs), PIPE_BATCH))
    parse_batch = max(batch, min(len(docs), PARSE_BATCH))
    cfg = {name: {"batch_size": parse_batch} for name in ("parser", "ner") if name in nlp.pipe_names}
    out: list = [None] * len(items)
    for i, doc in zip(order, nlp.pipe(docs, batch_size=batch, component_cfg=cfg)):
        out[i] = doc
    return out
