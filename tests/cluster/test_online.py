"""The pure clustering modules, without the stage: features, online index, repair passes, state round trip."""
from __future__ import annotations

import json

from newsprism.cluster.features import DocFreq, article_features, day_number, light_names, terms, weigh
from newsprism.cluster.online import OnlineClusterer, Params
from newsprism.model import Entity


def test_terms_fold_plurals_and_drop_stopwords():
    t = terms("The earthquakes said: earthquake hit 6.1 cities in the city")
    assert t["earthquake"] == 2 and t["6.1"] == 1 and "the" not in t and "said" not in t


def test_light_names_skip_sentence_starts():
    n = light_names("Rescuers reached Christchurch. The mayor Bob Parker spoke.")
    assert set(n) == {"christchurch", "bob", "parker"}


def test_entity_names_lead_light_names():
    f = article_features("Tara Reid checked in.", entities=[Entity("e", "Tara Reid", "PERSON", mentions=[(0, 9)])])
    assert f.names["tara"] == 1 and f.names["reid"] == 1


def test_day_number_reads_dates_and_datetimes():
    assert day_number("2011-02-22") == day_number("2011-02-22T18:00:00Z") != None  # noqa: E711
    assert day_number(None) is None and day_number("yesterday") is None


def test_weigh_is_unit_length_and_caps():
    df = DocFreq()
    df.add(["a", "b"])
    v = weigh({"a": 3, "b": 1, "c": 1}, df, cap=2)
    assert len(v) == 2 and abs(sum(x * x for x in v.values()) - 1) < 1e-9


def _add(cl, doc_id, text, published=None):
    f = article_features(text, published=published)
    cl.count(f)
    return cl.add(cl.vectorise(doc_id, f))


def test_far_apart_in_time_starts_a_new_story():
    text = "Floods in Valencia: the Turia river broke its banks, Mayor Ana Lopez ordered evacuations."
    cl = OnlineClusterer(Params())
    a = _add(cl, "a", text, "2019-10-01")
    b = _add(cl, "b", text + " Again.", "2019-10-02")
    c = _add(cl, "c", text, "2024-10-01")
    assert a == b != c


def test_state_round_trip_keeps_clustering():
    cl = OnlineClusterer(Params())
    k = _add(cl, "a", "Klitschko beat Rahman in Mannheim to keep the IBF heavyweight title.")
    state = json.loads(json.dumps(cl.to_state()))
    cl2 = OnlineClusterer(Params(), state)
    assert cl2.members == {"a": k}
    assert _add(cl2, "b", "In Mannheim Klitschko stopped Rahman and kept his IBF heavyweight title.") == k


def test_split_pass_separates_two_events_glued_together():
    # Two bouts of one champion: glued by the shared words, told apart by the opponents' and venues' names.
    a = ["Klitschko stopped Rahman in Mannheim to retain the IBF heavyweight title, Rahman said he was tired.",
         "In Mannheim, Rahman was stopped by Klitschko; the IBF heavyweight title stays with Klitschko.",
         "Rahman lost to Klitschko at the SAP Arena in Mannheim, heavyweight belts retained by Klitschko.",
         "Klitschko beat Rahman in Mannheim and kept the heavyweight title, Rahman's trainer Lewis said."]
    b = ["Klitschko stopped Thompson in Bern to retain the IBF heavyweight title, Thompson said he was hurt.",
         "In Bern, Thompson was stopped by Klitschko; the IBF heavyweight title stays with Klitschko.",
         "Thompson lost to Klitschko at the Stade de Suisse in Bern, heavyweight belts retained by Klitschko.",
         "Klitschko beat Thompson in Bern and kept the heavyweight title, Thompson's trainer Sam said."]
    # contrast_rare is raised because in eight articles every name is "common"; the sentences are templated, so
    # names get more say in the 2-means split than they need with real copy.
    p = Params(threshold=0.05, contrast_docs=3, contrast_min=2, contrast_rare=0.6, split_name_weight=3.0)
    cl = OnlineClusterer(p)
    feats = {f"a{i}": article_features(t) for i, t in enumerate(a)} | {f"b{i}": article_features(t)
                                                                        for i, t in enumerate(b)}
    for f in feats.values():
        cl.count(f)
    for k in sorted(feats):
        cl.add(cl.vectorise(k, feats[k]))
    assert len({cl.members[k] for k in feats}) == 1  # the online pass glued them
    cl.refine(sorted(feats))
    groups = {}
    for k in feats:
        groups.setdefault(cl.members[k], set()).add(k[0])
    assert sorted(sorted(g) for g in groups.values()) == [["a"], ["b"]]


def test_posting_lists_are_capped():
    cl = OnlineClusterer(Params(posting_cap=10, threshold=0.99))
    for i in range(50):
        _add(cl, f"d{i}", f"Common words story number{i} unique{i}")
    assert max(len(v) for v in cl.index.values()) <= 10


