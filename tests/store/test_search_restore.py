"""An article stored again keeps one search entry: re-indexed when its title or text changed, left alone if not."""
from __future__ import annotations

from newsprism.model import Article
from newsprism.store import open_store


def _article(title: str, text: str, story: str) -> Article:
    return Article(id="a1", text=text, title=title, content_hash="h" * 64, story=story)


def test_restored_article_is_found_once_and_by_its_current_words(tmp_path):
    store = open_store(str(tmp_path / "np.db"))
    store.upsert_articles([_article("Harbour crane collapses", "A crane fell onto the quay at dawn.", "s1")])
    store.upsert_articles([_article("Harbour crane collapses", "A crane fell onto the quay at dawn.", "s2")])
    hits = store.search("crane")
    assert [(h["id"], h["story"]) for h in hits] == [("a1", "s2")]
    store.upsert_articles([_article("Harbour crane collapses", "A gantry dropped onto the quay at dawn.", "s2")])
    assert [h["id"] for h in store.search("gantry")] == ["a1"]
    assert store.search("fell") == []  # the old text is no longer indexed
    assert [h["id"] for h in store.search("crane")] == ["a1"]
    store.close()
