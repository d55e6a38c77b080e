"""Per-article compare work, kept between the comparisons an article takes part in.

Most of a story's comparison is work on each member article alone: cutting its clauses into units, their content
terms, values and phrases (``align.ArticleUnits``), and the clause keys that find page furniture. None of it depends
on the story, so a story re-compared because one article joined it, or the next chunk of a run touching the same
stories again, need not redo it for the members it has already seen.

Entries are keyed by a content hash of everything the work reads (the text; the entities, quotes and claims the nlp
stage found), never by article id: an article re-processed with other annotations gets a new entry, and a cached
entry gives exactly what a fresh computation would. The cache is an LRU in memory bounded by the text it holds (a
prepared article takes some 25-50 times its text's size); a run keeps one per job (``CompareStage``) and each
worker process one of its own.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from newsprism.model import Article

from .align import ArticleUnits, article_units
from .text import clause_key, clauses, sentences

MAX_CHARS = 4_000_000  # text characters of the prepared articles kept (some 150 MB): a chunk's touched stories
ENTRY_CHARS = 500  # what an entry costs beyond its text, in characters
FURNITURE_MIN = 20  # shortest clause key that may count as page furniture (``stage.recurring_clauses``)


def _claim_key(c) -> object:
    return c.to_dict() if hasattr(c, "to_dict") else repr(c)


def content_key(article: Article) -> str:
    """A hash of what ``align.article_units`` reads from an article."""
    h = hashlib.blake2b(digest_size=20)
    h.update(article.text.encode("utf-8", "surrogatepass"))
    notes = {"entities": [(e.type, e.name, [list(m) for m in e.mentions]) for e in article.entities],
             "quotes": [(q.start, q.end) for q in article.quotes],
             "claims": [_claim_key(c) for c in article.claims]}
    h.update(b"\0")
    h.update(json.dumps(notes, sort_keys=True, default=repr).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def furniture_keys(text: str) -> frozenset[str]:
    """The clause keys of a text long enough to be page furniture (see ``stage.recurring_clauses``)."""
    out = set()
    for sent in sentences(text):
        for p in clauses(text, sent):
            key = clause_key(p.text)
            if len(key) >= FURNITURE_MIN:
                out.add(key)
    return frozenset(out)


class ArticleCache:
    """A bounded LRU of prepared articles (``units``) and of their furniture clause keys (``clause_keys``)."""

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: OrderedDict[tuple[str, str], tuple[object, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()  # a thread executor's workers share one process's cache
        self.hits = self.misses = 0

    def _get(self, key: tuple[str, str]):
        with self._lock:
            got = self._entries.get(key)
            if got is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return got[0]

    def _put(self, key: tuple[str, str], value: object, chars: int) -> None:
        with self._lock:
            if key in self._entries:
                self._chars -= self._entries[key][1]
            self._entries[key] = (value, chars)
            self._chars += chars
            while self._chars > self.max_chars and self._entries:
                self._chars -= self._entries.popitem(last=False)[1][1]

    def units(self, article: Article) -> ArticleUnits:
        key = ("units", content_key(article))
        got = self._get(key)
        if got is None:
            got = article_units(article)
            self._put(key, got, len(article.text) + ENTRY_CHARS)
        return got  # type: ignore[return-value]

    def clause_keys(self, text: str) -> frozenset[str]:
        key = ("clauses", text_key(text))
        got = self._get(key)
        if got is None:
            got = furniture_keys(text)
            self._put(key, got, len(text) // 8 + ENTRY_CHARS)  # a few keys: far smaller than prepared units
        return got  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._entries)


_process: ArticleCache | None = None


def process_cache() -> ArticleCache:
    """This process's cache, for comparisons a worker runs (each worker process keeps its own)."""
    global _process
    if _process is None:
        _process = ArticleCache()
    return _process
