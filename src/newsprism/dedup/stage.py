"""The dedup stage: marks exact, near and contained copies and groups the copies of one text across outlets."""
from __future__ import annotations

from newsprism.dedup.detect import Edge, Fingerprint, Params, classify, find_copies, fingerprint
from newsprism.dedup.index import keys_of
from newsprism.dedup.groups import UnionFind, group_id, origin_order
from newsprism.dedup.similarity import overlap
from newsprism.model import Article
from newsprism.pipeline import Corpus

_KIND_RANK = {"exact": 0, "near": 1, "contained": 2}


class DedupStage:
    name = "dedup"
    scope = "corpus"
    requires = frozenset({"text"})
    assigns = frozenset({"duplicate_of", "duplicate_kind", "syndication"})

    prepare_reads = frozenset({"text"})

    def __init__(self, params: Params | None = None):
        self.params = params or Params()

    def prepare_article(self, article: Article) -> Fingerprint:
        """An article's fingerprint, which depends on its text alone: worked out in the workers with its nlp."""
        return fingerprint(article.text, self.params)

    def __call__(self, corpus: Corpus) -> None:
        current = [a for a in corpus.articles if a.ok]
        for a in current:
            a.duplicate_of = a.duplicate_kind = a.syndication_group = None
        index = corpus.dedup_index
        if index is None:
            prior = [a for a in corpus.prior_articles() if a.ok and a.text]
            assign(prior, current, self.params)
            return
        # Only the stored texts sharing a lookup key with this batch are read (see dedup.index).
        ready = corpus.prepared.get(self.name, {})
        fps = [ready.get((a.id, a.content_hash)) or fingerprint(a.text, self.params) for a in current]
        keys = keys_of(fps, self.params)
        batch = {a.content_hash for a in corpus.articles}
        prior, prior_fps = index.candidates(keys, batch, self.params)
        assign(prior, current, self.params, current_fps=fps, prior_fps=prior_fps)
        kept = [(a, k, fp) for a, k, fp in zip(current, keys, fps) if a.text and a.content_hash]
        keys_by_hash = {a.content_hash: k for a, k, _ in kept}
        prints = {a.content_hash: fp for a, _, fp in kept}
        # only this stage reads the index: its rows are written while the workers compare (``Corpus.defer``)
        corpus.defer(lambda: index.replace(batch, keys_by_hash, self.params, prints=prints))


def assign(prior: list[Article], current: list[Article], params: Params | None = None,
           current_fps: list[Fingerprint] | None = None, prior_fps: list[Fingerprint] | None = None) -> list[Edge]:
    """Set ``duplicate_of``, ``duplicate_kind`` and ``syndication_group`` on ``current``; ``prior`` are articles of
    earlier runs (already marked, left unchanged). Returns the verified edges, by position in ``prior + current``.
    ``current_fps`` and ``prior_fps``: the fingerprints of ``current`` and ``prior`` when already taken (stored
    ones: ``prior`` need not carry their texts then)."""
    p = params or Params()
    members: list[Article] = prior + current
    n_prior = len(prior)
    fps = (prior_fps if prior_fps is not None else [fingerprint(a.text, p) for a in prior]) \
        + (current_fps or [fingerprint(a.text, p) for a in current])
    empty = {i for i, fp in enumerate(fps) if fp.blank}
    edges = [e for e in find_copies(fps, n_prior, p) if e.a not in empty and e.b not in empty]

    uf = UnionFind()
    first_in_group: dict[str, int] = {}
    for i, a in enumerate(prior):
        if a.syndication_group:
            uf.union(first_in_group.setdefault(a.syndication_group, i), i)
    best_edge: dict[int, str] = {}
    direct: dict[tuple[int, int], str] = {}
    for e in edges:
        uf.union(e.a, e.b)
        direct[(e.a, e.b)] = direct[(e.b, e.a)] = e.kind
        for k in (e.a, e.b):
            if k not in best_edge or _KIND_RANK[e.kind] < _KIND_RANK[best_edge[k]]:
                best_edge[k] = e.kind

    for comp in uf.components().values():
        if len(comp) < 2 or all(i < n_prior for i in comp):
            continue
        comp.sort()
        origin = comp[origin_order([members[i] for i in comp])[0]]
        gid = next((members[i].syndication_group for i in comp if i < n_prior and members[i].syndication_group),
                   None) or group_id(members[origin].id)
        for i in comp:
            if i < n_prior:
                continue
            a = members[i]
            a.syndication_group = gid
            if i == origin:
                continue
            kind = direct.get((i, origin))
            if kind is None:  # linked through another copy: say how it relates to the origin itself
                fa, fo = fps[i], fps[origin]
                kind = classify(overlap(fa.shingles, fo.shingles), fa.exact == fo.exact, p)
            a.duplicate_of = members[origin].id
            a.duplicate_kind = kind or best_edge.get(i, "near")
    return edges


class StorySyndicationStage:
    """Fills ``story.syndication`` with the groups of copies among each touched story's articles (origin first)."""

    name = "syndication"
    scope = "corpus"
    requires = frozenset({"stories", "syndication"})
    assigns = frozenset({"story_syndication"})

    def __call__(self, corpus: Corpus) -> None:
        from newsprism.dedup.groups import syndication_groups

        members: dict[str, list[Article]] = {a.story: [] for a in corpus.articles if a.ok and a.story}
        for a in corpus.articles:
            if a.ok and a.story in members:
                members[a.story].append(a)
        batch_ids = {a.id for a in corpus.articles}
        # Earlier runs' members are read only when a touched story has some, and only their heads: groups are
        # made of the marks dedup left, never of the words.
        need = {aid for s in members if s in corpus.stories for aid in corpus.stories[s].articles} - batch_ids
        for a in corpus.prior_heads(need).values():
            if a.ok and a.story in members and a.id not in batch_ids:
                members[a.story].append(a)
        for sid, arts in members.items():
            if sid in corpus.stories:
                corpus.stories[sid].syndication = syndication_groups(arts)
