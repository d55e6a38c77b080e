"""The main job: read inputs, run the default stages, store, and write the outputs. Every face calls this."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.model import Article, Story
from newsprism.pipeline import Corpus, Executor, Progress, RunStats, run_stages
from newsprism.stages import Options, default_stages
from newsprism.store import Store


@dataclass
class JobResult:
    articles: list[Article]  # one per input article, in input order (new and already known)
    stories: list[Story]  # the stories these articles belong to
    new: int = 0  # articles processed in this run (the others were already stored unchanged)
    stats: RunStats = field(default_factory=RunStats)
    outputs: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[Article]:
        return [a for a in self.articles if not a.ok]


def run_job(inputs: Iterable[str], store: Store, *, options: Options | None = None, out_dir: Path | None = None,
            executor: Executor | None = None, progress: Progress | None = None, refresh: bool = False,
            allow_private: bool = False) -> JobResult:
    """Ingest ``inputs``, process what the store does not already hold, and write ``out_dir`` if given.

    Re-running the same inputs is idempotent: an article whose content hash is stored (without errors) is taken from
    the store instead of being processed again, unless ``refresh``.
    """
    from newsprism.ingest import read_inputs

    options = options or Options()
    ingested = _once(read_inputs(list(inputs), allow_private=allow_private))
    for a in ingested:
        a.verbatim = options.verbatim
    stored = store.get_articles_by_hash(a.content_hash for a in ingested if a.content_hash)
    if refresh:
        stored = {}
    batch = [a for a in ingested if not (a.content_hash in stored and stored[a.content_hash].ok)]
    batch_hashes = {a.content_hash for a in batch}
    stories = {s.id: s for s in store.iter_stories()}
    if batch_hashes:
        # Re-processed articles leave the stories they were in; clustering places them again.
        batch_ids = {a.id for a in batch}
        for s in stories.values():
            s.articles = [i for i in s.articles if i not in batch_ids]
        stories = {k: s for k, s in stories.items() if s.articles}
    corpus = Corpus(articles=batch, stories=stories, prior_articles=lambda: store.iter_articles(batch_hashes),
                    state=store.get_state())
    stats = run_stages(corpus, default_stages(options), executor=executor, progress=progress)
    store.upsert_articles(corpus.articles)
    for a in corpus.articles:
        for err in a.errors:
            store.record_error(a.source or a.id, a.id, err)
    store.replace_stories(corpus.stories.values())
    store.put_state(dict(corpus.state))

    done = {a.content_hash: a for a in corpus.articles}
    articles = [done.get(a.content_hash) or stored.get(a.content_hash) or a for a in ingested]
    story_ids = {a.story for a in articles if a.story}
    result = JobResult(articles=articles, stories=[s for s in corpus.stories.values() if s.id in story_ids],
                       new=len(batch), stats=stats)
    if out_dir is not None:
        result.outputs = write_outputs(Path(out_dir), result, store)
    return result


def _once(articles: Iterable[Article]) -> list[Article]:
    """The same input named twice (same id, same content) is one article."""
    seen: set[str] = set()
    out = []
    for a in articles:
        if a.content_hash and a.content_hash in seen:
            continue
        seen.add(a.content_hash)
        out.append(a)
    return out


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
