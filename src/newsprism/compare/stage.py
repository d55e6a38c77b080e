"""The compare stage: fills ``story.comparison`` for every story touched by this batch."""
from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping

from newsprism.executors.local import LocalExecutor
from newsprism.executors.window import pulled
from newsprism.gc_policy import fewer_collections
from newsprism.knowledge.actors import ActorBook, record_of
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus

from .align import ArticleUnits, align
from .cache import ArticleCache, furniture_keys, process_cache
from .framing import framing, framing_groups
from .outlets import representatives
from .unit_rows import dump_clauses, dump_units, load_units, row_key
from .voices import story_voices

SCHEMA_VERSION = 1

def recurring_clauses(stories: Iterable[Story], articles: Mapping[str, Article], *,
                      cache: ArticleCache | None = None, given: Mapping[str, frozenset[str]] | None = None,
                      taken: dict[str, frozenset[str]] | None = None) -> set[str]:
    """Clause keys found in articles of two or more stories from two or more outlets: page furniture (teasers,
    related-story lists, slogans) that a site wraps around unrelated articles, never a fact of one story.
    ``cache`` keeps each text's clause keys for the next call; ``given`` holds articles' keys already known (by
    id: stored rows), and ``taken`` receives the ones worked out here."""
    cache = cache if cache is not None else ArticleCache(0)
    given = given or {}
    where: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for st in stories:
        for aid in st.articles:
            a = articles.get(aid)
            if a is None or not a.ok or not a.text:
                continue
            keys = given.get(aid)
            if keys is None:
                keys = cache.clause_keys(a.text)
                if taken is not None:
                    taken[aid] = keys
            for key in keys:
                where[key].add((st.id, a.outlet or a.url or a.id))
    return {k for k, seen in where.items() if len({s for s, _ in seen}) >= 2}


