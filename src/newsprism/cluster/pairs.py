"""Whether two groups of articles report one event: evidence features of a pair of groups and a fitted model. No I/O.

A group is known through its sums (the sum of its members' unit vectors for body words, name words and title words),
its size and how many of its members carry each name word (``presence``): exactly what a story keeps, so the same
test applies to two halves of a story being split, to two stories of this run, and to a new story against a closed
story of an earlier run whose members are no longer at hand.

Features (event identity first, framing second):
- average link: the mean similarity of an article of one group to an article of the other (``dot(SA, SB) / nA nB``),
  absolute and relative to how close the groups' members are among themselves (a loose story of many framings
  accepts a loosely matching group, a tight one of copies does not);
- centroid cosines of body and names (title words count in the body);
- core names missing: of the names most members of one group carry (who, where, and the days named), the weighted
  share the other group never mentions (Jackson's arrest vs Williams's arrest: "Williams" is in every article of one
  and in none of the other);
- days named: the share of the days either group names that both name, and whether they share none (the same
  kind of event on other dates);
- numbers: the cosine of the number words only (magnitudes, tolls, counts tell two earthquakes apart).

The gap between the groups' publication days is not a feature (the training set has no publication dates): callers
weigh it as they weigh a single article's, by the clusterer's time factor. Sizes are not features either: sampled
pairs would teach the model the sampler's sizes, not the news.

The weights are fitted by logistic regression on ECB+ train only (``benchmarks/cluster_fit.py``) and shipped here as
numbers: no model is fitted or downloaded at run time.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from newsprism.cluster.features import DATE_PREFIX, dot

FEATURES = ("avg_text", "rel_text", "avg_names", "rel_names", "cos_text", "cos_names",
            "miss_max", "miss_min", "date_conflict", "date_share", "num_cos")

# Fitted on ECB+ train by benchmarks/cluster_fit.py (see there for the command); order as FEATURES, then intercept.
WEIGHTS: tuple[float, ...] = (11.9339, 5.7459, 5.2976, 0.1099, -10.6706, 1.9065, -0.5053, -2.6072, -0.3901, 10.2388,
                               3.0127)
INTERCEPT: float = -5.1190

# Mean pairwise similarity assumed for a group of one (its own spread is unknown): about that of a story's members.
_WITHIN_DEFAULT = 0.3


class Group(Protocol):
    text: Mapping[str, float]
    names: Mapping[str, float]
    title: Mapping[str, float]
    text2: float
    names2: float
    title2: float
    n: int
    d0: int | None
    d1: int | None
    presence: Mapping[str, int]


def _cos(a: Mapping[str, float], a2: float, b: Mapping[str, float], b2: float, ab: float | None = None) -> float:
    """Cosine of two sums with squared norms ``a2``, ``b2`` (``ab``: their dot product, when already known)."""
    if a2 <= 1e-12 or b2 <= 1e-12:
        return 0.0
    return max(0.0, (dot(a, b) if ab is None else ab) / math.sqrt(a2 * b2))


def _within(s2: float, n: int) -> float | None:
    """Mean pairwise similarity inside a group from its sum: |S|^2 = n + 2 * (sum of pairwise similarities)."""
    if n < 2:
        return None
    return max(0.0, (s2 - n) / (n * (n - 1)))


def _relative(avg: float, wa: float | None, wb: float | None) -> float:
    known = [w for w in (wa, wb) if w is not None]
    within = sum(known) / len(known) if known else _WITHIN_DEFAULT
    return min(3.0, avg / max(within, 0.05))


def _core(g: Group) -> list[str]:
    """Names most of the group's members carry (all of a single article's names)."""
    need = max(1.0, 0.5 * g.n) if g.n < 3 else max(2.0, 0.5 * g.n)
    return [w for w, c in g.presence.items() if c >= need]


def _missing(a: Group, b: Group, weight: Callable[[str], float], core: tuple | None = None) -> float:
    core, weights, total = core or _core_weights(a, weight)
    if not core:
        return 0.0
    gone = sum(x for w, x in zip(core, weights) if w not in b.presence)
    return gone / total if total > 0 else 0.0


def _core_weights(g: Group, weight: Callable[[str], float]) -> tuple[list[str], list[float], float]:
    core = _core(g)
    weights = [weight(w) for w in core]
    return core, weights, sum(weights)


def _summary(g: Group, weight: Callable[[str], float], memo: dict | None) -> tuple:
    """What ``features`` reads of one group alone (core names and their weights, days named, number words and their
    squared norm), computed once per state of the group when a ``memo`` is given: a group's ``ver`` changes with its
    sums (the memo keeps the group itself, so its id is not reused while the entry lives)."""
    ver = getattr(g, "ver", None)
    if memo is not None and ver is not None:
        got = memo.get(id(g))
        if got is not None and got[0] is g and got[1] == ver:
            return got[2]
    kept = getattr(g, "nums", None)  # a story's number words, when it keeps them up to date (the same dict)
    if kept is not None:
        nums = dict(kept)
    else:
        nums = _numbers(g.text)
        if hasattr(g, "nums"):
            g.nums = dict(nums)
    out = (_core_weights(g, weight), _dates(g), nums, sum(x * x for x in nums.values()))
    if memo is not None and ver is not None:
        memo[id(g)] = (g, ver, out)
    return out


def _dates(g: Group) -> set[str]:
    """Days a fair share of the group names, as month-day (an undated article's "May 7" has no year)."""
    need = max(1.0, 0.25 * g.n)
    kept = getattr(g, "dates", None)  # its day words with their counts, when it keeps them (a split's groups)
    if kept is not None:
        return {w[-5:] for w, c in kept.items() if c >= need and w[-3] == "-"}
    return {w[-5:] for w, c in g.presence.items() if w.startswith(DATE_PREFIX) and c >= need and w[-3] == "-"}


def is_number(w: str) -> bool:
    """Whether a word is a number word (the words ``_numbers`` keeps)."""
    return (w < ":" or w >= "\x80") and w[:1].isdigit()


def _numbers(v: Mapping[str, float]) -> dict[str, float]:
    # A word below ":" or from U+0080 up is the only kind that can start with a digit: the string comparisons (in C)
    # skip the method call for the plain words, which are most of a group's sum.
    return {w: x for w, x in v.items() if (w < ":" or w >= "\x80") and w[:1].isdigit()}


def features(a: Group, b: Group, weight: Callable[[str], float], memo: dict | None = None) -> list[float]:
    """The evidence that groups ``a`` and ``b`` report one event, in the order of ``FEATURES``.

    ``weight`` gives a name word's weight (its rarity): missing rare names count more than missing common ones.
    ``memo``: a dict kept by the caller while ``weight`` does not change (see ``_summary``)."""
    sa, sb = _summary(a, weight, memo), _summary(b, weight, memo)
    na, nb = max(1, a.n), max(1, b.n)
    dot_t, dot_n = dot(a.text, b.text), dot(a.names, b.names)
    avg_t = dot_t / (na * nb)
    avg_n = dot_n / (na * nb)
    rel_t = _relative(avg_t, _within(a.text2, na), _within(b.text2, nb))
    rel_n = _relative(avg_n, _within(a.names2, na), _within(b.names2, nb))
    ma, mb = _missing(a, b, weight, sa[0]), _missing(b, a, weight, sb[0])
    da, db = sa[1], sb[1]
    both = bool(da and db)
    # Jaccard, not overlap with the smaller set: a follow-up names the first event's day too (background), and its own
    # days that the other group never names are what tell it apart.
    share = len(da & db) / len(da | db) if both else 0.0
    num = _cos(sa[2], sa[3], sb[2], sb[3])
    return [avg_t, rel_t, avg_n, rel_n,
            _cos(a.text, a.text2, b.text, b.text2, dot_t), _cos(a.names, a.names2, b.names, b.names2, dot_n),
            max(ma, mb), min(ma, mb), 1.0 if both and share == 0 else 0.0, share, num]


def same_event(x: Sequence[float], weights: Sequence[float] | None = None, intercept: float | None = None) -> float:
    """Probability that a pair with features ``x`` reports one event (the fitted logistic model)."""
    w = WEIGHTS if weights is None else weights
    b = INTERCEPT if intercept is None else intercept
    if not w:
        return 0.0
    z = b + sum(wi * xi for wi, xi in zip(w, x))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
