"""spaCy loads once per test session; every test reuses the same pipeline."""
from __future__ import annotations

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
