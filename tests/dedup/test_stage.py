"""The dedup stage end to end on the seeds and real-shaped texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.dedup import syndication_groups
from newsprism.dedup.stage import DedupStage
from newsprism.model import Article
from newsprism.pipeline import Corpus, check_order


def cut(text: str, share: float) -> str:
    """The first ``share`` of a text's words (a copy cut short at a word boundary)."""
    w = text.split(" ")
    return " ".join(w[: int(len(w) * share)])


def seed(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def run(articles: list[Article], prior: list[Article] | None = None, state: dict | None = None) -> Corpus:
    corpus = Corpus(articles=articles, prior_articles=lambda: iter(prior or []), state=state if state is not None else {})
    DedupStage()(corpus)
    return corpus


def test_stage_contract() -> None:
    st = DedupStage()
    assert (st.name, st.scope) == ("dedup", "corpus")
    assert st.requires == frozenset({"text"})
    assert st.assigns == frozenset({"duplicate_of", "duplicate_kind", "syndication"})
    check_order([st], frozenset({"text"}))


@pytest.mark.shared
def test_same_event_different_words_is_not_a_duplicate(seeds_dir: Path) -> None:
    arts = [Article(id="000", outlet="China Daily", text=seed(seeds_dir, "000")),
            Article(id="003", outlet="MENAFN", credit="MENAFN", text=seed(seeds_dir, "003"))]
    run(arts)
    for a in arts:
        assert (a.duplicate_of, a.duplicate_kind, a.syndication_group) == (None, None, None)


@pytest.mark.shared
def test_exact_near_and_contained_copies_of_the_seed(seeds_dir: Path) -> None:
    body = seed(seeds_dir, "003")
    paras = body.split("\n")
    arts = [Article(id="menafn", outlet="MENAFN", credit="MENAFN", text=body, published="2025-09-15T10:00:00Z"),
            Article(id="exact", outlet="A", text=body.replace("\n", "\n\n").upper(), published="2025-09-15T11:00:00Z"),
            Article(id="near", outlet="B", text="Madrid talks: TikTok close\n" + "\n".join(paras[1:]),
                    published="2025-09-15T12:00:00Z"),
            Article(id="cut", outlet="C", text="\n".join(paras[:8]), published="2025-09-15T13:00:00Z"),
            Article(id="cd", outlet="China Daily", text=seed(seeds_dir, "000"), published="2025-09-15T09:00:00Z")]
    run(arts)
    got = {a.id: (a.duplicate_of, a.duplicate_kind) for a in arts}
    assert got == {"menafn": (None, None), "exact": ("menafn", "exact"), "near": ("menafn", "near"),
                   "cut": ("menafn", "contained"), "cd": (None, None)}
    assert len({a.syndication_group for a in arts[:4]}) == 1 and arts[4].syndication_group is None
    groups = syndication_groups(arts)
    assert [g["origin"] for g in groups] == ["menafn"]
    assert sorted(c["article"] for c in groups[0]["copies"]) == ["cut", "exact", "near"]


WIRE = ("BRUSSELS (AP) \u2014 European Union leaders agreed early Friday on a plan to jointly buy natural gas for "
        "next winter, after talks that ran through the night and ended with a compromise on price caps. "
        "The agreement sets up a platform for member countries to pool demand and negotiate with suppliers, "
        "officials said, and leaves the door open to an emergency cap if prices spike again. "
        "\u201cWe have shown that we can act together when it matters,\u201d the summit chair told reporters. "
        "Several countries had pushed for a firmer limit, warning that households still face steep bills. "
        "Energy ministers will meet next month to work out the details of the purchasing scheme.")
SAME_EVENT = ("EU heads of government struck a deal on Friday morning to purchase gas collectively ahead of the "
              "cold season. The pact, reached after an all-night summit, creates a joint buying mechanism and an "
              "option to impose a ceiling on prices in an emergency. Critics said it falls short of what struggling "
              "families need, and ministers are due to finalise the scheme in the coming weeks.")


def test_origin_by_credit_beats_an_earlier_copy() -> None:
    arts = [Article(id="herald", outlet="Valley Herald", credit="AP", text="Gas deal reached\n" + WIRE,
                    published="2025-03-07T06:00:00Z"),
            Article(id="ap", outlet="Associated Press", url="https://apnews.com/article/x", text=WIRE,
                    published="2025-03-07T07:00:00Z"),
            Article(id="other", outlet="Daily", text=SAME_EVENT, published="2025-03-07T05:00:00Z")]
    run(arts)
    assert (arts[0].duplicate_of, arts[0].duplicate_kind) == ("ap", "near")
    assert arts[1].duplicate_of is None and arts[1].syndication_group == arts[0].syndication_group
    assert arts[2].syndication_group is None  # same event, other words


def test_origin_by_date_then_input_order() -> None:
    arts = [Article(id="late", outlet="A", text=WIRE, published="2025-03-08"),
            Article(id="early", outlet="B", text=WIRE.replace("(AP)", ""), published="2025-03-07"),
            Article(id="undated", outlet="C", text=WIRE)]
    run(arts)
    assert [a.duplicate_of for a in arts] == ["early", None, "early"]
    assert (arts[0].duplicate_kind, arts[2].duplicate_kind) == ("near", "near")  # "(AP)" is a word less
    same = [Article(id="first", text=WIRE), Article(id="second", text=WIRE)]
    run(same)
    assert (same[0].duplicate_of, same[1].duplicate_of) == (None, "first")


def test_incremental_second_run_joins_the_earlier_group() -> None:
    first = [Article(id="ap", outlet="AP", text=WIRE, published="2025-03-07"),
             Article(id="copy1", outlet="X", credit="AP", text=WIRE + "\nRead more on our site.",
                     published="2025-03-07")]
    state: dict = {}
    run(first, state=state)
    assert first[1].duplicate_of == "ap"
    gid = first[0].syndication_group
    second = [Article(id="copy2", outlet="Y", credit="AP", text=cut(WIRE, 0.7),
                      published="2025-03-08"),
              Article(id="unrelated", outlet="Z", text=SAME_EVENT, published="2025-03-08")]
    run(second, prior=first, state=state)
    assert (second[0].duplicate_of, second[0].duplicate_kind, second[0].syndication_group) == ("ap", "contained", gid)
    assert second[1].duplicate_of is None and second[1].syndication_group is None
    # the origin's stored record predates its copies (no group id); the helper still shows the group
    groups = syndication_groups(first + second)
    assert [(g["origin"], sorted(c["article"] for c in g["copies"])) for g in groups] == [("ap", ["copy1", "copy2"])]
    lone = [Article(id="old", outlet="AP", text=WIRE)]
    late = [Article(id="late", outlet="X", text=WIRE.upper())]
    run(late, prior=lone)
    assert late[0].duplicate_of == "old" and lone[0].syndication_group is None
    assert syndication_groups(lone + late) == [{"group": late[0].syndication_group, "origin": "old",
                                                "copies": [{"article": "late", "kind": "exact"}]}]
    # a re-run of the same batch is idempotent
    run(second, prior=first, state=state)
    assert (second[0].duplicate_of, second[0].syndication_group) == ("ap", gid)


def test_failed_and_empty_articles_are_left_alone() -> None:
    bad = Article(id="bad", text=WIRE, errors=["clean: boom"])
    empty1, empty2 = Article(id="e1", text=""), Article(id="e2", text="  ")
    good = Article(id="good", text=WIRE)
    run([bad, empty1, empty2, good])
    assert all(a.duplicate_of is None and a.syndication_group is None for a in (bad, empty1, empty2, good))


def test_groups_helper_on_a_subset() -> None:
    arts = [Article(id="ap", outlet="AP", text=WIRE, published="2025-03-07"),
            Article(id="c1", outlet="X", text=WIRE.upper(), published="2025-03-08"),
            Article(id="c2", outlet="Y", text=cut(WIRE, 0.75), published="2025-03-09"),
            Article(id="solo", outlet="Z", text=SAME_EVENT)]
    run(arts)
    groups = syndication_groups(arts)
    assert len(groups) == 1 and groups[0]["origin"] == "ap"
    assert {(c["article"], c["kind"]) for c in groups[0]["copies"]} == {("c1", "exact"), ("c2", "contained")}
    # a story holding only two copies still shows them as one group
    sub = syndication_groups([arts[1], arts[2]])
    assert len(sub) == 1 and sub[0]["origin"] in {"c1", "c2"} and len(sub[0]["copies"]) == 1
    assert syndication_groups([arts[3]]) == []


@pytest.mark.shared
def test_pages_sharing_only_site_furniture_are_not_copies(shared_dir: Path, seeds_dir: Path) -> None:
    import json

    menafn = seed(seeds_dir, "003")
    furniture = menafn[menafn.index("Legal Disclaimer:"):]
    texts, seen = [], set()
    with open(shared_dir / "data/quotes/polnear/dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["doc_id"] not in seen:
                seen.add(d["doc_id"])
                texts.append(" ".join(d["text"].split()[:70]))
            if len(texts) == 14:
                break
    arts = [Article(id=f"p{i}", outlet="MENAFN", credit="MENAFN", text=t + "\n\n" + furniture)
            for i, t in enumerate(texts)]
    arts.append(Article(id="copy", outlet="Elsewhere", credit="MENAFN", text="Headline\n" + texts[3]))
    run(arts)
    assert [a.id for a in arts if a.syndication_group] == ["p3", "copy"]
    assert arts[-1].duplicate_of == "p3"
