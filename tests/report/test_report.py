from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsprism.compare import compare_story
from newsprism.model import TimelineEntry
from newsprism.report import page_name, render_index, render_story, write_site

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compare"))
from compare_helpers import article, story  # noqa: E402

EVIL = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def _hostile():
    ta = (f"Officials met in Geneva for two days of talks. Minister {IMG} Berg said \"{EVIL} is fine\" today. "
          "The deal cuts tariffs of 25% on steel.")
    tb = "Officials met in Geneva for four days of talks. The deal cuts tariffs of 25% on steel. Farmers protested against cheap grain imports."
    a = article("a<1>", f"Daily {EVIL}", ta, claims=[("two days", "duration", "P2D"), ("25%", "percent", 25.0, "%")],
                quotes=[(f'"{EVIL} is fine"', f"Minister {IMG} Berg", "Freedonia")],
                title=f"Talks {EVIL}", url="javascript:alert(1)")
    b = article("b1", "Herald B", tb, claims=[("four days", "duration", "P4D"), ("25%", "percent", 25.0, "%")],
                title="Talks end", url="https://example.org/talks")
    s, arts = story(a, b, sid="s/../1", title=f"Geneva {EVIL}")
    s.comparison = compare_story(s, arts)
    s.timeline = [TimelineEntry("2025-01-02", ["a<1>"], [s.comparison["facts"][0]["id"]],
                                [{"article": "a<1>", "start": 0, "end": 9, "text": "Officials", "speaker_name": EVIL}])]
    s.syndication = [{"origin": "b1", "copies": [{"article": "a<1>", "kind": "near"}]}]
    return s, arts


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.hrefs, self.attrs = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        d = dict(attrs)
        if "id" in d:
            self.ids.add(d["id"])
        if tag == "a" and "href" in d:
            self.hrefs.append(d["href"])
        self.attrs.extend(k for k, _ in attrs)


def test_html_escapes_hostile_text_and_loads_nothing_external():
    s, arts = _hostile()
    html = render_story(s, arts, "html")
    p = _Collect()
    p.feed(html)
    assert "script" not in p.tags and "img" not in p.tags
    assert not any(a.startswith("on") for a in p.attrs)
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert not re.search(r"<(link|script|iframe|img)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.replace('href="https://example.org/talks"', ""))


def test_every_cell_links_to_an_anchor_on_the_page():
    s, arts = _hostile()
    html = render_story(s, arts, "html")
    p = _Collect()
    p.feed(html)
    local = [h[1:] for h in p.hrefs if h.startswith("#")]
    assert local and all(h in p.ids for h in local), set(local) - p.ids
    # a fact cell's anchor marks exactly its evidence text
    f = next(f for f in s.comparison["facts"] if f["status"] == "differs")
    ev = f["outlets"]["Herald B"][0]
    assert f'id="ev-1-{ev["start"]}-{ev["end"]}"' in html
    for section in ("facts", "voices", "quotes", "timeline", "syndication", "texts"):
        assert f'id="{section}"' in html


def test_text_md_json_render_the_findings():
    s, arts = _hostile()
    text = render_story(s, arts, "text")
    assert "what differs" in text and "four days" in text and "Farmers protested" in text
    md = render_story(s, arts, "md")
    assert "| fact | status |" in md and "<script>" not in md
    data = json.loads(render_story(s, arts, "json"))
    assert data["story"] == "s/../1" and data["comparison"]["facts"]
    with pytest.raises(ValueError):
        render_story(s, arts, "pdf")


def test_site_has_index_and_one_page_per_story(tmp_path):
    s, arts = _hostile()
    s2, arts2 = story(article("c1", "C", "Only one outlet wrote this about the weather."), sid="s2", title="Weather")
    paths = write_site(tmp_path, [s, s2], {**arts, **arts2})
    names = sorted(p.name for p in paths)
    assert names == sorted(["index.html", page_name("s/../1"), "s2.html"])
    assert all(p.parent == tmp_path for p in paths)
    index = (tmp_path / "index.html").read_text()
    assert f'href="{page_name("s/../1")}"' in index and 'href="s2.html"' in index
    assert "&lt;script&gt;" in index and EVIL not in index
    assert render_index([], {}).count("No stories") == 1


def test_a_story_without_comparison_still_renders():
    from newsprism.model import Article, Story
    s = Story(id="x", articles=["a", "missing"])
    arts = {"a": Article(id="a", text="Hello <b>world</b>.", outlet="O")}
    for fmt in ("text", "md", "html", "json"):
        assert render_story(s, arts, fmt)
    assert "&lt;b&gt;world" in render_story(s, arts, "html")


def test_chart_colours_keep_white_letters_readable():
    from newsprism.report.charts import PALETTE

    def lum(h):
        v = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        v = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]

    assert all(1.05 / (lum(c) + 0.05) >= 4.5 for c in PALETTE)


