"""Facts across many outlets: tight groups, value slots with their spread, copies counted once, furniture, denials."""
from __future__ import annotations

import sys
from pathlib import Path

from newsprism.compare import CompareStage, compare_story
from newsprism.compare.align import tight_groups
from newsprism.compare.values import compatible, value_of
from newsprism.model import Article, Claim, Story
from newsprism.pipeline import Corpus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_helpers import all_spans, article, find, story  # noqa: E402


def _slotted(aid, outlet, text, values):
    """An article whose count claims carry the slot the nlp stage would read from the parse."""
    a = Article(id=aid, outlet=outlet, text=text)
    for sub, norm, slot in values:
        s, e = find(text, sub)
        a.claims.append(Claim(s, e, sub, "number", value=norm, normalized=norm,
                              slot={"predicate": None, "head": None, "negated": False, "attributed_to": None,
                                    "agent": None, **slot}))
    return a


def _facts(comp, status=None):
    return [f for f in comp["facts"] if status in (None, f["status"])]


def test_tight_groups_never_chain_through_an_intermediary():
    # a~b and b~c are close, a and c are not: no group may hold both a and c
    sims = {(0, 1): 0.8, (1, 2): 0.8, (0, 2): 0.0, (2, 3): 0.9}
    sim = lambda i, j: sims.get((min(i, j), max(i, j)), 0.0)  # noqa: E731
    edges = [(v, i, j) for (i, j), v in sims.items() if v > 0]
    groups = tight_groups(4, edges, sim, lambda i: f"o{i}", link=0.4, close=0.3)
    assert not any({0, 2} <= set(g) for g in groups)
    # one clause per outlet: two clauses of one outlet never share a group, however close
    groups = tight_groups(3, [(0.9, 0, 1), (0.9, 1, 2), (0.9, 0, 2)], lambda i, j: 0.9,
                          lambda i: "same" if i < 2 else "other", link=0.4, close=0.3)
    assert not any({0, 1} <= set(g) for g in groups)


def test_values_of_one_slot_differ_with_their_spread():
    kill = {"predicate": "kill", "head": "people"}
    hurt = {"predicate": "injure"}
    arts = [
        _slotted("a", "Alpha", "A landslide in the hill district killed 12 people and injured 30, officials said.",
                 [("12", 12, kill), ("30", 30, hurt)]),
        _slotted("b", "Beta", "The landslide in the hill district killed 12 people and injured 30.",
                 [("12", 12, kill), ("30", 30, hurt)]),
        _slotted("c", "Gamma", "Rescuers said the landslide in the hill district killed 19 people and injured 30.",
                 [("19", 19, kill), ("30", 30, hurt)]),
    ]
    comp = compare_story(*story(*arts))
    differs = [f for f in _facts(comp, "differs") if f.get("slot")]
    assert len(differs) == 1, [f["text"] for f in comp["facts"]]
    f = differs[0]
    assert f["slot"]["event"] == "kill" and f["sources"] == 3
    spread = {d["value"]: d for d in f["spread"]}
    assert set(spread) == {"12", "19"}
    assert spread["12"]["outlets"] == ["Alpha", "Beta"] and spread["12"]["sources"] == 2
    assert f["spread"][0]["value"] == "12"  # the most widely carried value first
    # the injured count is another slot: agreed, never compared with the dead
    injured = [f for f in _facts(comp, "agreed") if f.get("slot", {}).get("event") == "injure"]
    assert injured and injured[0]["sources"] == 3


def test_vague_quantities_never_make_a_difference():
    several = value_of(Claim(0, 7, "several", "number"))
    assert several.lo is None and compatible(several, value_of(Claim(0, 4, "five", "number", normalized=5))) is None


def test_at_least_is_a_reported_count_more_than_an_open_bound():
    def v(ctx, n):
        return value_of(Claim(0, len(str(n)), str(n), "number", normalized=n), ctx)
    assert compatible(v("at least ", 26), v("", 31)) is False
    assert compatible(v("more than ", 26), v("", 31)) is True


def test_relative_dates_resolve_against_the_publication_date():
    # the nlp stage resolved "Wednesday" against the article's publication date
    assert value_of(Claim(0, 9, "Wednesday", "date", normalized="2025-05-07")).label == "2025-05-07"
    # a written date keeps only what the text says: no guessed year
    assert value_of(Claim(0, 6, "May 12", "date", normalized="2031-05-12")).label == "?-05-12"


