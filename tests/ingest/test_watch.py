"""``newsprism watch`` against a local feed server whose feed changes between polls."""
from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsprism.ingest.fetch import Fetcher
from newsprism.ingest.poll import Backoff, parse_interval
from newsprism.store import open_store
from newsprism.watch import Watcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from watch_feed_texts import BRIDGE_1, BRIDGE_2, FLOOD, rss  # noqa: E402


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def fake_process(store, seen: list):
    """Stands in for run_job: stores the articles (as processed, story = their id) and reports them."""
    def process(articles):
        seen.append([a.id for a in articles])
        known = store.known_hashes(a.content_hash for a in articles)
        fresh = [a for a in articles if a.content_hash not in known]
        for a in fresh:
            a.text, a.story = a.raw, "s-" + a.id
        store.upsert_articles(fresh)
        return SimpleNamespace(new=len(fresh), articles=articles)
    return process


def etag_requests(server, path):
    return [h.get("If-None-Match") for p, h in server.requests if p == path]


@pytest.fixture
def watch_env(server, tmp_path):
    store = open_store(tmp_path / "w.db")
    fetcher = Fetcher(allow_private=True, delay=0, retries=0, timeout=10, respect_robots=False)
    yield SimpleNamespace(server=server, store=store, fetcher=fetcher, db=tmp_path / "w.db")
    fetcher.close()
    store.close()


def test_changed_feed_304_hanging_and_broken_feeds(watch_env):
    srv, store = watch_env.server, watch_env.store
    good = srv.add("/good.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1)]),
                   headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})
    hang = srv.add("/hang.xml", rss("Slow Times", [("f1", "Floods", FLOOD)]), delay=6.0)
    broken = srv.add("/broken.xml", "oops", status=500)
    seen: list = []
    clock = Clock()
    logs: list[str] = []
    w = Watcher([good, hang, broken], store, fake_process(store, seen), fetcher=watch_env.fetcher, every=60,
                deadline=2.0, max_backoff=3600, log=logs.append, clock=clock,
                backoff=Backoff(base=60, cap=3600, rng=random.Random(7)))
    r1 = w.round()
    # the round ended at its deadline with the hanging feed still running (a wall-clock bound would be flaky on a
    # loaded machine; the feed's place in `waiting` says the round did not wait for it)
    assert {p.url: p.status for p in r1.polls} == {good: "changed", broken: "failed"}
    assert r1.waiting == [hang] and r1.new == 1 and len(seen) == 1 and len(seen[0]) == 1
    assert any("HTTP 500" in line and "failed" in line for line in logs)
    state = store.get_fetch_state([good, broken])
    assert state[good]["etag"] == '"v1"' and state[broken]["failures"] == 1
    assert 60 * 0.75 <= state[broken]["retry_at"] - clock.t <= 60 * 1.25
    assert [e["source"] for e in store.iter_errors()] == [broken]

    # Round 2: the good feed answers 304 to its stored ETag; the slow one finished meanwhile and joins this round;
    # the broken one is backing off and is not asked at all.
    hang_poll = w._inflight[hang][0]
    hang_poll.result(timeout=30)  # let the slow feed finish before the next round collects it
    n_broken = len([p for p, _ in srv.requests if p == "/broken.xml"])
    r2 = w.round()
    assert {p.url: p.status for p in r2.polls} == {good: "not-modified", hang: "changed"}
    assert r2.backing_off == [broken] and len([p for p, _ in srv.requests if p == "/broken.xml"]) == n_broken
    assert etag_requests(srv, "/good.xml") == [None, '"v1"'] and r2.new == 1

    # The feed changes: a new item about the same bridge is read, the old one is not processed again.
    srv.add("/good.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1), ("b2", "Ferries", BRIDGE_2)]),
            headers={"ETag": '"v2"', "Content-Type": "application/rss+xml"})
    clock.t += 30  # the broken feed still waits
    r3 = w.round()
    assert [p.status for p in r3.polls] == ["changed"] and r3.new == 1 and r3.articles == 2
    assert store.get_fetch_state([good])[good]["etag"] == '"v2"'

    # The broken feed recovers; once its backoff has passed it is polled, and its failure count is cleared.
    srv.add("/broken.xml", rss("Fixed Daily", [("x1", "Floods again", FLOOD + " Update.")]))
    clock.t += 3600
    r4 = w.round()
    assert {p.url: p.status for p in r4.polls}[broken] == "changed"
    assert store.get_fetch_state([broken])[broken]["failures"] == 0
    assert any(line.startswith("round 4: 2 feeds polled (1 changed, 1 not modified, 0 failed, 1 still running)")
               for line in logs)


def test_validators_come_from_the_store_across_processes(watch_env):
    srv = watch_env.server
    url = srv.add("/feed.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1)]), headers={"ETag": '"abc"'})
    seen: list = []
    w1 = Watcher([url], watch_env.store, fake_process(watch_env.store, seen), fetcher=watch_env.fetcher, every=60,
                 log=lambda s: None)
    assert w1.round().new == 1
    # a new process: a new store object and a new fetcher that has never seen the feed
    store2 = open_store(watch_env.db)
    f2 = Fetcher(allow_private=True, delay=0, retries=0, respect_robots=False)
    w2 = Watcher([url], store2, fake_process(store2, seen), fetcher=f2, every=60, log=lambda s: None)
    r = w2.round()
    assert [p.status for p in r.polls] == ["not-modified"] and etag_requests(srv, "/feed.xml") == [None, '"abc"']
    f2.close()
    store2.close()


def test_stored_entries_pages_are_not_fetched_again(watch_env):
    srv = watch_env.server
    page = srv.add("/story-1.html", f"<html><body><article><h1>Bridge</h1><p>{BRIDGE_1}</p></article></body></html>",
                   headers={"Content-Type": "text/html"})
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Short Feed</title>'
            f"<item><guid>s1</guid><title>Bridge to close</title><link>{page}</link>"
            "<description>The bridge closes.</description></item></channel></rss>")
    url = srv.add("/short.xml", feed)  # no validators: every poll reads the whole feed
    seen: list = []
    w = Watcher([url], watch_env.store, fake_process(watch_env.store, seen), fetcher=watch_env.fetcher, every=60,
                log=lambda s: None)
    assert w.round().new == 1
    r2 = w.round()
    assert r2.polls[0].skipped == 1 and r2.articles == 0
    assert [p for p, _ in srv.requests].count("/story-1.html") == 1


