"""Per-article compare work, kept between the comparisons an article takes part in.

Most of a story's comparison is work on each member article alone: cutting its clauses into units, their content
terms, values and phrases (``align.ArticleUnits``), and the clause keys that find page furniture. None of it depends
on the story, so a story re-compared because one article joined it, or the next chunk of a run touching the same
stories again, need not redo it for the members it has already seen.

Entries are keyed by a content hash of everything the work reads (the text; the entities, quotes and claims the nlp
stage found), never by article id: an article re-processed with other annotations gets a new entry, and a cached
entry gives exactly what a fresh computation would. The cache is a bounded LRU in memory; a run keeps one per job
(``CompareStage``) and each worker process one of its own.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from newsprism.model import Article

from .align import ArticleUnits, article_units
from .text import clause_key, clauses, sentences

MAX_ARTICLES = 4096  # prepared articles kept: a chunk's touched stories' members, with room for the next chunk's
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

    def __init__(self, max_articles: int = MAX_ARTICLES) -> None:
        self.max_articles = max_articles
        self._units: OrderedDict[str, ArticleUnits] = OrderedDict()
        self._clauses: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()  # a thread executor's workers share one process's cache
        self.hits = self.misses = 0

    def _get(self, table: OrderedDict, key: str):
        with self._lock:
            got = table.get(key)
            if got is not None:
                table.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return got

    def _put(self, table: OrderedDict, key: str, value) -> None:
        with self._lock:
            table[key] = value
            table.move_to_end(key)
            while len(table) > self.max_articles:
                table.popitem(last=False)

    def units(self, article: Article) -> ArticleUnits:
        key = content_key(article)
        got = self._get(self._units, key)
        if got is None:
            got = article_units(article)
            self._put(self._units, key, got)
        return got

    def clause_keys(self, text: str) -> frozenset[str]:
        key = text_key(text)
        got = self._get(self._clauses, key)
        if got is None:
            got = furniture_keys(text)
            self._put(self._clauses, key, got)
        return got

    def __len__(self) -> int:
        return len(self._units)


_process: ArticleCache | None = None


def process_cache() -> ArticleCache:
    """This process's cache, for comparisons a worker runs (each worker process keeps its own)."""
    global _process
    if _process is None:
        _process = ArticleCache()
    return _process