_WIRE = ("The harbour authority closed the northern pier after a crane collapsed onto a cargo ship on Tuesday "
         "morning. Dock workers said the crane had shown cracks for weeks and that inspections had been postponed "
         "twice. The port expects the pier to stay closed while engineers examine the remaining cranes. ")


def test_copies_count_once():
    a = Article(id="a", outlet="Coast Daily", text=_WIRE + "The mayor called for an inquiry into the inspections.")
    b = Article(id="b", outlet="Harbour Times", text=_WIRE + "Shares in the operator fell sharply in early trade.")
    c = Article(id="c", outlet="Sea Post", text="A crane collapsed onto a cargo ship at the northern pier on "
                "Tuesday, and the harbour authority closed the pier. The mayor called for an inquiry.")
    comp = compare_story(*story(a, b, c))
    for f in comp["facts"]:
        assert f["sources"] <= len(f["outlets"])
        if set(f["outlets"]) == {"Coast Daily", "Harbour Times"}:
            # the wire text in two papers is one source: never agreed on the strength of copies alone
            assert f["sources"] == 1 and f["status"] != "agreed"


def test_page_furniture_is_never_a_fact():
    line = "Updated: 07 May 2025 10:31 IST | Log in or sign up to read more"
    a = article("a", "Alpha", line + "\nFloods closed the main highway for two days, officials said.")
    b = article("b", "Beta", line + "\nThe main highway was closed for two days by floods.")
    comp = compare_story(*story(a, b))
    assert not any("Log in" in ev["text"] for f in comp["facts"] for evs in f["outlets"].values() for ev in evs)


def test_clauses_recurring_across_unrelated_stories_are_furniture():
    promo = "Get the best stories of the day delivered to your inbox every morning with our newsletter digest."
    s1 = [Article(id="a1", outlet="Alpha", text="Floods closed the main highway for two days. " + promo),
          Article(id="b1", outlet="Beta", text="The main highway was closed for two days by floods.")]
    s2 = [Article(id="a2", outlet="Alpha", text="The city council approved a new stadium budget. " + promo),
          Article(id="c2", outlet="Gamma", text="Council members approved the stadium budget after a debate.")]
    corpus = Corpus(articles=s1 + s2)
    corpus.stories = {"s1": Story(id="s1", articles=["a1", "b1"]), "s2": Story(id="s2", articles=["a2", "c2"])}
    CompareStage()(corpus)
    for st in corpus.stories.values():
        assert not any("newsletter" in ev["text"] for f in st.comparison["facts"]
                       for evs in f["outlets"].values() for ev in evs)


def test_a_statement_and_its_denial_differ():
    a = article("a", "Alpha", "The army said no hospitals were hit by the overnight air strikes on the city.")
    b = article("b", "Beta", "Two hospitals were hit by the overnight air strikes on the city, doctors said.")
    c = article("c", "Gamma", "Hospitals were hit by the overnight air strikes on the city, residents said.")
    comp = compare_story(*story(a, b, c))
    assert any(f["status"] == "differs" and {"Alpha", "Beta"} <= set(f["outlets"]) for f in comp["facts"]), \
        [(f["status"], f["text"]) for f in comp["facts"]]


def test_schema_additions_are_pinned():
    kill = {"predicate": "kill", "head": "people"}
    arts = [_slotted("a", "Alpha", "The storm killed 4 people in the valley, police said. The bridge at Orr "
                     "collapsed under the flood water on Sunday night.", [("4", 4, kill)]),
            _slotted("b", "Beta", "Police said the storm killed 6 people in the valley.", [("6", 6, kill)])]
    comp = compare_story(*story(*arts))
    facts = comp["facts"]
    assert [f["rank"] for f in facts] == list(range(1, len(facts) + 1))
    for f in facts:
        assert isinstance(f["sources"], int) and 1 <= f["sources"] <= len(f["outlets"])
        if f["status"] == "single-source":
            assert isinstance(f["importance"], float)
        for d in f.get("spread", []):
            assert {"value", "outlets", "sources", "attributed_to"} <= set(d)
    value = next(f for f in facts if f.get("slot"))
    assert {"event", "head"} <= set(value["slot"]) and value["status"] == "differs"
    assert isinstance(comp["framing_sides"], dict)
    for fr in comp["framing"].values():
        assert {"own_voice", "quoted", "own_voice_per_1000_words", "evidence", "distinctive"} <= set(fr)
    for ev in all_spans(comp):
        assert {a.id: a for a in arts}[ev["article"]].text[ev["start"]:ev["end"]] == ev["text"]


