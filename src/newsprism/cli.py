"""The command line: ``newsprism run`` and the commands that read what it stored."""
from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsprism import __version__

app = typer.Typer(help="newsprism: follow one news story across many outlets.", no_args_is_help=True,
                  add_completion=False, rich_markup_mode=None)
out = Console()
err = Console(stderr=True)

DbOpt = Annotated[str, typer.Option("--db", help="Database: a SQLite file, or a postgresql:// URL.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Stream JSON lines, one record a line.")]
MAX_WIDTH = 80  # tables and summaries fit an 80-column terminal; longer cells end in …
DEFAULT_DB = "newsprism.db"


class RichProgress:
    """The runner's progress protocol drawn as rich progress bars on stderr."""

    def __init__(self, console: Console):
        self.bar = Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=False)
        self.task = None

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def start(self, label: str, total: int | None) -> None:
        self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)

    def finish(self) -> None:
        task = self.bar.tasks[-1]
        self.bar.update(self.task, total=task.total or task.completed or 1, completed=task.total or task.completed or 1)


def _store(db: str):
    from newsprism.store import open_store
    try:
        return open_store(db)
    except Exception as exc:  # a clear message instead of a traceback
        err.print(f"[red]cannot open database {db}: {exc}[/red]")
        raise typer.Exit(2) from exc


@app.command()
def run(inputs: Annotated[list[str], typer.Argument(help="Files, folders, .jsonl, feeds, WARC files or URLs.")],
        db: DbOpt = DEFAULT_DB,
        out_dir: Annotated[Path, typer.Option("--out", help="Where to write articles.jsonl, stories.jsonl and "
                                                             "the HTML report.")] = Path("out"),
        verbatim: Annotated[bool, typer.Option("--verbatim", help="Keep each input's text exactly as given (no "
                                                                   "cleaning), so offsets refer to the input.")] = False,
        executor: Annotated[str, typer.Option(help="local, process or dask.")] = "local",
        workers: Annotated[Optional[int], typer.Option(help="Worker processes for --executor process, or for the "
                                                            "local cluster --executor dask starts without "
                                                            "--scheduler.")] = None,
        scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address, tcp://host:port.")] = None,
        refresh: Annotated[bool, typer.Option("--refresh", help="Process again articles the database already "
                                                                 "holds.")] = False,
        allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow fetching URLs on private, "
                                                                             "loopback or link-local addresses.")]
        = False,
        chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, help="Articles per committed chunk; a "
                                                                            "killed run resumes after the last "
                                                                            "one.")] = 2000,
        max_chars: Annotated[int, typer.Option("--max-chars", min=1, help="Longest article text processed; a "
                                                                          "longer one is refused with an error.")]
        = 200_000,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summary.")] = False,
        as_json: JsonOpt = False) -> None:
    """Ingest INPUTS, run every stage, store the results and write the report.

    The exit status is the number of articles that failed (at most 100); their errors are in articles.jsonl,
    in the database and printed here.
    """
    from newsprism.executors import make_executor
    from newsprism.jobs import run_job
    from newsprism.stages import Options
    from newsprism.store.sql import StoreBusy

    store = _store(db)
    try:
        ex = make_executor(executor, workers, scheduler)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    options = Options(verbatim=verbatim, max_chars=max_chars)
    show = not quiet and not as_json
    progress = RichProgress(err) if show and err.is_terminal else None
    try:
        if progress:
            with progress:
                result = run_job(inputs, store, options=options, out_dir=out_dir, executor=ex,
                                 progress=progress, refresh=refresh, allow_private=allow_private,
                                 chunk_size=chunk_size)
        else:
            result = run_job(inputs, store, options=options, out_dir=out_dir, executor=ex,
                             refresh=refresh, allow_private=allow_private, chunk_size=chunk_size)
    except StoreBusy as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(3) from exc
    finally:
        ex.close()  # one pool or dask client per job, released here
        store.close()
    failed = result.failed
    if as_json:
        print(json.dumps({"articles": len(result.articles), "new": result.new, "chunks": result.chunks,
                          "failed": len(failed),
                          "stories": len(result.stories), "out": str(out_dir), "db": db,
                          "errors": [{"id": a.id, "source": a.source, "errors": a.errors} for a in failed],
                          "seconds": {k: round(v, 3) for k, v in result.stats.seconds.items()}}))
    else:
        if not quiet:
            _print_run_summary(result, out_dir)
        for a in failed:
            err.print(f"[yellow]failed[/yellow] {a.source or a.id}: {'; '.join(a.errors)}", markup=True,
                      highlight=False)
    global _FAST_EXIT
    _FAST_EXIT = True
    raise typer.Exit(min(len(failed), 100))


