"""The web pages in a real browser: Debian's chromium driven by Playwright against a server on 127.0.0.1, over the
example corpus plus a generated eight-outlet story (tests/web/conftest.py)."""
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    """A page that records every request and refuses any that would leave the server."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
              else route.abort())
    yield pg
    outside = [u for u in pg.requests if not u.startswith(server) and not u.startswith("data:")]
    ctx.close()
    assert not outside, f"requests left the server: {outside}"


def _kinds(server, story, web_store):
    art = next(iter(web_store.article_meta(story=story)))
    return {"stories": "/", "story": f"/stories/{quote(story)}", "facts": f"/stories/{quote(story)}/facts",
            "quotes": f"/stories/{quote(story)}/quotes", "article": f"/articles/{quote(art)}",
            "outlets": "/outlets", "outlet": "/outlets/Coastal%20Post", "actors": "/actors",
            "search": "/search?q=floods", "docs": "/docs"}


def test_every_page_kind_opens(page, server, flood_story, web_store, artifacts):
    for kind, path in _kinds(server, flood_story, web_store).items():
        res = page.goto(server + path)
        assert res.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.locator('link[rel=alternate][type="application/json"]').count() == 1, path
        page.screenshot(path=str(artifacts / f"{kind}.png"), full_page=True)


def test_story_list_links_to_the_story_page(page, server):
    page.goto(server + "/")
    rows = page.locator("#stories tbody tr")
    assert rows.count() == 2  # the seed story and the generated one
    seed = rows.filter(has_text="MENAFN")
    assert "China Daily" in seed.inner_text()
    seed.locator("a").first.click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    body = page.inner_text("body")
    assert "Bessent" in body and "China Daily" in body and "MENAFN" in body


def test_from_a_contested_value_to_its_highlighted_evidence(page, server, flood_story, artifacts):
    page.goto(server + f"/stories/{quote(flood_story)}")
    contested = page.locator("#contested ~ .contested").first
    assert contested.is_visible()
    row = contested.locator("tbody tr").filter(has_text="15").first
    link = row.locator("a.ev").first
    outlet = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and "#ev-" in page.url
    target = page.locator(":target")
    assert target.count() == 1
    marked = page.locator("#text mark.hl")
    assert marked.count() >= 1 and marked.first.is_visible()
    text = " ".join(marked.all_inner_texts())
    assert "15" in text
    assert outlet in page.inner_text("main")  # the article page names the outlet that carries the value
    page.screenshot(path=str(artifacts / "evidence.png"), full_page=True)


def test_search_filters_by_outlet(page, server):
    page.goto(server + "/search")
    page.fill("#f-q", "floods")
    page.click("form[role=search] button")
    page.wait_for_load_state()
    hits = page.locator("#hits li")
    assert hits.count() >= 2
    page.locator("#facet-outlet a", has_text="Coastal Post").click()
    page.wait_for_load_state()
    hits = page.locator("#hits li")
    assert hits.count() == 1 and "Coastal Post" in hits.first.inner_text()
    hits.first.locator("a").first.click()
    page.wait_for_load_state()
    assert page.locator("#text mark.hl").count() >= 1  # the hit opens on its sentence


def test_story_list_filters_by_outlet(page, server):
    page.goto(server + "/")
    page.fill("#f-outlet", "MENAFN")
    page.click("form.filters button")
    page.wait_for_load_state()
    rows = page.locator("#stories tbody tr")
    assert rows.count() == 1 and "MENAFN" in rows.first.inner_text()


CONTRAST = """() => {
  const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(x => x / 255)
      .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
      const a = c.match(/[\\d.]+/g); if (a && (a.length < 4 || +a[3] > 0.5)) return c; } return 'rgb(255,255,255)'; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement; if (!el || el.closest('svg') || !el.getClientRects().length) continue;
    const l1 = lum(getComputedStyle(el).color), l2 = lum(bg(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) bad.push([el.tagName, el.className, n.textContent.trim().slice(0, 30), ratio.toFixed(2)]);
  }
  return bad.slice(0, 10);
}"""

A11Y = """() => {
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')
      || el.getAttribute('aria-label');
    if (!labelled) out.push('unlabelled ' + el.tagName + ' ' + (el.name || ''));
  }
  for (const t of document.querySelectorAll('table'))
    if (!t.querySelector('caption')) out.push('table without caption');
  for (const th of document.querySelectorAll('th'))
    if (!th.getAttribute('scope')) out.push('th without scope: ' + th.textContent.slice(0, 20));
  for (const svg of document.querySelectorAll('svg.chart'))
    if (!svg.querySelector('title, desc') || svg.getAttribute('role') !== 'img') out.push('chart without a text');
  return out;
}"""


def test_accessibility_labels_captions_scopes_contrast(page, server, flood_story, web_store):
    for path in _kinds(server, flood_story, web_store).values():
        page.goto(server + path)
        assert page.evaluate(A11Y) == [], path
        # open every collapsed section so its text is checked too
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.evaluate(CONTRAST) == [], path


def test_colour_is_never_the_only_signal(page, server, flood_story):
    page.goto(server + f"/stories/{quote(flood_story)}")
    # status badges say their status in words; every chart's numbers are also written out
    for cls in ("agreed", "differs", "single-source"):
        assert page.locator(f".badge.{cls}").inner_text().strip()[0].isdigit()
    assert page.locator("#coverage-chart-desc").count() == 1
    shares = page.locator("#voice-share ~ table tbody tr td:nth-child(2)").all_inner_texts()
    assert shares and all("%" in s or s == "—" or s.startswith("copies ") for s in shares)
    art = page.locator("a.ev").first.get_attribute("href")
    page.goto(server + art)
    legend = page.locator(".legend li").all_inner_texts()
    assert len(legend) >= 4 and all(len(x) > 10 for x in legend)