def test_values_of_one_slot_in_unrelated_sentences_never_differ():
    kill = {"predicate": "kill", "head": "people"}
    arts = [_slotted("a", "Alpha", "The flood killed 4 people in the northern valley on Monday.", [("4", 4, kill)]),
            _slotted("b", "Beta", "Last year a bus crash on the coast road killed 9 people.", [("9", 9, kill)])]
    arts += [Article(id=c, outlet=c.upper(), text="The northern valley flood closed schools and roads on Monday.")
             for c in ("c", "d", "e")]
    comp = compare_story(*story(*arts))
    assert not _facts(comp, "differs"), [f["text"] for f in comp["facts"]]


def _ent(a, name, typ, nth=0):
    from newsprism.model import Entity
    s, e = find(a.text, name, nth)
    a.entities.append(Entity(f"e{len(a.entities)}", name, typ, mentions=[(s, e)]))
    return a


def test_every_outlets_value_of_one_slot_lands_in_one_fact():
    # each outlet gives the toll twice (a lead and a later paragraph): tight groups hold one clause per outlet, so
    # the slot's scene gathers both groups into one fact
    kill = {"predicate": "kill", "head": "people"}
    arts = []
    for aid, outlet, n in (("a", "Alpha", 40), ("b", "Beta", 40), ("c", "Gamma", 55), ("d", "Delta", 55)):
        text = (f"Floods in the river delta killed {n} people on Sunday, the disaster agency said. "
                f"Rescuers in the river delta said the floods had killed {n} people in flooded villages on Sunday.")
        a = _slotted(aid, outlet, text, [(str(n), n, kill)])
        s = text.rindex(str(n))  # the same toll again, later in the article
        a.claims.append(Claim(s, s + len(str(n)), str(n), "number", value=n, normalized=n, slot=dict(kill)))
        arts.append(a)
    comp = compare_story(*story(*arts))
    differs = [f for f in _facts(comp, "differs") if f.get("slot")]
    assert len(differs) == 1, [f["text"] for f in comp["facts"]]
    f = differs[0]
    assert {d["value"]: d["outlets"] for d in f["spread"]} == {"40": ["Alpha", "Beta"], "55": ["Delta", "Gamma"]}
    assert all(len(evs) == 2 for evs in f["outlets"].values())


def test_tolls_of_two_sides_hands_are_two_facts():
    kill = {"predicate": "kill", "head": "villager"}
    arts = []
    for aid, outlet, n, demonym in (("a", "Alpha", 6, "Chilean"), ("b", "Beta", 6, "Chilean"),
                                    ("c", "Gamma", 9, "Peruvian"), ("d", "Delta", 9, "Peruvian")):
        a = _slotted(aid, outlet, f"Officials said {n} villagers were killed in {demonym} shelling of the border "
                     "district overnight.", [(str(n), n, kill)])
        arts.append(_ent(a, demonym, "NORP"))
    comp = compare_story(*story(*arts))
    assert not _facts(comp, "differs"), [f["text"] for f in comp["facts"]]
    tolls = {f["spread"][0]["value"]: f["sources"] for f in _facts(comp, "agreed") if f.get("spread")}
    assert tolls == {"6": 2, "9": 2}


def test_tolls_at_two_named_places_never_differ():
    # the toll at one school and at another are two slots, however alike the clauses; one town's toll told by
    # two outlets with different numbers still differs
    arts = []
    for aid, outlet, n, place in (("a", "Alpha", 13, "Hilltop School"), ("b", "Beta", 13, "Hilltop School"),
                                  ("c", "Gamma", 3, "Riverside School"), ("d", "Delta", 3, "Riverside School")):
        kill = {"predicate": "kill", "head": "people", "place": [place]}
        arts.append(_slotted(aid, outlet, f"A rocket hit {place} in the old town, killing {n} people, doctors said.",
                             [(str(n), n, kill)]))
    comp = compare_story(*story(*arts))
    assert not _facts(comp, "differs"), [f["text"] for f in comp["facts"]]
    kill = {"predicate": "kill", "head": "people", "place": ["Hilltop"]}
    arts.append(_slotted("e", "Epsilon", "A rocket hit the school in Hilltop, killing 11 people, doctors said.",
                         [("11", 11, kill)]))
    differs = _facts(compare_story(*story(*arts)), "differs")
    assert len(differs) == 1 and {d["value"] for d in differs[0]["spread"]} == {"13", "11"}


