"""Stage protocol and the run loop.

A stage is a small object with ``name``, ``requires``, ``assigns`` and ``scope``:

* ``scope == "article"``: ``stage(article) -> article``; runs once per article, possibly in another process, so the
  stage must be picklable and load heavy resources (spaCy) lazily. A stage may also offer
  ``process_batch(articles) -> articles`` (same results, one call for many articles: spaCy's ``nlp.pipe``); the run
  loop hands every executor the same batches, cut at the same places, so the output never depends on the executor.
  A stage whose result depends only on a key of the article may offer ``plan_copies(articles) -> (todo, copies)``
  and ``fill_copies(articles, todo, copies)``: only the articles at the positions ``todo`` are sent to the executor,
  the copies get their original's results afterwards (nlp: exact copies of a text analysed once).
* ``scope == "corpus"``: ``stage(corpus) -> None``; sees the whole batch (and what earlier runs stored, through
  ``Corpus``), and may set fields on articles and stories. ``corpus.executor`` is the run's executor: a corpus stage with
  independent per-story work (compare) may map it over the stories. A corpus stage whose work starts with something
  that depends on each article alone may offer ``prepare_article(article) -> payload`` and declare the fields it
  reads (``prepare_reads``): the payload is worked out in the workers, in the same task as the last leading article
  stage (``run_ahead``), and handed to the stage as ``corpus.prepared[stage.name][(article.id, content_hash)]``.
  The stage uses it in place of its own computation of the same thing (and computes it when it is absent).
  A corpus stage may leave store writes that no later stage reads back to ``corpus.defer``; a stage that waits on
  the workers runs them meanwhile (``corpus.idle``), and ``run_stages`` runs what is left at its end.

Counting, timing, progress and per-article errors live here, not in the stages. An exception raised by an article
stage is recorded in that article's ``errors`` and the article skips the later article stages; the rest of the batch
goes on. ``check_order`` refuses a stage list whose ``requires`` are not assigned by an earlier stage before any data
moves.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from newsprism.model import Article, Story

# Fields every ingested article carries before the first stage runs.
INGESTED = frozenset({"id", "source", "url", "outlet", "title", "published", "raw", "raw_kind", "verbatim",
                      "content_hash", "errors"})


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: frozenset[str]
    assigns: frozenset[str]
    scope: str  # "article" or "corpus"

    def __call__(self, item: Any) -> Any: ...


@dataclass
class Corpus:
    """What a corpus stage sees: this run's articles, the stories known so far, and what earlier runs stored.

    ``prior_articles`` yields stored articles that are not in this batch (for incremental stages); ``state`` is a
    JSON-able mapping persisted between runs, one key per stage (the stage picks its key).
    """

    articles: list[Article]
    stories: dict[str, Story] = field(default_factory=dict)
    prior_articles: Callable[[], Iterator[Article]] = lambda: iter(())
    state: MutableMapping[str, Any] = field(default_factory=dict)
    # Keyed reads of what earlier runs stored, set when a store is behind the run (jobs.py): stored articles by id
    # (this batch's left out), and the dedup index (``dedup.index.StoredIndex``). Without them stages scan
    # ``prior_articles``.
    articles_by_id: Callable[[Collection[str]], dict[str, Article]] | None = None
    # The same without text and annotations (``Store.get_article_heads_by_id``): what a stage reads of members
    # whose words it does not need (``cluster.members.stand_ins``).
    heads_by_id: Callable[[Collection[str]], dict[str, Article]] | None = None
    dedup_index: Any = None
    # The cluster index's rows (``store.state_rows.ClusterRows``): the clusterer reads the stories it needs by key.
    cluster_index: Any = None
    # The store's rows of per-article compare work (``compare.unit_rows.StoredUnits``): stored members of a story
    # are read back, not prepared again.
    compare_rows: Any = None
    # Per-article work of corpus stages done ahead in the workers (``prepare_article``): stage name ->
    # (article id, content hash) -> payload. A payload may be absent (copies, failures): the stage works it out.
    prepared: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)
    # Store writes a stage has left for later (``defer``): no later stage reads back what they write. Only while
    # ``run_stages`` runs the stages (it sets ``deferring``); a stage called on its own writes at once.
    later: list[Callable[[], None]] = field(default_factory=list)
    deferring: bool = False

    def defer(self, write: Callable[[], None]) -> None:
        """Leave ``write`` (a store write that no later stage of the chunk reads back) for a moment when this
        process would only wait on the workers (``idle``): a stage that sends work to the workers runs it then.
        ``run_stages`` runs what is left before it returns, so it is done within the chunk's unit of work."""
        if self.deferring:
            self.later.append(write)
        else:
            write()

    def idle(self) -> None:
        """Run the deferred writes, in the order they were left."""
        while self.later:
            self.later.pop(0)()

    def prior_by_id(self, ids: Collection[str]) -> dict[str, Article]:
        """Stored articles of earlier runs with these ids (read by key when the store allows, else by a scan)."""
        ids = set(ids)
        if not ids:
            return {}
        if self.articles_by_id is not None:
            return self.articles_by_id(ids)
        return {a.id: a for a in self.prior_articles() if a.id in ids}

    def prior_heads(self, ids: Collection[str]) -> dict[str, Article]:
        """``prior_by_id`` with metadata only where the store allows (whole articles otherwise): id, url, outlet,
        credit, dates, story, copy marks and whether it failed; no text, entities, quotes or claims."""
        ids = set(ids)
        if ids and self.heads_by_id is not None:
            return self.heads_by_id(ids)
        return self.prior_by_id(ids)

    def prior_members(self, ids: Collection[str], current: Mapping[str, Article],
                      stories: Iterable[Story]) -> dict[str, Article]:
        """Stored articles of earlier runs with these ids, members of ``stories``, for a stage that reads their
        words: whole, except the members that stand in for another (``cluster.members.stand_ins``), which come as
        heads. ``current`` holds the chunk's own articles (by id), whole."""
        from newsprism.cluster.members import stand_ins

        if self.heads_by_id is None:
            return self.prior_by_id(ids)
        heads = self.prior_heads(ids)
        known = {**heads, **current}
        light: set[str] = set()
        for st in stories:
            light |= stand_ins({aid: known[aid] for aid in st.articles if aid in known})
        light &= heads.keys()
        out = self.prior_by_id(set(heads) - light)
        out.update({aid: heads[aid] for aid in light})
        return out
    executor: Any = None  # set by run_stages: where a corpus stage may send independent per-story work

    @property
    def ok_articles(self) -> list[Article]:
        return [a for a in self.articles if a.ok]


