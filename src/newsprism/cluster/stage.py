"""Corpus stages: ``ClusterStage`` puts every article in a story; ``TimelineStage`` lays each story out in time.

The clustering itself lives in ``online.py`` (no I/O); this module turns articles into features, keeps the index in
``corpus.state["cluster"]`` between runs, names stories stably, and fills ``model.Story``.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from newsprism.cluster.features import ArticleFeatures, article_features, day_number, dot
from newsprism.cluster.online import Doc, OnlineClusterer, Params
from newsprism.cluster.timeline import build_timeline
from newsprism.model import Article, Story
from newsprism.pipeline import Corpus

STATE_KEY = "cluster"
ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})


def _hash(a: Article) -> str:
    return a.content_hash or hashlib.sha256((a.text or a.id).encode("utf-8", "surrogatepass")).hexdigest()


def features_of(a: Article, use_light_names: bool = True) -> ArticleFeatures:
    return article_features(a.text or "", a.title, a.entities, a.published, use_light_names=use_light_names)


def _first_sentence(text: str, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    m = re.search(r"(?<=[.!?])\s", text)
    s = text[: m.start()] if m else text
    return s if len(s) <= limit else s[: limit - 1].rsplit(" ", 1)[0] + "…"


class ClusterStage:
    name = "cluster"
    requires = frozenset({"text", "entities", "duplicate_of"})
    assigns = frozenset({"story", "stories"})
    scope = "corpus"

    def __init__(self, params: Params | Mapping | None = None, use_light_names: bool = True):
        self.params = params if isinstance(params, Params) else Params.from_dict(params)
        self.use_light_names = use_light_names
        # The live index of the last run and the state dict it was saved into: a later run handed that very dict
        # (a long-lived process streaming batches) goes on from the live index instead of re-reading the state.
        self._live: tuple[dict, OnlineClusterer] | None = None

    def __getstate__(self) -> dict:
        return {"params": self.params, "use_light_names": self.use_light_names, "_live": None}

    def __setstate__(self, d: dict) -> None:
        self.params, self.use_light_names, self._live = d["params"], d["use_light_names"], None

    # ---- index state ---------------------------------------------------------------------------------------
    def _load(self, corpus: Corpus) -> OnlineClusterer:
        state = corpus.state.get(STATE_KEY)
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
            cl.seed(cl.vectorise(a.id, feats[a.id]), a.story)
        return cl

    # ---- the stage -----------------------------------------------------------------------------------------
    def __call__(self, corpus: Corpus) -> None:
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
        for a in originals:
            feats[a.id] = features_of(a, self.use_light_names)
        for a in originals:
            if a.id in cl.members:
                f = feats[a.id]
                if cl.forget(a.id, cl.vectorise(a.id, f)):
                    cl.uncount(f)
        # Count the whole batch before weighing any of it, so the weights do not depend on arrival order.
        for f in feats.values():
            cl.count(f)
        order = sorted(originals, key=lambda a: (day_number(a.published) or 0, _hash(a), a.id))
        for a in order:
            cl.add(cl.vectorise(a.id, feats[a.id]))
        cl.refine([a.id for a in order])
        for a in order:
            root = self._root(a, by_id, cl)
            if root != a.id and root in cl.members:
                cl.move(a.id, cl.members[root])

        self._name_fresh(cl, by_id)
        for a in batch:
            a.story = cl.members.get(a.id)
        self._update_stories(corpus, cl, batch, prior_story)
        cl.docs.clear()
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
        """Stories started in this run get an id from the smallest content hash among their members: the same
        input gives the same ids whatever the order it arrived in."""
        for key in sorted(cl.fresh):
            members = cl.by_story.get(key, set())
            hashes = sorted(_hash(by_id[m]) for m in members if m in by_id) or [hashlib.sha256(key.encode()).hexdigest()]
            base = "s" + hashes[0][:12]
            new, k = base, 1
            while new in cl.stories and new != key:
                k += 1
                new = f"{base}-{k}"
            cl.rename(key, new)

    def _update_stories(self, corpus: Corpus, cl: OnlineClusterer, batch: list[Article],
                        prior_story: Mapping[str, str]) -> None:
        stories = corpus.stories
        batch_ids = {a.id for a in batch}
        # Articles that moved away from (or were re-clustered out of) an earlier story leave its list.
        for aid in batch_ids:
            old = prior_story.get(aid)
            if old and old in stories and cl.members.get(aid) != old:
                st = stories[old]
                st.articles = [x for x in st.articles if x != aid]
                for actor in st.actors:
                    actor["articles"] = [x for x in actor.get("articles", []) if x != aid]
        for key in cl.dropped:
            if key not in cl.stories:
                stories.pop(key, None)
        touched: dict[str, list[Article]] = {}
        for a in batch:
            if a.story:
                touched.setdefault(a.story, []).append(a)
        for key, arts in touched.items():
            st = stories.get(key) or Story(id=key)
            stories[key] = st
            was_empty = not st.articles
            have = set(st.articles)
            for a in arts:
                if a.id not in have:
                    have.add(a.id)
                    st.articles.append(a.id)
            st.outlets = sorted(set(st.outlets) | {a.outlet for a in arts if a.outlet})
            dates = [d for d in [st.first_published, st.last_published] + [a.published for a in arts] if d]
            if dates:
                dated = sorted(dates, key=lambda d: (day_number(d) or 0, d))
                st.first_published, st.last_published = dated[0], dated[-1]
            st.actors = _merge_actors(st.actors, arts)
            if not st.title or key in cl.fresh or was_empty:
                st.title = self._title(cl, key, arts) or st.title

    @staticmethod
    def _title(cl: OnlineClusterer, key: str, arts: list[Article]) -> str:
        """The title of the member closest to the story's centre (its first sentence when untitled)."""
        stats = cl.stories.get(key)
        best, best_s = None, -1.0
        for a in sorted(arts, key=lambda a: a.id):
            doc: Doc | None = cl.docs.get(a.id)
            s = dot(doc.text, stats.text) if doc is not None and stats is not None else 0.0
            s += 1.0 if a.title else 0.0  # a real title beats any first sentence
            if s > best_s:
                best, best_s = a, s
        if best is None:
            return ""
        return (best.title or "").strip() or _first_sentence(best.text)


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
        if need:
            for a in corpus.prior_articles():
                if a.id in need:
                    arts[a.id] = a
        for st in todo:
            st.timeline = build_timeline([arts[aid] for aid in st.articles if aid in arts], st.comparison)

