"""A 40-outlet story (built here, big comparison included) renders summary-first in well under 400 KB."""
import random
import time

import pytest
from fastapi.testclient import TestClient

from newsprism.api import create_app
from newsprism.model import Article, Story, TimelineEntry, content_hash
from newsprism.store import open_store

N_OUTLETS, N_FACTS = 40, 120
SENT = "Outlet {o} reported that the council approved measure {f} after a debate about the harbour budget. "


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    rnd = random.Random(7)
    store = open_store(tmp_path_factory.mktemp("scale") / "np.db")
    outlets = [f"Outlet {i:02d}" for i in range(N_OUTLETS)]
    arts, spans = [], {}
    for i, o in enumerate(outlets):
        text = "".join(SENT.format(o=i, f=f) for f in range(N_FACTS))
        aid = f"a{i:02d}"
        arts.append(Article(aid, source=f"/gen/{aid}", outlet=o, title=f"Council vote, as {o} saw it", text=text,
                            content_hash=content_hash(text), published=f"2025-05-{1 + i % 20:02d}", story="big"))
        starts = [k * len(SENT.format(o=i, f=0)) for k in range(N_FACTS)]
        spans[o] = (aid, text, starts)

    def ev(o, f, value=None):
        aid, text, _ = spans[o]
        s = text.index(f"measure {f} ")
        s = text.rindex("Outlet", 0, s)
        e = text.index(". ", s) + 1
        d = {"article": aid, "start": s, "end": e, "text": text[s:e]}
        return d | ({"value": value} if value else {})

    facts = []
    for f in range(N_FACTS):
        kind = "agreed" if f < 40 else "differs" if f < 55 else "single-source"
        who = rnd.sample(outlets, 1 if kind == "single-source" else rnd.randint(3, N_OUTLETS))
        facts.append({"id": f"f{f}", "text": f"measure {f} was approved", "kind": "number", "status": kind,
                      "outlets": {o: [ev(o, f, value=str(10 + (j % 3)) if kind == "differs" else None)]
                                  for j, o in enumerate(who)}})
    voices = {o: [{"speaker_name": f"Speaker {k}", "affiliation": rnd.choice(["east", "west", "north"]),
                   "quotes": rnd.randint(1, 6), "words": 40, "title": "councillor", "type": "PERSON",
                   "evidence": [ev(o, k * 7 + j) for j in range(5)]} for k in range(8)] for o in outlets}
    comp = {"schema": 1, "outlets": {o: [spans[o][0]] for o in outlets}, "voices": voices,
            "voice_share": {o: {"east": 0.5, "west": 0.3, "north": 0.2} for o in outlets},
            "unattributed_quotes": {o: 1 for o in outlets}, "facts": facts,
            "counts": {k: sum(f["status"] == k for f in facts) for k in ("agreed", "differs", "single-source")},
            "framing": {}, "syndicated": []}
    story = Story("big", "Council vote", [a.id for a in arts], outlets, "2025-05-01", "2025-05-20",
                  actors=[{"name": f"Speaker {k}", "type": "PERSON", "title": "councillor", "affiliation": "east",
                           "articles": []} for k in range(8)],
                  timeline=[TimelineEntry(f"2025-05-{d:02d}", [a.id for a in arts[d::20]], [f"f{d}"], [])
                            for d in range(1, 21)], comparison=comp)
    store.upsert_articles(arts)
    store.replace_stories([story])
    with TestClient(create_app(store)) as c:
        yield c
    store.close()


def test_a_40_outlet_story_page_is_small_and_quick(big):
    big.get("/stories/big")  # warm the template cache
    times = []
    for _ in range(3):
        t = time.perf_counter()
        r = big.get("/stories/big")
        times.append(time.perf_counter() - t)
    assert r.status_code == 200
    size = len(r.content)
    print(f"40-outlet story page: {size / 1024:.0f} KB, median {sorted(times)[1] * 1000:.0f} ms")
    assert size < 400_000
    assert sorted(times)[1] < 1.5  # target 300 ms; loose here because the test CPU is shared
    html = r.text
    assert html.index('id="contested"') < html.index('id="timeline"')
    assert html.count('class="ev"') >= 40  # summary cells keep their evidence links


def test_the_fact_matrix_pages_and_picks_outlets(big):
    p = big.get("/api/pages/stories/big/facts", params={"limit": 20}).json()
    assert p["total"] == N_FACTS and len(p["rows"]) == 20 and len(p["outlets"]) == 8
    chosen = big.get("/api/pages/stories/big/facts", params=[("outlet", "Outlet 03"), ("outlet", "Outlet 07"),
                                                              ("status", "differs")]).json()
    assert chosen["outlets"] == ["Outlet 03", "Outlet 07"] and all(r["status"] == "differs" for r in chosen["rows"])
    page = big.get("/stories/big/facts", params={"offset": 100})
    assert page.status_code == 200 and len(page.content) < 400_000 and 'rel="prev"' in page.text
    q = big.get("/api/pages/stories/big/quotes", params={"speaker": "Speaker 3", "outlet": "Outlet 05"}).json()
    assert q["total"] == 5 and {r["speaker"] for r in q["rows"]} == {"Speaker 3"}
