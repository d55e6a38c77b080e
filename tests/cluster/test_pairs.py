"""The same-event model over pairs of groups: halves of one event stay together, the same kind of event with other
people, places and days comes apart, and the clusterer uses it to split and to merge."""
from __future__ import annotations

from newsprism.cluster.features import article_features
from newsprism.cluster.online import OnlineClusterer, Params, group_of
from newsprism.cluster.pairs import FEATURES, WEIGHTS, features, same_event

# Two arrests of players of one team for the same offence, weeks apart: shared team, city, offence and framing.
BRIX = ["Harbor City Gulls receiver Tom Brix was arrested on suspicion of drunk driving on January 6, police said.",
        "Gulls wide receiver Tom Brix arrested for DUI in Harbor City on January 6, days before the playoff game.",
        "Police in Harbor City stopped Tom Brix of the Gulls on January 6 and arrested him on a drunk driving charge.",
        "Tom Brix, the Gulls receiver, says he is innocent of the DUI charge filed after his January 6 arrest.",
        "The Gulls will let Tom Brix play on Sunday after his January 6 arrest for drunk driving in Harbor City."]
MENDER = ["Harbor City Gulls tackle Lou Mender was arrested on suspicion of drunk driving on February 17, police said.",
          "Gulls nose tackle Lou Mender arrested for DUI in Harbor City on February 17, the team confirmed.",
          "Police in Harbor City stopped Lou Mender of the Gulls on February 17 and booked him on a DUI charge.",
          "Lou Mender, the Gulls tackle, was released on bail after his February 17 arrest for drunk driving.",
          "The Gulls said they are aware of Lou Mender's February 17 arrest in Harbor City and will say no more."]


def _docs(texts: dict[str, str]):
    cl = OnlineClusterer(Params())
    feats = {k: article_features(t) for k, t in texts.items()}
    for f in feats.values():
        cl.count(f)
    return cl, {k: cl.vectorise(k, f) for k, f in feats.items()}


def test_features_and_weights_line_up():
    cl, docs = _docs({"a": BRIX[0], "b": BRIX[1]})
    assert len(features(group_of([docs["a"]]), group_of([docs["b"]]), cl.name_df.idf)) == len(FEATURES) \
        == len(WEIGHTS)


def test_halves_of_one_event_outscore_two_arrests():
    texts = {f"b{i}": t for i, t in enumerate(BRIX)} | {f"m{i}": t for i, t in enumerate(MENDER)}
    cl, docs = _docs(texts)
    brix = [docs[f"b{i}"] for i in range(5)]
    mender = [docs[f"m{i}"] for i in range(5)]
    one = cl.same_event(group_of(brix[:2]), group_of(brix[2:]))
    two = cl.same_event(group_of(brix), group_of(mender))
    assert one > 0.5 > two


def test_shared_days_count_for_the_same_event():
    cl, docs = _docs({"a": BRIX[0], "b": BRIX[2], "c": MENDER[2]})
    x_same = features(group_of([docs["a"]]), group_of([docs["b"]]), cl.name_df.idf)
    x_other = features(group_of([docs["a"]]), group_of([docs["c"]]), cl.name_df.idf)
    i = FEATURES.index("date_share")
    assert x_same[i] == 1.0 and x_other[i] == 0.0
    assert same_event(x_same) > same_event(x_other)


def _cluster(params: Params) -> list[list[str]]:
    texts = {f"b{i}": t for i, t in enumerate(BRIX)} | {f"m{i}": t for i, t in enumerate(MENDER)}
    cl = OnlineClusterer(params)
    feats = {k: article_features(t) for k, t in texts.items()}
    for f in feats.values():
        cl.count(f)
    for k in sorted(feats):
        cl.add(cl.vectorise(k, feats[k]))
    cl.refine(sorted(feats))
    groups: dict[str, list[str]] = {}
    for k in sorted(feats):
        groups.setdefault(cl.members[k], []).append(k)
    return sorted(groups.values())


# The older tests (names one group always carries and the other never; leave-one-out separation) switched off, so
# that only the model decides.
_NO_OLD_SPLIT = dict(contrast_min=99, split_ratio=0.0)


def test_model_splits_two_arrests_the_online_pass_glued():
    glued = dict(threshold=0.01, join_floor=0.01, **_NO_OLD_SPLIT)
    assert len(_cluster(Params(**glued, pair_split=0.0))) == 1
    assert _cluster(Params(**glued)) == [[f"b{i}" for i in range(5)], [f"m{i}" for i in range(5)]]


def test_model_merges_fragments_of_one_event_only():
    # Every article starts its own story and the older merge test never fires: only the final pass can merge.
    apart = dict(threshold=0.99, join_floor=0.99, join_margin=0.0, merge_threshold=2.0, merge_ratio=99.0,
                 **_NO_OLD_SPLIT)
    without = _cluster(Params(**apart, pair_merge=1.0))
    got = _cluster(Params(**apart))
    assert all(len({k[0] for k in g}) == 1 for g in got)  # never one arrest with the other
    assert len(got) < len(without)
