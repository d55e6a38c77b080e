"""The clusterer's shortcuts give exactly what the plain computation gives: kept scores, kept number words, the
two-means split decided on estimated dot products."""
from __future__ import annotations

import random

from newsprism.cluster.features import dot
from newsprism.cluster.online import (Doc, OnlineClusterer, StoryStats, _add_into, _add_sums, _heaviest_items,
                                      _sub_sums, _two_means, _unit, group_of)
from newsprism.cluster.pairs import _numbers


def _vec(rng: random.Random, words: list[str], n: int) -> dict[str, float]:
    return _unit({w: rng.random() + 0.01 for w in rng.sample(words, n)})


def _docs(seed: int, n: int) -> list[Doc]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)] + [str(i) for i in range(40)]  # number words among them
    names = [f"n{i}" for i in range(60)]
    return [Doc(f"d{i:03d}", _vec(rng, words, 25), _vec(rng, names, 5), _vec(rng, words, 3), 700000 + i % 5)
            for i in range(n)]


def test_kept_score_follows_the_story():
    docs = _docs(1, 8)
    cl = OnlineClusterer()
    st = StoryStats("s")
    for d in docs[:4]:
        _add_sums(st, d)
    probe = docs[5]
    first = cl.score(probe, st)
    assert cl.score(probe, st) == first  # kept
    _add_sums(st, docs[6])  # the story changed: scored again
    assert cl.score(probe, st) == cl._score(probe, st, False, None) != first
    st.d0 -= 30  # only its day span changed
    assert cl.score(probe, st) == cl._score(probe, st, False, None)
    assert cl.score(probe, st, leave_out=True) == cl._score(probe, st, True, None)


def test_number_words_kept_in_the_order_of_the_sum():
    docs = _docs(2, 30)
    g = group_of(docs[:10])
    rng = random.Random(3)
    inside = list(docs[:10])
    for _ in range(60):
        if inside and rng.random() < 0.5:
            d = inside.pop(rng.randrange(len(inside)))
            _sub_sums(g, d)
        else:
            d = rng.choice(docs)
            inside.append(d)
            _add_sums(g, d)
        assert list(g.nums.items()) == list(_numbers(g.text).items())


def _two_means_plain(docs: list[Doc], rounds: int = 6) -> tuple[list[str], list[str]]:
    """The split with every dot product computed exactly, as written before the estimates."""
    vecs = {d.id: {**d.text, **{"@" + w: x for w, x in d.names.items()}} for d in docs}
    if len(docs) <= 80:
        first, second = min(((x, y) for i, x in enumerate(docs) for y in docs[i + 1:]),
                            key=lambda p: (dot(vecs[p[0].id], vecs[p[1].id]), p[0].id, p[1].id))
    else:
        centre: dict[str, float] = {}
        for v in vecs.values():
            _add_into(centre, v, 1.0)
        first = min(docs, key=lambda d: (dot(vecs[d.id], centre), d.id))
        second = min(docs, key=lambda d: (dot(vecs[d.id], vecs[first.id]), d.id))
    ca, cb = dict(vecs[first.id]), dict(vecs[second.id])
    a: list[Doc] = []
    b: list[Doc] = []
    for _ in range(rounds):
        near = [dot(vecs[d.id], ca) >= dot(vecs[d.id], cb) for d in docs]
        a = [d for d, x in zip(docs, near) if x]
        b = [d for d, x in zip(docs, near) if not x]
        if not a or not b:
            break
        na: dict[str, float] = {}
        nb: dict[str, float] = {}
        for d in a:
            _add_into(na, vecs[d.id], 1.0)
        for d in b:
            _add_into(nb, vecs[d.id], 1.0)
        na, nb = _unit(na), _unit(nb)
        if na == ca and nb == cb:
            break
        ca, cb = na, nb
    return [d.id for d in a], [d.id for d in b]


def test_two_means_matches_exact_dot_products():
    for seed, n in ((4, 12), (5, 40), (6, 120)):
        docs = _docs(seed, n)
        a, b = _two_means(docs)
        assert ([d.id for d in a], [d.id for d in b]) == _two_means_plain(docs)


def test_two_means_ties_go_by_id():
    # Copies of two texts: every pair within a text ties, and the seeds must be the first ids, as exactly computed.
    base = _docs(7, 2)
    docs = [Doc(f"c{i:02d}", dict(base[i % 2].text), dict(base[i % 2].names), {}, None) for i in range(10)]
    a, b = _two_means(docs)
    assert ([d.id for d in a], [d.id for d in b]) == _two_means_plain(docs)
    assert {d.id for d in a} == {f"c{i:02d}" for i in range(0, 10, 2)}


def test_heaviest_items_are_the_plain_sort_with_its_ties():
    rng = random.Random(5)
    for n in (0, 3, 20, 21, 60, 300):
        # few distinct values: many ties at the cut, which keep the order of the dict
        v = {f"w{rng.randrange(10**6)}": rng.choice([0.1, 0.2, 0.25, 0.3, 0.5]) for _ in range(n)}
        for k in (0, 1, 15, 20, 400):
            assert _heaviest_items(v, k) == sorted(v.items(), key=lambda kv: -kv[1])[:k]