def test_summary_puts_contested_values_with_who_carries_them():
    from newsprism.report.summary import build_summary

    s, arts = _hostile()
    meta = {aid: {"outlet": a.outlet, "published": "2025-01-02"} for aid, a in arts.items()}
    v = build_summary(s, meta, lambda ev: f"/a/{ev['article']}#{ev['start']}")
    (c,) = v["contested"]
    assert len(c["values"]) == 2 and sorted(o for x in c["values"] for o in x["outlets"]) == sorted(s.outlets)
    assert all(e["href"].startswith("/a/") for x in c["values"] for e in x["evidence"])
    assert {cell["letter"] for cell in v["contested_matrix"]["cells"]} == {"A", "B"}
    assert v["coverage"]["chart"]["rows"] == [{"date": "2025-01-02", "count": 2}]
    # a fact's own independent-outlet count wins over counting its outlets (fields other stages add later)
    f = next(f for f in s.comparison["facts"] if f["status"] == "agreed")
    f["independent_outlets"] = 7
    assert build_summary(s, meta, lambda ev: "#")["consensus"][0]["outlets_count"] == 7


def test_an_outlet_made_only_of_copies_points_to_its_source():
    from newsprism.model import Story
    from newsprism.report.summary import build_summary

    s = Story("s", "t", ["a", "b"], ["Origin", "Copier"],
              comparison={"outlets": {"Origin": ["a"]}, "voice_share": {"Origin": {"north": 1.0}},
                          "syndicated": [{"article": "b", "outlet": "Copier", "copy_of": "a",
                                          "source_outlet": "Origin", "kind": "near"}]})
    v = build_summary(s, {"a": {"outlet": "Origin"}, "b": {"outlet": "Copier"}}, lambda ev: "#")
    rows = {r["outlet"]: r for r in v["voices"]}
    assert rows["Copier"]["copy_of"] == ["Origin"] and rows["Origin"]["copy_of"] == []
    assert rows["Origin"]["share"] == "north 100%"
    assert v["coverage"]["independent_outlets"] == 1 and v["coverage"]["syndicated_copies"] == 1


def test_pages_rendered_by_workers_are_the_files_rendered_here(tmp_path, monkeypatch):
    """A job's pool renders the pages as they stream through, a few per task, from copies of the articles without
    their entities, quotes and claims; the files are byte for byte those of the driver, which renders from the
    whole articles, in the same order."""
    import newsprism.report as report
    from newsprism.executors.pool import ProcessExecutor
    from newsprism.report import write_site_pages

    s, arts = _hostile()
    others = [story(article(f"w{i}", f"Outlet {i}", f"Rain fell on town number {i} for {i + 2} hours on Monday."),
                    sid=f"s{i}", title=f"Rain {i}") for i in range(5)]
    pages = [(s, arts)] + [(st, a) for st, a in others]
    monkeypatch.setattr(report, "PAGES_PER_TASK", 1)  # more tasks than the pool holds in flight
    here = write_site_pages(tmp_path / "here", pages)
    with ProcessExecutor(workers=2) as ex:
        there = write_site_pages(tmp_path / "there", pages, executor=ex)
    assert [p.name for p in here] == [p.name for p in there]
    for a, b in zip(here, there):
        assert a.read_bytes() == b.read_bytes()
