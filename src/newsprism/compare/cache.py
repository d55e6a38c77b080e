"""Per-article compare work, kept between the comparisons an article takes part in.

Most of a story's comparison is work on each member article alone: cutting its clauses into units, their content
terms, values and phrases (``align.ArticleUnits``), and the clause keys that find page furniture. None of it depends
on the story, so a story re-compared because one article joined it, or the next chunk of a run touching the same
stories again, need not redo it for the members it has already seen.

Entries are keyed by a content hash of everything the work reads (the text; the entities, quotes and claims the nlp
stage found), never by article id: an article re-processed with other annotations gets a new entry, and a cached
entry gives exactly what a fresh computation would. The cache is an LRU in memory bounded by the bytes it holds,
estimated from each entry's text (measured: a prepared article takes some 20 bytes a character of its text when made
and some 90-110 once comparisons have cut its phrases, which are kept on it); a run keeps one per job (``CompareStage``)
and each worker process one of its own, so a process holds at most ``MAX_BYTES`` here (a worker
``WORKER_MAX_BYTES``) however long its stream.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from newsprism.model import Article

from .align import ArticleUnits, article_units
from .text import clause_key, clauses, sentences

MAX_BYTES = 128 * 2**20  # what the kept entries hold, estimated: some 250 prepared news articles of 4-5 KB
# A worker's own cache is smaller: the members a story already had come to it as stored rows (``unit_rows``), so
# what it keeps is only reused when a later task meets an article again before its rows are stored. Its entries stay live between tasks: with 128 MB a worker held ~165 MB more after
# its first compare tasks, and a worker's size is part of the run's peak.
WORKER_MAX_BYTES = 32 * 2**20
UNITS_BYTES = 110  # bytes a prepared article holds per character of its text, its phrases cut (measured 86-100)
CLAUSES_BYTES = 2  # bytes an article's furniture clause keys hold per character of its text
ENTRY_BYTES = 2_000  # what an entry costs beyond that (its key, the LRU's node, the objects' headers)
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

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[object, int]] = OrderedDict()
        self._bytes = 0  # estimated bytes of the entries kept
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

    def _put(self, key: tuple[str, str], value: object, size: int) -> None:
        with self._lock:
            if key in self._entries:
                self._bytes -= self._entries[key][1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                self._bytes -= self._entries.popitem(last=False)[1][1]

    def units(self, article: Article) -> ArticleUnits:
        key = ("units", content_key(article))
        got = self._get(key)
        if got is None:
            got = article_units(article)
            self._put(key, got, len(article.text) * UNITS_BYTES + ENTRY_BYTES)
        return got  # type: ignore[return-value]

    def clause_keys(self, text: str) -> frozenset[str]:
        key = ("clauses", text_key(text))
        got = self._get(key)
        if got is None:
            got = furniture_keys(text)
            self._put(key, got, len(text) * CLAUSES_BYTES + ENTRY_BYTES)  # a few keys: far smaller than units
        return got  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Estimated bytes the kept entries hold (at most ``max_bytes``)."""
        return self._bytes


_process: ArticleCache | None = None


def process_cache() -> ArticleCache:
    """This process's cache, for comparisons a worker runs (each worker process keeps its own)."""
    global _process
    if _process is None:
        _process = ArticleCache(WORKER_MAX_BYTES)
    return _process