def test_predicates_an_article_uses_for_one_count_are_one_event():
    # "struck nine depots" and "launched strikes at nine depots" in one article: one event for the whole story,
    # so the outlet that says "attacked six depots" differs with both; "killed" and "injured" stated side by side
    # in one clause stay two events
    def a(aid, outlet, text, values):
        return _slotted(aid, outlet, text, [(str(n), n, {"predicate": p, "head": "depot"}) for n, p in values])
    arts = [
        a("a", "Alpha", "The air force struck 9 depots overnight. Officials said it launched rockets at 9 depots "
                        "across the province.", [(9, "strike"), (9, "launch")]),
        a("b", "Beta", "Rockets were launched at 9 depots across the province overnight.", [(9, "launch")]),
        a("c", "Gamma", "The ministry said only 6 depots were attacked across the province overnight.",
          [(6, "attack")]),
        a("d", "Delta", "The ministry said 6 depots were attacked and 6 depots were struck overnight.",
          [(6, "attack"), (6, "strike")]),
    ]
    comp = compare_story(*story(*arts))
    differs = [f for f in _facts(comp, "differs") if f.get("slot")]
    assert len(differs) == 1, [f["text"] for f in comp["facts"]]
    assert {d["value"] for d in differs[0]["spread"]} == {"9", "6"}
    from newsprism.compare.align import Mention, _unify_events
    from newsprism.compare.values import value_of

    def m(unit, n, event):
        c = Claim(0, 1, str(n), "number", value=n, normalized=n)
        return Mention(unit, c, value_of(c), event, "person")
    units = [type("U", (), {"article": "x"})(), type("U", (), {"article": "y"})()]
    ms = [m(0, 8, "kill"), m(0, 35, "injure"), m(1, 8, "kill"), m(1, 8, "injure")]
    _unify_events(ms, units)  # article y gives 8 for both, but a clause of x tells them apart
    assert [x.event for x in ms] == ["kill", "injure", "kill", "injure"]


def test_a_remark_on_a_compared_value_is_no_exclusive():
    kill = {"predicate": "kill", "head": "people"}
    arts = [
        _slotted("a", "Alpha", "Officials say 8 people were killed, but the real toll is likely far higher.",
                 [("8", 8, kill)]),
        _slotted("b", "Beta", "Officials said 8 people were killed in the blast at the depot.", [("8", 8, kill)]),
        _slotted("c", "Gamma", "Medics said 11 people were killed in the blast at the depot.", [("11", 11, kill)]),
    ]
    comp = compare_story(*story(*arts))
    assert not any("real toll" in f["text"] for f in _facts(comp, "single-source")), \
        [f["text"] for f in comp["facts"]]


def test_the_hand_of_a_value_is_the_cause_phrase_nearest_after_it():
    from newsprism.compare.align import _hands, _side_of
    text = ("Officials said 26 people were killed by Chilean strikes, and 12 died from Peruvian shelling in "
            "Chilean administered Arica.")
    a = Article(id="a", outlet="Alpha", text=text)
    for name in ("Chilean", "Peruvian"):
        _ent(a, name, "NORP")
    _ent(a, "Chilean", "NORP", nth=1)
    hands = _hands(a)
    assert [k for _, k in hands] == ["Chile", "Peru"]  # "Chilean administered Arica" names a place, not a hand
    s26, e26 = find(text, "26")
    s12, e12 = find(text, "12")
    assert _side_of(Claim(s26, e26, "26", "number"), None, hands, 0, len(text)) == "Chile"
    assert _side_of(Claim(s12, e12, "12", "number"), None, hands, 0, len(text)) == "Peru"


