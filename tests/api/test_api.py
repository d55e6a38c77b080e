import pytest
from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.store import open_store

TEXT = ("Officials from both countries met in Madrid on Sunday for trade talks. \"We made good progress,\" "
        "the finance minister said on Monday.")


@pytest.fixture
def client(tmp_path):
    store = open_store(tmp_path / "np.db")
    with TestClient(create_app(store, token="s3cret")) as c:
        yield c
    store.close()


def _post(client, articles, token="s3cret", wait=300):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/ingest", json={"articles": articles}, headers=headers, params={"wait": wait})


def test_ingest_needs_the_token(client):
    assert _post(client, [{"id": "a", "text": TEXT}], token=None).status_code == 401
    assert _post(client, [{"id": "a", "text": TEXT}], token="wrong").status_code == 401
    assert client.get("/api/stories").json() == []


def test_writing_is_off_without_a_configured_token(tmp_path):
    store = open_store(tmp_path / "np.db")
    with TestClient(create_app(store, token=None)) as c:
        assert c.post("/api/ingest", json={"articles": [{"id": "a", "text": TEXT}]}).status_code == 403
    store.close()


def test_ingest_then_read_every_endpoint(client):
    res = _post(client, [{"id": "a1", "text": TEXT, "outlet": "Daily", "title": "Talks <b>in</b> Madrid"},
                         {"id": "a2", "text": "", "outlet": "Other"}])
    assert res.status_code == 200
    body = res.json()
    assert body["status"] == "done" and body["new"] == 2 and body["failed"] == 1
    assert body["counts"]["articles"] == 2 and [e["article"] for e in body["errors"]] == ["a2"]
    stories = client.get("/api/stories").json()
    assert len(stories) == 1 and stories[0]["outlets"] == ["Daily"]
    sid = stories[0]["story"]
    detail = client.get(f"/api/stories/{sid}").json()
    assert detail["story"] == sid and [m["id"] for m in detail["members"]] == ["a1"]
    assert "comparison" in detail
    art = client.get("/api/articles/a1").json()
    assert art["text"].startswith("Officials") and art["story"] == sid
    assert client.get("/api/articles/a2").json()["errors"]
    assert [h["id"] for h in client.get("/api/search", params={"q": "Madrid"}).json()] == ["a1"]
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/articles/nope").status_code == 404


def test_pages_render_the_same_payloads_escaped(client):
    _post(client, [{"id": "a1", "text": TEXT, "outlet": "Daily", "title": "<script>alert(1)</script> Madrid"}])
    sid = client.get("/api/stories").json()[0]["story"]
    index = client.get("/").text
    assert "<script>alert(1)</script>" not in index and "&lt;script&gt;" in index
    assert f"/stories/{sid}" in index
    page = client.get(f"/stories/{sid}")
    assert page.status_code == 200 and "<script>alert(1)</script>" not in page.text and "Daily" in page.text
    assert "Madrid" in client.get("/", params={"q": "Madrid"}).text


def test_oversized_requests_are_refused(client):
    too_many = [{"id": f"a{i}", "text": "x"} for i in range(1001)]
    assert _post(client, too_many).status_code == 422
    assert _post(client, []).status_code == 422
