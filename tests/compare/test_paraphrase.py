"""Paraphrase across outlets: synonyms WordNet relates are one term, related predicates one event, and a slot a few
outlets each give once is one scene."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsprism.compare import compare_story
from newsprism.compare.paraphrase import event_fold, lexical_predicate, star, story_fold
from newsprism.model import Article, Claim

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_helpers import article, find, story  # noqa: E402


@pytest.fixture
def wn(packaged_wordnet):
    return packaged_wordnet


def test_star_folding_never_chains():
    # a-b and b-c are related, a and c are not: whichever is the centre, a and c never end in one term
    linked = {"a": {"b"}, "b": {"a", "c"}, "c": {"b"}}
    by_b = star({"a": (1,), "b": (5,), "c": (1,)}, linked)
    assert by_b == {"a": "b", "c": "b"}  # both related to the centre itself
    by_a = star({"a": (5,), "b": (3,), "c": (1,)}, linked)
    assert by_a == {"b": "a"}  # c is related only to b, which is folded: c stays itself


def test_a_storys_synonyms_fold_to_the_term_more_outlets_use(wn):
    texts = [("Alpha", "Two physicians treated the wounded sailors at the harbour."),
             ("Beta", "A physician at the harbour said the sailors would recover."),
             ("Gamma", "The doctor said the ferry had hit the harbour wall.")]
    fold = story_fold(texts, wn)
    from newsprism.compare.text import concept
    assert fold.get(concept("doctor")) == concept("physician")
    assert concept("ferry") not in fold and concept("harbour") not in fold
    assert story_fold([("Alpha", "The doctor spoke."), ("Beta", "The lawyer spoke.")], wn) == {}


def test_predicates_wordnet_relates_are_one_event_and_a_stray_particle_is_dropped(wn):
    assert event_fold({"capsize": 3, "overturn": 1}, wn) == {"overturn": "capsize"}
    assert event_fold({"capsize": 1, "sink": 2}, wn) == {}
    assert lexical_predicate("crash in", wn) == "crash"  # "three jets crashed in the valley"
    assert lexical_predicate("shoot down", wn) == "shoot down"  # a phrasal verb the lexicon lists


def test_paraphrased_statements_meet_in_one_fact(wn):
    # two wordings, two outlets each: "storehouses" and "depots" are one term, so the four outlets are one fact
    # (word for word, the two wordings share too little to be one)
    texts = [("Alpha", "No navy storehouses were targeted in the harbour during the raid, the admiral said."),
             ("Beta", "The admiral said no navy storehouses were targeted in the harbour during the raid."),
             ("Gamma", "Navy depots on the coast have not been targeted."),
             ("Delta", "Navy depots on the coast have not been targeted, officials said.")]
    arts = [article(chr(97 + i), outlet, text) for i, (outlet, text) in enumerate(texts)]
    arts += [article("e", "Epsilon", "Fishing boats stayed in port as the storm closed the coast road."),
             article("f", "Zeta", "Schools in the capital reopened on Monday after the holiday.")]
    comp = compare_story(*story(*arts))
    agreed = [sorted(f["outlets"]) for f in comp["facts"] if f["status"] == "agreed"]
    assert agreed == [["Alpha", "Beta", "Delta", "Gamma"]], agreed


def _slotted(aid, outlet, text, n, predicate, head):
    a = Article(id=aid, outlet=outlet, text=text)
    word = {2: "two", 3: "three"}[n]
    word = word if word in text else word.capitalize()
    s, e = find(text, word)
    a.claims.append(Claim(s, e, word, "number", value=n, normalized=n,
                          slot={"predicate": predicate, "head": head, "negated": False, "attributed_to": None,
                                "agent": None}))
    return a


def test_a_slot_a_few_outlets_each_give_once_is_one_scene(wn):
    # four outlets each count the boats that went over once, in two wordings that share little else: one scene,
    # whose figures differ
    arts = [_slotted("a", "Alpha", "Harbour officials said three fishing boats capsized near the breakwater at dawn.",
                     3, "capsize", "boat"),
            _slotted("b", "Beta", "According to the coastguard, three boats had capsized in the choppy estuary.",
                     3, "capsize in", "boat"),
            _slotted("c", "Gamma", "Two boats overturned off the headland as gale winds rose, fishermen told us.",
                     2, "overturn", "boat"),
            _slotted("d", "Delta", "Fishermen told reporters that two boats overturned off the rocky headland.",
                     2, "overturn", "boat")]
    arts += [article(x, x.upper(), "The fish market in the old port opened late on Tuesday after the gale.")
             for x in ("e", "f", "g", "h", "i", "j", "k", "l", "m")]
    comp = compare_story(*story(*arts))
    counts = [f for f in comp["facts"] if f.get("spread")]
    assert len(counts) == 1 and counts[0]["status"] == "differs", [f["text"] for f in counts]
    assert {d["value"]: sorted(d["outlets"]) for d in counts[0]["spread"]} == {
        "3": ["Alpha", "Beta"], "2": ["Delta", "Gamma"]}


def test_a_slot_an_outlet_gives_twice_is_not_one_scene_by_itself():
    # one outlet counts boats twice (two scenes): the slot does not say which values belong together
    kw = {"head": "boat"}
    arts = [_slotted("a", "Alpha", "Harbour officials said three fishing boats sank near the breakwater at dawn.",
                     3, "sink", **kw),
            _slotted("b", "Beta", "Three boats sank near the breakwater at dawn, harbour officials said.",
                     3, "sink", **kw),
            _slotted("c", "Gamma", "Far to the south two yachts sank in a regatta on the lake last summer.",
                     2, "sink", **kw)]
    second = "Two boats sank in the lake regatta last summer."
    arts[0].text += " " + second
    s, e = find(arts[0].text, "Two", 0)
    arts[0].claims.append(Claim(s, e, "Two", "number", value=2, normalized=2,
                                slot={"predicate": "sink", "head": "boat", "negated": False, "attributed_to": None,
                                      "agent": None}))
    arts += [article(x, x.upper(), "The fish market in the old port opened late on Tuesday after the gale.")
             for x in ("e", "f", "g", "h", "i", "j")]  # the boats are not what most outlets count
    comp = compare_story(*story(*arts))
    assert not [f for f in comp["facts"] if f["status"] == "differs"], [f["text"] for f in comp["facts"]]


def test_a_clause_an_article_restates_is_said_once():
    arts = [article("a", "Alpha", "No bridges were damaged during the flood, engineers said. During the flood, no "
                                  "bridges were damaged, engineers said. The river fell by evening."),
            article("b", "Beta", "Engineers said no bridges were damaged during the flood."),
            article("c", "Gamma", "Engineers said that no bridges had been damaged in the flood.")]
    comp = compare_story(*story(*arts))
    start = arts[0].text.index("During the flood")
    end = arts[0].text.index("The river")
    spans = [ev for f in comp["facts"] for ev in f["outlets"].get("Alpha", [])]
    assert any(ev["end"] <= start for ev in spans), spans  # the first statement is Alpha's in a fact
    assert not any(start <= ev["start"] < end for ev in spans), spans  # its restatement in none
