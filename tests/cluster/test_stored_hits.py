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
            want = _brute(query, postings, 4, lambda key: key not in gone)
            if got is None:  # the kept best ran out: the caller sums again
                assert len(hits.best) == 12 and not hits.complete
                assert sum(1 for _, key in hits.best if key not in gone) < 4
            else:
                assert got == want


def test_says_so_when_the_kept_ones_run_out_and_not_when_all_are_kept():
    postings = {"a": ["x", "y", "z"], "b": ["y"]}
    query = [("a", 1.0), ("b", 1.0)]
    few = StoredHits(query, postings, keep=2)
    assert few.best == [(-2.0, "y"), (-1.0, "x")] and not few.complete
    assert few.top(2, lambda key: key != "y") is None  # z may still count: only the two best were kept
    every = StoredHits(query, postings, keep=5)
    assert every.complete
    assert every.top(2, lambda key: key != "y") == [("x", 1.0), ("z", 1.0)]
    assert every.top(5, lambda key: False) == []
