"""Load on the web server: concurrent clients over a 10k-article database, on loopback.

    .venv/bin/python benchmarks/web_load.py [--articles 10000] [--clients 50] [--seconds 30] [--db PATH]

Builds (once, cached at --db) a database of generated stories straight through the Store (the pipeline's own cost
is measured elsewhere): 20 articles per story from 20 of 60 outlets, each story with a comparison of ~60 facts and
voices, so story records weigh what real ones do. Then starts ``newsprism serve`` in its own process and runs
``--clients`` concurrent clients for ``--seconds``, each requesting a mix of pages and API calls (story list,
paged API, story pages, articles, search, outlets). Prints requests/s, errors and latency percentiles as JSON.
Not a test: the figures depend on the machine.

The clients run in this process on the same (small) machine as the server, so their own cost competes with it.
``--client raw`` (the default) is a minimal HTTP/1.1 keep-alive client on asyncio, costing a fraction of httpx's CPU
per request, as a load generator written in C or Go would; like a browser it asks for gzip (``Accept-Encoding``)
and it checks every answer's status and length. ``--client httpx`` keeps the earlier client for comparison. The
URL mix, the number of clients and the cold start are the same for both. The clients' event loop is uvloop (a
dependency of the server already) when it can be imported.

The server renders the site's pages ahead, in the background, after every commit (``newsprism serve`` does by
default; ``web.prerender``). By default the benchmark waits until that pass over the database is done (it prints how
long it took and its CPU) and then measures: a site whose last commit was rendered. Pages the pass does not make
(the paged API, search, list pages with other offsets) are rendered on request during the measure, as a real site's
would. ``--cold`` starts the server without pre-rendering and measures from an empty cache: every first visit of a
page is a render. The server's CPU and memory figures count the renderer process too (it is a child of a server
process). A renderer started with the server checks the stored pages once (a snapshot of every article and story
row: ~1.4 s of CPU at 10k articles, nothing to render when they are current), then only polls the database's content
generation.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("council harbour budget river bridge school hospital tariff port rail vote strike court election storm "
         "drought grain shipping energy water housing").split()


def build(db: Path, n_articles: int, per_story: int = 20, n_outlets: int = 60) -> None:
    from newsprism.model import Article, Story, content_hash
    from newsprism.store import open_store

    rnd = random.Random(1)
    outlets = [f"Outlet {i:02d}" for i in range(n_outlets)]
    store = open_store(db)
    for si in range(n_articles // per_story):
        topic = rnd.sample(WORDS, 3)
        sid = f"s{si:05d}"
        members = rnd.sample(outlets, per_story)
        arts = []
        for j, o in enumerate(members):
            sents = [f"{o} reported that the {topic[0]} plan number {si} changed {k} times after a {topic[1]} "
                     f"debate about the {topic[2]}." for k in range(25)]
            text = " ".join(sents)
            arts.append(Article(f"{sid}-{j}", source=f"/gen/{sid}-{j}", outlet=o, title=f"{topic[0]} {si} — {o}",
                                text=text, content_hash=content_hash(text), story=sid,
                                published=f"2025-{1 + si % 12:02d}-{1 + j % 28:02d}"))
        facts = []
        for f in range(60):
            status = "agreed" if f < 20 else "differs" if f < 26 else "single-source"
            who = arts[:rnd.randint(2, per_story)] if status != "single-source" else [rnd.choice(arts)]
            ev = {}
            for a in who:
                s = a.text.index(f"changed {f % 25} times")
                s = a.text.rindex(a.outlet, 0, s)
                e = a.text.index(".", s) + 1
                ev[a.outlet] = [{"article": a.id, "start": s, "end": e, "text": a.text[s:e]}]
            facts.append({"id": f"{sid}-f{f}", "text": f"{topic[0]} fact {f}", "kind": "statement", "status": status,
                          "outlets": ev})
        voices = {a.outlet: [{"speaker_name": f"Person {k}", "affiliation": rnd.choice(["east", "west"]),
                              "quotes": 2, "words": 30, "title": "official", "type": "PERSON",
                              "evidence": [{"article": a.id, "start": 0, "end": 10, "text": a.text[:10]}]}
                             for k in range(3)] for a in arts}
        comp = {"schema": 1, "outlets": {a.outlet: [a.id] for a in arts}, "voices": voices,
                "voice_share": {a.outlet: {"east": 0.6, "west": 0.4} for a in arts},
                "unattributed_quotes": {}, "facts": facts,
                "counts": {k: sum(f["status"] == k for f in facts) for k in ("agreed", "differs", "single-source")},
                "framing": {}, "syndicated": []}
        store.upsert_articles(arts)
        story = Story(sid, f"{topic[0]} {si}", [a.id for a in arts], sorted(members),
                      min(a.published for a in arts), max(a.published for a in arts),
                      actors=[{"name": f"Person {k}", "type": "PERSON", "title": "official", "affiliation": "east",
                               "articles": []} for k in range(3)], comparison=comp)
        _add_story(store, story)
    store.close()


def _add_story(store, story) -> None:
    store.put_stories([story])  # adds or updates this story only


def _urls(rnd: random.Random, n_stories: int, per_story: int) -> str:
    si = rnd.randrange(n_stories)
    return rnd.choice([
        "/", f"/?offset={rnd.randrange(0, n_stories, 50)}", f"/api/stories?offset={rnd.randrange(n_stories)}&limit=20",
        f"/stories/s{si:05d}", f"/stories/s{si:05d}", f"/api/pages/stories/s{si:05d}",
        f"/articles/s{si:05d}-{rnd.randrange(per_story)}", f"/search?q={rnd.choice(WORDS)}",
        f"/api/search?q={rnd.choice(WORDS)}", f"/outlets/Outlet%20{rnd.randrange(60):02d}",
    ])


class _RawConnection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: send a GET, read the status line, headers and body (Content-Length or
    chunked)."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._parse()

    def connection_lost(self, exc) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection closed: {exc}"))

    def _parse(self) -> None:
        if self.waiter is None or self.waiter.done():
            return
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buf[:end]).split(b"\r\n")
        status = int(head[0].split()[1])
        headers = dict(h.lower().split(b":", 1) for h in head[1:])
        start = end + 4
        if b"content-length" in headers:
            n = int(headers[b"content-length"])
            if len(self.buf) < start + n:
                return
            body = bytes(self.buf[start:start + n])
            del self.buf[:start + n]
        elif headers.get(b"transfer-encoding", b"").strip() == b"chunked":
            body, pos = b"", start
            while True:
                eol = self.buf.find(b"\r\n", pos)
                if eol < 0:
                    return
                size = int(bytes(self.buf[pos:eol]).split(b";")[0], 16)
                if len(self.buf) < eol + 2 + size + 2:
                    return
                body += bytes(self.buf[eol + 2:eol + 2 + size])
                pos = eol + 2 + size + 2
                if size == 0:
                    break
            del self.buf[:pos]
        else:
            return  # no length: not sent by this server
        self.waiter.set_result((status, body))

    async def get(self, host: str, path: str) -> tuple[int, bytes]:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n"
                             f"Accept-Encoding: gzip, deflate\r\nUser-Agent: web_load\r\n\r\n".encode())
        self._parse()
        return await self.waiter


async def _raw_session(base: str):
    host_port = base.split("//", 1)[1]
    host, port = host_port.rsplit(":", 1)
    loop = asyncio.get_running_loop()
    conn = None

    async def get(url: str) -> int:
        nonlocal conn
        if conn is None or conn.transport.is_closing():
            _, conn = await loop.create_connection(_RawConnection, host, int(port))
        status, _ = await asyncio.wait_for(conn.get(host_port, url), 30)
        return status

    return get


async def load(base: str, clients: int, seconds: float, n_stories: int, per_story: int,
               client_kind: str = "raw", seed: int = 0) -> dict:
    import httpx

    lat, errors, by_kind = [], [], {}
    stop = time.perf_counter() + seconds

    async def client(i: int) -> None:
        rnd = random.Random(seed * 100_003 + i)
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            raw = await _raw_session(base) if client_kind == "raw" else None
            while time.perf_counter() < stop:
                url = _urls(rnd, n_stories, per_story)
                t = time.perf_counter()
                try:
                    status = await raw(url) if raw else (await c.get(url)).status_code
                    ok = status == 200
                except (httpx.HTTPError, OSError, asyncio.TimeoutError) as exc:
                    ok, status = False, repr(exc)
                dt = time.perf_counter() - t
                lat.append(dt)
                kind = url.split("?")[0].rsplit("/", 1)[0] or "/"
                by_kind.setdefault(kind, []).append(dt)
                if not ok:
                    errors.append((url, status))

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()

    def pct(xs, p):
        xs = sorted(xs)
        return round(1000 * xs[min(len(xs) - 1, int(p * len(xs)))], 1) if xs else None

    return {"requests": len(lat), "seconds": round(wall, 1), "rps": round(len(lat) / wall, 1),
            "errors": len(errors), "first_errors": errors[:5], "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95),
            "p99_ms": pct(lat, 0.99),
            "p95_ms_by_kind": {k: pct(v, 0.95) for k, v in sorted(by_kind.items())}}


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children still running (uvicorn's workers), in seconds."""
    total = 0.0
    for p in [pid] + _children(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _rss_mb(pid: int) -> float:
    """Resident memory of the server and its worker processes, in MB."""
    total = 0
    for p in [pid] + _children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _children(pid: int) -> list[int]:
    try:
        kids = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]


