"""Shared fixtures. Tests that need ../shared skip when it is absent, except in CI (CI=true), where they fail."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
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


@contextmanager
def _postgres_schema():
    """A fresh schema of the test PostgreSQL server (NEWSPRISM_TEST_PG) as a store URL, dropped afterwards; skips
    outside CI when there is no server, fails in CI."""
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
        _forget_actor_book_in(schema)
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _forget_actor_book_in(schema: str) -> None:
    """A job on a store makes that store's actors the process's book (``knowledge.actors.recall``). When the store's
    schema is dropped, a later test in the same worker must not read the book from it: the process forgets it."""
    from newsprism.knowledge import actors

    source = getattr(actors._BOOK, "_source", None)
    if source is not None and schema in str(getattr(source, "url", "")):
        actors._BOOK = None
        actors._LEARNED[:] = []


@pytest.fixture(scope="session")
def postgres_schema():
    """``with postgres_schema() as url:`` a store URL in a fresh schema of the test PostgreSQL, for any scope."""
    return _postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, postgres_schema):
    """A location for a new, empty database (several stores may open it), on SQLite and on the PostgreSQL test
    server (NEWSPRISM_TEST_PG)."""
    if request.param == "sqlite":
        yield str(tmp_path / "np.db")
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def packaged_wordnet():
    """WordNet 3.0 as the data package (requirements-wordnet.txt) ships it: required in CI, skipped without it."""
    from newsprism.knowledge import wordnet

    wn = wordnet.default()
    if wn is None:
        if os.environ.get("CI"):
            raise AssertionError("the WordNet data package (requirements-wordnet.txt) is not installed")
        pytest.skip("the WordNet data package is not installed")
    return wn
