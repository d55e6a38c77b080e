from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.compare import CompareStage, compare_story
from newsprism.compare.outlets import outlet_of
from newsprism.compare.values import Value, compatible, value_of
from newsprism.model import Article, Claim, Story
from newsprism.pipeline import Corpus, check_order

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_helpers import all_spans, article, story  # noqa: E402

TALKS_A = ("Trade ministers of Freedonia and Sylvania ended two days of talks in Geneva on Tuesday. "
           "Minister Anna Berg said the talks were constructive. "
           "The agreement cuts tariffs of 25% on steel imports. "
           "Freedonia will also open a consulate in the port city of Lumen next year.")
TALKS_B = ("Talks between Freedonia and Sylvania in Geneva ran for four days, officials said. "
           "The agreement cuts tariffs of 25% on steel imports, according to the text. "
           "Anna Berg, Freedonia's trade minister, said the talks were constructive. "
           "Sylvanian farmers protested outside the venue against cheap grain.")


def _two_outlets():
    a = article("a1", "Daily A", TALKS_A,
                claims=[("two days", "duration", "P2D"), ("25%", "percent", 25.0, "%"), ("Geneva", "place", None)],
                quotes=[("the talks were constructive", "Anna Berg", "Freedonia")],
                entities=[("Anna Berg", "PERSON")])
    b = article("b1", "Herald B", TALKS_B,
                claims=[("four days", "duration", "P4D"), ("25%", "percent", 25.0, "%"), ("Geneva", "place", None)],
                quotes=[("the talks were constructive", "Anna Berg", "Freedonia")],
                entities=[("Anna Berg", "PERSON")])
    return story(a, b)


def test_schema_is_pinned():
    s, arts = _two_outlets()
    c = compare_story(s, arts)
    assert {"voices", "facts"} <= set(c)
    for f in c["facts"]:
        assert {"id", "text", "kind", "status", "outlets"} <= set(f)
        assert f["status"] in ("agreed", "differs", "single-source")
        for o, evs in f["outlets"].items():
            assert isinstance(o, str) and evs
            for ev in evs:
                assert {"article", "start", "end", "text"} <= set(ev)
    for o, speakers in c["voices"].items():
        for sp in speakers:
            assert {"speaker_name", "affiliation", "quotes"} <= set(sp)
            assert isinstance(sp["quotes"], int)


def test_statuses_on_a_small_story():
    s, arts = _two_outlets()
    facts = compare_story(s, arts)["facts"]
    by_status = {}
    for f in facts:
        by_status.setdefault(f["status"], []).append(f)
    differs = [f for f in by_status.get("differs", []) if f["kind"] == "duration"]
    assert differs, facts
    assert set(differs[0]["outlets"]) == {"Daily A", "Herald B"}
    agreed_texts = " ".join(ev["text"] for f in by_status.get("agreed", []) for evs in f["outlets"].values()
                            for ev in evs)
    assert "25%" in agreed_texts and "Geneva" in agreed_texts
    singles = by_status.get("single-source", [])
    assert any("consulate" in f["text"] and list(f["outlets"]) == ["Daily A"] for f in singles)
    assert any("farmers protested" in f["text"] and list(f["outlets"]) == ["Herald B"] for f in singles)
    # a fact that both report is never single-source
    assert not any("25%" in f["text"] for f in singles)


def test_voices_count_quotes_words_and_side():
    s, arts = _two_outlets()
    c = compare_story(s, arts)
    sp = c["voices"]["Daily A"][0]
    assert sp["speaker_name"] == "Anna Berg" and sp["affiliation"] == "Freedonia" and sp["quotes"] == 1
    assert sp["words"] == 4
    assert c["voice_share"]["Herald B"] == {"Freedonia": 1.0}


def test_syndicated_copy_counts_once_under_its_source():
    s, arts = _two_outlets()
    copy = article("c1", "Wire Mirror", TALKS_A, claims=[("two days", "duration", "P2D")],
                   quotes=[("the talks were constructive", "Anna Berg", "Freedonia")])
    copy.duplicate_of, copy.duplicate_kind = "a1", "syndicated"
    s.articles.append("c1")
    arts["c1"] = copy
    c = compare_story(s, arts)
    assert "Wire Mirror" not in c["voices"]
    assert all("Wire Mirror" not in f["outlets"] for f in c["facts"])
    assert c["syndicated"] == [{"article": "c1", "outlet": "Wire Mirror", "copy_of": "a1",
                                "source_outlet": "Daily A", "kind": "syndicated"}]


def test_outlet_falls_back_to_domain_then_id():
    assert outlet_of(Article(id="x", outlet="  AP ")) == "AP"
    assert outlet_of(Article(id="x", url="https://www.example.org/a/b")) == "example.org"
    assert outlet_of(Article(id="x9")) == "x9"


