"""Store fixtures: every store test runs on SQLite and on the PostgreSQL test server (NEWSPRISM_TEST_PG)."""
from __future__ import annotations

import pytest

from newsprism.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, postgres_schema):
    """A location for a new, empty database (several stores may open it)."""
    if request.param == "sqlite":
        yield str(tmp_path / "np.db")
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()