def compare_story(story: Story, articles: Mapping[str, Article], furniture: Collection[str] = (), *,
                  book: ActorBook | None = None, cache: ArticleCache | None = None,
                  prepare: Callable[[Article], ArticleUnits] | None = None) -> dict:
    """The comparison of one story; ``articles`` must hold the story's member articles (others are ignored);
    ``furniture`` holds clause keys recurring across unrelated stories (``recurring_clauses``); ``book`` the actors
    known before (by default this process's, see ``knowledge.actors.ActorBook.default``); ``cache`` keeps each
    member's story-free work for later comparisons, ``prepare`` gives it (the result is the same either way)."""
    members = {aid: articles[aid] for aid in story.articles if aid in articles and articles[aid].ok}
    outlet_by_article, copies = representatives(members)
    speakers, share, unattributed, anonymous, actors = story_voices(members, outlet_by_article, book=book)
    if prepare is None and cache is not None:
        prepare = cache.units
    facts = align(members, outlet_by_article, furniture, **({"prepare": prepare} if prepare is not None else {}))
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
    # An article's furniture clause keys depend on its text alone: a job works them out in the workers with its nlp
    # (``pipeline.Corpus.prepared``) instead of here, one article after another, while the workers wait.
    prepare_reads = frozenset({"text"})

    def __init__(self, cache: ArticleCache | None = None) -> None:
        # one cache per stage, so per job: the next chunk's comparisons reuse this chunk's prepared members
        self.cache = cache if cache is not None else ArticleCache()

    def __getstate__(self) -> dict:
        return {}  # shipped to a worker, the stage leaves its cache behind (workers keep their own)

    def __setstate__(self, state: dict) -> None:
        self.cache = process_cache()

    def prepare_article(self, article: Article) -> frozenset[str]:
        return furniture_keys(article.text)

    def __call__(self, corpus: Corpus) -> None:
        with fewer_collections():
            self._compare(corpus)

    def _compare(self, corpus: Corpus) -> None:
        batch = {a.id: a for a in corpus.articles}
        touched = [s for s in corpus.stories.values() if any(aid in batch for aid in s.articles)]
        if not touched:
            return
        needed = {aid for s in touched for aid in s.articles} - set(batch)
        known: dict[str, Article] = dict(batch)
        # stored copies that stand in for their source come as heads: the comparison counts them under it
        known.update(corpus.prior_members(needed, batch, touched))
        # Stored members' story-free work is read from the store's rows where it was kept (``unit_rows``); what
        # this chunk works out is written there, in the chunk's unit of work.
        rows = corpus.compare_rows
        stored = [a for aid, a in known.items() if aid not in batch and a.ok and a.text]
        taken: dict[str, frozenset[str]] = {}
        given = rows.furniture(stored) if rows is not None else {}
        ready = corpus.prepared.get(self.name, {})
        # this chunk's articles whose keys the workers worked out: given, and taken as if worked out here
        ahead = {aid: keys for aid, a in batch.items() if a.ok and a.text
                 for keys in [ready.get((aid, a.content_hash))] if keys is not None}
        furniture = recurring_clauses(touched, known, cache=self.cache, taken=taken, given={**given, **ahead})
        in_touched = {aid for s in touched for aid in s.articles}
        taken.update({aid: keys for aid, keys in ahead.items() if aid in in_touched})
        # The book is read once here (not once per story) and handed to every comparison, in this process or a
        # worker's: a worker has not read the store's actors, and all must see the same book.
        book = ActorBook.default()
        executor = corpus.executor
        written: set[str] = set()

        def stored_units(stories: list[Story]) -> dict[str, str]:
            if rows is None:
                return {}
            return rows.rows([known[aid] for s in stories for aid in s.articles
                              if aid in known and aid not in batch and known[aid].ok and known[aid].text], "units")

        def keep(fresh: dict[str, str]) -> None:
            if rows is not None and fresh:
                rows.put({aid: (row_key(known[aid]), units, _clauses(known[aid], taken, self.cache))
                          for aid, units in fresh.items()})
                written.update(fresh)

        if executor is None or isinstance(executor, LocalExecutor) or len(touched) < 2:
            for story in touched:
                members = {aid: known[aid] for aid in story.articles if aid in known}
                story.comparison, fresh = _compare(story, members, furniture, book, self.cache,
                                                   stored_units([story]), rows is not None)
                keep(fresh)
        else:
            # Each story's comparison is independent of the others': groups of stories go to the workers with their
            # member articles and stored members' rows, and come back as the comparison, the quotes it resolved
            # (speakers are written back on the quotes, which the articles here must carry too) and the rows of
            # the members it prepared.
            work = [(s, {aid: known[aid] for aid in s.articles if aid in known}) for s in touched]
            groups = guided_groups(work, getattr(executor, "workers", 2))
            task = _CompareGroup(furniture, book, rows is not None)
            jobs = [(g, stored_units([s for s, _ in g])) for g in groups]
            # the workers compare while this process writes what earlier stages left for it (``Corpus.defer``)
            compared = pulled(executor.map(task, jobs))
            corpus.idle()
            for (group, _rows), results in zip(jobs, compared):
                for (story, _members), (comparison, quotes, fresh) in zip(group, results):
                    story.comparison = comparison
                    for aid, qs in quotes.items():
                        known[aid].quotes = qs
                    keep(fresh)
        # articles whose furniture keys were worked out here but which no comparison prepared
        if rows is not None:
            rest = {aid: (row_key(known[aid]), None, dump_clauses(keys)) for aid, keys in taken.items()
                    if aid not in written}
            if rest:
                rows.put(rest)


# Seconds per character of a story's member texts (compare's per-member work: clauses, units, voices), over
# seconds per character per member (its pairwise alignment), on 372 stories of 1 to 120 members of a 1,000-article
# run: about 150. A one-article story then weighs what it costs, not a hundredth of it.
_PER_MEMBER = 150


def _cost(members: Mapping[str, Article]) -> int:
    """A story's comparison cost, roughly: each member's text on its own, and against every other member's."""
    ok = [a for a in members.values() if a.ok and a.text]
    return (len(ok) + _PER_MEMBER) * sum(len(a.text) for a in ok)


