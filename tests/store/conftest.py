"""Store fixtures: every store test runs on SQLite and on the PostgreSQL test server (NEWSPRISM_TEST_PG)."""
from __future__ import annotations

import pytest

from newsprism.store import open_store


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()
