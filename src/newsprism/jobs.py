"""The main job: read inputs, run the default stages, store, and write the outputs. Every face calls this."""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.knowledge import actors as actor_book
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus, Executor, Progress, RunStats, run_stages
from newsprism.stages import Options, default_stages
from newsprism.store import Store


DEFAULT_CHUNK = 2000  # articles per committed chunk: a kill loses at most one chunk's work
_LOOKUP = 500  # ingested articles checked against the store at a time


@dataclass
class JobResult:
    articles: list[Article]  # one per input article, in input order (new and already known)
    stories: list[Story]  # the stories these articles belong to
    new: int = 0  # articles processed in this run (the others were already stored unchanged)
    stats: RunStats = field(default_factory=RunStats)
    outputs: list[Path] = field(default_factory=list)
    chunks: int = 0  # chunks this run committed

    @property
    def failed(self) -> list[Article]:
        return [a for a in self.articles if not a.ok]


def run_job(inputs: Iterable[str], store: Store, *, options: Options | None = None, out_dir: Path | None = None,
            executor: Executor | None = None, progress: Progress | None = None, refresh: bool = False,
            allow_private: bool = False, chunk_size: int = DEFAULT_CHUNK,
            ingested: Iterable[Article] | None = None) -> JobResult:
    """Ingest ``inputs``, process what the store does not already hold, and write ``out_dir`` if given.

    Inputs stream through in chunks of ``chunk_size`` articles still to process; each chunk runs every stage and is
    committed in one unit of work with the stories, errors and state it touched. A killed run leaves whole chunks
    only, and re-running it skips them: an article whose content hash is stored (without errors) is taken from the
    store instead of being processed again, unless ``refresh``. Runs on one database take turns chunk by chunk, each
    chunk reading the stories and state the last one (of any run) committed.

    ``ingested``: articles already read (``newsprism watch`` reads its feeds itself), used instead of ``inputs``.
    """
    from newsprism.ingest import read_inputs

    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    options = options or Options()
    stages = default_stages(options)
    done: dict[str, Article] = {}  # by content hash: the stored or processed version of every input article
    order: list[str] = []
    run = _Run(store, stages, executor, progress, refresh)
    actor_book.recall(store)  # what earlier runs learned about actors (names, titles, sides) is known from the start
    if ingested is None:
        ingested = read_inputs(list(inputs), allow_private=allow_private)
    for chunk in _pending(ingested, store, options, chunk_size, refresh, done, order):
        run.chunk(chunk, done)
    articles = [done[h] for h in order]
    stories = store.get_stories({a.story for a in articles if a.story})
    rank = {k: i for i, k in enumerate(run.story_order)}
    ordered = sorted(stories.values(), key=lambda s: (rank.get(s.id, len(rank)), s.id))
    result = JobResult(articles=articles, stories=ordered, new=run.new,
                       stats=run.stats, chunks=run.chunks)
    if out_dir is not None:
        result.outputs = write_outputs(Path(out_dir), result, store)
    return result


def _pending(ingested: Iterable[Article], store: Store, options: Options, chunk_size: int, refresh: bool,
             done: dict[str, Article], order: list[str]) -> Iterator[list[Article]]:
    """Chunks of the articles still to process, in input order. Chunks are cut after skipping stored articles, so a
    resumed run cuts the rest of its input exactly where an uninterrupted run would have."""
    pending: list[Article] = []
    for batch in _batched(_once(ingested), _LOOKUP):
        stored = {} if refresh else store.get_articles_by_hash(a.content_hash for a in batch)
        for a in batch:
            order.append(a.content_hash)
            known = stored.get(a.content_hash)
            if known is not None and known.ok:
                done[a.content_hash] = known
                continue
            a.verbatim = options.verbatim
            done[a.content_hash] = a
            pending.append(a)
            if len(pending) >= chunk_size:
                yield pending
                pending = []
    if pending:
        yield pending


