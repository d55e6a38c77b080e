"""Polling one feed, for ``newsprism watch``: a conditional GET, the feed's entries read, and what went wrong.

No store and no scheduling here (``newsprism.watch`` keeps both); this module only knows how to ask one feed once,
how long a failing feed waits (exponential backoff, capped, jittered) and how to read an interval like ``10m``.
"""
from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from newsprism.ingest.decode import InputError
from newsprism.ingest.feeds import NO_ENTRIES, read_feed
from newsprism.ingest.fetch import FetchError, Fetcher
from newsprism.ingest.records import stable_id
from newsprism.model import Article

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?\s*$", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in ``90``, ``30s``, ``10m``, ``1.5h`` or ``1d``; ValueError for anything else or for zero."""
    m = _INTERVAL.match(text or "")
    if not m:
        raise ValueError(f"not an interval: {text!r} (use e.g. 90, 30s, 10m, 2h, 1d)")
    secs = float(m.group(1)) * _UNIT[(m.group(2) or "s")[0].lower()]
    if secs <= 0:
        raise ValueError(f"the interval must be positive: {text!r}")
    return secs


@dataclass
class Backoff:
    """How long a feed that failed ``failures`` times in a row waits before its next poll: ``base`` doubled per
    failure, at most ``cap``, times a random factor in [1 - jitter, 1 + jitter] (feeds that failed together do not
    come back together). A server's ``Retry-After`` is honoured when longer, up to ``cap``."""

    base: float
    cap: float
    jitter: float = 0.25
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        d = min(self.cap, self.base * 2 ** max(failures - 1, 0))
        d = min(self.cap, d * self.rng.uniform(1 - self.jitter, 1 + self.jitter))
        if retry_after is not None:
            d = max(d, min(retry_after, self.cap))
        return d


@dataclass
class FeedPoll:
    """One poll of one feed. ``status``: ``changed`` (entries read), ``not-modified`` (HTTP 304) or ``failed``."""

    url: str
    status: str
    articles: list[Article] = field(default_factory=list)
    entries: int = 0  # entries the feed lists (changed feeds only)
    skipped: int = 0  # entries already stored whose pages were not fetched again
    error: str | None = None
    retry_after: float | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def poll_feed(fetcher: Fetcher, url: str, known: Callable[[str], bool] | None = None) -> FeedPoll:
    """GET ``url`` conditionally (the fetcher holds its validators) and read its entries. Never raises for a bad
    feed: the error is in the result."""
    from newsprism.ingest.sources import _Reader

    start = time.monotonic()
    try:
        got = fetcher.get(url, conditional=True)
    except (FetchError, InputError) as exc:
        return FeedPoll(url, "failed", error=str(exc), retry_after=getattr(exc, "retry_after", None),
                        seconds=time.monotonic() - start)
    if got.not_modified:
        return FeedPoll(url, "not-modified", seconds=time.monotonic() - start)
    reader = _Reader(fetcher.allow_private, fetcher)  # its page fetcher decodes pages as `newsprism run` does
    feed_id = stable_id("url", url)
    skipped = 0

    def seen(aid: str) -> bool:
        nonlocal skipped
        if known is not None and known(aid):
            skipped += 1
            return True
        return False

    try:
        articles = list(read_feed(got.content, url, reader.fetch_page, feed_id, known=seen))
    except Exception as exc:  # noqa: BLE001 - one broken feed never stops the others
        return FeedPoll(url, "failed", error=f"{url}: {type(exc).__name__}: {exc}", seconds=time.monotonic() - start)
    if len(articles) == 1 and articles[0].id == feed_id and not articles[0].ok:
        # the whole feed was unreadable (not a feed, entity declarations, …); an empty feed is just empty
        message = articles[0].errors[0].removeprefix("ingest: ")
        if message.endswith(NO_ENTRIES):
            return FeedPoll(url, "changed", seconds=time.monotonic() - start)
        return FeedPoll(url, "failed", error=message, seconds=time.monotonic() - start)
    return FeedPoll(url, "changed", articles=articles, entries=len(articles) + skipped, skipped=skipped,
                    seconds=time.monotonic() - start)
