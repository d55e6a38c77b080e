"""The main job: read inputs, run the default stages, store, and write the outputs. Every face calls this."""
from __future__ import annotations

import json
import os
import pickle
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.compare.unit_rows import StoredUnits
from newsprism.dedup.index import StoredIndex
from newsprism.executors.heap import trim
from newsprism.knowledge import actors as actor_book
from newsprism.model import Article, Story
from newsprism.gc_policy import fewer_collections
from newsprism.pipeline import Ahead, Corpus, Executor, NoProgress, Progress, RunStats, run_ahead, run_stages
from newsprism.stages import Options, WarmUp, default_stages
from newsprism.store import Store


# Articles per committed chunk. A kill loses at most one chunk's work, and the driver holds about two chunks (the one
# it clusters, compares and stores, and the next one the workers analyse meanwhile). Smaller chunks would let shorter
# runs overlap, but they cost CPU (a story touched by several chunks is compared again each time: four chunks of 250
# took 8% more CPU than one of 1,000) and they did not lower the peak (the workers' compare caches set it), and the
# clustering of one input is not quite the same in every chunking (ECB+ train in two chunks of 500: pair F1 0.9178
# against 0.9274 in one), so the default stays at 2,000.
DEFAULT_CHUNK = 2000
_LOOKUP = 500  # ingested articles checked against the store at a time


@dataclass
class JobResult:
    # One per input article, in input order (new and already known), and the stories they belong to. A job's are
    # read back from a temporary file one at a time (``_Kept``): iterate them rather than holding them all.
    articles: Sequence[Article]
    stories: Sequence[Story]
    new: int = 0  # articles processed in this run (the others were already stored unchanged)
    stats: RunStats = field(default_factory=RunStats)
    outputs: list[Path] = field(default_factory=list)
    chunks: int = 0  # chunks this run committed

    @property
    def failed(self) -> list[Article]:
        known = getattr(self.articles, "failed", None)  # a kept list knows its failed ones without reading all
        return known() if known is not None else [a for a in self.articles if not a.ok]


