"""Stage protocol and the run loop.

A stage is a small object with ``name``, ``requires``, ``assigns`` and ``scope``:

* ``scope == "article"``: ``stage(article) -> article``; runs once per article, possibly in another process, so the
  stage must be picklable and load heavy resources (spaCy) lazily.
* ``scope == "corpus"``: ``stage(corpus) -> None``; sees the whole batch (and what earlier runs stored, through
  ``Corpus``), and may set fields on articles and stories.

Counting, timing, progress and per-article errors live here, not in the stages. An exception raised by an article
stage is recorded in that article's ``errors`` and the article skips the later article stages; the rest of the batch
goes on. ``check_order`` refuses a stage list whose ``requires`` are not assigned by an earlier stage before any data
moves.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping
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
    dedup_index: Any = None

    def prior_by_id(self, ids: Collection[str]) -> dict[str, Article]:
        """Stored articles of earlier runs with these ids (read by key when the store allows, else by a scan)."""
        ids = set(ids)
        if not ids:
            return {}
        if self.articles_by_id is not None:
            return self.articles_by_id(ids)
        return {a.id: a for a in self.prior_articles() if a.id in ids}

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
    """Maps a picklable function over items, yielding results in input order."""

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...


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


@dataclass
class RunStats:
    articles: int = 0
    failed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def run_stages(corpus: Corpus, stages: list[Stage], executor: Executor | None = None,
               progress: Progress | None = None) -> RunStats:
    """Run ``stages`` in order over ``corpus`` (in place) and return counts and timings."""
    check_order(stages)
    progress = progress or NoProgress()
    if executor is None:
        from newsprism.executors.local import LocalExecutor
        executor = LocalExecutor()
    stats = RunStats(articles=len(corpus.articles))
    # The input as read (often HTML several times the size of its text) is dropped once no later stage needs it.
    last_raw = max((i for i, st in enumerate(stages) if "raw" in st.requires), default=None)
    for i, st in enumerate(stages):
        t0 = time.perf_counter()
        if st.scope == "article":
            progress.start(st.name, len(corpus.articles))
            out = []
            for art in executor.map(_Guarded(st), corpus.articles):
                out.append(art)
                progress.advance()
            corpus.articles[:] = out
        else:
            progress.start(st.name, None)
            st(corpus)
        progress.finish()
        if i == last_raw:
            for art in corpus.articles:
                art.raw = None
        stats.seconds[st.name] = stats.seconds.get(st.name, 0.0) + time.perf_counter() - t0
    stats.failed = sum(not a.ok for a in corpus.articles)
    return stats
