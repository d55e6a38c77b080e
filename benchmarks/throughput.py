"""End-to-end throughput against plain spaCy, side by side in one run.

    .venv/bin/python benchmarks/throughput.py [--articles 1000] [--repeat 3] [--executor process] [--workers 2]
    FULL=1 .venv/bin/python benchmarks/throughput.py        # also peak memory of a run over 100,000 articles
    .venv/bin/python benchmarks/throughput.py --profile prof.out --articles 200   # cProfile of a local run
    .venv/bin/python benchmarks/throughput.py --components 300 --repeat 0   # where the nlp CPU goes, per component

The texts are real news articles: PolNeAR's (../shared/data/quotes/polnear, train then dev; about 4.7 KB each),
repeated with a numbered id when more are asked for than there are. Each repeat times, in this order:

- ``spacy``: plain ``en_core_web_sm`` ``nlp.pipe`` over the texts in this process (model loaded beforehand);
- ``e2e``: ``newsprism run`` on the same texts as one JSONL file, a fresh process with a fresh database and output
  folder, as a user runs it (model loading, every stage, the store and the report included).

Prints one JSON object with the medians: ``e2e_articles_per_s``, ``spacy_articles_per_s``, ``ratio_vs_spacy``
(e2e over spacy), ``cpu_ratio_vs_spacy`` (spaCy's CPU seconds over the whole run's, workers included) and ``peak_rss_mb`` (the e2e run's whole process tree, sampled every 0.2 s), plus every repeat's
figures. The machine may be shared: compare figures of one run only.

Each repeat also gives ``cpu_s_each`` (CPU seconds of the e2e run's driver and of its workers, sampled) and
``cpu_timeline`` (per 5-second slice of the run: its start, the driver's and the workers' CPU seconds), which show
how much of the run the workers wait on the driver.

``--components N`` adds ``nlp_components``: CPU seconds per spaCy component of plain ``en_core_web_sm`` (as timed
above: ``nlp.pipe`` with its default batch) and of newsprism's pipeline (as the nlp stage runs it: its batch size,
its BLAS, its rule components and the actors, quotes and claims components), on the first N texts in this process,
the two interleaved in halves so that a change of load hits both alike.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "quotes" / "polnear"


def real_articles(n: int) -> list[dict]:
    docs = []
    for split in ("train", "dev"):
        path = SHARED / f"{split}.jsonl"
        if path.is_file():
            docs += [json.loads(line) for line in path.open(encoding="utf-8")]
    if not docs:
        sys.exit(f"no texts: {SHARED} is missing")
    out = []
    for i in range(n):
        d = docs[i % len(docs)]
        rep = i // len(docs)
        # a repeat is another article (own id) with the same words; dedup marks it a copy, as it would a wire story
        # a repeat is published a day later per round: the nlp stage analyses it again (its copy memo is keyed by
        # text and date) as it would a new article, so a long stream costs and holds what real new articles do
        out.append({"id": f"{d['doc_id']}" + (f"-r{rep}" if rep else ""), "title": d.get("title"),
                    "outlet": d.get("publisher"), "published": _later(d.get("publication_date"), rep),
                    "text": d["text"]})
    return out


def _later(published: str | None, days: int) -> str | None:
    if not published or not days:
        return published
    from datetime import date, datetime, timedelta

    try:
        if len(published) == 10:
            return (date.fromisoformat(published) + timedelta(days=days)).isoformat()
        return (datetime.fromisoformat(published.replace("Z", "+00:00")) + timedelta(days=days)).isoformat()
    except ValueError:
        return published


def time_spacy(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of plain ``nlp.pipe`` over ``texts``."""
    from newsprism.nlp.loading import load_base

    nlp = load_base()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts):
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def component_cpu(nlp, arts: list[dict], batch: int, published: bool,
                  batches: dict[str, int] | None = None) -> dict[str, float]:
    """CPU seconds per component of ``nlp`` over the texts of ``arts``, as ``nlp.pipe`` runs them: docs made
    ``batch`` at a time, each component's ``pipe`` over them in turn with its own batch size (``batches``, by
    component name; ``batch`` for the others). Docs do not see each other, so the annotations are the same.
    ``published``: set ``doc._.published`` as the nlp stage does (newsprism's claims read it)."""
    batches = batches or {}
    outer = max([batch, *batches.values()])
    out: dict[str, float] = {"make_doc": 0.0}
    for i in range(0, len(arts), outer):
        c = time.process_time()
        docs = []
        for a in arts[i:i + outer]:
            doc = nlp.make_doc(a["text"])
            if published:
                doc._.published = a["published"]
            docs.append(doc)
        out["make_doc"] += time.process_time() - c
        for name, proc in nlp.pipeline:
            c = time.process_time()
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=batches.get(name, batch)))
            else:
                docs = [proc(d) for d in docs]
            out[name] = out.get(name, 0.0) + time.process_time() - c
    return out


