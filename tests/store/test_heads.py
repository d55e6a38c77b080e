"""Heads by id: a stored article's metadata without its text and annotations, on SQLite and PostgreSQL."""
from __future__ import annotations

import time

from newsprism.model import Article, Entity, Quote, content_hash
from newsprism.store import open_store


def _article(aid: str, text: str, **kw) -> Article:
    a = Article(id=aid, text=text, content_hash=content_hash(aid + text), **kw)
    a.entities.append(Entity("e0", "Ada", "PERSON", mentions=[(0, 3)]))
    a.quotes.append(Quote(0, 3, text[:3]))
    return a


def test_heads_by_id_carry_the_marks_not_the_words(store_url):
    store = open_store(store_url)
    src = _article("src", "Ada said the bridge will close.", outlet="Ledger", published="2025-03-01")
    copy = _article("copy", "Ada said the bridge will close!", outlet="Echo", published="2025-03-04",
                    duplicate_of="src", duplicate_kind="exact", syndication_group="syn-1", credit="AP")
    failed = _article("bad", "", errors=["unreadable"])
    store.upsert_articles([src, copy, failed])
    time.sleep(0.01)
    newer = _article("copy", "Ada said the bridge will close soon.", outlet="Echo", published="2025-03-05",
                     duplicate_of="src", duplicate_kind="near", syndication_group="syn-1", credit="AP")
    store.upsert_articles([newer])  # another version of one id (its source kept): the latest is the head

    heads = store.get_article_heads_by_id(["src", "copy", "bad", "gone"])
    assert set(heads) == {"src", "copy", "bad"}
    h = heads["copy"]
    assert (h.content_hash, h.outlet, h.published, h.duplicate_of, h.duplicate_kind, h.syndication_group,
            h.credit) == (newer.content_hash, "Echo", "2025-03-05", "src", "near", "syn-1", "AP")
    assert h.text == "" and h.entities == [] and h.quotes == [] and h.ok
    assert not heads["bad"].ok and heads["src"].ok
    # a version left out by its hash (this chunk's own) falls back to the one before it
    older = store.get_article_heads_by_id(["copy"], exclude_hashes={newer.content_hash})
    assert older["copy"].content_hash == copy.content_hash and older["copy"].duplicate_kind == "exact"
    store.close()
