"""Renderers of a story: plain text for the terminal, Markdown, a self-contained HTML page, JSON; and the static site.

HTML goes through Jinja2 with autoescaping on and no ``|safe`` anywhere, so text from articles (titles, quotes,
names) is always shown as text, never interpreted as markup.
"""
from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from newsprism.executors.window import chunked
from newsprism.model import Article, Story

from .summary import build_summary
from .view import STATUS_LABEL, Anchors, _valid, build, page_name

__all__ = ["render_story", "render_index", "write_site", "write_site_pages", "page_name"]
FORMATS = ("text", "md", "html", "json")


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, StrictUndefined  # noqa: F401

    return Environment(loader=PackageLoader("newsprism.report", "templates"), autoescape=True,
                       trim_blocks=False, lstrip_blocks=False)


def render_story(story: Story, articles: Mapping[str, Article], fmt: str) -> str:
    if fmt == "json":
        rec = story.to_record()
        rec["articles_meta"] = [{"id": aid, "outlet": a.outlet, "title": a.title, "url": a.url,
                                 "published": a.published, "duplicate_of": a.duplicate_of}
                                for aid in story.articles if (a := articles.get(aid)) is not None]
        return json.dumps(rec, ensure_ascii=False, indent=2)
    if fmt == "html":
        v = build(story, articles)
        return _env().get_template("story.html.j2").render(v=v, s=static_summary(story, articles))
    if fmt == "md":
        return _markdown(build(story, articles))
    if fmt == "text":
        return _text(build(story, articles))
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def static_summary(story: Story, articles: Mapping[str, Article]) -> dict:
    """The summary view for a self-contained page: evidence links point at the texts further down the page."""
    members = [aid for aid in story.articles if aid in articles]
    anchors = Anchors(members)

    def href(ev: dict) -> str:
        if _valid(ev, articles) and ev["article"] in anchors.index:
            return "#" + anchors.span(ev["article"], ev["start"], ev["end"])
        return "#" + anchors.article(ev["article"]) if ev.get("article") in anchors.index else "#texts"

    meta = {aid: {"outlet": a.outlet, "title": a.title, "published": a.published} for aid, a in articles.items()
            if aid in anchors.index}
    return build_summary(story, meta, href)


def _index_rows(stories: Iterable[Story], articles: Mapping[str, Article]) -> list[dict]:
    rows = []
    for s in stories:
        facts = (s.comparison or {}).get("facts", [])
        rows.append({"title": s.title or s.id, "href": page_name(s.id), "outlets": s.outlets,
                     "articles": len(s.articles), "published": s.last_published or s.first_published,
                     "counts": {k: sum(f.get("status") == k for f in facts) for k in STATUS_LABEL}})
    rows.sort(key=lambda r: (-len(r["outlets"]), -r["articles"], r["title"]))
    return rows


def render_index(stories: Iterable[Story], articles: Mapping[str, Article]) -> str:
    return _env().get_template("index.html.j2").render(rows=_index_rows(stories, articles))


def write_site(out_dir: Path, stories: Iterable[Story], articles: Mapping[str, Article]) -> list[Path]:
    """index.html and one ``<story>.html`` per story in ``out_dir``; returns the paths written."""
    return write_site_pages(out_dir, ((s, articles) for s in stories))


# Pages per task handed to an executor's workers. The stories stream through: the workers render while this process
# reads the next stories and writes the finished pages, and only the tasks in flight are held.
PAGES_PER_TASK = 4


