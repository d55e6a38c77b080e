"""The web pages in a real browser: Debian's chromium driven by Playwright against a server on 127.0.0.1."""
import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_corpus):
    import uvicorn

    from newsprism.api import create_app
    from newsprism.jobs import run_job
    from newsprism.store import open_store

    store = open_store(tmp_path_factory.mktemp("web") / "np.db")
    run_job([str(example_corpus)], store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(store, token="t"), host="127.0.0.1", port=port,
                                        log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(5)
    store.close()


def test_story_list_links_to_the_story_page(browser, server, tmp_path):
    page = browser.new_page()
    page.goto(server + "/")
    rows = page.locator("#stories tr")
    assert rows.count() == 2  # header + the one seed story
    assert "China Daily" in rows.nth(1).inner_text() and "MENAFN" in rows.nth(1).inner_text()
    rows.nth(1).locator("a").click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    body = page.inner_text("body")
    assert "Bessent" in body and "China Daily" in body and "MENAFN" in body
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    page.close()


def test_search_box_finds_articles(browser, server):
    page = browser.new_page()
    page.goto(server + "/")
    page.fill("input[name=q]", "Cyberspace")
    page.click("button")
    page.wait_for_load_state()
    hits = page.locator("#hits li")
    assert hits.count() == 1 and "TikTok" in hits.first.inner_text()
    page.close()