class _Kept:
    """Objects by key, pickled into an anonymous temporary file once their chunk is committed, and read back one at
    a time. A job's memory then holds its chunks in flight, not its whole input: an analysed article takes about
    50 KB in memory (13 KB pickled), 5 GB for 100,000 articles. A key put again points at its new version."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="newsprism-job-")
        self._at: dict[str, tuple[int, int]] = {}
        self._held: dict[str, Any] = {}  # put with ``hold``, not written yet
        self.failed: set[str] = set()  # keys of the articles that are not ok
        self.story: dict[str, str] = {}  # key -> the story of an article

    def __setitem__(self, key: str, obj: Any) -> None:
        self._held.pop(key, None)
        blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._fh.seek(0, os.SEEK_END)
        self._at[key] = (self._fh.tell(), len(blob))
        self._fh.write(blob)
        self._note(key, obj)

    def hold(self, key: str, obj: Any) -> None:
        """Put ``obj`` but keep it in memory, as it is, until ``flush``: read back, it is that very object. A job
        holds its last committed chunk, which its outputs read next, and writes it out when another chunk starts."""
        self._held[key] = obj
        self._note(key, obj)

    def flush(self) -> int:
        """Write out what is held; returns how many."""
        held, self._held = self._held, {}
        for key, obj in held.items():
            self[key] = obj
        return len(held)

    def _note(self, key: str, obj: Any) -> None:
        if isinstance(obj, Article):
            (self.failed.discard if obj.ok else self.failed.add)(key)
            if obj.story:
                self.story[key] = obj.story
            else:
                self.story.pop(key, None)

    def __getitem__(self, key: str) -> Any:
        if key in self._held:
            return self._held[key]
        pos, n = self._at[key]
        self._fh.seek(pos)
        return pickle.loads(self._fh.read(n))

    def __contains__(self, key: object) -> bool:
        return key in self._held or key in self._at

    def keys(self) -> list[str]:
        return list(self._at) + [k for k in self._held if k not in self._at]


class _KeptList(Sequence):
    """A list whose items are read from a ``_Kept`` on access (each access gives a fresh copy, except of what the
    ``_Kept`` holds: those are the objects themselves)."""

    def __init__(self, keys: list[str], kept: _Kept):
        self._keys, self._kept = keys, kept

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._kept[k] for k in self._keys[i]]
        return self._kept[self._keys[i]]

    def __iter__(self) -> Iterator[Any]:
        for k in self._keys:
            yield self._kept[k]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"<{len(self)} kept items>"

    def failed(self) -> list[Article]:
        return [self._kept[k] for k in self._keys if k in self._kept.failed]


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
    done = _Kept()  # by content hash: the stored or processed version of every input article, once committed
    order: list[str] = []
    warm = getattr(executor, "warm", None)
    if warm is not None:  # the workers load their models while this process reads the input
        warm(WarmUp(options))
    run = _Run(store, stages, executor, progress, refresh)
    actor_book.recall(store)  # what earlier runs learned about actors (names, titles, sides) is known from the start
    if ingested is None:
        ingested = read_inputs(list(inputs), allow_private=allow_private)
    chunks = _pending(ingested, store, options, chunk_size, refresh, done, order)
    for chunk, ahead in _run_ahead(chunks, stages, executor, progress):
        if done.flush():  # the last chunk's articles go to disk: only the last of the job's stays for its outputs
            trim()
        run.chunk(chunk, done, ahead)
        del chunk, ahead  # committed and kept (``done``): nothing of it need stay in memory but the last chunk
        trim()
    articles = _KeptList(order, done)
    kept_stories = _Kept()  # read page by page, kept like the articles
    # The stories the last chunk wrote are as stored unless another run committed since: those are not read again.
    fresh = run.last_stories if run.chunks and store.last_chunk() == run.last_seq else {}
    for page in _batched(sorted({done.story[h] for h in order if h in done.story}), _LOOKUP):
        for k, st in store.get_stories([k for k in page if k not in fresh]).items():
            kept_stories[k] = st
        for k in page:
            if k in fresh:
                kept_stories.hold(k, fresh[k])
    run.last_stories = {}
    rank = {k: i for i, k in enumerate(run.story_order)}
    ordered = sorted(kept_stories.keys(), key=lambda k: (rank.get(k, len(rank)), k))
    result = JobResult(articles=articles, stories=_KeptList(ordered, kept_stories), new=run.new,
                       stats=run.stats, chunks=run.chunks)
    if out_dir is not None:
        result.outputs = write_outputs(Path(out_dir), result, store, executor=executor)
    return result


def _pending(ingested: Iterable[Article], store: Store, options: Options, chunk_size: int, refresh: bool,
             done: MutableMapping[str, Article], order: list[str]) -> Iterator[list[Article]]:
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
            pending.append(a)  # in ``done`` once its chunk is committed
            if len(pending) >= chunk_size:
                yield pending
                pending = []
    if pending:
        yield pending


def _run_ahead(chunks: Iterator[list[Article]], stages: list, executor: Executor | None,
               progress: Progress | None) -> Iterator[tuple[list[Article], Ahead]]:
    """Each chunk with its leading article stages run (clean and nlp: ``pipeline.split_ahead``). With workers
    (``executor.parallel``), the next chunk's are started in the background as soon as this chunk's are done, so the
    workers analyse chunk k+1 while this process clusters, compares and stores chunk k. Those stages depend on each
    article alone, so running them early changes nothing but the time; a chunk's corpus stages still run in order,
    one chunk after another, each on what the last one committed."""
    progress = progress or NoProgress()
    if not getattr(executor, "parallel", False):
        for chunk in chunks:
            yield run_ahead(chunk, stages, executor, progress)
        return
    first = next(chunks, None)
    if first is None:
        return
    got = run_ahead(first, stages, executor, progress)
    while True:
        following = next(chunks, None)  # read before this chunk commits: none of its articles is in this chunk
        nxt = _Background(run_ahead, following, stages, executor) if following is not None else None
        yield got
        if nxt is None:
            return
        got = nxt.result()
        # Nothing is in flight here (this chunk's corpus stages are done, the next one's article stages too): the
        # one moment a pool may replace workers that have grown (``ProcessExecutor.recycle``).
        recycle = getattr(executor, "recycle", None)
        if recycle is not None:
            recycle()
        for name in got[1].seconds:  # the background run drew no progress: show its counts now
            progress.start(name, got[1].done)
            progress.advance(got[1].done)
            progress.finish()


class _Background:
    """A call run in a daemon thread (the workers do the work; the thread only waits on them)."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._out: Any = None
        self._exc: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name="newsprism-ahead", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple) -> None:
        try:
            self._out = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            self._exc = exc

    def result(self) -> Any:
        self._thread.join()
        if self._exc is not None:
            raise self._exc
        return self._out


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
        self._order: dict[str, None] = {}  # the stories this run touched, in the order it touched them
        self._saved: dict[str, str] = {}  # story id -> its record as read, to write only what changed
        self._state: dict[str, Any] = {}
        self.last_stories: dict[str, Story] = {}  # the stories of the last chunk, as it committed them

    def chunk(self, batch: list[Article], done: _Kept, ahead: Ahead | None = None) -> None:
        try:
            self._chunk(batch, done, ahead)
        except BaseException:
            self._seen = -1  # the stories and state in memory may hold the failed chunk's changes: read them again
            raise

    def _chunk(self, batch: list[Article], done: _Kept, ahead: Ahead | None) -> None:
        # what the chunk starts from (the actor book, caches, stories kept from the last chunk) is left out of the
        # collector's walks while the chunk runs (``gc_policy``)
        with fewer_collections(freeze=True):
            self._chunk_in(batch, done, ahead)

    def _chunk_in(self, batch: list[Article], done: _Kept, ahead: Ahead | None) -> None:
        store = self.store
        self.last_stories = {}
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
                self._state = store.get_state()
            # Stories are read by id when a stage first asks for one; only those are compared and written back.
            self._saved = {}
            stories = _StoryView(self.store.get_stories, self._remember)
            batch_hashes = {a.content_hash for a in batch}
            # Re-processed articles leave the stories they were in; clustering places them again.
            batch_ids = {a.id for a in batch}
            stored = store.get_articles_by_id(batch_ids)
            for k in sorted({a.story for a in stored.values() if a.story}):
                if k in stories:
                    stories[k].articles = [i for i in stories[k].articles if i not in batch_ids]
                    if not stories[k].articles:
                        del stories[k]
            reads = _ArticleReads(store, batch_hashes)
            corpus = Corpus(articles=batch, stories=stories, prior_articles=lambda: store.iter_articles(batch_hashes),
                            state=self._state, articles_by_id=reads, heads_by_id=reads.heads,
                            dedup_index=StoredIndex(store), cluster_index=store.cluster_index(),
                            compare_rows=StoredUnits(store))
            stats = run_stages(corpus, self.stages, executor=self.executor, progress=self.progress, ahead=ahead)
            store.upsert_articles(corpus.articles)
            for a in corpus.articles:
                for err in a.errors:
                    store.record_error(a.source or a.id, a.id, err)
            self._write_stories(corpus.stories)
            for k in corpus.stories:
                self._order.setdefault(k, None)
            # the actors the chunk's comparisons resolved join the actor book, in the same unit of work
            actor_book.remember(store, [rec for s in corpus.stories.values() if any(i in batch_ids for i in s.articles)
                                        for rec in s.comparison.get("actors", [])])
            store.put_state(dict(corpus.state))
            self._seen = store.log_chunk(self.id, len(corpus.articles))
        # Committed: only now do the processed versions replace the ingested ones in the result.
        for a in corpus.articles:
            done.hold(a.content_hash, a)
        self.last_stories = {k: corpus.stories[k] for k in corpus.stories}
        self.new += len(corpus.articles)
        self.chunks += 1
        self.stats.articles += stats.articles
        self.stats.failed += stats.failed
        for k, v in stats.seconds.items():
            self.stats.seconds[k] = self.stats.seconds.get(k, 0.0) + v

    @property
    def last_seq(self) -> int:
        """The sequence number of the last chunk this run committed (-1: none, or its stories must be read again)."""
        return self._seen

    @property
    def story_order(self) -> list[str]:
        return list(self._order)

    def _remember(self, key: str, story: Story) -> None:
        self._saved[key] = _dump(story)  # the story as read, to write it back only if it changed

    def _write_stories(self, stories: dict[str, Story]) -> None:
        """Write the stories this chunk changed and delete the ones it dropped; every other story stays as stored
        (a concurrent run's stories are never overwritten by a stale copy)."""
        # a story this chunk made is written as it is; one it read is written only if it changed
        changed = [k for k, s in stories.items() if k not in self._saved or self._saved[k] != _dump(s)]
        gone = [k for k in self._saved if k not in stories]
        self.store.put_stories(stories[k] for k in changed)
        self.store.delete_stories(gone)
        self._saved = {}  # read again by the next chunk


