"""The seed story, run through the real clean, dedup and nlp stages: the findings the project started from."""
from __future__ import annotations

import pytest

from newsprism.compare import compare_story
from newsprism.model import Story

pytestmark = pytest.mark.shared

# The .txt seeds carry no outlet; the names are given here as a reader knows them (the scraped copy's credit line
# says MENAFN).
OUTLETS = {"000": "China Daily", "003": "MENAFN"}


@pytest.fixture(scope="module")
def seed_story(seeds_dir):
    from newsprism.clean.stage import CleanStage
    from newsprism.dedup.stage import DedupStage
    from newsprism.ingest.files import read_text_file
    from newsprism.nlp.stage import NlpStage
    from newsprism.pipeline import Corpus, run_stages

    arts = []
    for path in sorted(seeds_dir.glob("*.txt")):
        for a in read_text_file(path):
            a.outlet = OUTLETS[path.name[:3]]
            arts.append(a)
    corpus = Corpus(articles=arts)
    run_stages(corpus, [CleanStage(), DedupStage(), NlpStage()])
    by_id = {a.id: a for a in corpus.articles}
    st = Story(id="seed", articles=list(by_id))
    st.comparison = compare_story(st, by_id)
    return st, by_id


def _evidence(f, outlet=None):
    return " ".join(ev["text"] for o, evs in f["outlets"].items() if outlet in (None, o) for ev in evs)


def _facts(seed_story, status):
    return [f for f in seed_story[0].comparison["facts"] if f["status"] == status]


def test_both_agree_who_led_the_talks_and_where(seed_story):
    agreed = _facts(seed_story, "agreed")
    led = [f for f in agreed if set(f["outlets"]) == {"China Daily", "MENAFN"}
           and all("He Lifeng" in _evidence(f, o) and "Bessent" in _evidence(f, o) for o in f["outlets"])]
    assert led, [f["text"] for f in agreed]
    assert any(f["kind"] == "place" and all("Madrid" in _evidence(f, o) for o in f["outlets"])
               and len(f["outlets"]) == 2 for f in agreed)


def test_they_differ_on_the_length_of_the_talks(seed_story):
    differs = _facts(seed_story, "differs")
    length = [f for f in differs if f["kind"] == "duration"]
    assert len(length) == 1, [f["text"] for f in differs]
    f = length[0]
    assert "two days" in _evidence(f, "China Daily") and "four days" in _evidence(f, "MENAFN")


@pytest.mark.parametrize("outlet,needle", [
    ("MENAFN", "through November"), ("MENAFN", "50% to 100%"), ("MENAFN", "money laundering"),
    ("China Daily", "technology exports"),
])
def test_single_source_findings(seed_story, outlet, needle):
    singles = _facts(seed_story, "single-source")
    hits = [f for f in singles if needle in _evidence(f)]
    assert hits and all(list(f["outlets"]) == [outlet] for f in hits), [f["text"] for f in singles]
    # and the other outlet never has it as agreed or differing
    assert not any(needle in _evidence(f) for f in seed_story[0].comparison["facts"] if f["status"] != "single-source")


def test_voices_china_daily_only_chinese_menafn_mostly_us_treasury(seed_story):
    voices = seed_story[0].comparison["voices"]
    cd = voices["China Daily"]
    names = {s["speaker_name"] for s in cd}
    assert {"He Lifeng", "Li Chenggang", "Wang Jingtao", "Wang Wen", "Chen Wenling"} <= names
    assert all(s["affiliation"] == "China" for s in cd), [(s["speaker_name"], s["affiliation"]) for s in cd]
    me = voices["MENAFN"]
    assert "Bessent" in me[0]["speaker_name"] and me[0]["affiliation"] == "US"
    assert any("Treasury Department" in s["speaker_name"] for s in me)
    assert any("Commerce Ministry" in s["speaker_name"] and s["affiliation"] == "China" for s in me)
    share = seed_story[0].comparison["voice_share"]
    assert share["China Daily"] == {"China": 1.0}
    assert share["MENAFN"]["US"] > 0.6


def test_seed_evidence_spans_equal_the_text(seed_story):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from compare_helpers import all_spans

    st, arts = seed_story
    n = 0
    for ev in all_spans(st.comparison):
        assert arts[ev["article"]].text[ev["start"]:ev["end"]] == ev["text"]
        n += 1
    assert n > 20


def test_blocks_of_similarity_rows_change_nothing(seed_story, monkeypatch):
    """The clause similarity and each clause's neighbours are worked out a block of rows at a time; any block size
    gives the very facts of one whole block."""
    from newsprism.compare import align

    st, by_id = seed_story
    monkeypatch.setattr(align, "ROW_BLOCK", 10**9)
    whole = compare_story(st, by_id)["facts"]
    monkeypatch.setattr(align, "ROW_BLOCK", 7)  # the seeds' two articles give about a hundred clauses
    assert compare_story(st, by_id)["facts"] == whole
