"""Parsed records and page payloads kept between requests while the database does not change.

A story record is ~80 KB of JSON; a story page, its JSON twin, its articles' pages and the outlet pages that list
it all read it. ``ReadMemo`` keeps the parsed ``Story`` objects and the payloads the views build, tagged with the
database's change counter (see ``cache.DataVersion``): the first read after any commit starts afresh, so nothing
stale is ever returned. Without a counter (PostgreSQL) nothing is kept.

Views treat what they read as read-only, so one parsed object can serve many requests.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from newsprism.model import Story
from newsprism.store import Store
from newsprism.web.cache import current_version

_MISSING = object()


class ReadMemo:
    def __init__(self, version: Callable[[], int | None], max_items: int = 1024):
        self.version = version
        self.max_items = max_items
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.at: int | None = None
        self.lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        v = current_version.get()
        if v is None:
            v = self.version()
        if v is None:
            return compute()
        with self.lock:
            if self.at is not None and v < self.at:  # a request older than the memo's content: do not mix them
                return compute()
            if v != self.at:
                self.items.clear()
                self.at = v
            hit = self.items.get(key, _MISSING)
            if hit is not _MISSING:
                self.items.move_to_end(key)
                return hit
        value = compute()
        with self.lock:
            if self.at == v:
                self.items[key] = value
                while len(self.items) > self.max_items:
                    self.items.popitem(last=False)
        return value


class MemoStore:
    """A store whose ``get_story`` answers from the memo; everything else goes to the store itself."""

    def __init__(self, store: Store, memo: ReadMemo):
        self._store = store
        self._memo = memo

    def get_story(self, story_id: str) -> Story | None:
        return self._memo.get(("story", story_id), lambda: self._store.get_story(story_id))

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A value computed from what this store read (an index over a story, say), kept as long as the data."""
        return self._memo.get(("derived", key), compute)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