def time_components(arts: list[dict]) -> dict:
    """Per-component CPU of plain spaCy and of newsprism's pipeline on the same texts, in this process."""
    from newsprism.nlp.loading import load_base, load_nlp
    from newsprism.nlp.stage import PARSE_BATCH, PIPE_BATCH

    plain, ours = load_base(), load_nlp()
    plain_batch = plain.batch_size  # what ``nlp.pipe(texts)`` uses
    ours_batches = {"parser": PARSE_BATCH, "ner": PARSE_BATCH}  # as analyse_many runs them
    warm = arts[:3]
    component_cpu(plain, warm, plain_batch, False)
    component_cpu(ours, warm, PIPE_BATCH, True, ours_batches)
    totals: dict[str, dict[str, float]] = {"plain": {}, "newsprism": {}}
    half = (len(arts) + 1) // 2
    for part in (arts[:half], arts[half:]):  # interleaved: plain, ours, plain, ours
        for key, nlp, batch, pub, per in (("plain", plain, plain_batch, False, None),
                                          ("newsprism", ours, PIPE_BATCH, True, ours_batches)):
            for name, sec in component_cpu(nlp, part, batch, pub, per).items():
                totals[key][name] = totals[key].get(name, 0.0) + sec
    report: dict = {"articles": len(arts),
                    "batch": {"plain": plain_batch, "newsprism": {"default": PIPE_BATCH, **ours_batches}}}
    for key, got in totals.items():
        report[key] = {k: round(v, 2) for k, v in got.items()} | {"total": round(sum(got.values()), 2)}
    models = ("tok2vec", "tagger", "parser", "ner")
    report["models_cpu_ratio"] = round(sum(totals["newsprism"].get(m, 0) for m in models)
                                       / max(1e-9, sum(totals["plain"].get(m, 0) for m in models)), 3)
    return report


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)  # every waited-for descendant: pool and dask workers too
    return r.ru_utime + r.ru_stime


