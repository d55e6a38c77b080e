"""Every page: security headers, a JSON twin that returns the payload the page renders, paging that works, and a
summary-first story page whose evidence links reach the highlighted passage."""
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.store import open_store

# Three outlets on one event, written for this test: they agree on the place, differ on the toll.
TEXTS = {
    "Northern Ledger": "Floods hit the river town of Varn on Tuesday. Officials said 12 people died in the floods. "
                       "\"We need boats, not promises,\" the mayor Ada Lind said on Tuesday.",
    "Coastal Post": "Floods hit the river town of Varn on Tuesday. Officials said 15 people died in the floods. "
                    "The regional governor Omar Sethi said the dam held.",
    "Valley Times": "Floods hit the river town of Varn on Tuesday. Officials said 12 people died in the floods. "
                    "Farmers lost most of the harvest, according to the cooperative.",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory, postgres_schema):
    if request.param == "sqlite":
        store = open_store(tmp_path_factory.mktemp("pages") / "np.db")
        yield from _serve(store)
        store.close()
    else:
        with postgres_schema() as url:
            store = open_store(url)
            try:
                yield from _serve(store)
            finally:
                store.close()


def _serve(store):
    with TestClient(create_app(store, token="t")) as c:
        arts = [{"id": f"v{i}", "text": t, "outlet": o, "title": f"Floods in Varn ({o})",
                 "published": f"2025-03-0{4 + i}"} for i, (o, t) in enumerate(TEXTS.items())]
        arts += [{"id": f"w{i}", "text": f"A chess festival number {i} opened in Oslo with {i + 3} grandmasters.",
                  "outlet": "Board Weekly", "title": f"Chess festival {i}"} for i in range(3)]
        assert c.post("/api/ingest", json={"articles": arts}, headers={"Authorization": "Bearer t"},
                      params={"wait": 300}).status_code == 200
        yield c


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.twin, self.ids, self.srcs = [], None, set(), []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if tag == "a" and d.get("href"):
            self.links.append(d["href"])
        if tag == "link" and d.get("rel") == "alternate" and d.get("type") == "application/json":
            self.twin = d.get("href")
        if "id" in d:
            self.ids.add(d["id"])
        for k in ("src", "href"):
            if tag != "a" and d.get(k):
                self.srcs.append(d[k])


def _parse(html):
    p = _Page()
    p.feed(html)
    return p


def _story_id(client):
    rows = client.get("/api/stories").json()
    return next(r["story"] for r in rows if len(r["outlets"]) == 3)


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/stories", "/docs", "/nope", "/assets/app.css"):
        h = client.get(path).headers
        assert "default-src 'none'" in h["content-security-policy"] and "script-src" not in \
            h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"


