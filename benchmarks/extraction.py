"""Main-text extraction: newsprism's clean stage vs. plain trafilatura (defaults), side by side on the same pages.

usage: python benchmarks/extraction.py [--sets zyte,wcxb] [--limit N] [--effort best|fast] [--shared ../shared]
                                      [--out DIR]

For each set it writes ``DIR/<set>-newsprism.jsonl`` and ``DIR/<set>-trafilatura.jsonl`` ({"id","text"} per page),
scores both with ``../shared/tools/extract_eval.py`` and prints F1 and the median milliseconds per page. newsprism's
time is the whole clean stage on an HTML article (extraction, metadata, text pass), trafilatura's is ``extract()``
with its defaults; each page is run by both, alternately, in one process, so load affects both alike.

Measured 2026-11-22 (trafilatura 2.3.1, shared 2-core machine under load; the ratio is what matters, and it moves
by about +-0.1 from run to run, so three runs are given for best):

    effort  set        newsprism F1   trafilatura F1   ms/page median newsprism / trafilatura
    best    zyte       0.9681         0.9526           19.7 / 16.0 (x1.23), 23.7 / 22.2 (x1.07), 19.0 / 17.5 (x1.09)
    best    wcxb-dev   0.9425         0.9301           34.9 / 29.5 (x1.18), 29.0 / 23.7 (x1.22), 30.4 / 24.8 (x1.23)
    fast    zyte       0.9681         0.9526           24.8 / 23.6 (x1.05)
    fast    wcxb-dev   0.9379         0.9301           34.5 / 28.4 (x1.21)

Before the precision-first choice (2026-11-21): best 0.9682 / 0.9418 at x2.2-2.3, fast 0.9634 / 0.9384 at x1.45.

(Zyte: f1_of_means of 4-word shingles; WCXB: mean per-page bag-of-words F1, 710 pages with gold main_content.)
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pages(shared: Path, name: str, limit: int | None):
    if name == "zyte":
        data = shared / "data/extraction/zyte"
        gold = json.load(open(data / "ground-truth.json"))
        ids = sorted(gold)
        urls = {k: v.get("url") for k, v in gold.items()}
    else:
        data = shared / "data/extraction/wcxb-dev"
        ids = sorted(p.name.split(".")[0] for p in (data / "html").glob("*.html.gz"))
        urls = {}
        for i in ids:
            g = data / "ground-truth" / f"{i}.json"
            urls[i] = json.load(open(g)).get("url") if g.exists() else None
    if limit:
        ids = ids[:limit]
    for i in ids:
        with gzip.open(data / "html" / f"{i}.html.gz", "rt", encoding="utf-8", errors="replace") as fh:
            yield i, urls.get(i), fh.read()


def scorable_wcxb(shared: Path) -> Path:
    """The scorer stops on a WCXB gold file without ``main_content`` (dev has one: 4893, which only lists
    with/without snippets). Score against a temporary view of the set holding the gold files that have it."""
    src = shared / "data/extraction/wcxb-dev"
    tmp = Path(tempfile.mkdtemp(prefix="np-wcxb-")) / "wcxb-dev"
    (tmp / "ground-truth").mkdir(parents=True)
    for g in sorted((src / "ground-truth").glob("*.json")):
        if "main_content" in json.load(open(g)).get("ground_truth", {}):
            (tmp / "ground-truth" / g.name).symlink_to(g)
    (tmp / "html").symlink_to(src / "html")
    return tmp


def score(shared: Path, name: str, pred: Path) -> dict:
    kind, data = ("zyte", shared / "data/extraction/zyte") if name == "zyte" else ("wcxb", scorable_wcxb(shared))
    out = subprocess.run([sys.executable, str(shared / "tools/extract_eval.py"), kind, str(data), str(pred)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def run_set(shared: Path, name: str, limit: int | None, out: Path, effort: str = "best") -> dict:
    import trafilatura

    from newsprism.clean.stage import CleanStage
    from newsprism.model import Article

    stage = CleanStage(effort=effort)
    ours_t, theirs_t = [], []
    f_ours = open(out / f"{name}-newsprism.jsonl", "w")
    f_theirs = open(out / f"{name}-trafilatura.jsonl", "w")
    for n, (pid, url, html) in enumerate(pages(shared, name, limit)):
        order = (0, 1) if n % 2 == 0 else (1, 0)
        for who in order:
            if who == 0:
                t0 = time.perf_counter()
                art = stage(Article(id=pid, raw=html, raw_kind="html", url=url))
                ours_t.append(time.perf_counter() - t0)
                f_ours.write(json.dumps({"id": pid, "text": art.text}) + "\n")
            else:
                t0 = time.perf_counter()
                txt = trafilatura.extract(html, url=url) or ""
                theirs_t.append(time.perf_counter() - t0)
                f_theirs.write(json.dumps({"id": pid, "text": txt}) + "\n")
    f_ours.close()
    f_theirs.close()
    res = {"set": name, "effort": effort, "pages": len(ours_t),
           "newsprism": score(shared, name, out / f"{name}-newsprism.jsonl"),
           "trafilatura": score(shared, name, out / f"{name}-trafilatura.jsonl"),
           "ms_newsprism": round(1000 * statistics.median(ours_t), 1),
           "ms_trafilatura": round(1000 * statistics.median(theirs_t), 1)}
    res["time_ratio"] = round(res["ms_newsprism"] / res["ms_trafilatura"], 2)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="zyte,wcxb")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--effort", default="best", choices=["best", "fast"], help="newsprism's extraction effort")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="np-extraction-"))
    out.mkdir(parents=True, exist_ok=True)
    for name in args.sets.split(","):
        r = run_set(args.shared, name, args.limit, out, args.effort)
        metric = "f1_of_means" if name == "zyte" else "mean_f1"
        print(f"{name:5s} effort={args.effort} pages={r['pages']}  F1 ({metric}) newsprism {r['newsprism'][metric]:.4f}  "
              f"trafilatura {r['trafilatura'][metric]:.4f}  |  ms/page median newsprism {r['ms_newsprism']}  "
              f"trafilatura {r['ms_trafilatura']}  (x{r['time_ratio']})")
        print(json.dumps(r))
    print(f"predictions in {out}")


if __name__ == "__main__":
    main()