def guided_groups(work: list[tuple[Story, dict[str, Article]]], workers: int
                  ) -> list[list[tuple[Story, dict[str, Article]]]]:
    """``work`` cut into tasks of decreasing cost for ``workers`` workers that each take the next task when free:
    the costliest stories first, each task about a ``2 × workers``-th of the cost still to hand out (never less than
    an ``8 × workers``-th of the whole), so the tasks shrink towards the end and the workers finish together instead
    of one waiting on the other's last large group. Which task a story is compared in changes nothing in its
    comparison."""
    costs = [_cost(m) for _, m in work]
    order = sorted(range(len(work)), key=lambda i: (-costs[i], i))
    total = remaining = sum(costs)
    floor = total / (8 * max(1, workers))
    groups: list[list[tuple[Story, dict[str, Article]]]] = []
    load = target = 0.0
    for i in order:
        if not groups or load + costs[i] > target:  # a task takes the next story only if it stays within its share
            groups.append([])
            load, target = 0.0, max(remaining / (2 * max(1, workers)), floor)
        groups[-1].append(work[i])
        load += costs[i]
        remaining -= costs[i]
    return groups


def _clauses(article: Article, taken: Mapping[str, frozenset[str]], cache: ArticleCache) -> str:
    keys = taken.get(article.id)
    return dump_clauses(keys if keys is not None else cache.clause_keys(article.text))


def _compare(story: Story, members: dict[str, Article], furniture: Collection[str], book: ActorBook,
             cache: ArticleCache, stored: Mapping[str, str], keep: bool) -> tuple[dict, dict[str, str]]:
    """``compare_story`` with stored members' work read from their rows (``stored``: id -> units JSON); returns the
    comparison and, when ``keep``, the rows (id -> units JSON) of the members it prepared afresh."""
    fresh: dict[str, ArticleUnits] = {}

    def prepare(a: Article) -> ArticleUnits:
        row = stored.get(a.id)
        if row is not None:
            return load_units(a, row)
        got = cache.units(a)
        fresh[a.id] = got
        return got

    comparison = compare_story(story, members, furniture, book=book, cache=cache, prepare=prepare)
    # written after the comparison: the phrases it cut are kept on the prepared clauses, and written with them
    return comparison, ({aid: dump_units(members[aid], u) for aid, u in fresh.items()} if keep else {})


class _CompareGroup:
    """Compares a group of stories in a worker; returns, per story, the comparison and its members' quotes.

    A pool pickles the task with every group it sends. The actor book it carries grows with the run (every actor
    learned so far: 2,467 records, a 2.2 MB pickle, at the second chunk of a 4,000-article run), so it is pickled
    once per task object and the bytes reused for every group; each worker unpickles them as before."""

    def __init__(self, furniture: Collection[str], book: ActorBook, keep: bool = False):
        self.furniture, self.book, self.keep = furniture, book, keep
        self._book_blob: bytes | None = None

    def __getstate__(self) -> dict:
        if self._book_blob is None:  # the book does not change while its chunk's comparisons run
            self._book_blob = pickle.dumps(self.book, protocol=pickle.HIGHEST_PROTOCOL)
        return {"furniture": self.furniture, "keep": self.keep, "book_blob": self._book_blob}

    def __setstate__(self, state: dict) -> None:
        self.furniture, self.keep = state["furniture"], state["keep"]
        self.book = pickle.loads(state["book_blob"])
        self._book_blob = None

    def __call__(self, job: tuple[list[tuple[Story, dict[str, Article]]], dict[str, str]]
                 ) -> list[tuple[dict, dict[str, list], dict[str, str]]]:
        group, stored = job
        out = []
        for story, members in group:
            comparison, fresh = _compare(story, members, self.furniture, self.book, process_cache(), stored,
                                         self.keep)
            out.append((comparison, {aid: a.quotes for aid, a in members.items()}, fresh))
        return out