def test_others_is_no_counted_head():
    hurt_others = {"predicate": "injure", "head": "others"}
    hurt_people = {"predicate": "injure", "head": "people"}
    arts = [
        _slotted("a", "Alpha", "The blast at the port killed two dockers and injured 30 others, police said.",
                 [("30", 30, hurt_others)]),
        _slotted("b", "Beta", "Police said 30 people were injured in the blast at the port.",
                 [("30", 30, hurt_people)]),
        _slotted("c", "Gamma", "Police said 41 people were injured in the blast at the port.",
                 [("41", 41, hurt_people)]),
    ]
    comp = compare_story(*story(*arts))
    differs = [f for f in _facts(comp, "differs") if f.get("slot")]
    assert len(differs) == 1, [f["text"] for f in comp["facts"]]
    assert {d["value"]: d["outlets"] for d in differs[0]["spread"]} == {"30": ["Alpha", "Beta"], "41": ["Gamma"]}


# ---------------------------------------------------------------- phrase-anchored statement facts

_LEADS = [
    ("p1", "Harbour Post", "Cyclone Mira flattened fishing villages along the coast overnight and knocked out the "
                           "desalination plant that supplies the island's drinking water, leaving thousands queueing "
                           "at tanker trucks."),
    ("p2", "Island Daily", "Thousands of islanders queued for water on Tuesday after the storm crippled the "
                           "desalination plant, while the navy ferried generators to the flooded northern villages."),
    ("p3", "Coastal Wire", "With roads under water and the desalination plant out of action, islanders lined up "
                           "for bottled water as officials counted the damage to the fishing fleet."),
]


def test_a_rare_phrase_several_sources_use_anchors_one_agreed_fact():
    # three lead sentences that each carry several facts, worded differently: no clause is close enough to
    # another for a tight group, but all three tell that the desalination plant is down
    comp = compare_story(*story(*[article(a, o, t) for a, o, t in _LEADS]))
    facts = [f for f in _facts(comp, "agreed") if len(f["outlets"]) == 3
             and all("desalination plant" in ev["text"] for evs in f["outlets"].values() for ev in evs)]
    assert len(facts) == 1, [(f["status"], f["text"]) for f in comp["facts"]]
    f = facts[0]
    assert f["sources"] == 3
    arts = {a: t for a, _, t in _LEADS}
    for evs in f["outlets"].values():
        for ev in evs:
            # the evidence is the piece of the lead that says it, a real span of the article
            assert arts[ev["article"]][ev["start"]:ev["end"]] == ev["text"]
            assert len(ev["text"]) < len(arts[ev["article"]])
    # the clauses it holds are not reported as exclusives of their outlets
    assert not any("desalination" in f["text"] for f in _facts(comp, "single-source"))


def test_a_shared_rare_phrase_in_unrelated_statements_is_no_fact():
    # the same rare phrase in three statements about different things (a tender, a strike, a museum) is a chance
    # collocation: their other words have nothing in common
    arts = [
        article("q1", "Harbour Post", "The ministry opened a tender for a second desalination plant near the "
                                      "southern airport, with bids due before the end of the fiscal year."),
        article("q2", "Island Daily", "Dock workers striking over pensions marched past the desalination plant "
                                      "and blocked the container terminal for several hours."),
        article("q3", "Coastal Wire", "A retired engineer who designed the desalination plant donated his "
                                      "sketchbooks to the maritime museum, curators announced."),
    ]
    comp = compare_story(*story(*arts))
    assert not [f for f in comp["facts"] if f["status"] != "single-source" and len(f["outlets"]) == 3], \
        [(f["status"], f["text"]) for f in comp["facts"]]


def test_phrase_segments_break_at_punctuation_and_type_names():
    from newsprism.compare.text import phrase_segments

    segs = phrase_segments("Officials in Kenya said the desalination plant, built in 1998, was closed.")
    kinds = [[(t.surface, t.kind) for t in s] for s in segs]
    assert len(segs) == 3  # the commas break the runs: no phrase spans "plant, built"
    assert ("Kenya", "name") in kinds[0] and ("desalination", "word") in kinds[0] and ("the", "stop") in kinds[0]
    assert ("1998", "num") in kinds[1]
    # words match on their normalised form: "plants" meets "plant"
    assert phrase_segments("two desalination plants")[0][-1].key == segs[0][-1].key


def _one(aid, outlet, text, noun, numbers):
    """An article whose singular noun ("a boy") the nlp stage read as a count of one."""
    a = _slotted(aid, outlet, text, numbers)
    s, e = find(text, noun)
    a.claims.append(Claim(s, e, noun, "number", value=1, normalized=1, unit=noun.split()[-1],
                          slot={"predicate": "kill", "head": noun.split()[-1], "negated": False,
                                "attributed_to": None, "agent": None, "singular": True}))
    return a


