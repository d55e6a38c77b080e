"""``cluster.lazy.StoredHits``: a query's hits among stored postings, summed once and walked best first, must give
what summing the postings again at each look-up gives, whichever stories have since left the stored set."""
import random

from newsprism.cluster.lazy import StoredHits


def _brute(query, postings, k, counts):
    hits: dict[str, float] = {}
    for term, x in query:
        for key in postings[term]:
            if counts(key):
                hits[key] = hits.get(key, 0.0) + x
    return [(key, hits[key]) for key in sorted(hits, key=lambda w: (-hits[w], w))[:k]]


def test_top_matches_summing_again_as_stories_leave():
    rng = random.Random(7)
    stories = [f"s{i:03d}" for i in range(300)]
    for _ in range(40):
        terms = [f"w{i}" for i in range(rng.randint(1, 30))]
        postings = {t: rng.sample(stories, rng.randint(0, 60)) for t in terms}
        query = [(t, rng.choice([0.5, 0.25, rng.random()])) for t in terms]  # repeated weights make ties
        hits = StoredHits(query, postings, keep=12)
        gone: set[str] = set()
        for _ in range(20):
            gone |= set(rng.sample(stories, rng.randint(0, 15)))
            got = hits.top(4, lambda key: key not in gone)
            assert got == _brute(query, postings, 4, lambda key: key not in gone)
            assert len(hits.best) <= 12


def test_kept_ones_run_out_then_the_best_that_still_count_are_kept():
    postings = {"a": ["x", "y", "z", "w"], "b": ["y", "w"], "c": ["w"]}
    query = [("a", 1.0), ("b", 1.0), ("c", 0.5)]
    few = StoredHits(query, postings, keep=2)
    assert few.best == [(-2.5, "w"), (-2.0, "y")] and not few.complete
    # both kept ones stop counting: the rest are summed again, and only those that still count are kept
    assert few.top(2, lambda key: key not in ("w", "y")) == [("x", 1.0), ("z", 1.0)]
    assert few.best == [(-1.0, "x"), (-1.0, "z")] and few.complete
    assert few.top(2, lambda key: key not in ("w", "y", "x")) == [("z", 1.0)]
    assert StoredHits(query, postings, keep=1).top(2, lambda key: True) is None  # more asked for than kept
    every = StoredHits(query, postings, keep=5)
    assert every.complete
    assert every.top(2, lambda key: key != "y") == [("w", 2.5), ("x", 1.0)]
    assert every.top(5, lambda key: False) == []