def _print_run_summary(result, out_dir: Path) -> None:
    from newsprism.report import render_story

    import heapq

    shown = heapq.nlargest(3, (s for s in result.stories if len(s.outlets) > 1), key=lambda s: len(s.articles))
    wanted = {i for s in shown for i in s.articles}
    members = {a.id: a for a in result.articles if a.id in wanted}  # only what is shown: a run may be large
    for s in shown:
        out.print(fit_lines(render_story(s, members, "text")), markup=False, highlight=False, soft_wrap=True)
        out.print()
    ok = len(result.articles) - len(result.failed)
    out.print(f"{len(result.articles)} articles ({result.new} processed, {ok} ok, {len(result.failed)} failed) "
              f"in {len(result.stories)} stories; report: {out_dir / 'index.html'}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def stories(db: DbOpt = DEFAULT_DB,
            limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
            as_json: JsonOpt = False, as_jsonl: JsonlOpt = False) -> None:
    """List stored stories, largest and most recent first."""
    store = _store(db)
    try:
        page = store.story_summaries(limit=limit)  # summary columns only, never the full story records
    finally:
        store.close()
    rows = [{k: r[k] for k in ("story", "title", "articles", "outlets", "first_published", "last_published")}
            for r in page["rows"]]
    if _emit_json(rows, as_json, as_jsonl):
        return
    _print_table(rows, {"story": ("story", 14), "articles": ("articles", 8), "outlets": ("outlets", 7),
                        "last published": ("last_published", 10), "title": ("title", None)},
                 fmt={"outlets": lambda v: str(len(v or []))})


def _load_story(db: str, story_id: str):
    from newsprism.jobs import story_articles

    store = _store(db)
    try:
        story = store.get_story(story_id)
        if story is None:
            err.print(f"[red]no story {story_id!r} in {db}; `newsprism stories` lists them[/red]")
            raise typer.Exit(1)
        return story, story_articles(store, story)
    finally:
        store.close()