class PipelineOrderError(ValueError):
    pass


def check_order(stages: Iterable[Stage], available: frozenset[str] = INGESTED) -> None:
    have = set(available)
    for st in stages:
        missing = set(st.requires) - have
        if missing:
            raise PipelineOrderError(f"stage {st.name!r} requires {sorted(missing)}, which no earlier stage assigns")
        if st.scope not in ("article", "corpus"):
            raise PipelineOrderError(f"stage {st.name!r} has unknown scope {st.scope!r}")
        have |= set(st.assigns)


class Progress(Protocol):
    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, total: int | None) -> None: pass
    def advance(self, n: int = 1) -> None: pass
    def finish(self) -> None: pass


class Executor(Protocol):
    """Maps a picklable function over items, yielding results in input order. Executors that hold workers (a
    process pool, a dask cluster) keep them for the whole job and release them in ``close()``."""

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...


# Articles per batch handed to an executor. Fixed, whatever the executor, so that every executor cuts a chunk at the
# same places and a batch-aware stage (spaCy's nlp.pipe) sees the same batches: outputs are identical by
# construction. 32 keeps two workers busy on a small chunk and spaCy's batching already pays at this size.
BATCH = 32


class _Guarded:
    """Wraps an article stage so that an exception becomes an error on that article (picklable for pools)."""

    def __init__(self, stage: Stage):
        self.stage = stage

    def __call__(self, article: Article) -> Article:
        if not article.ok:
            return article
        try:
            out = self.stage(article)
            return article if out is None else out
        except Exception as exc:  # noqa: BLE001 - the whole point: one bad article never stops the batch
            article.errors.append(f"{self.stage.name}: {type(exc).__name__}: {exc}")
            return article


class _GuardedBatch(_Guarded):
    """Runs an article stage over a batch: through its ``process_batch`` when it has one, else article by article.
    A batch that raises is run again article by article, so the error lands on the article that caused it."""

    def __call__(self, articles: list[Article]) -> list[Article]:  # type: ignore[override]
        batch_fn = getattr(self.stage, "process_batch", None)
        ok = [a.ok for a in articles]  # before the stage runs: it may add errors
        todo = [a for a, good in zip(articles, ok) if good]
        if batch_fn is None or len(todo) < 2:
            return [_Guarded.__call__(self, a) for a in articles]
        try:
            outs = batch_fn(todo)
        except Exception:  # noqa: BLE001 - find the culprit one by one
            return [_Guarded.__call__(self, a) for a in articles]
        done = iter(outs)
        return [next(done) if good else a for a, good in zip(articles, ok)]


