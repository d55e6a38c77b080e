"""An input edited in place keeps its source and changes its hash: writing the new version replaces the old one."""
from __future__ import annotations

from newsprism.model import Article, content_hash


def _art(i: str, source: str, text: str) -> Article:
    return Article(i, source=source, text=text, content_hash=content_hash(i + "\0" + text), outlet="Daily")


def _stored(store) -> dict[str, str]:
    return {a.content_hash: a.id for a in store.iter_articles()}


def test_new_versions_replace_the_old_ones_of_their_sources(store):
    first = [_art("a", "/in/a.txt", "Talks in Geneva."), _art("b", "/in/b.txt", "Floods in Dhaka."),
             _art("c", "/in/c.txt", "Rates held in Frankfurt.")]
    store.upsert_articles(first)
    # a and c edited in place, b unchanged, d new: one write of four
    second = [_art("a", "/in/a.txt", "Talks in Geneva ended."), first[1], _art("c", "/in/c.txt", "Rates cut."),
              _art("d", "/in/d.txt", "A new text.")]
    store.upsert_articles(second)
    assert _stored(store) == {a.content_hash: a.id for a in second}
    assert store.search("Frankfurt") == [] and [r["id"] for r in store.search("cut")] == ["c"]


def test_articles_sharing_a_source_replace_its_earlier_versions(store):
    # a feed file read twice: its articles share the file as their source
    old = [_art("x1", "/in/feed.xml", "First item."), _art("x2", "/in/feed.xml", "Second item.")]
    store.upsert_articles(old)
    new = [_art("x1", "/in/feed.xml", "First item, updated."), _art("x3", "/in/feed.xml", "Third item.")]
    store.upsert_articles(new)
    assert _stored(store) == {a.content_hash: a.id for a in new}