@app.command()
def show(story: Annotated[str, typer.Argument(help="A story id, as `newsprism stories` lists.")],
         db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Print one story's summary: outlets, actors, who said what, what agrees and what differs."""
    from newsprism.report import render_story

    st, members = _load_story(db, story)
    if as_json:
        print(render_story(st, members, "json"))
    else:
        out.print(fit_lines(render_story(st, members, "text")), markup=False, highlight=False, soft_wrap=True)


@app.command()
def report(story: Annotated[str, typer.Argument(help="A story id, as `newsprism stories` lists.")],
           fmt: Annotated[str, typer.Option("--format", "-f", help="md, html, json or text.")] = "md",
           db: DbOpt = DEFAULT_DB,
           output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of "
                                                                                 "standard output.")] = None) -> None:
    """Render one story as Markdown, a self-contained HTML page, JSON or plain text."""
    from newsprism.report import render_story

    if fmt not in ("md", "html", "json", "text"):
        err.print(f"[red]unknown format {fmt!r}: choose md, html, json or text[/red]")
        raise typer.Exit(2)
    st, members = _load_story(db, story)
    text = render_story(st, members, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def export(jsonl: Annotated[Optional[Path], typer.Option("--jsonl", help="File to write, one full article record a "
                                                                       "line.")] = None,
           db: DbOpt = DEFAULT_DB,
           stories_file: Annotated[Optional[Path], typer.Option("--stories", help="Also write the full story "
                                                                                 "records here.")] = None,
           table: Annotated[Optional[str], typer.Option("--table", help="A flat table instead: articles, quotes, "
                                                                       "facts or stories.")] = None,
           fmt: Annotated[str, typer.Option("--format", "-f", help="For --table: jsonl, csv or parquet.")] = "csv",
           output: Annotated[Optional[Path], typer.Option("--output", "-o", help="For --table: the file to write "
                                                                                 "(csv and jsonl: standard output "
                                                                                 "without it).")] = None) -> None:
    """Export the store: full article (and story) records as JSON lines, or one flat table (articles, quotes,
    facts, stories) as JSON lines, CSV or Parquet."""
    from newsprism.report import exports

    if table is None and jsonl is None:
        err.print("give --jsonl FILE, or --table NAME [--format jsonl|csv|parquet] [--output FILE]",
                  markup=False, highlight=False)
        raise typer.Exit(2)
    if table is not None and (table not in exports.TABLES or fmt not in exports.FORMATS):
        err.print(f"--table is one of {', '.join(exports.TABLES)}; --format one of {', '.join(exports.FORMATS)}",
                  markup=False, highlight=False)
        raise typer.Exit(2)
    if table is not None and fmt == "parquet" and output is None:
        err.print("Parquet is binary: give --output FILE", markup=False, highlight=False)
        raise typer.Exit(2)
    store = _store(db)
    n = 0
    try:
        if table is not None:
            if output is None:
                n = exports.write(exports.rows(store, table), table, fmt, sys.stdout)
            else:
                with open(output, "wb" if fmt == "parquet" else "w", **({} if fmt == "parquet" else
                                                                          {"encoding": "utf-8", "newline": ""})) as fh:
                    n = exports.write(exports.rows(store, table), table, fmt, fh)
            err.print(f"{n} {table} rows written to {output or 'standard output'}", markup=False, highlight=False,
                      soft_wrap=True)
            return
        with open(jsonl, "w", encoding="utf-8") as fh:
            for a in store.iter_articles():
                fh.write(json.dumps(a.to_record(), ensure_ascii=False) + "\n")
                n += 1
        if stories_file:
            with open(stories_file, "w", encoding="utf-8") as fh:
                for s in store.iter_stories():
                    fh.write(json.dumps(s.to_record(), ensure_ascii=False) + "\n")
    finally:
        store.close()
    err.print(f"{n} articles written to {jsonl}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words that must all appear.")], db: DbOpt = DEFAULT_DB,
           limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
           as_json: JsonOpt = False, as_jsonl: JsonlOpt = False) -> None:
    """Full-text search over stored titles and texts."""
    store = _store(db)
    try:
        rows = store.search(query, limit)
    finally:
        store.close()
    if not _emit_json(rows, as_json, as_jsonl):
        _print_table(rows, {"article": ("id", 20), "story": ("story", 14), "title": ("title", 20),
                            "snippet": ("snippet", None)})


@app.command()
def errors(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False, as_jsonl: JsonlOpt = False) -> None:
    """List the errors recorded for inputs that could not be read or processed."""
    store = _store(db)
    try:
        rows = list(store.iter_errors())
    finally:
        store.close()
    if not _emit_json(rows, as_json, as_jsonl):
        _print_table(rows, {"source": ("source", 24), "article": ("article_id", 14), "error": ("message", None)})


def _emit_json(rows: list[dict], as_json: bool, as_jsonl: bool) -> bool:
    """``--json``: one document (a list, ``[]`` when empty); ``--jsonl``: one record a line. True if printed."""
    if as_json and as_jsonl:
        err.print("choose one of --json and --jsonl", markup=False, highlight=False)
        raise typer.Exit(2)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
    elif as_jsonl:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False, default=str))
    return as_json or as_jsonl


def _width() -> int:
    return min(out.width or MAX_WIDTH, MAX_WIDTH)


