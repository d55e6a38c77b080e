"""The store's actors table on both dialects: records round-trip, a second write replaces the first."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from newsprism.store import open_store

_spec = importlib.util.spec_from_file_location("_store_tests", Path(__file__).parents[1] / "store" / "test_store.py")
_store_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_store_tests)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(tmp_path / "np.db")
        yield s
        s.close()
    else:
        yield from _store_tests._postgres_store()


def test_actor_records_round_trip_and_replace(store):
    rec = {"name": "Scott Bessent", "type": "PERSON", "side": "US", "title": "Treasury Secretary",
           "variants": ["Bessent"], "titles": {"Treasury Secretary": ["a1", "a2"]}, "pinned": False,
           "quotes": [{"article": "a1", "start": 3, "end": 20}]}
    assert store.upsert_actors([rec, {"name": "Li Chenggang", "type": "PERSON", "side": "China"}]) == 2
    assert [r["name"] for r in store.iter_actors()] == ["Li Chenggang", "Scott Bessent"]
    store.upsert_actors([{**rec, "side": "UK"}])
    got = {r["name"]: r for r in store.iter_actors()}
    assert got["Scott Bessent"]["side"] == "UK" and got["Scott Bessent"]["titles"] == rec["titles"]
    assert store.upsert_actors([]) == 0
