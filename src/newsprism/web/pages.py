"""HTML pages over the API payloads: the story list (``/``) and a story (``/stories/{id}``).

The story page is the report's HTML renderer, so the static report and the server show the same thing. All text is
escaped by Jinja2's autoescape: article text is never rendered as HTML.
"""
from __future__ import annotations

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, select_autoescape

from newsprism.api.payloads import story_summary
from newsprism.store import Store

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_INDEX = _env.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newsprism — stories</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left}
form{margin:1rem 0}input{padding:.3rem;width:20rem}</style></head>
<body><h1>Stories</h1>
<form action="/" method="get"><input name="q" value="{{ q or '' }}" placeholder="search titles and texts">
<button>Search</button></form>
{% if hits is not none %}<h2>Articles matching “{{ q }}”</h2><ul id="hits">
{% for h in hits %}<li>{% if h.story %}<a href="/stories/{{ h.story | urlencode }}">{{ h.title or h.id }}</a>
{% else %}{{ h.title or h.id }}{% endif %} — {{ h.snippet }}</li>{% else %}<li>nothing found</li>{% endfor %}</ul>
{% endif %}
<table id="stories"><tr><th>story</th><th>articles</th><th>outlets</th><th>last published</th></tr>
{% for s in stories %}<tr><td><a href="/stories/{{ s.story | urlencode }}">{{ s.title or s.story }}</a></td>
<td>{{ s.articles }}</td><td>{{ s.outlets | join(", ") }}</td><td>{{ s.last_published or "" }}</td></tr>
{% else %}<tr><td colspan="4">No stories yet: run <code>newsprism run</code>.</td></tr>{% endfor %}</table>
<p><a href="/api/stories">JSON</a></p></body></html>""")


def mount_pages(app: FastAPI, store: Store) -> None:
    @app.get("/", response_class=HTMLResponse)
    def index(q: str | None = Query(None, max_length=500), limit: int = Query(100, ge=1, le=1000)) -> str:
        stories = []
        for s in store.iter_stories():
            stories.append(story_summary(s))
            if len(stories) >= limit:
                break
        hits = store.search(q, 50) if q else None
        return _INDEX.render(stories=stories, q=q, hits=hits)

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: str) -> str:
        from newsprism.report import render_story

        s = store.get_story(story_id)
        if s is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return render_story(s, {a.id: a for a in store.iter_articles(story=s.id)}, "html")