def test_values_compare_after_normalisation():
    def v(text, kind, norm=None, ctx=""):
        return value_of(Claim(0, len(text), text, kind, normalized=norm), ctx)
    assert compatible(v("two days", "duration", "P2D"), v("48 hours", "duration")) is True
    assert compatible(v("two days", "duration", "P2D"), v("four days", "duration", "P4D")) is False
    assert compatible(v("$1.2 billion", "money"), v("$1,200 million", "money")) is True
    # "at least N" is the count a source stands by: two such counts of one thing differ; "more than N" is open
    assert compatible(v("12 people", "number", ctx="at least "), v("12 people", "number")) is True
    assert compatible(v("12 people", "number", ctx="at least "), v("15 people", "number")) is False
    assert compatible(v("12 people", "number", ctx="more than "), v("15 people", "number")) is True
    assert compatible(v("July 13, 2009", "date", "2009-07-13"), v("July 13", "date", "2026-07-13")) is True
    assert compatible(v("Monday", "date"), v("July 13", "date")) is None
    assert v("yesterday", "date").label is None
    assert compatible(v("50% to 100%", "percent", {"min": 50, "max": 100}), v("60%", "percent", 60)) is True
    assert isinstance(v("7", "number"), Value)


def test_stage_contract_and_prior_articles():
    stage = CompareStage()
    assert stage.name == "compare" and stage.scope == "corpus"
    assert stage.requires == frozenset({"stories", "quotes", "claims", "entities", "duplicate_of"})
    assert stage.assigns == frozenset({"comparison"})
    check_order([stage], frozenset({"stories", "quotes", "claims", "entities", "duplicate_of"}))
    s, arts = _two_outlets()
    untouched = Story(id="old", articles=["zz"])
    corpus = Corpus(articles=[arts["b1"]], stories={"s1": s, "old": untouched},
                    prior_articles=lambda: iter([arts["a1"]]))
    stage(corpus)
    assert set(s.comparison["voices"]) == {"Daily A", "Herald B"}
    assert untouched.comparison == {}


def test_one_outlet_has_no_facts_to_compare():
    s, arts = story(article("a1", "Daily A", TALKS_A))
    c = compare_story(s, arts)
    assert c["facts"] == [] and set(c["voices"]) == {"Daily A"}


def test_framing_finds_the_words_that_separate_an_outlet():
    # A calls the government a "regime" in its own voice, again and again; B and C never do. A quotation's words
    # are the speaker's, not the outlet's: "bullying" inside quotes is no framing of A's.
    a_text = " ".join(["The regime closed the port on Monday.", "The regime raised fuel prices.",
                       "Critics say the regime ignored the harbour workers.", "The regime also shut two newspapers.",
                       "Observers expect the regime to extend the closure.", "The regime has not commented.",
                       '"This is bullying, bullying, bullying," the union leader said.'])
    a = article("a1", "A", a_text, quotes=[('"This is bullying, bullying, bullying,"', "the union leader")])
    rest = ["Port authorities closed the harbour on Monday.", "Fuel prices rose by a fifth overnight.",
            "Harbour workers protested outside the customs office.", "Shipping agents rerouted three freighters.",
            "Fishermen said the closure would cost them a week of catches.", "Traders stocked up on rice and flour.",
            "The transport ministry promised a review of the closure.", "Ferry services to the islands stopped."]
    b = article("b1", "B", " ".join(rest + ["The government said the closure was temporary."]))
    c = article("c1", "C", " ".join(rest[::-1] + ["The government raised fuel prices, officials said."]))
    s, arts = story(a, b, c)
    fr = compare_story(s, arts)["framing"]
    top = fr["A"]["distinctive"][0]
    assert top["word"] == "regime" and top["z"] >= 1.96 and top["count"] == 6
    assert all("regime" in ev["text"] and arts[ev["article"]].text[ev["start"]:ev["end"]] == ev["text"]
               for ev in top["evidence"])
    assert fr["A"]["own_voice"]["regime"] == 6 and "bullying" not in fr["A"]["own_voice"]
    assert all(d["word"] != "regime" for o in ("B", "C") for d in fr[o]["distinctive"])


_SENTS = st.sampled_from([
    "The council approved a budget of $3.5 million on Monday.", "Officials said 12 people were hurt.",
    "“We will rebuild the bridge,” the mayor said.", "The storm lasted three days.",
    "Residents of Lumen protested the closure.", "Prices rose 4% in March 2024.",
    "Unicode ünïcödé — and emoji 🙂 appear here.", "\n\n", "Mr. Smith, the chairman, resigned.",
    'He called it "a disgrace".', "The vote was 7-2 after two weeks of debate."])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_SENTS, min_size=1, max_size=8), min_size=1, max_size=4))
def test_every_evidence_span_equals_the_article_text(bodies):
    arts = []
    for i, sents in enumerate(bodies):
        text = " ".join(sents)
        a = Article(id=f"a{i}", outlet=f"O{i % 3}", text=text)
        if "the mayor said" in text:
            s = text.index("“We will")
            a.quotes.append(__import__("newsprism.model", fromlist=["Quote"]).Quote(
                s, s + len("“We will rebuild the bridge,”"), "“We will rebuild the bridge,”", speaker_name="mayor"))
        arts.append(a)
    s, by_id = story(*arts)
    c = compare_story(s, by_id)
    for ev in all_spans(c):
        assert by_id[ev["article"]].text[ev["start"]:ev["end"]] == ev["text"]
