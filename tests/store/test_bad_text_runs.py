"""A batch with NUL characters and an over-long text: clear errors, the rest stored, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

from newsprism.jobs import run_job
from newsprism.stages import Options
from newsprism.store import open_store


def test_nul_text_and_a_huge_record_do_not_stop_the_batch(store_url, tmp_path):
    records = [
        {"id": "nul", "outlet": "Valley Times", "title": "Ferry\u0000 back",
         "text": "The valley ferry\u0000 resumed service on Friday after the floods.\u0000 Tickets cost four euros."},
        {"id": "huge", "outlet": "Valley Times", "text": "The river rose again. " * 2000},
        {"id": "fine", "outlet": "Hill Post", "text": "The valley ferry is running again after the floods."},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    store = open_store(store_url)
    result = run_job([str(path)], store, options=Options(max_chars=10_000))
    by_id = {a.id: a for a in result.articles}
    assert by_id["nul"].ok and "\x00" not in by_id["nul"].text and by_id["nul"].title == "Ferry back"
    assert not by_id["huge"].ok and "over the limit of 10,000" in by_id["huge"].errors[0]
    assert by_id["fine"].ok
    assert store.count_articles() == 3
    assert store.get_article("nul").removals[0].what.startswith("2 control characters")
    assert {r["id"] for r in store.search("ferry")} == {"nul", "fine"}
    assert store.search("ferry\x00") and store.search("\x00") == []
    assert [e["article_id"] for e in store.iter_errors()] == ["huge"]
    store.close()


def test_search_endpoint_with_a_nul_is_not_a_server_error(store_url):
    from fastapi.testclient import TestClient

    from newsprism.api import create_app

    store = open_store(store_url)
    client = TestClient(create_app(store))
    for q in ("%00", "ferry%00", "%00%00 valley"):
        assert client.get(f"/api/search?q={q}").status_code == 200
    store.close()
