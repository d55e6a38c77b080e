"""Story titles: real headlines, else an extract of a reporting sentence; never credits, datelines or furniture."""
from __future__ import annotations

import re

import pytest

from newsprism.cluster.evidence import event_dates, evidence_text, is_credit_or_dateline
from newsprism.cluster.titles import article_title, central_sentence, good_headline

BODY = ("A ferry carrying 300 passengers ran aground off the island of Hydra on Sunday, the coast guard said. "
        "All passengers were taken off by fishing boats and nobody was hurt, officials in Piraeus said.")


@pytest.mark.parametrize("bad", ["[Photo Credit: Reuters]", "Baku, September 19, AZERTAC", "2 min read",
                                 "Connect with us", "KEY POINTS", "19 hours ago", "F.P. Report",
                                 "date 2025-05-08 Thursday, May 8, 2025", "(AP Photo/Jane Roe)", "— AFP",
                                 "Share - WeChat", "Global EditionASIA 中文双语Français"])
def test_furniture_is_never_a_headline(bad):
    assert good_headline(bad, BODY) is None


def test_real_headline_is_kept_and_cleaned():
    assert good_headline(" Ferry with 300 passengers runs aground off Hydra ", BODY) == \
        "Ferry with 300 passengers runs aground off Hydra"
    # A headline of another article (the page's related-links box) is not this article's title.
    assert good_headline("Markets rally as central bank holds interest rates", BODY) is None


def test_extract_skips_dateline_caption_and_credit():
    text = ("Home / World\nPIRAEUS, Greece (Reuters) - A ferry carrying 300 passengers ran aground off Hydra on "
            "Sunday, the coast guard said.\nPassengers wait on the quay. (AP Photo/Jane Roe)")
    s = central_sentence(text)
    assert s.startswith("A ferry carrying 300 passengers ran aground") and "Reuters" not in s
    assert article_title(None, text) == ("", s, False)
    long = "A " + "very " * 40 + "long sentence, with a clause that goes on and on about the ferry and the island."
    assert len(central_sentence(long)) <= 110


def test_credit_and_dateline_lines():
    assert is_credit_or_dateline("Baku, September 19, AZERTAC")
    assert is_credit_or_dateline("ISLAMABAD:")
    assert not is_credit_or_dateline("Ferry with 300 passengers runs aground off Hydra")
    assert "Photo" not in evidence_text("Passengers wait on the quay in Piraeus on Sunday. (AP Photo/Jane Roe)")


def test_event_dates_resolve_against_publication():
    from datetime import date
    got = event_dates("The ferry left on Saturday night and ran aground on 12 March; talks began March 14, 2021.",
                      date(2021, 3, 15))
    assert "2021-03-13" in got and "2021-03-12" in got and "2021-03-14" in got
    assert event_dates("It sank on Saturday.") == []  # a weekday without a publication date is not resolved


# ---- every title of the dev runs (../shared) -------------------------------------------------------------------
_CREDITISH = re.compile(r"\b(?:photo|credit|image|getty|copyright|©|all rights reserved|read time|min read|"
                        r"share|subscribe|updated)\b", re.I)


def _is_bad_title(title: str) -> bool:
    t = title.strip()
    words = re.findall(r"[^\W\d_]+", t)
    if len(words) < 4:
        return True  # "2 min read", "KEY POINTS", a date, a bare place name
    if _CREDITISH.search(t):
        return True
    if re.fullmatch(r"[A-Z][\w .,'-]*,\s*\w+\s+\d{1,2}(?:,\s*\d{4})?,?\s*[A-Z]*", t):
        return True  # a dateline: "Baku, September 19, AZERTAC"
    return False


@pytest.mark.shared
@pytest.mark.parametrize("which", ["ecbplus-dev", "indo-pak-2025"])
def test_no_dev_title_is_furniture(shared_dir, which, tmp_path):
    import json

    from newsprism.clean.stage import CleanStage
    from newsprism.cluster.stage import ClusterStage
    from newsprism.dedup.stage import DedupStage
    from newsprism.ingest import read_inputs
    from newsprism.pipeline import Corpus

    if which == "ecbplus-dev":
        src = tmp_path / "dev.jsonl"
        with open(shared_dir / "data" / "clustering" / "ecbplus" / "docs.jsonl") as fh, open(src, "w") as out:
            for line in fh:
                d = json.loads(line)
                if d["split"] == "dev":
                    out.write(json.dumps({"id": d["doc_id"], "text": d["text"]}) + "\n")
    else:
        src = shared_dir / "data" / "compare" / "indo-pak-2025" / "corpus.jsonl"
    arts = [CleanStage()(a) for a in read_inputs([str(src)])]
    corpus = Corpus(arts)
    DedupStage()(corpus)
    ClusterStage()(corpus)
    titles = {k: st.title for k, st in corpus.stories.items()}
    assert titles and all(titles.values())
    bad = {k: t for k, t in titles.items() if _is_bad_title(t)}
    assert not bad, bad
