"""The dedup stage end to end on the seeds and real-shaped texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.dedup import syndication_groups
from newsprism.dedup.stage import DedupStage
from newsprism.model import Article
from newsprism.pipeline import Corpus, check_order


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