def _print_table(rows: list[dict], columns: dict[str, tuple[str, int | None]], fmt: dict | None = None) -> None:
    """A table of ``columns`` (header -> (key, max width or None for the flexible one)) that fits the terminal
    (at most 80 columns): one line per row, long cells cut with …."""
    fmt = fmt or {}
    data = []
    for r in rows:
        cells = []
        for head, (key, _) in columns.items():
            v = fmt[head](r.get(key)) if head in fmt else r.get(key)
            cells.append(" ".join(str(v if v is not None else "").split()))
        data.append(cells)
    # Fixed columns take what their longest cell needs (up to their cap); the flexible one gets the rest.
    total = _width()
    gaps = len(columns) - 1
    widths = []
    for i, (head, (_, cap)) in enumerate(columns.items()):
        need = max([len(head)] + [len(c[i]) for c in data])
        widths.append(min(need, max(cap, len(head))) if cap else None)
    rest = max(8, total - gaps - sum(w for w in widths if w))
    widths = [w if w else rest for w in widths]
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold", padding=(0, 1, 0, 0),
                  collapse_padding=True)
    for (head, _), w in zip(columns.items(), widths):
        table.add_column(head, no_wrap=True, overflow="ellipsis", width=w)
    for cells in data:
        table.add_row(*(Text(c) for c in cells))  # stored text is never markup
    Console(width=total, file=out.file, force_terminal=out.is_terminal, color_system=out.color_system) \
        .print(table)


def fit_lines(text: str, width: int | None = None) -> str:
    """Wrap each line of a plain-text summary to the terminal (at most 80 columns), keeping its indent."""
    import textwrap

    width = width or _width()
    lines = []
    for line in text.splitlines():
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        lines.extend(textwrap.wrap(line.strip(), width, initial_indent=indent, subsequent_indent=indent + "  ",
                                   break_long_words=True, break_on_hyphens=False) or [""])
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


