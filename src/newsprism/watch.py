"""``newsprism watch``: poll feeds in rounds, and send each round's new entries through the normal chunked job.

A round polls every feed that is due, all at once (a thread each, up to ``workers``), with a conditional GET whose
validators (ETag / Last-Modified) come from the store, so they hold across processes: a cron'd ``--once`` or a
restarted watcher asks "changed since?" like a running one. The round waits at most ``deadline`` seconds: a feed
that has not answered by then is left running (it is not polled again meanwhile) and its entries join the round in
which it finishes, so a hanging feed never holds up the others. A feed that fails waits before its next poll, longer
after each failure in a row (exponential, capped, jittered, at least the server's Retry-After); that backoff is in
the store too. Entries go through ``run_job`` (chunks committed with the stories they touch), and only then are the
feeds' new validators stored: a killed round is polled again in full, never skipped.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from typing import Any

from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.poll import Backoff, FeedPoll, poll_feed
from newsprism.model import Article
from newsprism.store import Store


@dataclass
class RoundResult:
    polls: list[FeedPoll] = field(default_factory=list)  # the polls that finished in this round
    waiting: list[str] = field(default_factory=list)  # feeds still running after the deadline
    backing_off: list[str] = field(default_factory=list)  # feeds not due yet after failures
    articles: int = 0  # entries sent to the job
    new: int = 0  # articles the job processed (the rest were stored already)
    stories: int = 0  # stories the new articles are in
    seconds: float = 0.0

    @property
    def failed(self) -> list[FeedPoll]:
        return [p for p in self.polls if not p.ok]


def _count(n: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n} {word if n == 1 else plural}"


def _human(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Watcher:
    """Polls ``feeds`` round by round into ``store``; ``process(articles)`` runs the job and returns its result
    (anything with ``new`` and ``articles``/``stories``), ``log(line)`` prints."""

    def __init__(self, feeds: Sequence[str], store: Store, process: Callable[[list[Article]], Any], *,
                 fetcher: Fetcher, every: float = 600.0, deadline: float = 120.0, max_backoff: float = 6 * 3600.0,
                 workers: int = 8, log: Callable[[str], None] = print, clock: Callable[[], float] = time.time,
                 backoff: Backoff | None = None):
        self.feeds = list(dict.fromkeys(feeds))
        self.store, self.process, self.fetcher, self.log, self.clock = store, process, fetcher, log, clock
        self.every, self.deadline = every, deadline
        self.backoff = backoff or Backoff(base=every, cap=max_backoff)
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._inflight: dict[str, tuple[Future[FeedPoll], float]] = {}
        self.rounds = 0

    def close(self) -> None:
        """Nothing to wait for: a poll still running is a daemon thread that ends at its fetch timeout."""

    def _start(self, url: str) -> Future[FeedPoll]:
        # A daemon thread per poll (at most ``workers`` fetching at once): a process that is done (``--once``) exits
        # without waiting for a feed that hangs.
        fut: Future[FeedPoll] = Future()

        def work() -> None:
            with self._slots:
                try:
                    fut.set_result(poll_feed(self.fetcher, url, self._known))
                except BaseException as exc:  # noqa: BLE001 - handed to the round that collects it
                    fut.set_exception(exc)

        threading.Thread(target=work, name=f"newsprism-feed-{url[:40]}", daemon=True).start()
        return fut

    def _known(self, article_id: str) -> bool:
        return bool(self.store.article_meta(ids=[article_id]))

    # -- one round -------------------------------------------------------------------------------------------------
    def round(self, final: bool = False) -> RoundResult:
        """Poll the due feeds and process what they give. ``final`` (``--once``): a feed still running after the
        deadline counts as failed, since no later round will collect it."""
        self.rounds += 1
        started = time.monotonic()
        now = self.clock()
        res = RoundResult()
        state = self.store.get_fetch_state(self.feeds)
        due = []
        for url in self.feeds:
            if url in self._inflight:
                continue
            retry_at = (state.get(url) or {}).get("retry_at")
            if retry_at is not None and retry_at > now:
                res.backing_off.append(url)
                self.log(f"{url}: backing off after {_count(state[url]['failures'], 'failure')}, next poll in "
                         f"{_human(retry_at - now)}")
                continue
            due.append(url)
        # The store's validators, and only those: the fetcher's own memory may hold a newer ETag from a round whose
        # entries were never committed, and asking with it would get a 304 for entries we do not have.
        self.fetcher.load_validators({u: [(state.get(u) or {}).get("etag"), (state.get(u) or {}).get("last_modified")]
                                      for u in due})
        for url in due:
            self._inflight[url] = (self._start(url), time.monotonic())
        futures = [f for f, _ in self._inflight.values()]
        wait(futures, timeout=self.deadline)
        for url, (fut, since) in list(self._inflight.items()):
            if fut.done():
                del self._inflight[url]
                res.polls.append(fut.result())
            elif final:
                del self._inflight[url]
                res.polls.append(FeedPoll(url, "failed", error=f"{url}: no answer within the {self.deadline:g} s "
                                                               "deadline", seconds=time.monotonic() - since))
            else:
                res.waiting.append(url)
                self.log(f"{url}: no answer after {_human(time.monotonic() - since)}; left running, its entries "
                         "join a later round")
        for p in res.polls:
            self._log_poll(p, state.get(p.url))
        articles = [a for p in res.polls if p.status == "changed" for a in p.articles]
        res.articles = len(articles)
        if articles:
            result = self.process(articles)
            res.new = result.new
            res.stories = len({a.story for a in result.articles if a.story}) if result.new else 0
        self._save_state(res.polls, state, now)
        res.seconds = time.monotonic() - started
        self.log(self._summary(res))
        return res

    def _log_poll(self, p: FeedPoll, prev: dict | None) -> None:
        if p.status == "not-modified":
            self.log(f"{p.url}: not modified (304) in {p.seconds:.1f} s")
        elif p.status == "changed":
            extra = f", {p.skipped} already stored" if p.skipped else ""
            self.log(f"{p.url}: {_count(p.entries, 'entry')} ({len(p.articles)} read{extra}) in {p.seconds:.1f} s")
        else:
            self.log(f"failed {p.error}")

    def _save_state(self, polls: list[FeedPoll], state: dict[str, dict], now: float) -> None:
        """After the job committed: validators of good polls, failure counts and next tries of failed ones."""
        validators = self.fetcher.validators()
        rows = []
        for p in polls:
            prev = state.get(p.url) or {}
            if p.ok:
                etag, modified = (validators.get(p.url) or [prev.get("etag"), prev.get("last_modified")])
                rows.append({"url": p.url, "etag": etag, "last_modified": modified})
                continue
            failures = int(prev.get("failures") or 0) + 1
            wait_s = self.backoff.delay(failures, p.retry_after)
            rows.append({"url": p.url, "etag": prev.get("etag"), "last_modified": prev.get("last_modified"),
                         "failures": failures, "retry_at": now + wait_s, "last_error": p.error})
            self.log(f"{p.url}: {_count(failures, 'failure')} in a row; next poll in {_human(wait_s)}")
            self.store.record_error(p.url, None, f"watch: {p.error}")
        with self.store.transaction():
            self.store.put_fetch_state(rows)

    def _summary(self, r: RoundResult) -> str:
        changed = sum(p.status == "changed" for p in r.polls)
        same = sum(p.status == "not-modified" for p in r.polls)
        parts = [f"{changed} changed", f"{same} not modified", f"{len(r.failed)} failed"]
        if r.waiting:
            parts.append(f"{len(r.waiting)} still running")
        if r.backing_off:
            parts.append(f"{len(r.backing_off)} backing off")
        return (f"round {self.rounds}: {_count(len(r.polls), 'feed')} polled ({', '.join(parts)}); "
                f"{_count(r.articles, 'entry')} read, {r.new} new, {_count(r.stories, 'story')} updated "
                f"in {r.seconds:.1f} s")

    # -- rounds forever ----------------------------------------------------------------------------------------------
    def run(self, stop: threading.Event, rounds: int | None = None) -> None:
        """Rounds every ``every`` seconds (from the start of one to the start of the next) until ``stop`` is set
        or ``rounds`` have run."""
        while not stop.is_set():
            began = time.monotonic()
            try:
                self.round()
            except Exception as exc:  # noqa: BLE001 - a watcher outlives a bad round (a busy store, a full disk)
                self.log(f"round {self.rounds} failed ({type(exc).__name__}: {exc}); its feeds are polled again "
                         "next round")
            if rounds is not None and self.rounds >= rounds:
                return
            stop.wait(max(0.0, self.every - (time.monotonic() - began)))