class _ThenPrepare(_GuardedBatch):
    """The last leading article stage over a batch, then, in the same task, the per-article preparations of the
    later corpus stages (``prepare_article``) on the articles still ok: one trip to a worker and back for both.
    Returns the articles and, per article, the payloads by stage name (a preparation that raises leaves its payload
    out: the stage then does that work itself, as it would without workers)."""

    def __init__(self, stage: Stage, preparers: list[Stage]):
        super().__init__(stage)
        self.preparers = preparers

    def __call__(self, articles: list[Article]) -> tuple[list[Article], list[dict[str, Any]]]:  # type: ignore[override]
        out = super().__call__(articles)
        payloads: list[dict[str, Any]] = []
        for a in out:
            got: dict[str, Any] = {}
            if a.ok:
                for st in self.preparers:
                    try:
                        got[st.name] = st.prepare_article(a)
                    except Exception:  # noqa: BLE001 - the stage meets the same article and decides
                        pass
            payloads.append(got)
        return out, payloads


def batches(items: list[Any], size: int = BATCH) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass
class RunStats:
    articles: int = 0
    failed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _commute(article_stage: Stage, corpus_stage: Stage) -> bool:
    """Whether ``article_stage`` may run before ``corpus_stage`` instead of after it with the same results: neither
    reads what the other writes, nor do both write one field. (Errors are the one thing an article stage writes that
    every stage reads, through ``Article.ok``: ``Ahead`` holds them back until the stages it overtook have run.)"""
    a, c = article_stage, corpus_stage
    return not (set(a.requires) & set(c.assigns) or set(c.requires) & set(a.assigns) or set(a.assigns) & set(c.assigns))


def split_ahead(stages: list[Stage]) -> tuple[list[Stage], list[Stage]]:
    """The leading article stages, including those that commute with the corpus stages before them (nlp overtakes
    dedup), and the rest in their order. The leading ones depend on each article alone, so a job may run them on
    its next chunk while the corpus stages of this one run (jobs.py)."""
    ahead: list[Stage] = []
    rest: list[Stage] = []
    for st in stages:
        if st.scope == "article" and all(r.scope == "corpus" and _commute(st, r) for r in rest):
            ahead.append(st)
        else:
            rest.append(st)
    return ahead, rest


@dataclass
class Ahead:
    """The article stages of ``split_ahead`` already run on a chunk: their timings, and the errors they raised on
    articles, held back until the corpus stages they overtook have run (those saw the articles still ok, as they do
    when the stages run in their declared order). ``release`` maps a stage name to the errors to put back just
    before it runs."""

    seconds: dict[str, float] = field(default_factory=dict)
    release: dict[str, list[tuple[Article, list[str]]]] = field(default_factory=dict)
    done: int = 0  # articles each stage went through (for progress)
    prepared: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)  # see ``Corpus.prepared``


def preparers(stages: list[Stage]) -> list[Stage]:
    """The corpus stages after the leading article stages whose per-article preparation may run ahead with them:
    no stage between reads-after-writes what the preparation reads (dedup sets ``duplicate_of``, which the
    clusterer's features do not read, so they may be worked out before dedup has run)."""
    _, rest = split_ahead(stages)
    out: list[Stage] = []
    for i, st in enumerate(rest):
        if st.scope != "corpus" or not callable(getattr(st, "prepare_article", None)):
            continue
        reads = set(getattr(st, "prepare_reads", ()))
        if reads and not any(reads & set(r.assigns) for r in rest[:i]):
            out.append(st)
    return out