def test_one_person_killed_differs_from_a_toll_of_the_same_event():
    kill = {"predicate": "kill", "head": "people"}
    arts = [
        _slotted("a", "Alpha", "A shell that hit the market hall in the river town on Friday killed 11 people.",
                 [("11", 11, kill)]),
        _one("b", "Beta", "A shell that hit the market hall in the river town on Friday killed a boy.", "a boy", []),
        _slotted("c", "Gamma", "Schools in the capital stayed closed for a week because of the storm.", []),
    ]
    comp = compare_story(*story(*arts))
    differs = _facts(comp, "differs")
    assert len(differs) == 1 and set(differs[0]["outlets"]) == {"Alpha", "Beta"}, \
        [(f["status"], f["text"]) for f in comp["facts"]]
    # one thing that is no person ("a depot") counts another slot: no difference with the toll
    arts[1] = _one("b", "Beta", "A shell that hit the market hall in the river town on Friday killed a depot.",
                   "a depot", [])
    assert not _facts(compare_story(*story(*arts)), "differs")


def test_a_count_of_one_alone_is_no_value_fact():
    # "gave a briefing" is counted by nobody with a number: no value of its own, and no difference
    arts = [_one(x, x.upper(), "The minister gave a briefing on the flood relief work in the delta.",
                 "a briefing", []) for x in ("a", "b")]
    comp = compare_story(*story(*arts))
    assert not _facts(comp, "differs") and not any(f.get("slot") for f in comp["facts"])


def test_a_reported_statement_after_saying_is_a_clause_of_its_own():
    from newsprism.compare.align import _Actors, build_units

    text = ("The ministry of the northern province held an emergency briefing on Tuesday evening, saying that the "
            "dam upstream had been opened without warning. Engineers in the valley expect the river to fall.")
    units = build_units(article("a1", "Outlet A", text), "Outlet A", _Actors())
    said = [u for u in units if u.text.startswith("saying that the dam")]
    assert said, [u.text for u in units]
    assert text[said[0].start:said[0].end] == said[0].text
    # a sentence holding a number keeps its reported speech whole: the value's context is the whole sentence
    text2 = ("The ministry of the northern province held an emergency briefing on Tuesday evening, saying that 12 "
             "villages had been flooded. Engineers in the valley expect the river to fall.")
    arts = article("a2", "Outlet B", text2, claims=[("12", "number", "12")])
    units2 = build_units(arts, "Outlet B", _Actors())
    assert not any(u.text.startswith("saying") for u in units2), [u.text for u in units2]


def test_a_noun_and_its_verb_meet_and_contracted_negations_are_no_content_words():
    from newsprism.compare.text import concept, content_terms

    assert concept("comment") == concept("commented") == concept("comments")
    assert concept("payment") == concept("payments")
    assert concept("agreement") == concept("deal")  # the concept table still applies
    terms = content_terms("The ministry hasn't commented and didn’t reply")
    assert not any("n't" in t or "n’t" in t for t in terms), terms
    assert concept("commented") in terms


def _dur(aid, outlet, text, sub, iso, head):
    a = Article(id=aid, outlet=outlet, text=text)
    s, e = find(text, sub)
    a.claims.append(Claim(s, e, sub, "duration", value=iso, normalized=iso,
                          slot={"predicate": None, "head": head, "negated": False, "attributed_to": None}))
    return a


def test_one_exact_length_is_one_measure_whatever_noun_carries_it():
    # "the 40-minute raid" and "the strikes, which lasted 40 minutes": one measure; a length of something else
    # named otherwise ("a three-hour meeting") is not compared with it
    arts = [
        _dur("a", "Alpha", "Officials said the 40-minute raid hit depots near the northern border crossing.",
             "40-minute", "PT40M", "raid"),
        _dur("b", "Beta", "The strikes, which lasted just 40 minutes, hit depots near the northern border.",
             "40 minutes", "PT40M", "strike"),
        _dur("c", "Gamma", "Ministers then held a three-hour meeting near the northern border crossing.",
             "three-hour", "PT3H", "meeting"),
    ]
    comp = compare_story(*story(*arts))
    lengths = [f for f in comp["facts"] if f["kind"] == "duration" and f["status"] != "single-source"]
    assert len(lengths) == 1, [f["text"] for f in comp["facts"]]
    assert lengths[0]["status"] == "agreed" and sorted(lengths[0]["outlets"]) == ["Alpha", "Beta"]
    # a bound names no measure: "more than 40 minutes" of a raid and 40 minutes of strikes are not one length
    arts[0] = _dur("a", "Alpha", "Officials said the raid, lasting more than 40 minutes, hit depots near the "
                   "northern border crossing.", "more than 40 minutes", "PT40M", "raid")
    comp = compare_story(*story(*arts))
    assert not [f for f in comp["facts"] if f["kind"] == "duration" and f["status"] != "single-source"]


