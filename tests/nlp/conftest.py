"""spaCy loads once per test session; every test reuses the same pipeline."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def analyse():
    from newsprism.nlp.loading import load_nlp
    from newsprism.nlp.stage import analyse as run

    load_nlp()
    return run


@pytest.fixture(scope="session")
def seed_body():
    return _seed_body


def _seed_body(path) -> str:
    """Seed 003 repeats its body; the cleaner removes the copy upstream, so tests take the text up to the repeat."""
    text = path.read_text(encoding="utf-8")
    first = text.find("“We made very good progress")
    again = text.find("“We made very good progress", first + 1) if first >= 0 else -1
    return text[:again].rstrip() if again > 0 else text


POLNEAR_DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "quotes" / "polnear" / "dev.jsonl"


@pytest.fixture(scope="session")
def with_polnear():
    """``with_polnear(texts, n)``: ``texts`` and then the first ``n`` PolNeAR dev texts (real news, for tests that
    compare two ways of annotating); absent ../shared skips them outside CI and fails in CI."""
    def texts_and(texts: list[str], n: int) -> list[str]:
        out = list(texts)
        if POLNEAR_DEV.is_file():
            out += [json.loads(line)["text"] for line in POLNEAR_DEV.open(encoding="utf-8")][:n]
        elif os.environ.get("CI"):
            pytest.fail(f"{POLNEAR_DEV} is missing")
        return out
    return texts_and
