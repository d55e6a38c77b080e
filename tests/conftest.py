"""Shared fixtures. Tests that need ../shared skip when it is absent, except in CI (CI=true), where they fail."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if SHARED.is_dir():
        return SHARED
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{SHARED} is missing, and CI must have ../shared beside the clone")
    pytest.skip("../shared is not beside this checkout")


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="session")
def example_corpus() -> Path:
    return ROOT / "examples" / "corpus"
