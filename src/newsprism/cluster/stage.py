"""Corpus stages: ``ClusterStage`` puts every article in a story; ``TimelineStage`` lays each story out in time.

The clustering itself lives in ``online.py`` (no I/O); this module turns articles into features, keeps the index in
``corpus.state["cluster"]`` between runs, names stories stably, and fills ``model.Story``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from newsprism.cluster.features import ArticleFeatures, article_features, day_number, dot
from newsprism.cluster.online import Doc, OnlineClusterer, Params
from newsprism.cluster.timeline import build_timeline
from newsprism.cluster.titles import article_title
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus
from newsprism.store.state_rows import ROWS_MARK

STATE_KEY = "cluster"
ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})


def _hash(a: Article) -> str:
    return a.content_hash or hashlib.sha256((a.text or a.id).encode("utf-8", "surrogatepass")).hexdigest()


def features_of(a: Article, use_light_names: bool = True) -> ArticleFeatures:
    return article_features(a.text or "", a.title, a.entities, a.published, use_light_names=use_light_names,
                            outlet=a.outlet)


def _record_extra(a: Article, root: str, title: tuple[str, str, bool] | None = None) -> list:
    """What the index keeps of a member besides its counts: sort key, title material, copy root, outlet, date.
    ``title``: ``article_title`` of the article when already worked out."""
    head, extract, about = title if title is not None else article_title(a.title, a.text)
    return [_hash(a), head, extract, root, a.outlet, a.published, about]


class ClusterStage:
    name = "cluster"
    requires = frozenset({"text", "entities", "duplicate_of"})
    assigns = frozenset({"story", "stories"})
    scope = "corpus"
    # An article's features and title material depend on it alone: a job works them out in the workers with its
    # nlp (``pipeline.Corpus.prepared``), and the clusterer only weighs and places them.
    prepare_reads = frozenset({"text", "title", "entities", "published", "outlet"})

    def __init__(self, params: Params | Mapping | None = None, use_light_names: bool = True,
                 keep_unchanged: bool = True):
        self.params = params if isinstance(params, Params) else Params.from_dict(params)
        self.use_light_names = use_light_names
        # Earlier articles that re-examination left in the story they were in stay as stored: they are not brought
        # into the chunk (re-stored, their stories compared again for them). False brings in every re-examined
        # article (the reference the tests compare against).
        self.keep_unchanged = keep_unchanged
        # The live index of the last run and the state dict it was saved into: a later run handed that very dict
        # (a long-lived process streaming batches) goes on from the live index instead of re-reading the state.
        self._live: tuple[dict, OnlineClusterer] | None = None
        self.reexamined = 0  # earlier articles the last run clustered again with its batch

    def __getstate__(self) -> dict:
        return {"params": self.params, "use_light_names": self.use_light_names, "_live": None,
                "keep_unchanged": self.keep_unchanged}

    def __setstate__(self, d: dict) -> None:
        self.params, self.use_light_names, self._live = d["params"], d["use_light_names"], None
        self.keep_unchanged = d.get("keep_unchanged", True)

    # ---- index state ---------------------------------------------------------------------------------------
    def _load(self, corpus: Corpus) -> OnlineClusterer:
        state = corpus.state.get(STATE_KEY)
        source = corpus.cluster_index
        if source is not None and isinstance(state, dict) and state.get(ROWS_MARK):
            # The index lives in the store's rows: start from its scalars and read only what this chunk needs.
            return OnlineClusterer(self.params, state, source=source)
        if self._live is not None and state is self._live[0]:
            cl = self._live[1]
            cl.start_run()
            return cl
        if state and all(k in state.get("stories", {}) for k in corpus.stories):
            return OnlineClusterer(self.params, state)
        # No usable saved index (first run, or stories stored without it): rebuild it from the stored articles.
        cl = OnlineClusterer(self.params)
        prior = [a for a in corpus.prior_articles() if a.ok and a.story]
        feats = {a.id: features_of(a, self.use_light_names) for a in prior}
        for f in feats.values():
            cl.count(f)
        for a in prior:
            cl.seed(cl.vectorise(a.id, feats[a.id], _record_extra(a, a.duplicate_of or a.id)), a.story)
        return cl

    def prepare_article(self, a: Article) -> tuple[ArticleFeatures, tuple[str, str, bool]]:
        """What this stage works out from one article alone: its features and its title material."""
        return features_of(a, self.use_light_names), article_title(a.title, a.text)

    # ---- the stage -----------------------------------------------------------------------------------------
    def __call__(self, corpus: Corpus) -> None:
        source = corpus.cluster_index
        ready = corpus.prepared.get(self.name, {})
        cl = self._load(corpus)
        batch = corpus.ok_articles
        prior_story = {a.id: cl.members[a.id] for a in batch if a.id in cl.members}

        # An article seen before is clustered again from scratch (re-runs stay idempotent).
        feats: dict[str, ArticleFeatures] = {}
        # The same id twice in one batch (one file given twice) is one article: later ones follow the first.
        first_of: dict[str, Article] = {}
        for a in batch:
            first_of.setdefault(a.id, a)
        by_id: Mapping[str, Article] = first_of
        # Copies are clustered on their words like any article (they are coverage too, and their names count when
        # a story is checked for two events), then made to follow their source.
        originals = list(first_of.values())
        titles: dict[str, tuple[str, str, bool]] = {}
        for a in originals:
            got = ready.get((a.id, a.content_hash))
            if got is None:
                feats[a.id] = features_of(a, self.use_light_names)
            else:
                feats[a.id], titles[a.id] = got
        # Read lazily: the member rows (and stories) of these articles and of their sources, and the frequencies of
        # their words (nothing when the whole index is in memory).
        cl.load_members([a.id for a in originals] + [a.duplicate_of for a in originals if a.duplicate_of])
        cl.prepare(feats.values())
        for a in originals:
            if a.id in cl.members:
                f = feats[a.id]
                if cl.forget(a.id, cl.vectorise(a.id, f)):
                    cl.uncount(f)
        # Count the whole batch before weighing any of it, so the weights do not depend on arrival order.
        for f in feats.values():
            cl.count(f)
        docs = [cl.vectorise(a.id, feats[a.id], _record_extra(a, self._root(a, by_id, cl), titles.get(a.id)))
                for a in originals]
        # Re-examination: the open stories this batch could join are dissolved and their members clustered again
        # with the batch, in one order that depends on the articles only (day, content hash).
        cl.prefetch(docs)
        before = dict(cl.members)
        pool = docs + cl.reopen(docs)
        self.reexamined = len(pool) - len(docs)  # earlier articles clustered again (the cost of order independence)
        pool.sort(key=lambda d: (d.day or 0, d.record[4][0], d.id))
        for d in pool:
            cl.add(d)
        cl.refine([d.id for d in pool])
        for d in pool:
            root = d.record[4][3]
            if root != d.id and root in cl.members:
                cl.move(d.id, cl.members[root])
        self._name_fresh(cl, by_id)
        for a in batch:
            a.story = cl.members.get(a.id)
        # Earlier articles that re-examination moved to another story are re-stored with it (and compared again);
        # the others stay as stored. An article's story before is the one re-examination dissolved (its members are
        # known whenever they were read), else the one it had when the batch was placed.
        was = {m: key for key, ms in cl.reopened.items() for m in ms}
        was = {d.id: was.get(d.id, before.get(d.id)) for d in pool if d.id not in by_id}
        moved = {i for i, old in was.items() if not self.keep_unchanged or cl.members.get(i) != old}
        loaded = self._load_prior(corpus, moved)
        for a in loaded:
            prior_story[a.id] = was[a.id]
            a.story = cl.members.get(a.id)
        corpus.articles.extend(loaded)
        self._update_stories(corpus, cl, batch + loaded, prior_story, {a.id for a in loaded})
        cl.close_stale()
        cl.docs.clear()
        if source is not None:
            # Rows: write what this run changed (all of it when the index was rebuilt in memory), keep the scalars.
            # (only this stage reads the rows: they are written while the workers compare, ``Corpus.defer``)
            full = cl.source is None
            delta = cl.delta(full=full)
            corpus.defer(lambda: source.write(delta, full=full))
            corpus.state[STATE_KEY] = cl.scalars()
            self._live = None
            return
        state = corpus.state.get(STATE_KEY)
        if isinstance(state, dict) and (self._live is not None and state is self._live[0]
                                        or state.get("version") == 1 and "stories" in state):
            cl.save(state)
        else:
            state = {}
            cl.save(state, full=True)
            corpus.state[STATE_KEY] = state
        self._live = (state, cl)

    @staticmethod
    def _load_prior(corpus: Corpus, ids: set[str]) -> list[Article]:
        return list(corpus.prior_by_id(ids).values())

    @staticmethod
    def _root(a: Article, by_id: Mapping[str, Article], cl: OnlineClusterer) -> str:
        """The original at the end of a chain of copies (this batch's or an earlier run's), or ``a`` itself."""
        cur, seen = a, {a.id}
        while cur.duplicate_of and cur.duplicate_of not in seen:
            src = cur.duplicate_of
            seen.add(src)
            if src in by_id:
                cur = by_id[src]
            elif src in cl.members:
                return src
            else:
                break
        return cur.id

    def _name_fresh(self, cl: OnlineClusterer, by_id: Mapping[str, Article]) -> None:
        """Stories started in this run take the id of the reopened story they overlap most (each id once, larger
        overlaps first), so a story that did not change keeps its id; the others get an id from the smallest content
        hash among their members: the same input gives the same ids whatever the order it arrived in."""
        pairs = []
        for key in cl.fresh:
            members = cl.by_story.get(key, set())
            for old, was in cl.reopened.items():
                if old not in cl.stories:
                    common = len(members & was)
                    if common:
                        pairs.append((-common, old, key))
        taken: set[str] = set()
        for _, old, key in sorted(pairs):
            if key in taken or old in cl.stories:
                continue
            taken.add(key)
            cl.rename(key, old)
        for key in sorted(cl.fresh - set(cl.reopened)):
            members = cl.by_story.get(key, set())
            hashes = sorted(cl.docs[m].record[4][0] for m in members if m in cl.docs and cl.docs[m].record)
            hashes = hashes or [hashlib.sha256(key.encode()).hexdigest()]
            base = "s" + hashes[0][:12]
            new, k = base, 1
            while new != key and cl.exists(new):
                k += 1
                new = f"{base}-{k}"
            cl.rename(key, new)

    def _update_stories(self, corpus: Corpus, cl: OnlineClusterer, batch: list[Article],
                        prior_story: Mapping[str, str], earlier: Collection[str] = ()) -> None:
        """Bring ``corpus.stories`` in line with the index: lists of every story this run changed are rebuilt from
        the index's membership (earlier order kept, new members appended), outlets and dates from the member
        records, actors from the articles at hand. ``earlier``: stored articles brought into this run; one that
        stays in its story was counted in its actors when it joined, and is not counted again."""
        stories = corpus.stories
        arts_by_story: dict[str, list[Article]] = {}
        for a in batch:
            if a.story:
                arts_by_story.setdefault(a.story, []).append(a)
        read_ahead = getattr(stories, "read_ahead", None)
        if read_ahead is not None:
            # Stories read from a store: read every one this pass asks for in one go, not one query each.
            read_ahead({key for key in cl.dropped if key not in cl.stories} | set(arts_by_story)
                       | (cl.fresh & set(cl.stories)) | {old for old in prior_story.values() if old in cl.stories})
        for key in cl.dropped:
            if key not in cl.stories:
                stories.pop(key, None)
        changed = set(arts_by_story) | (cl.fresh & set(cl.stories))
        # Stories that only lost members (to re-examination or to a re-processed article).
        changed |= {old for old in prior_story.values() if old in stories and old in cl.stories}
        for key in sorted(changed):
            st = stories.get(key) or Story(id=key)
            stories[key] = st
            was_empty = not st.articles
            members = cl.by_story.get(key, set())
            complete = cl.complete(key)

            def stays(x: str, key: str = key, members: set = members, complete: bool = complete) -> bool:
                # A story read lazily and closed is known only through the members this run touched: an article
                # it had stays unless the run placed it elsewhere.
                if complete or cl.knows(x):
                    return x in members
                return True

            kept = [x for x in st.articles if stays(x)]
            st.articles = kept + sorted(members - set(kept))
            gone = {aid for aid, old in prior_story.items() if old == key and aid not in members}
            for actor in st.actors:
                actor["articles"] = [x for x in actor.get("articles", []) if stays(x) and x not in gone]
            records = [cl.docs[m].record[4] for m in members if m in cl.docs and cl.docs[m].record]
            arts = [a for a in arts_by_story.get(key, []) if not (a.id in earlier and prior_story.get(a.id) == key)]
            if complete and len(records) == len(members):
                st.outlets = sorted({r[4] for r in records if r[4]})
                dates = [r[5] for r in records if r[5]]
            else:  # a closed story gaining articles: add to what it had
                st.outlets = sorted(set(st.outlets) | {a.outlet for a in arts if a.outlet})
                dates = [d for d in [st.first_published, st.last_published] + [a.published for a in arts] if d]
            if dates:
                dated = sorted(dates, key=lambda d: (day_number(d) or 0, d))
                st.first_published, st.last_published = dated[0], dated[-1]
            st.actors = [x for x in _merge_actors(st.actors, arts) if x["articles"]]
            if not st.title or key in cl.fresh or was_empty:
                st.title = self._title(cl, key) or st.title
        for key in list(stories):
            if not cl.by_story.get(key) and not cl.exists(key):
                stories.pop(key, None)

    @staticmethod
    def _title(cl: OnlineClusterer, key: str) -> str:
        """The headline of the member closest to the story's centre, headlines about their article first; when no
        member has a headline, the extract of the most central member's first reporting sentence. Ties go by id
        (deterministic)."""
        stats = cl.stories.get(key)
        if stats is None:
            return ""
        ranked = []
        for doc_id in cl.by_story.get(key, ()):
            doc = cl.docs.get(doc_id)
            if doc is None or not doc.record:
                continue
            extra = doc.record[4]
            head, extract, about = extra[1], extra[2], bool(extra[6]) if len(extra) > 6 else bool(extra[1])
            rank = 0 if head and about else 1 if head else 2
            ranked.append((rank, -dot(doc.text, stats.text), doc_id, head or extract))
        for *_, title in sorted(ranked):
            if title:
                return title
        return ""


def _merge_actors(actors: list[dict[str, Any]], arts: Iterable[Article], keep: int = 20) -> list[dict[str, Any]]:
    """Who and where the story is about: entities of actor and place types, ranked by how many articles name them."""
    by_name: dict[str, dict[str, Any]] = {}
    for actor in actors:
        by_name[actor["name"].lower()] = {**actor, "articles": list(actor.get("articles", []))}
    for a in arts:
        for e in a.entities:
            if e.type not in ACTOR_TYPES or not e.name:
                continue
            key = e.name.lower()
            cur = by_name.setdefault(key, {"name": e.name, "type": e.type, "title": e.title,
                                           "affiliation": e.affiliation, "articles": []})
            cur["title"] = cur.get("title") or e.title
            cur["affiliation"] = cur.get("affiliation") or e.affiliation
            if a.id not in cur["articles"]:
                cur["articles"].append(a.id)
    ranked = sorted(by_name.values(), key=lambda x: (-len(x["articles"]), x["name"]))
    return [x for x in ranked if x["articles"]][:keep]


class TimelineStage:
    name = "timeline"
    requires = frozenset({"stories", "comparison"})
    assigns = frozenset({"timeline"})
    scope = "corpus"

    def __call__(self, corpus: Corpus) -> None:
        batch = {a.id: a for a in corpus.articles}
        touched = {a.story for a in corpus.articles if a.story}
        todo = [st for st in corpus.stories.values() if st.id in touched or not st.timeline]
        if not todo:
            return
        arts = dict(batch)
        need = {aid for st in todo for aid in st.articles if aid not in arts}
        # copies read after their source carry no quote it did not: they come as heads (``members``)
        arts.update(corpus.prior_members(need, batch, todo))
        for st in todo:
            st.timeline = build_timeline([arts[aid] for aid in st.articles if aid in arts], st.comparison)

