"""The JSON payloads the API returns and the web pages render, built from stored records in one place."""
from __future__ import annotations

from typing import Any

from newsprism.model import Article, Story


def story_summary(s: Story) -> dict[str, Any]:
    return {"story": s.id, "title": s.title, "articles": len(s.articles), "outlets": s.outlets,
            "first_published": s.first_published, "last_published": s.last_published}


def article_summary(a: Article) -> dict[str, Any]:
    return {"id": a.id, "url": a.url, "outlet": a.outlet, "title": a.title, "published": a.published,
            "story": a.story, "duplicate_of": a.duplicate_of, "duplicate_kind": a.duplicate_kind,
            "quotes": len(a.quotes), "claims": len(a.claims), "errors": a.errors}


def story_detail(s: Story, members: dict[str, Article]) -> dict[str, Any]:
    rec = s.to_record()
    rec["members"] = [article_summary(members[i]) for i in s.articles if i in members]
    return rec