def run_ahead(articles: list[Article], stages: list[Stage], executor: Executor | None = None,
              progress: Progress | None = None) -> tuple[list[Article], Ahead]:
    """Run the leading article stages of ``stages`` (``split_ahead``) over ``articles``; returns the articles
    (new objects when a pool ran them) and what ``run_stages`` needs to run the rest as if in the declared order."""
    ahead, rest = split_ahead(stages)
    progress = progress or NoProgress()
    executor = executor or _local()
    out = Ahead(done=len(articles))
    arts = list(articles)
    last_raw = _last_raw(stages)
    prep = preparers(stages) if ahead else []
    for st in ahead:
        t0 = time.perf_counter()
        overtaken = [r for r in stages[:stages.index(st)] if r in rest]
        before = [len(a.errors) for a in arts] if overtaken else None
        arts = _run_article_stage(st, arts, executor, progress, prep if st is ahead[-1] else None, out.prepared)
        if before is not None:
            after = stages[stages.index(st) + 1:]
            release_at = next((r.name for r in after if r in rest), None)
            held = []
            for a, n in zip(arts, before):
                if len(a.errors) > n:
                    held.append((a, a.errors[n:]))
                    del a.errors[n:]
            if held:
                # the stages after it see the errors (and skip those articles), the ones it overtook do not
                out.release.setdefault(release_at or "", []).extend(held)
        if last_raw is st:
            for a in arts:
                a.raw = None
        out.seconds[st.name] = out.seconds.get(st.name, 0.0) + time.perf_counter() - t0
    return arts, out


def _local() -> Executor:
    from newsprism.executors.local import LocalExecutor
    return LocalExecutor()


def _last_raw(stages: list[Stage]) -> Stage | None:
    """The last stage reading the input as read (often HTML several times the size of its text): it is dropped
    after that stage."""
    return next((st for st in reversed(stages) if "raw" in st.requires), None)


def _run_article_stage(st: Stage, arts: list[Article], executor: Executor, progress: Progress,
                       prep: list[Stage] | None = None,
                       prepared: dict[str, dict[tuple[str, str], Any]] | None = None) -> list[Article]:
    """``prep``: corpus stages whose ``prepare_article`` runs in the same tasks, on the articles this stage returns;
    their payloads go to ``prepared``."""
    progress.start(st.name, len(arts))
    arts = list(arts)
    # A stage that can tell copies apart (same input, same result) has only the originals analysed
    plan = getattr(st, "plan_copies", None)
    todo, copies = plan(arts) if plan is not None else (range(len(arts)), {})
    done_at = iter(todo)
    task = _ThenPrepare(st, prep) if prep else _GuardedBatch(st)
    for done in executor.map(task, batches([arts[i] for i in todo])):
        payloads: list[dict[str, Any]] = []
        if prep:
            done, payloads = done
        for j, a in enumerate(done):
            arts[next(done_at)] = a  # a pool hands back new objects
            if payloads and prepared is not None:
                for name, payload in payloads[j].items():
                    prepared.setdefault(name, {})[(a.id, a.content_hash)] = payload
            progress.advance()
    if plan is not None:
        st.fill_copies(arts, list(todo), copies)
        progress.advance(len(copies))
    progress.finish()
    return arts


def run_stages(corpus: Corpus, stages: list[Stage], executor: Executor | None = None,
               progress: Progress | None = None, ahead: Ahead | None = None) -> RunStats:
    """Run ``stages`` in order over ``corpus`` (in place) and return counts and timings.

    ``ahead``: the leading article stages (``split_ahead``) were already run on ``corpus.articles`` by
    ``run_ahead``; only the rest run here, with the same results as the whole list in its order."""
    check_order(stages)
    progress = progress or NoProgress()
    executor = executor or _local()
    stats = RunStats(articles=len(corpus.articles))
    if ahead is None:
        # the same path as a job's: the leading article stages first, then the rest
        corpus.articles[:], ahead = run_ahead(corpus.articles, stages, executor, progress)
    done, stages = split_ahead(stages)
    stats.seconds.update(ahead.seconds)
    corpus.prepared = ahead.prepared
    release = {k: list(v) for k, v in ahead.release.items()}
    last_raw = _last_raw(stages)  # a stage not run ahead still reading the input
    corpus.deferring = True
    for st in stages:
        for art, errors in release.pop(st.name, ()):
            art.errors.extend(errors)
        t0 = time.perf_counter()
        if st.scope == "article":
            corpus.articles[:] = _run_article_stage(st, corpus.articles, executor, progress)
        else:
            progress.start(st.name, None)
            corpus.executor = executor
            st(corpus)
            progress.finish()
        if st is last_raw:
            for art in corpus.articles:
                art.raw = None
        stats.seconds[st.name] = stats.seconds.get(st.name, 0.0) + time.perf_counter() - t0
    corpus.idle()  # what no stage found the time for
    corpus.deferring = False
    for held in release.values():  # overtook every later stage: the errors land at the end
        for art, errors in held:
            art.errors.extend(errors)
    corpus.prepared = {}
    stats.failed = sum(not a.ok for a in corpus.articles)
    return stats
