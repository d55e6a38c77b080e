"""The store's actors table on both dialects: records round-trip, a second write replaces the first."""


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
