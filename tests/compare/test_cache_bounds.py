"""The per-process compare memos hold at most their byte budget, however many articles go through them: the
estimate each entry is charged is not below what it really holds (measured with tracemalloc), and the memos
return what the functions they wrap compute."""
from __future__ import annotations

import gc
import random
import tracemalloc

from newsprism.bounded import lru_by_size, text_bytes
from newsprism.compare import actors as compare_actors
from newsprism.compare import framing
from newsprism.compare.align import align
from newsprism.compare.cache import ArticleCache
from newsprism.compare.outlets import representatives
from newsprism.model import Article

_NAMES = ["Anna Keller", "Rafael Ortiz", "the harbour authority", "Mayor Lina Berg", "the union", "Chief Omar Hale"]
_PLACES = ["Dunmore", "Port Ellis", "Varna Bay", "the old quarter", "Kestrel Hill"]
_THINGS = ["ferries", "buses", "bridges", "schools", "clinics", "warehouses", "pumps"]
_VERBS = ["closed", "repaired", "inspected", "reopened", "flooded", "evacuated"]


def _text(seed: int, sentences: int = 24) -> str:
    rnd = random.Random(seed)
    out = []
    for _ in range(sentences):
        out.append(f"{rnd.choice(_NAMES).capitalize()} said {rnd.randint(2, 900)} {rnd.choice(_THINGS)} in "
                   f"{rnd.choice(_PLACES)} were {rnd.choice(_VERBS)} on day {rnd.randint(1, 28)}, while "
                   f"{rnd.choice(_NAMES)} added that \"the {rnd.choice(_THINGS)} of {rnd.choice(_PLACES)} will be "
                   f"{rnd.choice(_VERBS)} again\" (report {seed}-{rnd.randint(0, 10**6)}).")
    return " ".join(out)


def _held(fill) -> int:
    """Bytes still allocated after ``fill()`` returns (what the memo it filled keeps)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fill()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_lru_by_size_keeps_its_budget_and_the_recent_entries():
    calls = []

    @lru_by_size(10_000, lambda args, result: text_bytes(*args))
    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    texts = [f"{i:04d}" + "x" * 900 for i in range(100)]  # ~950 bytes each: ten fit
    for t in texts:
        assert shout(t) == t.upper()
    assert shout.cache.currsize <= 10_000 and len(shout.cache) < 11
    n = len(calls)
    assert shout(texts[-1]) == texts[-1].upper() and len(calls) == n, "a recent entry is kept"
    assert shout(texts[0]) == texts[0].upper() and len(calls) == n + 1, "the oldest was dropped"
    huge = "y" * 20_000
    assert shout(huge) == huge.upper() and huge not in [k[0] for k in shout.cache], "larger than the budget: not kept"
    shout.cache_clear()
    assert shout.cache.currsize == 0


def test_article_cache_holds_no_more_than_its_budget():
    # four outlets per story repeating each other's sentences, so the comparisons cut phrases (kept on the entries)
    arts = []
    for story in range(6):
        base = _text(story, 16)
        for k in range(4):
            arts.append(Article(id=f"s{story}-{k}", outlet=f"Outlet {k}", text=_text(1000 + 10 * story + k, 4) + " "
                                + base))
    budget = 2_500_000

    def fill(cache: ArticleCache) -> None:
        for story in range(6):
            members = {a.id: a for a in arts[4 * story:4 * story + 4]}
            outlet_by_article, _ = representatives(members)
            align(members, outlet_by_article, (), prepare=cache.units)

    fill(ArticleCache(0))  # the tables and word memos the comparison loads on first use, outside the measure
    cache = ArticleCache(budget)
    held = _held(lambda: fill(cache))
    assert len(cache) < len(arts), "the budget is smaller than the articles: some were dropped"
    assert 0 < cache.size <= budget
    assert any(pc.phrases is not None for units, _ in cache._entries.values() for _, pieces in units.clauses
               for pc in pieces), "the comparisons cut phrases on the kept entries"
    assert held <= budget, f"the cache holds {held:,} bytes, over its budget of {budget:,}"
    # the cached work is what a fresh computation gives
    members = {a.id: a for a in arts[-4:]}
    outlet_by_article, _ = representatives(members)
    assert align(members, outlet_by_article, (), prepare=cache.units) == align(members, outlet_by_article, ())


def test_text_memos_stay_within_their_budgets_on_a_stream_of_long_texts():
    texts = [_text(i, 200) for i in range(40)]  # ~40 KB each, 1.6 MB in all
    compare_actors._article_place(texts[0])  # the gazetteer, loaded on first use, outside the measure
    framing._words_of.cache_clear()
    compare_actors._article_place.cache_clear()
    words_budget = framing._words_of.cache.maxsize
    place_budget = compare_actors._article_place.cache.maxsize

    def fill() -> None:
        for t in texts:
            framing._words_of(t, ())
            compare_actors._article_place(t)

    held = _held(fill)
    assert framing._words_of.cache.currsize <= words_budget
    assert compare_actors._article_place.cache.currsize <= place_budget
    # what the memos keep (texts included: the list above is freed only after the measure) stays under the charges
    assert held <= framing._words_of.cache.currsize + compare_actors._article_place.cache.currsize + 2**20
    # a memo bounded at a few texts drops the older ones and keeps answering as the function does
    small = lru_by_size(3 * text_bytes(texts[0]), framing._words_cost)(framing._words_of.__wrapped__)
    for t in texts:
        assert small(t, ()) == framing._words_of(t, ())
    assert small.cache.currsize <= small.cache.maxsize and len(small.cache) <= 3


def test_the_person_key_memo_is_bounded_by_bytes_and_charges_what_it_holds():
    from newsprism.knowledge import actors as book

    # invented multi-word names: each asked name's keys run to kilobytes (every word pair times every length)
    names = [f"Alvaro{i:05d} Benedetti{i % 97:02d} Castellano{i:04d}" for i in range(3000)]
    book._person_keys.cache_clear()

    def fill() -> None:
        for n in names:
            book._person_keys(n, False)
            book._person_keys(n, True)

    held = _held(fill)
    assert book._person_keys.cache.currsize <= book._person_keys.cache.maxsize
    # the charges cover what the memo really keeps (the names are alive in the list, so they are not in ``held``)
    assert held <= book._person_keys.cache.currsize + 2**20
    # a memo bounded at a few entries answers as the function does
    small = lru_by_size(20_000, book._keys_cost)(book._person_keys.__wrapped__)
    for n in names[:50]:
        assert small(n, False) == book._person_keys(n, False)
    assert small.cache.currsize <= 20_000 and len(small.cache) < 50