def test_docs_load_nothing_from_outside(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/api/stories" in r.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text)
    assert client.get("/redoc").status_code == 404 and client.get("/openapi.json").status_code == 200


def test_story_list_pages_with_offset_limit_and_cursor(client):
    everything = client.get("/api/stories").json()
    assert len(everything) >= 2
    first = client.get("/api/stories", params={"limit": 1})
    assert len(first.json()) == 1 and first.headers["x-total-count"] == str(len(everything))
    second = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert second == everything[1:2]
    nxt = re.search(r"<\?cursor=([^&>]+)", first.headers["link"]).group(1)
    assert client.get("/api/stories", params={"limit": 1, "cursor": nxt}).json() == second
    assert client.get("/api/stories", params={"cursor": "!!"}).status_code == 422
    only = client.get("/api/stories", params={"outlet": "Board Weekly"}).json()
    assert only and all("Board Weekly" in r["outlets"] for r in only)


def test_every_page_names_a_json_twin_that_returns_its_payload(client):
    sid = _story_id(client)
    for path in ("/", f"/stories/{quote(sid)}", f"/stories/{quote(sid)}/facts", f"/stories/{quote(sid)}/quotes",
                 "/articles/v0", "/outlets", "/outlets/Coastal%20Post", "/actors", "/search?q=floods", "/docs"):
        page = client.get(path)
        assert page.status_code == 200, path
        p = _parse(page.text)
        assert p.twin and p.twin.startswith("/api/"), path
        twin = client.get(p.twin)
        assert twin.status_code == 200 and twin.headers["content-type"].startswith("application/json"), path
        assert not [s for s in p.srcs if re.match(r"(https?:)?//", s)], path


def test_story_page_puts_the_summary_first_and_links_evidence_to_the_sentence(client):
    sid = _story_id(client)
    html = client.get(f"/stories/{quote(sid)}").text
    payload = client.get(f"/api/pages/stories/{quote(sid)}").json()
    # summary sections come before the details
    order = [html.index(f'id="{k}"') for k in ("coverage", "consensus", "contested", "exclusives", "voice-share",
                                                "timeline")]
    assert order == sorted(order)
    assert "<svg" in html and "Articles per day" in html
    contested = payload["contested"]
    assert contested, "12 vs 15 dead is a contested value"
    values = {v["value"]: v for v in contested[0]["values"]}
    assert len(values) >= 2 and all(v["count"] == len(v["outlets"]) >= 1 for v in values.values())
    ev = next(v for v in values.values() if "Coastal Post" in v["outlets"])["evidence"][0]
    assert ev["outlet"] == "Coastal Post" and ev["href"].replace("&", "&amp;") in html
    target = client.get(ev["href"].split("#")[0])
    anchor = ev["href"].split("#")[1]
    p = _parse(target.text)
    assert anchor in p.ids
    marked = "".join(re.findall(r'<mark class="[^"]*\bhl\b[^"]*">([^<]*)</mark>',
                                target.text.split('id="text"', 1)[1]))
    assert marked == ev["text"] and "15" in marked
    assert payload["consensus"] and payload["consensus"][0]["outlets_count"] >= 2


def test_list_pages_do_not_read_full_story_records(client, monkeypatch):
    store = client.app.state.store
    monkeypatch.setattr(type(store), "iter_stories", lambda self: (_ for _ in ()).throw(AssertionError("full read")))
    monkeypatch.setattr(type(store), "get_story", lambda self, i: (_ for _ in ()).throw(AssertionError("full read")))
    assert client.get("/").status_code == 200
    assert client.get("/api/stories").status_code == 200
    assert client.get("/search", params={"q": "floods"}).status_code == 200


def test_search_facets_filter_and_page(client):
    everything = client.get("/api/pages/search", params={"q": "floods"}).json()
    assert everything["total"] == 3
    outlets = {f["value"]: f["count"] for f in everything["facets"]["outlet"]}
    assert outlets == {"Northern Ledger": 1, "Coastal Post": 1, "Valley Times": 1}
    one = client.get("/api/pages/search", params={"q": "floods", "outlet": "Coastal Post"}).json()
    assert [h["id"] for h in one["hits"]] == ["v1"] and one["hits"][0]["href"].endswith("#hit")
    article = client.get(one["hits"][0]["href"].split("#")[0])
    assert 'id="hit"' in article.text
    hit = client.get("/api/pages" + one["hits"][0]["href"].split("#")[0]).json()["highlight"]
    assert hit["text"] == TEXTS["Coastal Post"].split(". ")[0] + "."  # the sentence holding "floods"
    months = {f["value"]: f["count"] for f in everything["facets"]["month"]}
    assert months == {"2025-03": 3}
    assert client.get("/api/pages/search", params={"q": "floods", "month": "2025-04"}).json()["total"] == 0
    both = client.get("/api/pages/search", params={"q": "floods", "month": "2025-03", "outlet": "Valley Times"}).json()
    assert both["total"] == 1 and len(both["facets"]["outlet"]) == 3  # a facet lists its other values too
    paged = client.get("/api/pages/search", params={"q": "floods", "limit": 2, "offset": 2}).json()
    assert len(paged["hits"]) == 1 and paged["prev_offset"] == 0


def test_outlet_and_actor_pages(client):
    o = client.get("/api/pages/outlets/Northern%20Ledger").json()
    assert o["total"] == 1 and o["stories"][0]["articles"] == 3
    assert client.get("/outlets/Nobody").status_code == 404
    actors = client.get("/api/pages/actors").json()["rows"]
    if actors:  # names depend on the NER model; the page must answer for each listed
        assert client.get("/actors/" + quote(actors[0]["name"], safe="")).status_code == 200
    assert client.get("/actors/Nobody%20Atall").status_code == 404


def test_exports_stream_from_the_api(client):
    import csv
    import io
    import json

    import pyarrow.parquet as pq

    r = client.get("/api/export/quotes.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {"article", "speaker_name", "text"} <= set(rows[0])
    lines = client.get("/api/export/stories.jsonl").text.splitlines()
    assert len(lines) == len(client.get("/api/stories").json()) and json.loads(lines[0])["story"]
    pq_rows = pq.read_table(io.BytesIO(client.get("/api/export/articles.parquet").content)).to_pylist()
    assert len(pq_rows) == 6 and {"id", "outlet", "text"} <= set(pq_rows[0])
    assert client.get("/api/export/secrets.csv").status_code == 404


def test_the_outlet_registry_gives_sides_and_blindspots(client, tmp_path):
    from newsprism.report.registry import load_registry

    csv_file = tmp_path / "outlets.csv"
    csv_file.write_text("outlet,country,type,side,labels\n"
                        "northern ledger,NL,commercial,north,regional;daily\n"  # names match whatever the case
                        "Coastal Post,CP,public,south,\n"
                        "Board Weekly,BW,commercial,games,\n", encoding="utf-8")
    reg = load_registry(csv_file)
    assert reg.side("Northern Ledger") == "north" and reg.get("Coastal Post")["type"] == "public"
    with TestClient(create_app(client.app.state.store, registry=reg)) as c:
        sid = _story_id(c)
        summary = c.get(f"/api/pages/stories/{quote(sid)}").json()
        sides = {g["side"]: g["outlets"] for g in summary["coverage"]["by_side"]}
        assert sides["north"] == ["Northern Ledger"] and sides["south"] == ["Coastal Post"]
        assert summary["blindspot"]["missing"] == ["games"]
        rows = {r["story"]: r for r in c.get("/api/pages/index").json()["rows"]}
        chess = next(r for r in rows.values() if "Board Weekly" in r["outlets"])
        assert chess["blindspot"] == {"covered": ["games"], "missing": ["north", "south"]}
        assert "no coverage from north, south" in c.get("/").text
        games = c.get("/api/pages/index", params={"side": "games"}).json()
        assert [r["story"] for r in games["rows"]] == [chess["story"]] and games["sides"] == ["games", "north",
                                                                                                "south"]
        assert c.get("/api/pages/index", params={"side": "nobody"}).json()["total"] == 0
        o = c.get("/api/pages/outlets/Northern%20Ledger").json()
        assert o["registry"]["labels"] == ["regional", "daily"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,side\nX,y\n")
    with pytest.raises(ValueError):
        load_registry(bad)


def test_cached_pages_change_as_soon_as_the_database_does(tmp_path):
    store = open_store(tmp_path / "np.db")
    with TestClient(create_app(store, token="t")) as c:
        assert c.get("/api/stories").json() == []
        first = c.get("/")
        assert first.status_code == 200 and c.get("/").text == first.text  # the second answer is the cached one
        assert "default-src 'none'" in c.get("/").headers["content-security-policy"]
        c.post("/api/ingest", json={"articles": [{"id": "x1", "text": TEXTS["Coastal Post"], "outlet": "Coastal Post",
                                                  "title": "Floods reach Varn"}]},
               headers={"Authorization": "Bearer t"}, params={"wait": 300})
        assert len(c.get("/api/stories").json()) == 1
        assert "Floods reach Varn" in c.get("/").text
        # a write from another connection (another process, say) is seen too
        other = open_store(tmp_path / "np.db")
        other.replace_stories([])
        other.close()
        assert c.get("/api/stories").json() == []
    store.close()


def test_hostile_names_stay_text_on_every_page(tmp_path):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    store = open_store(tmp_path / "np.db")
    with TestClient(create_app(store, token="t")) as c:
        arts = [{"id": f"h{i}", "outlet": f"{evil} {o}", "title": f"{evil} floods", "published": "2025-03-04",
                 "text": t.replace("Ada Lind", "Ada <b>Lind</b>")} for i, (o, t) in enumerate(TEXTS.items())]
        c.post("/api/ingest", json={"articles": arts}, headers={"Authorization": "Bearer t"}, params={"wait": 300})
        sid = c.get("/api/stories").json()[0]["story"]
        paths = ["/", f"/stories/{quote(sid)}", f"/stories/{quote(sid)}/facts", f"/stories/{quote(sid)}/quotes",
                 "/articles/h0", "/outlets", "/outlets/" + quote(arts[0]["outlet"], safe=""), "/actors",
                 "/search?q=floods"]
        for path in paths:
            r = c.get(path)
            assert r.status_code == 200, path
            low = r.text.lower()
            assert "<script" not in low and "<img" not in low and "onerror=" not in low.replace("onerror=alert", ""), \
                path
            assert "<b>lind" not in low, path
        assert "&lt;script&gt;" in c.get(f"/stories/{quote(sid)}").text
    store.close()


def test_worker_processes_build_the_app_from_the_environment(tmp_path, monkeypatch):
    from newsprism.api.app import app_from_env

    (tmp_path / "o.csv").write_text("outlet,side\nCoastal Post,south\nValley Times,north\n")
    monkeypatch.setenv("NEWSPRISM_DB", str(tmp_path / "np.db"))
    monkeypatch.setenv("NEWSPRISM_TOKEN", "k")
    monkeypatch.setenv("NEWSPRISM_OUTLETS", str(tmp_path / "o.csv"))
    with TestClient(app_from_env()) as c:
        assert c.post("/api/ingest", json={"articles": [{"id": "a", "text": TEXTS["Coastal Post"],
                                                         "outlet": "Coastal Post"}]}).status_code == 401
        assert c.post("/api/ingest", json={"articles": [{"id": "a", "text": TEXTS["Coastal Post"],
                                                         "outlet": "Coastal Post"}]},
                      headers={"Authorization": "Bearer k"}, params={"wait": 300}).status_code == 200
        assert c.get("/api/pages/index").json()["sides"] == ["north", "south"]
        c.app.state.store.close()