def _docs(cl, texts, published=None):
    feats = {k: article_features(t, published=published) for k, t in texts.items()}
    for f in feats.values():
        cl.count(f)
    return {k: cl.vectorise(k, f, [k, "", "", k, None, published]) for k, f in feats.items()}


def test_a_copy_is_scored_out_of_the_story_it_would_prop_up():
    texts = {"a": "Floods in Valencia: the Turia river broke its banks and Mayor Ana Lopez ordered evacuations.",
             "b": "Valencia evacuated districts along the Turia after the river rose; Lopez said schools stay shut.",
             "c": "Rescuers in Valencia reached villages cut off by the Turia floods, the mayor Ana Lopez said.",
             "d": "Valencia evacuated districts along the Turia after the river rose; Lopez said schools stay shut!"}
    cl = OnlineClusterer(Params())
    docs = _docs(cl, texts)
    with_copy = OnlineClusterer(Params(), cl.to_state())
    st = with_copy.new_story()
    for k in ("a", "b", "c"):
        with_copy._attach(docs[k], st)
    alone = with_copy.new_story()
    for k in ("a", "c"):
        with_copy._attach(docs[k], alone)
    # "d" is a copy of "b": scored against the story holding "b", with "b" taken out, it sees only "a" and "c".
    assert abs(with_copy.score(docs["d"], st, without=[docs["b"]]) - with_copy.score(docs["d"], alone)) < 1e-9
    assert with_copy.score(docs["d"], st) > with_copy.score(docs["d"], alone)


def test_stale_stories_close_and_recent_ones_reopen():
    cl = OnlineClusterer(Params(open_days=7))
    old = _docs(cl, {"o1": "Storm Ciara flooded towns in Yorkshire, the Environment Agency said on Sunday.",
                     "o2": "Yorkshire towns flooded as Storm Ciara hit, the Environment Agency warned."}, "2020-02-09")
    for d in old.values():
        cl.add(d)
    key = cl.members["o1"]
    assert cl.members["o2"] == key and cl.stories[key].open
    state = json.loads(json.dumps(cl.to_state()))
    later = OnlineClusterer(Params(open_days=7), state)
    again = _docs(later, {"o3": "Storm Ciara: Yorkshire towns flooded again, the Environment Agency said."},
                  "2020-02-10")
    # A recent open story that the new article could join is dissolved and its members come back to be clustered.
    back = later.reopen(list(again.values()))
    assert sorted(d.id for d in back) == ["o1", "o2"] and key in later.reopened and key not in later.stories
    far = OnlineClusterer(Params(open_days=7), state)
    far.vectorise("x", article_features("Unrelated budget vote in Oslo.", published="2020-03-30"))
    far.close_stale()
    assert not far.stories[key].open  # a month later its member records are dropped; its sums stay


def test_stories_past_the_join_horizon_leave_the_index_and_come_back_with_news():
    cl = OnlineClusterer(Params())
    floor = min(cl.params.threshold, cl.params.join_floor)
    h = cl.horizon()
    days = int(h)
    assert cl.time_factor(1000 + days, 1000, 1000) >= floor > cl.time_factor(1000 + days + 1, 1000, 1000), \
        "the horizon is where the time factor alone falls below the lowest joining score"
    flood = "Floods in Valencia: the Turia river broke its banks, Mayor Ana Lopez ordered evacuations of Benimamet."
    old = _add(cl, "a", flood, "2019-10-01")

    def finds(published):
        probe = cl.vectorise("probe", article_features(flood, published=published))
        return old in cl.candidates(probe)

    _add(cl, "b", "Chess: Magnus Carlsen won the Norway Chess tournament in Stavanger on tiebreaks.", "2019-11-20")
    cl.close_stale()
    assert finds("2019-11-20"), "50 days on, an article could still join it: it stays in the index"
    _add(cl, "c", "Tennis: Naomi Osaka withdrew from the Beijing Open with a knee injury.", "2019-12-15")
    cl.close_stale()
    assert cl.retired(cl.stories[old]) and not any(old in lst for lst in cl.index.values())
    assert not finds("2019-12-15"), "75 days on, no article could join it: it is out of the index"
    assert cl.members["a"] == old and cl.stories[old].n == 1, "its sums and members are kept"
    # A copy of its article dated now brings it back into the news, and into the index.
    cl.join("a-copy", old, day_number("2019-12-15"))
    assert not cl.retired(cl.stories[old]) and finds("2019-12-15")
    # Undated stories never retire.
    undated = OnlineClusterer(Params())
    k = _add(undated, "x", flood)
    _add(undated, "y", "Tennis: Naomi Osaka withdrew from the Beijing Open with a knee injury.", "2030-01-01")
    undated.close_stale()
    assert any(k in lst for lst in undated.index.values())
