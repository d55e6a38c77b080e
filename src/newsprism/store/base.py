"""The one narrow protocol every store implements (SQLite by default, PostgreSQL for teams)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from newsprism.model import Article, Story


class Store(Protocol):
    url: str

    def transaction(self) -> AbstractContextManager[Store]:
        """One unit of work: every write inside commits together or not at all, and one writer at a time holds the
        database (others wait, saying so). Reads inside see the unit's own writes; nested calls join the outer one.
        Write methods called outside a transaction are each their own unit."""

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        """Insert or update articles keyed by ``content_hash``; returns how many rows were new."""

    def known_hashes(self, hashes: Iterable[str]) -> set[str]: ...
    def get_articles_by_hash(self, hashes: Iterable[str]) -> dict[str, Article]: ...
    def get_article(self, article_id: str) -> Article | None: ...
    def iter_articles(self, exclude_hashes: Iterable[str] = (), story: str | None = None) -> Iterator[Article]: ...
    def count_articles(self) -> int: ...

    def get_articles_by_id(self, ids: Iterable[str], exclude_hashes: Iterable[str] = ()) -> dict[str, Article]:
        """Stored articles by id (latest version of each, oldest first), leaving out these content hashes."""

    def dedup_candidates(self, *, exact: Iterable[str], bands: Iterable[int], anchors: list[list[int]],
                         min_anchors: int, max_posting: int, exclude: set[str]) -> list[str]:
        """Content hashes of stored texts sharing dedup lookup keys with the given ones (``dedup.index``)."""

    def put_dedup(self, remove: list[str], rows: dict[str, tuple[str, list[int], list[int]]],
                  max_posting: int, prints: dict[str, dict[str, Any]] | None = None) -> None:
        """Replace the dedup lookup keys and fingerprints of ``remove`` and ``rows`` (content hash -> exact, bands,
        anchors) with ``rows`` and ``prints`` (content hash -> the ``dedup_prints`` columns)."""

    def put_dedup_prints(self, prints: dict[str, dict[str, Any]]) -> None:
        """Store fingerprints of stored texts that had none."""

    def dedup_prints(self, hashes: Iterable[str], scheme: str) -> dict[str, dict[str, Any]]:
        """Stored dedup fingerprints of these texts taken under ``scheme`` (``dedup.index``); others are absent."""

    def compare_rows(self, ids: Iterable[str], column: str) -> dict[str, tuple[str, str]]:
        """Stored compare work of these articles (``store.unit_rows``): id -> (key, ``column`` as JSON)."""

    def put_compare_rows(self, rows: dict[str, tuple[str, str | None, str | None]]) -> None:
        """Write articles' compare work: id -> (key, units JSON or None, furniture clause keys JSON or None)."""

    def get_article_heads(self, hashes: Iterable[str]) -> dict[str, Article]:
        """Stored articles by content hash without text and annotations; a failed one has a placeholder error."""

    def get_article_heads_by_id(self, ids: Iterable[str], exclude_hashes: Iterable[str] = ()) -> dict[str, Article]:
        """``get_articles_by_id`` without text and annotations, as ``get_article_heads``."""

    def put_stories(self, stories: Iterable[Story]) -> None:
        """Insert or update these stories, leaving every other stored story as it is."""

    def delete_stories(self, story_ids: Iterable[str]) -> None: ...
    def get_stories(self, story_ids: Iterable[str]) -> dict[str, Story]: ...

    def replace_stories(self, stories: Iterable[Story]) -> None:
        """Make the stored stories exactly these (a whole rebuild; a run merges with put/delete_stories)."""

    def get_story(self, story_id: str) -> Story | None: ...
    def iter_stories(self) -> Iterator[Story]: ...

    def record_error(self, source: str, article_id: str | None, message: str) -> None:
        """Record an error once (the same error of the same input on a later run is not repeated)."""

    def iter_errors(self) -> Iterator[dict[str, Any]]: ...

    def get_state(self) -> dict[str, Any]:
        """Every state key; the cluster index as its scalars only (its rows are read through ``cluster_index``)."""

    def cluster_index(self) -> Any:
        """The cluster index's rows as a lazy source for the clusterer (``cluster.lazy``)."""

    def read_cluster_index(self, key: str = "cluster") -> dict[str, Any] | None:
        """The whole cluster index put together from its rows."""

    def put_state(self, state: dict[str, Any]) -> None:
        """Write these state keys; the clusterer's index is kept as rows and only changed rows are written."""

    def upsert_actors(self, records: Iterable[dict[str, Any]]) -> int:
        """Store actor records (``knowledge.actors.ActorRecord.to_dict()``), replacing any of the same name."""
        ...

    def get_actor(self, name: str) -> dict[str, Any] | None:
        """The actor book's record stored under exactly this name, or None."""
        ...

    def iter_actors(self) -> Iterator[dict[str, Any]]:
        """Every stored actor record, by name."""
        ...

    def retire_actors(self, names: Iterable[str]) -> None:
        """Actors merged into another one: their records stay, the actor book no longer finds them."""
        ...

    def actor_rows(self) -> Any:
        """The stored actor book read by blocking key (``store.actor_rows.ActorRows``)."""
        ...
    def log_chunk(self, run: str, articles: int) -> int:
        """Note a committed chunk of a run, inside its unit of work; returns its sequence number."""

    def last_chunk(self) -> int:
        """Sequence number of the last chunk any run committed: a run that finds its own knows no one else wrote."""

    def count_chunks(self, run: str | None = None) -> int: ...

    def get_fetch_state(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """URL -> ``{"etag", "last_modified", "failures", "retry_at", "last_error"}`` for the URLs that have one."""

    def put_fetch_state(self, rows: Iterable[dict[str, Any]]) -> None:
        """Insert or replace per-URL fetch state (each row has ``url`` and any of the fields above)."""

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]: ...

    def story_summaries(self, *, offset: int = 0, limit: int = 50, outlet: str | None = None,
                        words: str | None = None, since: str | None = None, until: str | None = None,
                        sort: str = "size", outlets_any: list[str] | None = None) -> dict[str, Any]:
        """A page of story summaries (id, title, counts, outlets, dates) read without the full story records:
        ``{"total", "offset", "limit", "rows"}``."""

    def article_meta(self, story: str | None = None, ids: list[str] | None = None) -> dict[str, dict]:
        """Article id -> its metadata columns (outlet, title, published, url, story), without the records."""

    def story_actors(self) -> list[tuple[str, list[dict]]]:
        """(story id, the story's actors) for every story, without the full records."""

    def stories_containing(self, text: str) -> list[str]:
        """Ids of stories whose record mentions ``text`` (case-insensitive): a prefilter for one-actor pages."""

    def search_hits(self, query: str, *, offset: int = 0, limit: int = 20, outlet: str | None = None,
                    story: str | None = None, month: str | None = None) -> dict[str, Any]:
        """A page of full-text hits with facet counts by outlet, story and month: ``{"total", "hits", "facets"}``."""
    def schema_version(self) -> int: ...
    def close(self) -> None: ...