class _Run:
    """One run's chunks. The stories and stage state stay in memory between its chunks while no other run commits
    in between (the chunk log says so); otherwise they are read again inside the chunk's unit of work."""

    def __init__(self, store: Store, stages: list, executor: Executor | None, progress: Progress | None,
                 refresh: bool):
        self.store, self.stages, self.executor, self.progress, self.refresh = store, stages, executor, progress, refresh
        self.id = uuid.uuid4().hex
        self.stats = RunStats()
        self.new = 0
        self.chunks = 0
        self._seen = -1  # last chunk sequence number this run committed
        self._stories: dict[str, Story] = {}
        self._saved: dict[str, str] = {}  # story id -> its record as stored, to write only what changed
        self._state: dict[str, Any] = {}

    def chunk(self, batch: list[Article], done: dict[str, Article]) -> None:
        try:
            self._chunk(batch, done)
        except BaseException:
            self._seen = -1  # the stories and state in memory may hold the failed chunk's changes: read them again
            raise

    def _chunk(self, batch: list[Article], done: dict[str, Article]) -> None:
        store = self.store
        with store.transaction():
            if not self.refresh:  # another run may have stored some of these since they were looked up
                stored = store.get_articles_by_hash(a.content_hash for a in batch)
                for a in batch:
                    if a.content_hash in stored and stored[a.content_hash].ok:
                        done[a.content_hash] = stored[a.content_hash]
                batch = [a for a in batch if not (a.content_hash in stored and stored[a.content_hash].ok)]
            if not batch:
                return
            if store.last_chunk() != self._seen:
                self._stories = {s.id: s for s in store.iter_stories()}
                self._saved = {k: _dump(s) for k, s in self._stories.items()}
                self._state = store.get_state()
            stories = self._stories
            batch_hashes = {a.content_hash for a in batch}
            # Re-processed articles leave the stories they were in; clustering places them again.
            batch_ids = {a.id for a in batch}
            for k in [k for k, s in stories.items() if any(i in batch_ids for i in s.articles)]:
                stories[k].articles = [i for i in stories[k].articles if i not in batch_ids]
                if not stories[k].articles:
                    del stories[k]
            corpus = Corpus(articles=batch, stories=stories, prior_articles=lambda: store.iter_articles(batch_hashes),
                            state=self._state)
            stats = run_stages(corpus, self.stages, executor=self.executor, progress=self.progress)
            store.upsert_articles(corpus.articles)
            for a in corpus.articles:
                for err in a.errors:
                    store.record_error(a.source or a.id, a.id, err)
            self._write_stories(corpus.stories)
            # the actors the chunk's comparisons resolved join the actor book, in the same unit of work
            actor_book.remember(store, [rec for s in corpus.stories.values() if any(i in batch_ids for i in s.articles)
                                        for rec in s.comparison.get("actors", [])])
            store.put_state(dict(corpus.state))
            self._seen = store.log_chunk(self.id, len(corpus.articles))
        # Committed: only now do the processed versions replace the ingested ones in the result.
        for a in corpus.articles:
            done[a.content_hash] = a
        self.new += len(corpus.articles)
        self.chunks += 1
        self.stats.articles += stats.articles
        self.stats.failed += stats.failed
        for k, v in stats.seconds.items():
            self.stats.seconds[k] = self.stats.seconds.get(k, 0.0) + v

    @property
    def story_order(self) -> list[str]:
        return list(self._stories)

    def _write_stories(self, stories: dict[str, Story]) -> None:
        """Write the stories this chunk changed and delete the ones it dropped; every other story stays as stored
        (a concurrent run's stories are never overwritten by a stale copy)."""
        changed = {}
        for k, s in stories.items():
            rec = _dump(s)
            if self._saved.get(k) != rec:
                changed[k] = rec
        gone = [k for k in self._saved if k not in stories]
        self.store.put_stories(stories[k] for k in changed)
        self.store.delete_stories(gone)
        for k in gone:
            del self._saved[k]
        self._saved.update(changed)


def _dump(story: Story) -> str:
    return json.dumps(story.to_record(), ensure_ascii=False, sort_keys=True)


def _batched(items: Iterable[Article], n: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for a in items:
        batch.append(a)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _once(articles: Iterable[Article]) -> Iterator[Article]:
    """The same input named twice (same id, same content) is one article."""
    seen: set[str] = set()
    for a in articles:
        if a.content_hash and a.content_hash in seen:
            continue
        seen.add(a.content_hash)
        yield a


def write_outputs(out_dir: Path, result: JobResult, store: Store) -> list[Path]:
    """articles.jsonl, stories.jsonl and the static report (index.html and one page per story)."""
    from newsprism.report import write_site

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "articles.jsonl", out_dir / "stories.jsonl"]
    with open(paths[0], "w", encoding="utf-8") as fh:
        for a in result.articles:
            fh.write(json.dumps(a.to_record(), ensure_ascii=False) + "\n")
    with open(paths[1], "w", encoding="utf-8") as fh:
        for s in result.stories:
            fh.write(json.dumps(s.to_record(), ensure_ascii=False) + "\n")
    members = {a.id: a for a in result.articles}
    wanted = {i for s in result.stories for i in s.articles} - set(members)
    if wanted:
        for s in result.stories:
            for a in store.iter_articles(story=s.id):
                members.setdefault(a.id, a)
    paths += write_site(out_dir, result.stories, members)
    return paths


def story_articles(store: Store, story: Story) -> dict[str, Article]:
    """The member articles of a stored story, by id."""
    return {a.id: a for a in store.iter_articles(story=story.id)}