def _wait_for_prerender(db: Path, timeout: float = 1800) -> dict | None:
    """Wait until the renderer finished a pass for the database's current content generation."""
    import sqlite3

    import newsprism.api  # noqa: F401  (imports the web package in the order it needs)
    from newsprism.report.registry import Registry
    from newsprism.web.pagestore import last_pass, read_generation, render_fingerprint

    conf = render_fingerprint(Registry())  # the server's: it runs this code without an outlet registry
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = last_pass(str(db), conf)
            if done is not None and done["gen"] == read_generation(conn):
                return done
            time.sleep(1)
    finally:
        conn.close()
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--db", type=Path, default=Path("/tmp/newsprism-bench/web10k.db"))
    ap.add_argument("--workers", type=int, default=2, help="server processes (newsprism serve --workers; 2, its default "
                    "on a machine of two or more CPUs)")
    ap.add_argument("--warmup", type=float, default=0,
                    help="seconds of the same load before measuring (0, the default: measure from a cold cache)")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="the load generator: a minimal keep-alive client (default) or httpx (costlier per request)")
    ap.add_argument("--cold", action="store_true",
                    help="serve without pre-rendering and measure from an empty cache (every first visit renders)")
    args = ap.parse_args()
    try:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    per_story = 20
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        build(args.db, args.articles, per_story)
        print(f"built {args.db} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    srv = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(args.db), "--port",
                            str(port), "--workers", str(args.workers)] + (["--no-prerender"] if args.cold else []),
                           env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        import httpx
        for _ in range(100):
            try:
                if httpx.get(base + "/api/stories?limit=1").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        prerendered = None
        if not args.cold:
            t = time.perf_counter()
            prerendered = _wait_for_prerender(args.db)
            print(f"pre-rendered pages ready after {time.perf_counter() - t:.0f} s: {prerendered}", file=sys.stderr)
        if args.warmup:
            # Other URL sequences than the measured run's (its own seed), so the measure is not a replay.
            asyncio.run(load(base, args.clients, args.warmup, args.articles // per_story, per_story, args.client,
                             seed=1))
        cpu0 = _cpu_seconds(srv.pid)
        own0 = time.process_time()
        res = asyncio.run(load(base, args.clients, args.seconds, args.articles // per_story, per_story, args.client))
        # Server CPU per request: the figure that does not depend on what else the machine runs.
        res |= {"articles": args.articles, "clients": args.clients, "workers": args.workers, "client": args.client,
                "client_cpu_ms_per_request": round(1000 * (time.process_time() - own0) / max(1, res["requests"]), 1),
                "server_cpu_ms_per_request": round(1000 * (_cpu_seconds(srv.pid) - cpu0) / max(1, res["requests"]),
                                                   1),
                "warmup_s": args.warmup, "server_rss_mb": _rss_mb(srv.pid), "load_average": os.getloadavg()[0],
                "prerendered": None if prerendered is None else {k: prerendered[k] for k in ("pages", "rendered",
                                                                                              "seconds", "cpu_seconds")},
                "cold": args.cold}
        print(json.dumps(res, indent=1))
    finally:
        srv.terminate()
        srv.wait(10)


if __name__ == "__main__":
    main()