def write_site_pages(out_dir: Path, pages: Iterable[tuple[Story, Mapping[str, Article]]],
                     executor=None) -> list[Path]:
    """``write_site`` with each story's member articles given beside it, so that a large run's stories and
    articles are never all in memory at once (the index needs only a row per story). With a parallel ``executor``
    (a job's process pool) the pages are rendered in its workers while this process writes the finished ones: a
    page depends on its story and members alone, so the files are the same."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    rows: list[dict] = []
    for s, articles, html in _rendered(pages, executor):
        p = out_dir / page_name(s.id)
        p.write_text(html, encoding="utf-8")
        paths.append(p)
        rows += _index_rows([s], articles)
    rows.sort(key=lambda r: (-len(r["outlets"]), -r["articles"], r["title"]))
    idx = out_dir / "index.html"
    idx.write_text(_env().get_template("index.html.j2").render(rows=rows), encoding="utf-8")
    return [idx] + paths


def _rendered(pages: Iterable[tuple[Story, Mapping[str, Article]]], executor=None):
    """(story, members, its HTML page) for each page, in order."""
    if executor is None or not getattr(executor, "parallel", False):
        for s, articles in pages:
            yield s, articles, render_story(s, articles, "html")
        return
    sent: deque[list[tuple[Story, Mapping[str, Article]]]] = deque()  # tasks in flight, in the order sent

    def tasks() -> Iterator[list[tuple[Story, dict[str, Article]]]]:
        for task in chunked(pages, PAGES_PER_TASK):
            sent.append(task)
            yield [(s, {k: _page_copy(a) for k, a in articles.items()}) for s, articles in task]

    for htmls in executor.map(_render_pages, tasks()):
        for (s, articles), html in zip(sent.popleft(), htmls):
            yield s, articles, html


def _page_copy(a: Article) -> Article:
    """What a story's HTML page reads of a member article, to send to a worker: not its entities, quotes, claims
    or removals (the story's comparison holds what the page shows of them), which are most of what would be
    pickled."""
    return replace(a, entities=[], quotes=[], claims=[], removals=[], raw=None)


def _render_pages(pages: list[tuple[Story, dict[str, Article]]]) -> list[str]:
    return [render_story(s, articles, "html") for s, articles in pages]


# ------------------------------------------------------------------------------------------------ text and Markdown
def _clip(s: str, n: int = 150) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _text(v: dict) -> str:
    st = v["story"]
    out = [f"{v['title']}  [{st.id}]",
           f"{len(st.articles)} articles, {len(v['outlets'])} outlets: {', '.join(v['outlets'])}"]
    if st.first_published:
        out.append(f"published {st.first_published}" + (f" to {st.last_published}" if st.last_published and
                                                           st.last_published != st.first_published else ""))
    if v["actors"]:
        out.append("actors: " + "; ".join(a.get("name", "") + (f" ({a['title']})" if a.get("title") else "")
                                          for a in v["actors"][:12]))
    out.append("")
    out.append("voices:")
    for ov in v["voices"]:
        share = ", ".join(f"{s['side']} {s['pct']}%" for s in ov["share"])
        out.append(f"  {ov['outlet']}" + (f"  ({share})" if share else ""))
        for s in ov["speakers"]:
            out.append(f"    {s['speaker_name']} [{s.get('affiliation') or '?'}]: {s['quotes']} quotes, "
                       f"{s['words']} words" + (f" — {s['title']}" if s.get("title") else ""))
            for ev in s["evidence"][:2]:
                out.append(f"        “{_clip(ev['text'].strip(chr(34) + '“”'), 120)}”")
        if not ov["speakers"]:
            out.append("    (no attributed quotes)")
    for status, head in (("differs", "what differs"), ("agreed", "what agrees"),
                         ("single-source", "reported by one outlet only")):
        rows = [f for f in v["facts"] if f["status"] == status]
        if not rows:
            continue
        out.append("")
        out.append(f"{head} ({len(rows)}):")
        for f in rows:
            if status == "single-source":
                who = next((o for o, c in f["cells"].items() if c), "?")
                out.append(f"  [{who}] {_clip(f['text'])}")
            else:
                out.append(f"  {_clip(f['text'])}")
                for o, cell in f["cells"].items():
                    for ev in cell[:2]:
                        val = f"{ev['value']}: " if ev.get("value") else ""
                        out.append(f"      {o}: {val}“{_clip(ev['text'], 110)}”")
    if v["copies"]:
        out.append("")
        out.append("syndicated copies (counted once, under their source): " +
                   ", ".join(f"{c['article']} ← {c['copy_of']}" for c in v["copies"]))
    return "\n".join(out) + "\n"


def _md_cell(s: str) -> str:
    return _clip(s, 200).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _markdown(v: dict) -> str:
    st = v["story"]
    out = [f"# {_md_cell(v['title'])}", "",
           f"Story `{st.id}` · {len(st.articles)} articles · outlets: {', '.join(_md_cell(o) for o in v['outlets'])}",
           "", f"**{v['counts']['agreed']}** agreed · **{v['counts']['differs']}** differ · "
               f"**{v['counts']['single-source']}** only one outlet", "", "## Facts", ""]
    if v["facts"]:
        out.append("| fact | status | " + " | ".join(_md_cell(o) for o in v["outlets"]) + " |")
        out.append("|---|---|" + "---|" * len(v["outlets"]))
        for f in v["facts"]:
            cells = []
            for o in v["outlets"]:
                evs = f["cells"][o]
                cells.append("<br>".join((f"**{_md_cell(e['value'])}**: " if e.get("value") else "") +
                                         f"“{_md_cell(_clip(e['text'], 90))}” ({e['article']}:{e['start']}-{e['end']})"
                                         for e in evs) or "—")
            out.append(f"| {_md_cell(f['text'])} | {f['label']} | " + " | ".join(cells) + " |")
    else:
        out.append("_No facts to compare._")
    out += ["", "## Voices", ""]
    for ov in v["voices"]:
        share = ", ".join(f"{_md_cell(str(s['side']))} {s['pct']}%" for s in ov["share"])
        out.append(f"### {_md_cell(ov['outlet'])}" + (f" ({share})" if share else ""))
        out.append("")
        if ov["speakers"]:
            out.append("| speaker | side | quotes | words |")
            out.append("|---|---|---|---|")
            for s in ov["speakers"]:
                out.append(f"| {_md_cell(s['speaker_name'])} | {_md_cell(s.get('affiliation') or '—')} | "
                           f"{s['quotes']} | {s['words']} |")
        else:
            out.append("_No attributed quotes._")
        out.append("")
    out += ["## Who said what", ""]
    for q in v["quotes"]:
        out.append(f"- **{_md_cell(q['speaker'] or '?')}** ({_md_cell(q['outlet'])}): “{_md_cell(q['text'])}”")
    if v["timeline"]:
        out += ["", "## Timeline", ""]
        for t in v["timeline"]:
            out.append(f"- **{t['date'] or 'undated'}**: " + ", ".join(_md_cell(a["title"]) for a in t["articles"]))
    if v["copies"]:
        out += ["", "## Syndication", ""]
        for c in v["copies"]:
            out.append(f"- `{c['article']}` ({_md_cell(c.get('outlet') or '')}) is a {c.get('kind')} copy of "
                       f"`{c['copy_of']}`")
    return "\n".join(out) + "\n"