def _tree_rss(pid: int, peaks: dict[int, dict] | None = None, now: dict[int, int] | None = None,
              cpu: dict[int, float] | None = None) -> tuple[int, int]:
    """RSS of ``pid`` and its descendants; ``peaks`` keeps, per process, its largest RSS and PSS (proportional set
    size: a page shared by n processes, such as a forked worker's untouched copy of the driver, counts 1/n in each);
    ``now`` gets each process's RSS of this moment, ``cpu`` its CPU seconds so far (user and system)."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return 0, 0
    total = total_pss = 0
    for q in procs:
        try:
            if peaks is not None:
                full = q.memory_full_info()  # reads smaps: RSS and PSS of the same moment
                rss, pss = full.rss, full.pss
            else:
                rss, pss = q.memory_info().rss, 0
        except psutil.Error:
            continue
        total += rss
        total_pss += pss
        if cpu is not None:
            try:
                t = q.cpu_times()
                cpu[q.pid] = t.user + t.system
            except psutil.Error:
                pass
        if now is not None:
            now[q.pid] = rss
        if peaks is not None:
            got = peaks.setdefault(q.pid, {"driver": q.pid == pid, "rss": 0, "pss": 0})
            got["rss"], got["pss"] = max(got["rss"], rss), max(got["pss"], pss)
    return total, total_pss


def _each(peaks: dict[int, dict]) -> dict[str, dict[str, int]]:
    """Per-process peaks in MB: the driver, then the workers in the order they started (by pid)."""
    out = {}
    n = 0
    for pid, got in sorted(peaks.items(), key=lambda kv: (not kv[1]["driver"], kv[0])):
        if not got["driver"]:
            n += 1
        out["driver" if got["driver"] else f"worker{n}"] = {"rss": round(got["rss"] / 2**20),
                                                          "pss": round(got["pss"] / 2**20)}
    return out


def _by_chunk(samples: list[tuple[float, dict[int, int]]], commits: list[tuple[float, int]],
              driver: int) -> list[dict]:
    """The memory curve of a run: for each committed chunk (its commit time and articles), the peak RSS in MB of the
    driver, of each worker (in the order they started) and of the tree, over the samples since the last commit. A
    run whose peak does not depend on its length has a flat curve."""
    workers = sorted({pid for _, now in samples for pid in now if pid != driver})
    out, start, total_articles = [], float("-inf"), 0
    for at, articles in commits:
        window = [now for t, now in samples if start < t <= at]
        start, total_articles = at, total_articles + articles
        if not window:
            continue
        peak = {pid: max(now.get(pid, 0) for now in window) for pid in [driver] + workers}
        out.append({"articles": total_articles, "driver": round(peak[driver] / 2**20),
                    "workers": [round(peak[pid] / 2**20) for pid in workers if peak[pid]],
                    "total": round(max(sum(now.values()) for now in window) / 2**20)})
    return out


def _cpu_use(samples: list[tuple[float, dict[int, float]]], driver: int,
             step: float = 5.0) -> tuple[dict[str, float], list[list[float]]]:
    """Where a run's CPU went, from the sampled CPU seconds of each process (up to one sampling period, 0.2 s, of
    each process's last work is missed): the CPU seconds of the driver and of all workers together, and the timeline
    of the run in ``step``-second slices, each ``[start, driver CPU-s, workers' CPU-s]``. A slice with workers' CPU
    well under 2 × ``step`` while the driver works is the driver's serial work leaving the workers idle."""
    last: dict[int, float] = {}
    bins: dict[int, list[float]] = {}
    for at, cpu in samples:
        slot = bins.setdefault(int(at // step), [0.0, 0.0])
        for pid, sec in cpu.items():
            slot[0 if pid == driver else 1] += sec - last.get(pid, 0.0)
            last[pid] = sec
    each = {"driver": round(last.get(driver, 0.0), 1),
            "workers": round(sum(sec for pid, sec in last.items() if pid != driver), 1)}
    timeline = [[k * step, round(v[0], 1), round(v[1], 1)] for k, v in sorted(bins.items())]
    return each, timeline


def _commits(db: Path) -> list[tuple[float, int]]:
    """(commit time, articles) of each chunk the run committed, from its database's chunk log."""
    import sqlite3

    try:
        with sqlite3.connect(db) as conn:
            return [(float(at), int(n)) for at, n in conn.execute("SELECT at, articles FROM chunks ORDER BY seq")]
    except sqlite3.Error:
        return []


def time_e2e(input_path: Path, executor: str, workers: int, chunk: int | None) -> tuple[float, float, float, dict]:
    """Wall seconds, CPU seconds, peak RSS (MB) of the process tree, and the run's JSON summary (with the peak RSS
    and PSS of each process added, in MB, and the peak of the tree's PSS sum). ``chunk`` None: the product's
    default chunk size, as a user's ``newsprism run`` has it."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "newsprism.cli", "run", str(input_path), "--db", f"{tmp}/np.db", "--out",
               f"{tmp}/out", "--executor", executor, "--workers", str(workers), "--json"]
        if chunk is not None:
            cmd += ["--chunk-size", str(chunk)]
        peak = [0, 0]
        each: dict[int, dict] = {}
        samples: list[tuple[float, dict[int, int]]] = []  # (time, RSS per process): the curve by chunk
        cpu_samples: list[tuple[float, dict[int, float]]] = []  # (seconds since start, CPU-s so far per process)
        c0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def sample() -> None:
            while proc.poll() is None:
                now: dict[int, int] = {}
                cpu: dict[int, float] = {}
                rss, pss = _tree_rss(proc.pid, each, now, cpu)
                samples.append((time.time(), now))
                cpu_samples.append((time.perf_counter() - t0, cpu))
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                time.sleep(0.2)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - t0
        watcher.join()
        if proc.returncode not in (0,) and not out.strip():
            sys.exit(f"newsprism run failed ({proc.returncode}): {err[-2000:]}")
        summary = json.loads(out.strip().splitlines()[-1])
        summary["peak_rss_mb_each"] = _each(each)
        summary["peak_pss_mb"] = round(peak[1] / 2**20)
        summary["rss_by_chunk"] = _by_chunk(samples, _commits(Path(tmp) / "np.db"), proc.pid)
        summary["cpu_s_each"], summary["cpu_timeline"] = _cpu_use(cpu_samples, proc.pid)
        return wall, _children_cpu() - c0, peak[0] / 2**20, summary


def profile(input_path: Path, dest: str) -> None:
    """cProfile of a local in-process run (one process: the profile sees every stage)."""
    import cProfile
    import pstats

    from newsprism.jobs import run_job
    from newsprism.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "np.db")
        prof = cProfile.Profile()
        prof.enable()
        run_job([str(input_path)], store, out_dir=Path(tmp) / "out")
        prof.disable()
        store.close()
    prof.dump_stats(dest)
    pstats.Stats(dest).sort_stats("cumulative").print_stats(40)
    pstats.Stats(dest).sort_stats("tottime").print_stats(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--executor", default="process", choices=["local", "process", "dask"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-size", type=int, default=None,
                    help="articles per chunk (default: the product's own default, what `newsprism run` uses)")
    ap.add_argument("--no-spacy", action="store_true", help="time only the end-to-end run (memory checks)")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of a local run here instead of timing")
    ap.add_argument("--components", type=int, default=0, metavar="N",
                    help="also time each spaCy component, plain and ours, on the first N texts (nlp_components)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        arts = real_articles(args.articles)
        path = Path(tmp) / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
        if args.profile:
            profile(path, args.profile)
            return
        texts = [a["text"] for a in arts]
        if not args.no_spacy:
            time_spacy(texts[:5])  # load the model outside the timing
        runs = []
        load = os.getloadavg()[0]
        for _ in range(args.repeat):  # side by side: each repeat times both, so load changes hit both alike
            s, s_cpu = time_spacy(texts) if not args.no_spacy else (float("nan"), float("nan"))
            e, e_cpu, rss, summary = time_e2e(path, args.executor, args.workers, args.chunk_size)
            runs.append({"spacy_s": round(s, 2), "e2e_s": round(e, 2), "spacy_cpu_s": round(s_cpu, 2),
                         "e2e_cpu_s": round(e_cpu, 2), "peak_rss_mb": round(rss),
                         "peak_pss_mb": summary.get("peak_pss_mb"),
                         "peak_rss_mb_each": summary.get("peak_rss_mb_each"),
                         "ratio": round(s / e, 3), "cpu_ratio": round(s_cpu / e_cpu, 3),
                         "rss_by_chunk": summary.get("rss_by_chunk"),
                         "chunks": summary.get("chunks"), "failed": summary.get("failed"), "load_before": round(load, 2),
                         "load_after": round(os.getloadavg()[0], 2),
                         "stages_s": summary.get("seconds"), "cpu_s_each": summary.get("cpu_s_each"),
                         "cpu_timeline": summary.get("cpu_timeline")})
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
            load = os.getloadavg()[0]
        comps = time_components(arts[:args.components]) if args.components else None
        if not runs:
            print(json.dumps({"nlp_components": comps}))
            return
        spacy_s = statistics.median(r["spacy_s"] for r in runs)
        e2e_s = statistics.median(r["e2e_s"] for r in runs)
        result = {"articles": len(arts), "executor": args.executor, "workers": args.workers,
                  "cpus": os.cpu_count(), "repeat": args.repeat,
                  "e2e_articles_per_s": round(len(arts) / e2e_s, 2),
                  "spacy_articles_per_s": round(len(arts) / spacy_s, 2),
                  "ratio_vs_spacy": round(statistics.median(r["ratio"] for r in runs), 3),
                  # CPU seconds of plain spaCy over CPU seconds of the whole run: what the wall ratio would be on
                  # one core, and less sensitive to other load on a shared machine
                  "cpu_ratio_vs_spacy": round(statistics.median(r["cpu_ratio"] for r in runs), 3),
                  "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "runs": runs}
        if comps:
            result["nlp_components"] = comps
        if os.environ.get("FULL"):
            big = Path(tmp) / "big.jsonl"
            big.write_text("".join(json.dumps(a) + "\n" for a in real_articles(100_000)), encoding="utf-8")
            _, _, rss, _ = time_e2e(big, args.executor, args.workers, args.chunk_size)
            result["peak_rss_mb_100k"] = round(rss)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