class _ArticleReads:
    """Stored articles by id for one chunk's stages, each read once (syndication, compare and timeline all want the
    members of the stories the chunk touched); ``heads`` reads them without text and annotations, for what stages
    need of members whose words they do not read (``cluster.members``)."""

    def __init__(self, store: Store, exclude_hashes: set[str]):
        self.store, self.exclude = store, exclude_hashes
        self._got: dict[str, Article] = {}  # in the order read: oldest stored first within each read
        self._absent: set[str] = set()
        self._heads: dict[str, Article] = {}
        self._rank: dict[str, int] = {}  # the order ids were first read in (whole or as heads)

    def __call__(self, ids: Iterable[str]) -> dict[str, Article]:
        ids = set(ids)
        want = ids - self._got.keys() - self._absent
        if want:
            got = self.store.get_articles_by_id(want, exclude_hashes=self.exclude)
            self._got.update(got)
            self._ranked(got)
            self._absent |= want - got.keys()
        return {k: a for k, a in self._got.items() if k in ids}

    def heads(self, ids: Iterable[str]) -> dict[str, Article]:
        """Heads of these ids; one read whole already is given whole (it is the chunk's copy, stages may have
        annotated it)."""
        ids = set(ids)
        want = ids - self._got.keys() - self._heads.keys() - self._absent
        if want:
            got = self.store.get_article_heads_by_id(want, exclude_hashes=self.exclude)
            self._heads.update(got)
            self._ranked(got)
            self._absent |= want - got.keys()
        found = sorted((k for k in ids if k in self._got or k in self._heads), key=self._rank.__getitem__)
        return {k: self._got.get(k) or self._heads[k] for k in found}

    def _ranked(self, got: dict[str, Article]) -> None:
        for k in got:
            self._rank.setdefault(k, len(self._rank))


