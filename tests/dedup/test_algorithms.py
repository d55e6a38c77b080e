"""The pure modules: shingles, MinHash, overlap measures, candidate search, agency names, union-find."""
from __future__ import annotations

import numpy as np

from newsprism.dedup.detect import Params, find_copies, fingerprint
from newsprism.dedup.groups import UnionFind, agency_key, origin_order, outlet_keys, parse_time
from newsprism.dedup.minhash import LSHIndex, MinHasher, estimate_jaccard
from newsprism.dedup.shingles import exact_key, normalize, text_shingles, words
from newsprism.dedup.similarity import overlap
from newsprism.model import Article

def cut(text: str, share: float) -> str:
    w = text.split(" ")
    return " ".join(w[: int(len(w) * share)])


TEXT = ("The central bank raised its benchmark interest rate by a quarter of a percentage point on Wednesday, "
        "its third increase this year, citing stubborn inflation in services and a tight labour market. "
        "Officials signalled that further moves would depend on incoming data, and markets trimmed bets on a cut "
        "before the summer. The decision was unanimous, the bank said in a statement released after the meeting. "
        "Analysts had expected the move after figures last week showed core prices rising faster than forecast.")
OTHER = ("Heavy rain flooded low-lying streets in the port city overnight, forcing hundreds of residents to leave "
         "their homes as rivers burst their banks. Emergency crews used boats to reach families trapped on upper "
         "floors, and the regional government declared a state of emergency on Thursday morning.")


def test_normalisation_ignores_case_punctuation_and_spacing() -> None:
    assert exact_key(TEXT) == exact_key(TEXT.upper().replace(" ", "  ").replace(",", ""))
    assert words("China\u2019s \u201cbasic\u201d consensus") == ["china", "s", "basic", "consensus"]
    assert exact_key("China\u2019s \u201cbasic\u201d consensus \u2014 fine") == exact_key("CHINA'S basic CONSENSUS - fine")
    assert normalize("  Hello,\n  World! ") == "hello world"


def test_shingles_are_stable_sorted_and_unique() -> None:
    a, b = text_shingles(TEXT), text_shingles(TEXT)
    assert a.dtype == np.uint64 and np.array_equal(a, b)
    assert np.all(a[1:] > a[:-1])
    assert len(text_shingles("two words")) == 1 and len(text_shingles("")) == 0


def test_overlap_measures() -> None:
    a, half = text_shingles(TEXT), text_shingles(cut(TEXT, 0.5))
    ov = overlap(a, half)
    assert ov.containment == 1.0 and 0.3 < ov.jaccard < 0.7 and ov.coverage == ov.jaccard
    assert overlap(a, text_shingles(OTHER)).common == 0


def test_minhash_estimates_jaccard_and_lsh_finds_the_copy() -> None:
    mh = MinHasher(128)
    base = text_shingles(TEXT + " " + OTHER)
    edited = text_shingles(TEXT + " " + OTHER.replace("Thursday", "Friday"))
    sigs = mh.signatures([base, edited, text_shingles(OTHER)])
    true_j = overlap(base, edited).jaccard
    assert abs(estimate_jaccard(sigs[0], sigs[1]) - true_j) < 0.15
    assert np.array_equal(mh.signature(base), sigs[0])  # batching does not change a signature
    idx = LSHIndex(128, 32)
    idx.insert("base", sigs[0])
    assert idx.query(sigs[1]) == ["base"]


def test_find_copies_kinds_and_not_copies() -> None:
    p = Params()
    texts = [TEXT, TEXT.upper(), "Rates: what changed\n" + TEXT, cut(TEXT, 0.7), OTHER,
             TEXT + " " + OTHER]
    fps = [fingerprint(t, p) for t in texts]
    edges = {(e.a, e.b): e.kind for e in find_copies(fps, 0, p)}
    assert edges[(0, 1)] == "exact"
    assert edges.get((0, 2)) == "near" or edges.get((1, 2)) == "near"
    assert any(k == "contained" and 3 in pair for pair, k in edges.items())
    assert not any(4 in pair and 5 not in pair for pair in edges)  # the flood story copies nothing but itself


def test_incremental_only_reports_edges_touching_new_texts() -> None:
    p = Params()
    fps = [fingerprint(t, p) for t in (TEXT, TEXT.upper(), OTHER, OTHER + " Officials said.")]
    edges = find_copies(fps, first_new=2, params=p)
    assert all(e.b >= 2 for e in edges) and {(e.a, e.b) for e in edges} == {(2, 3)}


def test_agency_names_and_hosts() -> None:
    assert agency_key("The Associated Press") == agency_key("AP") == agency_key("apnews.com") == "ap"
    assert agency_key("www.reuters.com") == "reuters"
    assert outlet_keys("Xinhua News Agency", "https://english.news.cn/x.html") == {"xinhua"}
    assert agency_key("China Daily") == "china daily"


def test_origin_order_credit_then_time_then_input() -> None:
    copy = Article(id="copy", outlet="Local Herald", credit="AP", published="2025-01-01T08:00:00Z")
    ap = Article(id="ap", outlet="Associated Press", published="2025-01-01T09:00:00+00:00")
    late = Article(id="late", outlet="Other", published="2025-01-02")
    assert [[copy, ap, late][i].id for i in origin_order([copy, ap, late])] == ["ap", "copy", "late"]
    a, b = Article(id="a", published="2025-01-02"), Article(id="b", published="2025-01-01T23:00:00-05:00")
    # 23:00 at UTC-5 is 04:00 UTC on the 2nd: after a's midnight UTC, though its calendar date is earlier
    assert [[a, b][i].id for i in origin_order([a, b])] == ["a", "b"]
    c, d = Article(id="c"), Article(id="d")
    assert origin_order([c, d]) == [0, 1]
    assert parse_time("not a date") is None


def test_union_find() -> None:
    uf = UnionFind()
    uf.union(1, 2)
    uf.union(3, 4)
    uf.union(2, 4)
    uf.add(5)
    comps = sorted(sorted(c) for c in uf.components().values())
    assert comps == [[1, 2, 3, 4], [5]]