def test_backoff_is_exponential_capped_and_jittered():
    b = Backoff(base=60, cap=1000, rng=random.Random(1))
    delays = [b.delay(n) for n in range(1, 8)]
    assert 45 <= delays[0] <= 75 and 90 <= delays[1] <= 150 and 180 <= delays[2] <= 300
    assert all(d <= 1000 for d in delays) and delays[-1] >= 750
    assert len({round(Backoff(60, 1000, rng=random.Random(s)).delay(3), 6) for s in range(5)}) > 1  # jittered
    assert b.delay(1, retry_after=500) == 500 and b.delay(1, retry_after=10**6) == 1000


def test_intervals():
    assert [parse_interval(x) for x in ("90", "30s", "10m", "1.5h", "1d")] == [90, 30, 600, 5400, 86400]
    for bad in ("", "ten minutes", "0", "5w"):
        with pytest.raises(ValueError):
            parse_interval(bad)


@pytest.mark.slow
def test_watch_command_once_rounds_update_stories(server, tmp_path):
    """The real command and the real job: a cron-like sequence of `watch --once` processes on one database."""
    import json

    from typer.testing import CliRunner

    from newsprism.cli import app

    url = server.add("/varn.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1)]),
                     headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})
    broken = server.add("/down.xml", "", status=500)
    db, out = tmp_path / "np.db", tmp_path / "out"

    def watch_once():
        return CliRunner().invoke(app, ["watch", url, broken, "--once", "--db", str(db), "--out", str(out),
                                        "--allow-private", "--deadline", "30"], catch_exceptions=False)

    first = watch_once()
    assert first.exit_code == 1, first.output  # one feed failed
    assert "round 1: 2 feeds polled (1 changed, 0 not modified, 1 failed)" in first.output
    stories = [json.loads(x) for x in (out / "stories.jsonl").open()]
    assert len(stories) == 1 and len(stories[0]["articles"]) == 1, (first.output, (out / "articles.jsonl").read_text()[:3000])
    story_id = stories[0]["story"]

    second = watch_once()  # the failed feed backs off; the good one is unchanged (304)
    assert second.exit_code == 0 and "not modified (304)" in second.output and "1 backing off" in second.output

    server.add("/varn.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1), ("b2", "Ferries", BRIDGE_2),
                                              ("f1", "Floods in Toll", FLOOD)]),
               headers={"ETag": '"v2"', "Content-Type": "application/rss+xml"})
    third = watch_once()
    assert "3 entries read, 2 new" in third.output, third.output
    stories = {s["story"]: s for s in map(json.loads, (out / "stories.jsonl").open())}
    assert len(stories[story_id]["articles"]) == 2  # the ferry report joined the bridge story
    assert len(stories) == 2


def test_once_counts_a_feed_past_the_deadline_as_failed(watch_env):
    srv = watch_env.server
    good = srv.add("/ok.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1)]))
    slow = srv.add("/slow.xml", rss("Slow Times", [("f1", "Floods", FLOOD)]), delay=5.0)
    w = Watcher([good, slow], watch_env.store, fake_process(watch_env.store, []), fetcher=watch_env.fetcher,
                every=60, deadline=2.0, log=lambda s: None)
    r = w.round(final=True)
    assert {p.url: p.status for p in r.polls} == {good: "changed", slow: "failed"} and r.waiting == []
    assert "deadline" in r.failed[0].error and watch_env.store.get_fetch_state([slow])[slow]["failures"] == 1


def test_watch_command_refuses_files_and_bad_intervals(tmp_path):
    from typer.testing import CliRunner

    from newsprism.cli import app

    res = CliRunner().invoke(app, ["watch", str(tmp_path / "feed.xml"), "--once", "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "not a URL" in res.output
    res = CliRunner().invoke(app, ["watch", "https://news.example/rss", "--every", "often", "--db",
                                   str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "not an interval" in res.output


def test_rounds_repeat_and_a_failing_round_does_not_stop_the_watcher(watch_env):
    import threading

    url = watch_env.server.add("/r.xml", rss("Varn Post", [("b1", "Bridge to close", BRIDGE_1)]),
                               headers={"ETag": '"r1"'})
    calls = []

    def process(articles):
        calls.append(len(articles))
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return fake_process(watch_env.store, [])(articles)

    logs: list[str] = []
    w = Watcher([url], watch_env.store, process, fetcher=watch_env.fetcher, every=0.1, log=logs.append)
    w.run(threading.Event(), rounds=3)
    # round 1 failed before its validators were stored, so round 2 read the feed in full again; round 3 got a 304
    assert calls == [1, 1] and any("round 1 failed (RuntimeError: disk full)" in line for line in logs)
    assert etag_requests(watch_env.server, "/r.xml") == [None, None, '"r1"']