@app.command()
def serve(db: DbOpt = DEFAULT_DB,
          host: Annotated[str, typer.Option(help="Address to bind; only this machine by default.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          token: Annotated[Optional[str], typer.Option(envvar="NEWSPRISM_TOKEN",
                                                       help="Bearer token that POST /api/ingest requires; without "
                                                            "one, writing is off.")] = None,
          outlets: Annotated[Optional[Path], typer.Option(envvar="NEWSPRISM_OUTLETS",
                                                          help="Outlet registry (CSV: outlet,country,type,side,"
                                                               "labels) giving outlets' sides.")] = None,
          workers: Annotated[Optional[int], typer.Option(min=1, max=64, help="Server processes (readers never wait "
                                                                             "on each other); by default two, or "
                                                                             "one on a single CPU.")] = None,
          cache_mb: Annotated[int, typer.Option(min=0, max=65536, help="Size of each process's response cache in "
                                                                       "MB (0: none).")] = 64,
          access_log: Annotated[bool, typer.Option(help="Log every request (off by default: it costs more than a "
                                                        "cached answer).")] = False,
          prerender: Annotated[bool, typer.Option(help="Render the site's pages in the background after every "
                                                       "commit, shared by all server processes (SQLite).")] = True
          ) -> None:
    """Serve the JSON API (/api/...) and the web pages (/, /stories/ID, /articles/ID, /outlets, /actors, /search)
    over the database."""
    import os

    import uvicorn

    from newsprism.api import create_app
    from newsprism.report.registry import load_registry

    try:
        registry = load_registry(outlets)
    except (OSError, ValueError) as exc:
        err.print(f"cannot read the outlet registry: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    store = _store(db)
    # Two processes: a render or a slow query in one never holds up the cached answers of the other (one Python
    # process runs one thing at a time). More is opt-in: each process keeps its own cache and connections.
    workers = workers or min(2, os.cpu_count() or 1)
    # httptools parses HTTP in C (uvicorn's pure-Python h11 costs more than a cached answer); uvloop is the faster
    # event loop. Both are dependencies; "auto" falls back to h11/asyncio where they cannot be imported.
    server = {"host": host, "port": port, "log_level": "warning", "access_log": access_log, "http": "auto",
              "loop": "auto"}
    if workers > 1:
        # Each process opens its own store: uvicorn imports the factory by name and reads the settings from here.
        store.close()
        os.environ.update({"NEWSPRISM_DB": db, "NEWSPRISM_TOKEN": token or "",
                           "NEWSPRISM_OUTLETS": str(outlets or ""), "NEWSPRISM_CACHE_MB": str(cache_mb),
                           "NEWSPRISM_PRERENDER": "1" if prerender else "0"})
        uvicorn.run("newsprism.api.app:app_from_env", factory=True, workers=workers, **server)
        return
    try:
        uvicorn.run(create_app(store, token=token, registry=registry, cache_mb=cache_mb, prerender=prerender),
                    **server)
    finally:
        store.close()


@app.command()
def watch(feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs to poll.")],
          db: DbOpt = DEFAULT_DB,
          every: Annotated[str, typer.Option("--every", help="Time between rounds: 90, 30s, 10m, 2h, 1d.")] = "10m",
          out_dir: Annotated[Optional[Path], typer.Option("--out", help="After a round with new entries, write "
                                                                        "them and the stories they touched here "
                                                                        "(as `run` does).")] = None,
          once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron and tests).")] = False,
          deadline: Annotated[float, typer.Option("--deadline", min=1, help="Seconds a round waits for its feeds; a "
                                                                            "slower one is left running and joins "
                                                                            "a later round.")] = 120.0,
          max_backoff: Annotated[str, typer.Option("--max-backoff", help="Longest wait before polling a failing "
                                                                         "feed again.")] = "6h",
          workers: Annotated[int, typer.Option(min=1, max=64, help="Feeds polled at once.")] = 8,
          timeout: Annotated[float, typer.Option(min=0.1, help="Seconds one HTTP read may take.")] = 20.0,
          allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow feeds on private, loopback or "
                                                                              "link-local addresses.")] = False,
          chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, help="Articles per committed chunk.")]
          = 2000,
          quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only failures and round summaries.")] = False
          ) -> None:
    """Poll FEEDS every --every with conditional GETs and put each round's new entries through the normal run, so
    stories update as the news comes in.

    ETag / Last-Modified validators and each feed's backoff are kept in the database; a failing feed waits longer
    after each failure (exponential, capped, jittered), and a hanging one never holds up the others. With --once the
    exit status is the number of feeds that failed (at most 100). Ctrl-C stops.
    """
    import threading
    from datetime import datetime, timezone

    from newsprism.ingest.fetch import Fetcher
    from newsprism.ingest.poll import parse_interval
    from newsprism.jobs import run_job
    from newsprism.stages import Options
    from newsprism.store.sql import StoreBusy
    from newsprism.watch import Watcher

    from newsprism.ingest.sources import is_url

    not_urls = [f for f in feeds if not is_url(f)]
    if not_urls:
        err.print(f"watch polls http(s) feed URLs; not a URL: {not_urls[0]} (use `newsprism run` for files)",
                  markup=False, highlight=False)
        raise typer.Exit(2)
    try:
        interval, cap = parse_interval(every), parse_interval(max_backoff)
    except ValueError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from exc

    def log(line: str) -> None:
        summary = line.startswith(("round ", "failed ")) or "failure" in line
        if quiet and not summary:
            return
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        err.print(f"{stamp} {line}", markup=False, highlight=False, soft_wrap=True)

    store = _store(db)
    fetcher = Fetcher(allow_private=allow_private, timeout=timeout, retries=1)

    def process(articles):
        return run_job([], store, options=Options(), out_dir=out_dir, ingested=articles, chunk_size=chunk_size)

    watcher = Watcher(feeds, store, process, fetcher=fetcher, every=interval, deadline=deadline, max_backoff=cap,
                      workers=workers, log=log)
    log(f"watching {len(watcher.feeds)} feed{'s' if len(watcher.feeds) != 1 else ''} "
        + ("once" if once else f"every {every}") + f" into {db}")
    try:
        if once:
            failed = len(watcher.round(final=True).failed)
            raise typer.Exit(min(failed, 100))
        watcher.run(threading.Event())
    except StoreBusy as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(3) from exc
    except KeyboardInterrupt:
        log("stopped")
    finally:
        watcher.close()
        fetcher.close()
        store.close()


@app.command()
def version() -> None:
    """Print the newsprism version."""
    print(__version__)


def main() -> None:
    """The console entry point. After ``run`` it leaves without tearing down the interpreter: the exit handlers
    run and the output is flushed, but the millions of objects a large run leaves behind (its last chunk, the
    caches, the models) are not freed one by one, which took about a second after a 1,000-article run."""
    try:
        app()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    global _FAST_EXIT
    fast, _FAST_EXIT = _FAST_EXIT, False
    if not fast:
        sys.exit(code)
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter would run before its teardown
    if isinstance(code, str):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


_FAST_EXIT = False  # set by ``run`` once its work is done and written (``main``)


if __name__ == "__main__":
    main()
