"""The fast path answers a cached GET from bytes: the same body and headers as the application's answer, gzip when
asked for, an ETag that turns a revalidation into 304, and never an answer older than the database."""
from __future__ import annotations

from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.model import Article, Story, content_hash
from newsprism.store import open_store

TEXT = ("The river ferry between Astel and Brun resumed service on Monday after a two-week strike. "
        "Ferry operator Lena Moss said 14 crossings a day would run until the summer timetable starts. ") * 12


def _seed(store, title="Ferry strike ends"):
    arts = [Article(f"f{i}", source=f"/t/f{i}", outlet=o, title=title, text=TEXT + o,
                    content_hash=content_hash(TEXT + o), story="s1", published="2025-04-0" + str(i + 1))
            for i, o in enumerate(("Astel Times", "Brun Courier"))]
    store.upsert_articles(arts)
    store.put_stories([Story("s1", title, [a.id for a in arts], sorted(a.outlet for a in arts), "2025-04-01",
                             "2025-04-02")])


def test_cached_answers_keep_headers_and_add_gzip_and_etag(tmp_path):
    store = open_store(tmp_path / "np.db")
    _seed(store)
    app = create_app(store)
    with TestClient(app) as c:
        first = c.get("/stories/s1", headers={"Accept-Encoding": "identity"})
        assert first.status_code == 200 and app.fast.misses == 1
        again = c.get("/stories/s1", headers={"Accept-Encoding": "identity"})
        assert app.fast.hits == 1 and again.content == first.content
        for name in ("content-security-policy", "x-content-type-options", "x-frame-options", "content-type"):
            assert again.headers[name] == first.headers[name]
        assert "content-encoding" not in again.headers and again.headers["vary"] == "Accept-Encoding"
        zipped = c.get("/stories/s1", headers={"Accept-Encoding": "gzip, deflate"})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content  # httpx unzips
        assert int(zipped.headers["content-length"]) < len(first.content)
        no_gzip = c.get("/stories/s1", headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "content-encoding" not in no_gzip.headers
        etag = first.headers["etag"]
        assert etag == zipped.headers["etag"]
        not_modified = c.get("/stories/s1", headers={"If-None-Match": etag})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == etag and "x-frame-options" in not_modified.headers
        assert c.get("/stories/s1", headers={"If-None-Match": '"other"'}).status_code == 200
        head = c.head("/stories/s1", headers={"Accept-Encoding": "identity"})
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) == len(first.content)
        # answers that are not 200 go through as the application gives them, and are not kept
        assert c.get("/stories/nope").status_code == 404 and c.get("/stories/nope").status_code == 404
        twin = c.get("/api/pages/stories/s1")
        assert twin.headers["content-type"] == "application/json" and twin.json()["story"] == "s1"
        listed = c.get("/api/stories?limit=1")
        assert listed.headers["x-total-count"] == "1" and c.get("/api/stories?limit=1").headers["x-total-count"] == "1"
    store.close()


def test_a_commit_makes_every_entry_stale_but_an_unchanged_page_keeps_its_etag(tmp_path):
    store = open_store(tmp_path / "np.db")
    _seed(store)
    app = create_app(store)
    with TestClient(app) as c:
        page = c.get("/stories/s1")
        other = open_store(tmp_path / "np.db")  # another connection (a run beside the server, say) commits
        other.put_stories([Story("s2", "Another story", [], [], None, None)])
        other.close()
        same = c.get("/stories/s1")  # rendered afresh after the commit, but the same bytes: the same validator
        assert app.fast.misses == 2 and same.headers["etag"] == page.headers["etag"]
        assert c.get("/stories/s1", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
        _seed(store, title="Ferry strike over")
        changed = c.get("/stories/s1")
        assert "Ferry strike over" in changed.text and changed.headers["etag"] != page.headers["etag"]
    store.close()


def test_without_the_cache_answers_are_the_applications_own(tmp_path):
    store = open_store(tmp_path / "np.db")
    _seed(store)
    with TestClient(create_app(store, cache_mb=0)) as c:
        r = c.get("/stories/s1", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and "etag" not in r.headers and "content-encoding" not in r.headers
        assert r.headers["x-frame-options"] == "DENY"
    store.close()
