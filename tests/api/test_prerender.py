"""Pages rendered ahead after a commit: stored beside the database, answered by any server process with the same
bytes as a render on request, and never once the data (or the registry, or the code) changed."""
from __future__ import annotations

import asyncio
import sqlite3
import time

from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.model import Article, Story, content_hash
from newsprism.report.registry import Registry
from newsprism.store import open_store
from newsprism.store.migrations import CONTENT_TABLES
from newsprism.web.cache import DataVersion
from newsprism.web.pagestore import PageWriter, last_pass, read_generation, render_fingerprint
from newsprism.web.prerender import Renderer, page_urls

TEXT = ("The night bus from Orrow to Penmill will stop at the new depot from June, the transit board said. "
        "Board chair Ines Varga said 9 drivers would be hired before the change. ") * 6


def _seed(store, title="Night bus moves depot", outlets=("Orrow Echo", "Penmill Post")):
    arts = [Article(f"b{i}", source=f"/t/b{i}", outlet=o, title=f"{title} — {o}", text=TEXT + o,
                    content_hash=content_hash(TEXT + o + title), story="s1", published=f"2025-05-0{i + 1}")
            for i, o in enumerate(outlets)]
    store.upsert_articles(arts)
    store.put_stories([Story("s1", title, [a.id for a in arts], sorted(outlets), "2025-05-01", "2025-05-02")])


def _generation(path) -> int | None:
    conn = sqlite3.connect(path)
    try:
        return read_generation(conn)
    finally:
        conn.close()


def _render_pass(store, registry=None) -> Renderer:
    """One renderer pass in this process, as the background process would run it."""
    path = str(store.url).split("sqlite:///", 1)[1]
    app = create_app(store, registry=registry)
    version = DataVersion(store.url)
    r = Renderer(path, app._inner, PageWriter(path, render_fingerprint(registry)), version.generation)
    assert asyncio.run(r.run_pass())
    return r