def test_an_exact_toll_told_with_a_narrower_noun_is_the_same_toll():
    # "26 people" and "26 tourists" killed in one attack are one toll; "7 women" among "13 people" stays a part
    kill = {"predicate": "kill"}
    arts = [
        _slotted("a", "Alpha", "Gunmen killed 26 people at a mountain resort in April, police said.",
                 [("26", 26, {**kill, "head": "people"})]),
        _slotted("b", "Beta", "The gunmen who killed 26 tourists at the mountain resort in April are still at large.",
                 [("26", 26, {**kill, "head": "tourists"})]),
    ]
    facts = [f for f in compare_story(*story(*arts))["facts"] if f.get("slot")]
    assert len(facts) == 1 and facts[0]["status"] == "agreed" and facts[0]["sources"] == 2, facts
    from newsprism.compare.align import Mention, _same_slot

    def m(n, head):
        c = Claim(0, 1, str(n), "number", value=n, normalized=n)
        return Mention(0, c, value_of(c), "kill", head)
    assert _same_slot(m(26, "person"), m(26, "tourist"))
    assert not _same_slot(m(13, "person"), m(7, "woman"))
    assert not _same_slot(m(26, "soldier"), m(26, "tourist"))  # two narrow nouns: two things


def test_one_scene_is_the_value_pair_two_outlets_give_in_a_clause():
    # Alpha and Beta word the toll one way, Gamma and Delta another (nothing in common but the slot's words); Gamma
    # gives the same pair of values in one clause as Alpha and Beta ("8 killed and 35 injured"): one scene, so
    # Delta's other figure differs with all of them in one fact. (Each outlet also recalls an older toll, so the
    # slot is no story-wide one that gathers every value regardless.)
    kill, hurt = {"predicate": "kill", "head": "people"}, {"predicate": "injure", "head": "people"}
    old = " A storm in 2019 killed 40 people in the region."

    def art(aid, outlet, text, values):
        a = _slotted(aid, outlet, text + old, values)
        s = a.text.rindex("40")
        a.claims.append(Claim(s, s + 2, "40", "number", value=40, normalized=40,
                              slot={"attributed_to": None, "agent": None, "negated": False, **kill}))
        return a
    arts = [
        art("a", "Alpha", "Hospital officials in the capital said 8 people were killed and 35 injured.",
            [("8", 8, kill), ("35", 35, hurt)]),
        art("b", "Beta", "Hospital officials in the capital reported 8 people killed and 35 injured.",
            [("8", 8, kill), ("35", 35, hurt)]),
        art("c", "Gamma", "Rescue teams searching flooded valley towns found 8 killed, 35 injured by dawn.",
            [("8", 8, kill), ("35", 35, hurt)]),
        art("d", "Delta", "Rescue teams searching flooded valley towns found 11 killed by dawn.",
            [("11", 11, kill)]),
    ]
    tolls = [f for f in compare_story(*story(*arts))["facts"] if f.get("slot") and f["slot"]["event"] == "kill"
             and any(d["value"] in ("8", "11") for d in f["spread"])]
    assert len(tolls) == 1 and tolls[0]["status"] == "differs", [f["text"] for f in tolls]
    assert {d["value"] for d in tolls[0]["spread"]} == {"8", "11"}
    assert sorted(tolls[0]["outlets"]) == ["Alpha", "Beta", "Delta", "Gamma"]


