"""The compare stage: fills ``story.comparison`` for every story touched by this batch."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from newsprism.executors.local import LocalExecutor
from newsprism.knowledge.actors import ActorBook, record_of
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus

from .align import align
from .cache import ArticleCache, process_cache
from .framing import framing, framing_groups
from .outlets import representatives
from .voices import story_voices

SCHEMA_VERSION = 1


def recurring_clauses(stories: Iterable[Story], articles: Mapping[str, Article], *,
                      cache: ArticleCache | None = None) -> set[str]:
    """Clause keys found in articles of two or more stories from two or more outlets: page furniture (teasers,
    related-story lists, slogans) that a site wraps around unrelated articles, never a fact of one story.
    ``cache`` keeps each text's clause keys for the next call."""
    cache = cache if cache is not None else ArticleCache(0)
    where: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for st in stories:
        for aid in st.articles:
            a = articles.get(aid)
            if a is None or not a.ok or not a.text:
                continue
            for key in cache.clause_keys(a.text):
                where[key].add((st.id, a.outlet or a.url or a.id))
    return {k for k, seen in where.items() if len({s for s, _ in seen}) >= 2}


def compare_story(story: Story, articles: Mapping[str, Article], furniture: Collection[str] = (), *,
                  book: ActorBook | None = None, cache: ArticleCache | None = None) -> dict:
    """The comparison of one story; ``articles`` must hold the story's member articles (others are ignored);
    ``furniture`` holds clause keys recurring across unrelated stories (``recurring_clauses``); ``book`` the actors
    known before (by default this process's, see ``knowledge.actors.ActorBook.default``); ``cache`` keeps each
    member's story-free work for later comparisons (the result is the same with or without it)."""
    members = {aid: articles[aid] for aid in story.articles if aid in articles and articles[aid].ok}
    outlet_by_article, copies = representatives(members)
    speakers, share, unattributed, anonymous, actors = story_voices(members, outlet_by_article, book=book)
    facts = align(members, outlet_by_article, furniture, **({"prepare": cache.units} if cache is not None else {}))
    counts = {s: sum(f["status"] == s for f in facts) for s in ("agreed", "differs", "single-source")}
    outlets: dict[str, list[str]] = {}
    for aid, o in sorted(outlet_by_article.items()):
        outlets.setdefault(o, []).append(aid)
    # an outlet's side, for framing between sides: the side most of its attributed quotes speak for (half or more)
    side_of = {o: side for o, sh in share.items() if sh for side in [max(sh, key=sh.get)]
               if sh[side] >= 0.5 and side not in ("unknown", "other", "")}
    return {"schema": SCHEMA_VERSION, "outlets": outlets, "voices": speakers, "voice_share": share,
            "unattributed_quotes": unattributed, "anonymous": anonymous,
            "actors": [r.to_dict() for r in map(record_of, actors) if r is not None],
            "facts": facts, "counts": counts, "framing": framing(members, outlet_by_article),
            "framing_sides": framing_groups(members, outlet_by_article, side_of),
            "syndicated": copies}


class CompareStage:
    name = "compare"
    scope = "corpus"
    requires = frozenset({"stories", "quotes", "claims", "entities", "duplicate_of"})
    assigns = frozenset({"comparison"})

    def __init__(self, cache: ArticleCache | None = None) -> None:
        # one cache per stage, so per job: the next chunk's comparisons reuse this chunk's prepared members
        self.cache = cache if cache is not None else ArticleCache()

    def __getstate__(self) -> dict:
        return {}  # shipped to a worker, the stage leaves its cache behind (workers keep their own)

    def __setstate__(self, state: dict) -> None:
        self.cache = process_cache()

    def __call__(self, corpus: Corpus) -> None:
        batch = {a.id: a for a in corpus.articles}
        touched = [s for s in corpus.stories.values() if any(aid in batch for aid in s.articles)]
        if not touched:
            return
        needed = {aid for s in touched for aid in s.articles} - set(batch)
        known: dict[str, Article] = dict(batch)
        known.update(corpus.prior_by_id(needed))
        furniture = recurring_clauses(touched, known, cache=self.cache)
        # The book is read once here (not once per story) and handed to every comparison, in this process or a
        # worker's: a worker has not read the store's actors, and all must see the same book.
        book = ActorBook.default()
        executor = corpus.executor
        if executor is None or isinstance(executor, LocalExecutor) or len(touched) < 2:
            for story in touched:
                story.comparison = compare_story(story, known, furniture, book=book, cache=self.cache)
            return
        # Each story's comparison is independent of the others': groups of stories go to the workers with their
        # member articles, and come back as the comparison plus the quotes it resolved (speakers are written back
        # on the quotes, which the articles here must carry too).
        work = [(s, {aid: known[aid] for aid in s.articles if aid in known}) for s in touched]
        n = max(1, min(len(work), 4 * getattr(executor, "workers", 2)))
        groups = [work[i::n] for i in range(n)]
        task = _CompareGroup(furniture, book)
        for group, results in zip(groups, executor.map(task, groups)):
            for (story, _members), (comparison, quotes) in zip(group, results):
                story.comparison = comparison
                for aid, qs in quotes.items():
                    known[aid].quotes = qs


class _CompareGroup:
    """Compares a group of stories in a worker; returns, per story, the comparison and its members' quotes."""

    def __init__(self, furniture: Collection[str], book: ActorBook):
        self.furniture, self.book = furniture, book

    def __call__(self, group: list[tuple[Story, dict[str, Article]]]) -> list[tuple[dict, dict[str, list]]]:
        out = []
        for story, members in group:
            comparison = compare_story(story, members, self.furniture, book=self.book, cache=process_cache())
            out.append((comparison, {aid: a.quotes for aid, a in members.items()}))
        return out