def test_every_write_to_a_content_table_raises_the_generation(tmp_path):
    db = tmp_path / "np.db"
    store = open_store(db)
    g0 = _generation(db)
    assert g0 is not None
    _seed(store)
    g1 = _generation(db)
    assert g1 > g0
    store.upsert_actors([{"name": "Ines Varga", "type": "PERSON", "side": None, "variants": [], "titles": {}}])
    assert _generation(db) > g1
    g1 = _generation(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET title = 'Depot move' WHERE id = 's1'")
    g2 = _generation(db)
    assert g2 > g1
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM actors")
        conn.execute("INSERT INTO actors (name, record, updated_at) VALUES ('X', '{}', 0)")
    assert _generation(db) > g2
    # a table rebuilt without its triggers (a later migration, say) leaves no exact generation: nothing is served
    with sqlite3.connect(db) as conn:
        conn.execute(f"DROP TRIGGER content_generation_{CONTENT_TABLES[0]}_update")
    assert _generation(db) is None
    store.close()


def test_stored_pages_answer_with_the_bytes_of_a_render_and_only_for_the_current_data(tmp_path):
    db = tmp_path / "np.db"
    store = open_store(db)
    _seed(store)
    renderer = _render_pass(store)
    done = last_pass(str(db))
    assert done["gen"] == renderer.done and done["pages"] >= 8
    urls = page_urls(str(db))
    assert {"/", "/stories/s1", "/api/pages/stories/s1", "/articles/b0", "/outlets/Penmill%20Post",
            "/stories/s1/facts"} <= set(urls)

    plain = TestClient(create_app(store, cache_mb=0))
    app = create_app(store, prerender=True)
    app.state.prerender = None  # the pass above stands for the background process
    c = TestClient(app)  # no lifespan: nothing is spawned
    for url in ("/stories/s1", "/api/pages/stories/s1", "/articles/b1", "/outlets/Penmill%20Post"):
        got = c.get(url)
        want = plain.get(url)
        assert got.status_code == 200 and got.content == want.content, url
        assert got.headers["content-type"] == want.headers["content-type"]
        assert got.headers["x-frame-options"] == "DENY" and "content-security-policy" in got.headers
    assert app.fast.stored_hits == 4 and app.fast.misses == 0
    ident = c.get("/articles/b0", headers={"Accept-Encoding": "identity"})  # stored gzipped, unzipped here
    assert "content-encoding" not in ident.headers and ident.content == plain.get("/articles/b0").content
    assert c.get("/stories/s1", headers={"If-None-Match": c.get("/stories/s1").headers["etag"]}).status_code == 304

    # a commit (another process's, here a second store): the stored pages are not served any more
    other = open_store(db)
    _seed(other, title="Night bus depot move delayed")
    other.close()
    hits = app.fast.stored_hits
    page = c.get("/stories/s1")
    assert "Night bus depot move delayed" in page.text and app.fast.stored_hits == hits
    # ... until the renderer caught up with the new generation
    _render_pass(store)
    c.get("/articles/b0")
    assert app.fast.stored_hits == hits + 1
    plain.close()
    c.close()
    store.close()


def test_a_server_with_another_registry_does_not_serve_the_stored_pages(tmp_path):
    db = tmp_path / "np.db"
    store = open_store(db)
    _seed(store)
    _render_pass(store)
    registry = Registry({"Orrow Echo": {"side": "west"}, "Penmill Post": {"side": "east"}})
    assert render_fingerprint(registry) != render_fingerprint(None)
    app = create_app(store, registry=registry, prerender=True)
    app.state.prerender = None
    with TestClient(app) as c:
        assert "west" in c.get("/stories/s1").text
    assert app.fast.stored_hits == 0
    store.close()


def test_the_server_starts_one_renderer_that_fills_the_store(tmp_path):
    db = tmp_path / "np.db"
    store = open_store(db)
    _seed(store)
    apps = [create_app(store, prerender=True), create_app(store, prerender=True)]  # two server processes' apps
    with TestClient(apps[0]), TestClient(apps[1]):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (last_pass(str(db)) or {}).get("gen") != _generation(db):
            time.sleep(0.2)
        assert last_pass(str(db))["gen"] == _generation(db)
        with TestClient(apps[0]) as c:
            c.get("/articles/b0")
        assert apps[0].fast.stored_hits == 1
    store.close()


def _story(store, sid, title, outlets, tag=""):
    arts = [Article(f"{sid}-{i}", source=f"/t/{sid}-{i}", outlet=o, title=f"{title} — {o}{tag}", text=TEXT + o + sid,
                    content_hash=content_hash(TEXT + o + sid + tag), story=sid, published=f"2025-06-0{i + 1}")
            for i, o in enumerate(outlets)]
    store.upsert_articles(arts)
    store.put_stories([Story(sid, title, [a.id for a in arts], sorted(outlets), "2025-06-01", "2025-06-02")])


def test_a_commit_re_renders_only_the_pages_whose_rows_changed(tmp_path):
    db = tmp_path / "np.db"
    store = open_store(db)
    _story(store, "ferry", "Ferry fares rise", ("Orrow Echo", "Penmill Post"))
    _story(store, "tram", "Tram line opens", ("Lakeside Herald", "Quay Journal"))
    first = _render_pass(store)
    assert first.last["kept"] == 0
    # only an article of the tram story changes (its title, not the story row): its page, its story's pages (they
    # list member titles), its outlet's page and the lists are made again; the ferry story's pages are kept
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = 'Tram line opens early' WHERE id = 'tram-1'")
    second = _render_pass(store)
    assert second.last["gen"] > first.last["gen"]
    lists = 3 + 1  # /, /outlets, /actors, /?offset=0
    assert second.last["rendered"] == lists + 4 + 1 + 1  # tram's page, twin, facts, quotes; tram-1; Quay Journal
    assert second.last["kept"] == first.last["rendered"] - second.last["rendered"]
    app = create_app(store, prerender=True)
    app.state.prerender = None
    plain = TestClient(create_app(store, cache_mb=0))
    with TestClient(app) as c:
        for url in ("/stories/tram", "/stories/ferry", "/articles/ferry-0", "/outlets/Orrow%20Echo",
                    "/outlets/Quay%20Journal", "/"):
            assert c.get(url).content == plain.get(url).content, url
        assert "Tram line opens early" in c.get("/stories/tram").text
    assert app.fast.stored_hits == 6 and app.fast.misses == 0
    plain.close()
    store.close()


def test_a_page_that_fails_to_render_is_left_out_and_the_pass_goes_on(tmp_path, monkeypatch):
    from newsprism.api import views

    db = tmp_path / "np.db"
    store = open_store(db)
    _story(store, "ferry", "Ferry fares rise", ("Orrow Echo", "Penmill Post"))
    real = views.article_page

    def broken(st, article_id, *a, **kw):
        if article_id == "ferry-1":
            raise RuntimeError("a page that cannot be rendered")
        return real(st, article_id, *a, **kw)

    monkeypatch.setattr(views, "article_page", broken)
    r = _render_pass(store)
    assert r.done is not None
    app = create_app(store, prerender=True)
    app.state.prerender = None
    c = TestClient(app, raise_server_exceptions=False)
    assert c.get("/articles/ferry-0").status_code == 200 and app.fast.stored_hits == 1
    assert c.get("/articles/ferry-1").status_code == 500 and app.fast.stored_hits == 1
    c.close()
    store.close()
