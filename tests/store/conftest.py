"""Store fixtures: every store test runs on SQLite and on the PostgreSQL test server (NEWSPRISM_TEST_PG)."""
from __future__ import annotations

import os
import uuid

import pytest

from newsprism.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A location for a new, empty database (several stores may open it)."""
    if request.param == "sqlite":
        yield str(tmp_path / "np.db")
    else:
        yield from _postgres_schema()


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def _postgres_schema():
    """A fresh schema of the test server, dropped afterwards."""
    import sqlalchemy as sa

    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("NEWSPRISM_TEST_PG is not set in CI; make test starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL for tests (make test starts one and sets NEWSPRISM_TEST_PG)")
    admin = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = "t_" + uuid.uuid4().hex[:12]
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"PostgreSQL at NEWSPRISM_TEST_PG is not reachable: {exc.orig}")
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
