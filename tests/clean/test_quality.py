"""Extraction quality floors on a fixed sample of the shared benchmark sets (scored by ../shared/tools).

The floors are the figures measured when they were pinned (see benchmarks/extraction.py for the full sets); a
change that lowers either fails CI. The sample is the first 40 pages (sorted ids) of each set.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.clean.stage import CleanStage
from newsprism.model import Article

SAMPLE = 40
# Measured on this sample when pinned (2026-11-21, trafilatura 2.3.1, effort="best"): Zyte f1_of_means 0.9724,
# WCXB-dev mean_f1 0.9535; the same on 2026-11-22 after the precision-first candidate choice. Full sets
# (benchmarks/extraction.py, 2026-11-22): Zyte 0.9681 (trafilatura 0.9526), WCXB-dev 0.9425 (trafilatura 0.9301).
# Raise the floors when the figures improve; never lower them to make a change pass.
ZYTE_FLOOR = 0.972
WCXB_FLOOR = 0.953


def _pages(root: Path, ids: list[str], urls: dict[str, str | None]):
    for i in ids[:SAMPLE]:
        with gzip.open(root / "html" / f"{i}.html.gz", "rt", encoding="utf-8", errors="replace") as fh:
            yield i, urls.get(i), fh.read()


def _score(shared: Path, kind: str, data: Path, preds: Path) -> dict:
    out = subprocess.run([sys.executable, str(shared / "tools" / "extract_eval.py"), kind, str(data), str(preds)],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def _run(pages, preds: Path) -> None:
    stage = CleanStage()
    with open(preds, "w", encoding="utf-8") as fh:
        for pid, url, html in pages:
            art = stage(Article(id=pid, raw=html, raw_kind="html", url=url))
            fh.write(json.dumps({"id": pid, "text": art.text}) + "\n")


@pytest.mark.shared
def test_zyte_sample_floor(shared_dir: Path, tmp_path: Path):
    root = shared_dir / "data" / "extraction" / "zyte"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gold)
    preds = tmp_path / "zyte.jsonl"
    _run(_pages(root, ids, {k: v.get("url") for k, v in gold.items()}), preds)
    # the scorer averages over the pages present in the predictions
    res = _score(shared_dir, "zyte", root, preds)
    assert res["pages"] == SAMPLE
    assert res["f1_of_means"] >= ZYTE_FLOOR, res


@pytest.mark.shared
def test_wcxb_sample_floor(shared_dir: Path, tmp_path: Path):
    src = shared_dir / "data" / "extraction" / "wcxb-dev"
    # a view holding only gold files with main_content (the scorer stops on the one dev file without it)
    view = tmp_path / "wcxb-dev"
    (view / "ground-truth").mkdir(parents=True)
    ids, urls = [], {}
    for g in sorted((src / "ground-truth").glob("*.json")):
        d = json.loads(g.read_text(encoding="utf-8"))
        if "main_content" in d.get("ground_truth", {}):
            ids.append(g.stem)
            urls[g.stem] = d.get("url")
    for i in ids[:SAMPLE]:
        (view / "ground-truth" / f"{i}.json").symlink_to(src / "ground-truth" / f"{i}.json")
    preds = tmp_path / "wcxb.jsonl"
    _run(_pages(src, ids, urls), preds)
    res = _score(shared_dir, "wcxb", view, preds)
    assert res["pages"] == SAMPLE
    assert res["mean_f1"] >= WCXB_FLOOR, res