def test_a_stray_hand_in_one_clause_is_not_its_groups_side():
    from newsprism.compare.align import Mention, _main_side

    def m(side):
        c = Claim(0, 1, "5", "number", value=5, normalized=5)
        return Mention(0, c, value_of(c), "kill", "person", side=side)
    ms = [m("Chile"), m(None), m(None), m(None)]
    assert _main_side([0, 1, 2, 3], ms) is None
    assert _main_side([0, 1], ms) == "Chile"


def test_a_count_with_a_narrower_noun_joins_the_generic_count_it_repeats():
    # "nine sites" (Alpha, Beta) against "six sites" (Gamma) differ; Delta's "nine militant camps" is the same count
    # told with a narrower noun, so it lands in that fact; a group of camps giving a figure the sites lack does not
    strike = {"predicate": "strike"}
    arts = [
        _slotted("a", "Alpha", "The army said it struck nine sites across the border overnight.",
                 [("nine", 9, {**strike, "head": "sites"})]),
        _slotted("b", "Beta", "Missiles struck nine sites across the border, the army said.",
                 [("nine", 9, {**strike, "head": "sites"})]),
        _slotted("c", "Gamma", "The ministry said only six sites were struck across the border.",
                 [("six", 6, {**strike, "head": "sites"})]),
        _slotted("d", "Delta", "Officials said nine militant camps were struck across the border.",
                 [("nine", 9, {**strike, "head": "camps"})]),
    ]
    sites = [f for f in compare_story(*story(*arts))["facts"] if f.get("spread") and f["status"] == "differs"]
    assert len(sites) == 1, [f["text"] for f in sites]
    assert sorted(sites[0]["outlets"]) == ["Alpha", "Beta", "Delta", "Gamma"]
    from newsprism.compare.align import Mention, _kind_of

    def m(n, head):
        c = Claim(0, 1, str(n), "number", value=n, normalized=n)
        return Mention(0, c, value_of(c), "strike", head)
    ms = [m(9, "site"), m(6, "site"), m(9, "camp"), m(4, "camp")]
    assert _kind_of([2], "camp", [0, 1], "site", ms)
    assert not _kind_of([2, 3], "camp", [0, 1], "site", ms)


def test_one_exact_figure_at_one_named_place_is_one_scene():
    # two wordings of the toll at Hilltop (13, from two outlets) and a third outlet's other figure worded like one
    # of them: the same exact figure at the same named place joins the groups, so the 13s and the 11 are one fact
    kill = {"predicate": "kill", "head": "people"}
    old = " A storm in 2019 killed 40 people in the region."

    def art(aid, outlet, text, n, place):
        a = _slotted(aid, outlet, text + old, [(str(n), n, {**kill, "place": [place]})])
        s = a.text.rindex("40")
        a.claims.append(Claim(s, s + 2, "40", "number", value=40, normalized=40,
                              slot={"attributed_to": None, "agent": None, "negated": False, **kill}))
        return a
    arts = [
        # the parse places Alpha's toll at Hilltop (named in an earlier sentence); its words share nothing else
        art("a", "Alpha", "A rocket tore through the crowded market, killing 13 people, doctors said.", 13,
            "Hilltop"),
        art("b", "Beta", "Mourners gathered at Hilltop where 13 people were buried after the blast.", 13, "Hilltop"),
        art("c", "Gamma", "Mourners gathered at Hilltop where 11 people were buried after the blast.", 11, "Hilltop"),
    ]
    tolls = [f for f in compare_story(*story(*arts))["facts"] if f.get("spread")
             and any(d["value"] in ("13", "11") for d in f["spread"])]
    assert len(tolls) == 1 and sorted(tolls[0]["outlets"]) == ["Alpha", "Beta", "Gamma"], [f["text"] for f in tolls]


def test_a_contracted_not_negates_with_either_apostrophe():
    from newsprism.compare.align import _negated_terms
    from newsprism.compare.text import concept

    for text in ("The ministry hasn’t officially commented on the claim.",
                 "The ministry hasn't officially commented on the claim."):
        assert concept("commented") in _negated_terms(text), text
    # two outlets that both say the government has not commented agree; neither denies what the other states
    arts = [
        article("a", "Alpha", "There has been no official comment from the ministry on the loss of its ships."),
        article("b", "Beta", "Navy officers say two ships sank, but the ministry hasn’t officially commented on "
                             "the loss of its ships."),
    ]
    comp = compare_story(*story(*arts))
    assert not _facts(comp, "differs"), [f["text"] for f in comp["facts"]]
