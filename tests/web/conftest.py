"""A served database for the web tests: the example corpus plus a multi-outlet story generated here from sentences
written for these tests (two sides, a contested toll, each outlet with its own exclusive)."""
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

SIDES = {"north": ("Ada Lind", "the mayor of Varn"), "south": ("Omar Sethi", "the regional governor")}
OUTLETS = [("Northern Ledger", "north"), ("Harbour Gazette", "north"), ("Ridge Courier", "north"),
           ("Coastal Post", "south"), ("Delta Daily", "south"), ("Plains Observer", "south"),
           ("Metro Wire", "north"), ("Island Review", "south")]
LEADS = ["Floods hit the river town of Varn on Tuesday after the Selde burst its banks.",
         "The Selde river overflowed into Varn early on Tuesday, swamping the lower town.",
         "Water from the swollen Selde poured through Varn's market square on Tuesday morning.",
         "Residents of Varn woke on Tuesday to find the Selde in their kitchens.",
         "A wall of brown water from the Selde swept through Varn before dawn on Tuesday.",
         "Varn, a farming town on the Selde, was cut off by floodwater on Tuesday.",
         "Heavy rain pushed the Selde over its levees at Varn on Tuesday.",
         "Emergency crews rushed to Varn on Tuesday as the Selde rose past its record mark."]
EXCLUSIVES = ["Volunteers filled 4,000 sandbags overnight near the old mill.",
              "The railway bridge at Kestrel Point was closed to freight trains.",
              "A school gym on Birch Street became a shelter for 300 families.",
              "Insurers estimated the damage at 80 million dollars.",
              "Two hospitals moved patients to the hill clinic in Orrin.",
              "The weather office forecast three more days of rain.",
              "Fishermen reported that the harbour wall cracked in two places.",
              "Power returned to 9,000 homes by Thursday evening."]
COLOUR = ["Church bells rang as boats ferried elderly people to the upper town.",
          "Shopkeepers carried flour sacks to the first floor of the bakery.",
          "Children watched from the footbridge as cars floated past.",
          "The smell of diesel hung over the flooded garages.",
          "Cattle were herded onto the ridge road by farmers on tractors.",
          "Soldiers stacked crates of bottled water outside the town hall.",
          "A brass band cancelled its spring concert in the park.",
          "Students from the college set up a kitchen in the library."]


def flood_articles() -> list[dict]:
    """One article per outlet in its own words: a lead, a toll that differs by side, a quote from its side, an
    exclusive and a line of colour (so outlets are not copies of each other)."""
    out = []
    for i, (outlet, side) in enumerate(OUTLETS):
        speaker, title = SIDES[side]
        other, other_title = SIDES["south" if side == "north" else "north"]
        toll = 12 if side == "north" else 15
        said = "said on Wednesday" if i % 2 else "told reporters"
        text = (f"{LEADS[i]} Officials said {toll} people died in the floods in Varn. "
                "The Selde peaked at 6.2 metres at the Varn gauge, the highest level since 1952. "
                f"\"We need boats, not promises,\" {title} {speaker} {said}. "
                f"\"Every family in Varn will get help,\" {speaker} added. "
                f"{other_title.capitalize()} {other} said the emergency plan was working. "
                f"{EXCLUSIVES[i]} {COLOUR[i]}")
        out.append({"id": f"flood-{i}", "outlet": outlet, "title": f"Deadly floods in Varn — {outlet}",
                    "published": f"2025-03-{4 + i % 3:02d}", "text": text,
                    "url": f"https://example.org/{i}/floods"})
    return out


@pytest.fixture(scope="session")
def web_store(tmp_path_factory, example_corpus):
    from newsprism.jobs import run_job
    from newsprism.store import open_store

    root = tmp_path_factory.mktemp("webdb")
    gen = root / "floods.jsonl"
    gen.write_text("".join(json.dumps(a) + "\n" for a in flood_articles()), encoding="utf-8")
    store = open_store(root / "np.db")
    run_job([str(example_corpus), str(gen)], store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def server(web_store, tmp_path_factory):
    import uvicorn

    from newsprism.api import create_app
    from newsprism.report.registry import load_registry

    reg = tmp_path_factory.mktemp("registry") / "outlets.csv"
    reg.write_text("outlet,country,type,side,labels\n" + "".join(f"{o},,commercial,{side},\n" for o, side in OUTLETS)
                   + "China Daily,CN,state media,,\n", encoding="utf-8")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(web_store, token="t", registry=load_registry(reg)), host="127.0.0.1", port=port,
                                        log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(5)


@pytest.fixture(scope="session")
def flood_story(web_store) -> str:
    page = web_store.story_summaries(outlet="Coastal Post")
    assert page["rows"], "the generated story is stored"
    return page["rows"][0]["story"]


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where screenshots go: $NEWSPRISM_ARTIFACTS (CI keeps it), else a pytest temporary folder."""
    d = Path(os.environ.get("NEWSPRISM_ARTIFACTS") or tmp_path_factory.mktemp("artifacts"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing in CI; make test installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()