class _StoryView(MutableMapping[str, Story]):
    """The stored stories as a mapping, read by id on first use. Iterating covers only the stories read or set so
    far in this chunk: no stage walks the whole archive's stories."""

    def __init__(self, load: Callable[[list[str]], dict[str, Story]],
                 remember: Callable[[str, Story], None] | None = None):
        self._load = load
        self._remember = remember  # told of each story the first time it is handed out
        self._data: dict[str, Story] = {}
        self._absent: set[str] = set()  # known not to be stored, or deleted in this chunk
        self._ahead: dict[str, Story] = {}  # read by ``read_ahead``, not asked for yet

    def read_ahead(self, keys: Iterable[str]) -> None:
        """Read these stories in one go (a stage about to ask for many). Each is handed out, and so enters the
        view, only when first asked for: the order stories enter the view in (the job's story order) is the same."""
        want = sorted({k for k in keys if k not in self._data and k not in self._absent and k not in self._ahead})
        if want:
            got = self._load(want)
            self._ahead.update(got)
            self._absent.update(k for k in want if k not in got)

    def __getitem__(self, key: str) -> Story:
        if key in self._data:
            return self._data[key]
        if key in self._absent:
            raise KeyError(key)
        got = self._ahead.pop(key) if key in self._ahead else self._load([key]).get(key)
        if got is None:
            self._absent.add(key)
            raise KeyError(key)
        if self._remember is not None:
            self._remember(key, got)
        self._data[key] = got
        return got

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __setitem__(self, key: str, value: Story) -> None:
        self._data[key] = value
        self._absent.discard(key)
        self._ahead.pop(key, None)

    def __delitem__(self, key: str) -> None:
        self[key]
        del self._data[key]
        self._absent.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


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


def write_outputs(out_dir: Path, result: JobResult, store: Store, executor: Executor | None = None) -> list[Path]:
    """articles.jsonl, stories.jsonl and the static report (index.html and one page per story; rendered by the
    ``executor``'s workers when it has any)."""
    from newsprism.report import write_site_pages

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "articles.jsonl", out_dir / "stories.jsonl"]
    at: dict[str, int] = {}  # article id -> its position in the result (a later one with the same id wins)
    with open(paths[0], "w", encoding="utf-8") as fh:
        for i, a in enumerate(result.articles):
            fh.write(json.dumps(a.to_record(), ensure_ascii=False) + "\n")
            at[a.id] = i
    wanted = False
    with open(paths[1], "w", encoding="utf-8") as fh:
        for s in result.stories:
            fh.write(json.dumps(s.to_record(), ensure_ascii=False) + "\n")
            wanted = wanted or any(i not in at for i in s.articles)
    stored: dict[str, Article] = {}  # members stored by earlier runs
    if wanted:
        for s in result.stories:
            for a in store.iter_articles(story=s.id):
                if a.id not in at:
                    stored.setdefault(a.id, a)
    # one story's members at a time: the pages never need the whole run in memory. A page lists its members in
    # the order of the run's articles, then the stored ones (the order of one mapping of them all, as it was).
    rank = {aid: n for n, aid in enumerate(list(at) + [k for k in stored if k not in at])}
    pages = ((s, _Members(s, result.articles, at, stored, rank)) for s in result.stories)
    paths += write_site_pages(out_dir, pages, executor=executor)
    return paths


class _Members(Mapping[str, Article]):
    """A story's member articles: this run's (read from the result once each) and those stored earlier."""

    def __init__(self, story: Story, articles: Sequence[Article], at: dict[str, int], stored: dict[str, Article],
                 rank: dict[str, int]):
        ids = sorted({aid for aid in story.articles if aid in rank}, key=rank.__getitem__)
        self._got = {aid: articles[at[aid]] if aid in at else stored[aid] for aid in ids}

    def __getitem__(self, key: str) -> Article:
        return self._got[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._got)

    def __len__(self) -> int:
        return len(self._got)


def story_articles(store: Store, story: Story) -> dict[str, Article]:
    """The member articles of a stored story, by id."""
    return {a.id: a for a in store.iter_articles(story=story.id)}
