"""Stored exact copies read after their source come as heads, and the stories are those of reading them whole."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from newsprism.cluster import members
from newsprism.cluster.members import stand_ins
from newsprism.jobs import run_job
from newsprism.model import Article
from newsprism.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jobs_corpus import EVENTS, corpus  # noqa: E402,F401 (corpus: a shared fixture)


def test_which_members_stand_in():
    src = Article(id="a", text="x", published="2025-03-02")
    arts = {"a": src,
            "later": Article(id="later", duplicate_of="a", duplicate_kind="exact", published="2025-03-05"),
            "undated": Article(id="undated", duplicate_of="a", duplicate_kind="exact"),
            "earlier": Article(id="earlier", duplicate_of="a", duplicate_kind="exact", published="2025-03-01"),
            "near": Article(id="near", duplicate_of="a", duplicate_kind="near", published="2025-03-05"),
            "orphan": Article(id="orphan", duplicate_of="gone", duplicate_kind="exact", published="2025-03-05"),
            "chain": Article(id="chain", duplicate_of="later", duplicate_kind="exact", published="2025-03-06")}
    assert stand_ins(arts) == {"later", "undated", "chain"}
    src.errors.append("failed")  # a failed source carries no words to stand in for
    assert stand_ins(arts) == {"chain"}


def _copy(src: Path, dest: Path, outlet: str, published: str) -> None:
    text = src.read_text(encoding="utf-8")
    text = re.sub(r"^outlet: .*$", f"outlet: {outlet}", text, flags=re.M)
    dest.write_text(re.sub(r"^published: .*$", f"published: {published}", text, flags=re.M), encoding="utf-8")


def _runs(folder: Path, tmp: Path, store) -> list[str]:
    """Two runs, the corpus then an exact copy of one article per event, dated after it; and a third to run, one
    new article per event (in ``tmp / "fresh"``), whose chunk reads the stored copies. Returns the copies' ids."""
    run_job([str(folder)], store, chunk_size=12)
    copies = tmp / "copies"
    copies.mkdir(exist_ok=True)
    later = []
    for event in EVENTS:
        _copy(folder / f"{event}-0.txt", copies / f"{event}-echo.txt", "Wire Echo", "2025-03-20")
        later.append(f"{event}-echo")
    run_job([str(copies)], store, chunk_size=12)
    fresh = tmp / "fresh"
    fresh.mkdir(exist_ok=True)
    for event, sents in EVENTS.items():
        (fresh / f"{event}-late.txt").write_text(
            f"---\ntitle: {sents[0].split(' on ')[0]}\noutlet: Evening Star\npublished: 2025-03-22\n---\n"
            f"Late reports added detail. {' '.join(reversed(sents))}\n", encoding="utf-8")
    return later


def test_copies_after_their_source_are_read_as_heads(corpus, tmp_path, monkeypatch):
    folder, _ids = corpus
    whole = open_store(tmp_path / "whole.db")
    with monkeypatch.context() as m:  # the reference: every stored member read whole
        m.setattr(members, "stand_ins", lambda arts: set())
        (tmp_path / "w").mkdir()
        _runs(folder, tmp_path / "w", whole)
        run_job([str(tmp_path / "w" / "fresh")], whole, chunk_size=12)
    light = open_store(tmp_path / "light.db")
    (tmp_path / "l").mkdir()
    later = _runs(folder, tmp_path / "l", light)
    read_whole: set[str] = set()
    read_heads: set[str] = set()
    by_id, heads_by_id = light.get_articles_by_id, light.get_article_heads_by_id

    def spy_whole(ids, **kw):
        ids = set(ids)
        read_whole.update(ids)
        return by_id(ids, **kw)

    def spy_heads(ids, **kw):
        ids = set(ids)
        read_heads.update(ids)
        return heads_by_id(ids, **kw)
    monkeypatch.setattr(light, "get_articles_by_id", spy_whole)
    monkeypatch.setattr(light, "get_article_heads_by_id", spy_heads)
    run_job([str(tmp_path / "l" / "fresh")], light, chunk_size=12)
    # every copy of the earlier runs is a member of a story the last chunk touched
    stored = {a.id: a for a in light.iter_articles()}
    assert all(stored[c].duplicate_kind == "exact" and stored[c].story == stored[stored[c].duplicate_of].story
               for c in later)
    assert set(later) <= read_heads and not set(later) & read_whole
    assert {"bridge-0", "storm-0", "vote-0"} <= read_whole  # their sources: the words they stand in for
    # the same stories, comparisons, timelines and copies as reading every member whole
    assert {s.id: s.to_record() for s in light.iter_stories()} == {s.id: s.to_record() for s in whole.iter_stories()}
    for s in (whole, light):
        s.close()
