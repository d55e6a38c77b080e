"""The throughput benchmark's account of where a run's CPU went (benchmarks/throughput.py ``_cpu_use``)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "throughput.py"


def _throughput():
    spec = importlib.util.spec_from_file_location("throughput_bench", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cpu_use_splits_driver_and_workers_by_time_slice():
    bench = _throughput()
    driver, w1, w2 = 100, 201, 202
    # cumulative CPU seconds per process, as sampled: the driver starts alone, the workers join, then the driver
    # works alone again while the workers wait (their totals stop growing)
    samples = [(0.5, {driver: 1.0}),
               (4.0, {driver: 3.0}),
               (6.0, {driver: 3.1, w1: 1.5, w2: 1.0}),
               (9.0, {driver: 3.2, w1: 4.5, w2: 4.0}),
               (12.0, {driver: 5.2, w1: 4.5, w2: 4.0}),
               (14.0, {driver: 6.0})]  # the workers have exited: their last figures stand
    each, timeline = bench._cpu_use(samples, driver, step=5.0)
    assert each == {"driver": 6.0, "workers": 8.5}
    assert timeline == [[0.0, 3.0, 0.0], [5.0, 0.2, 8.5], [10.0, 2.8, 0.0]]
    # every CPU second lands in one slice
    assert round(sum(d for _, d, _ in timeline), 6) == each["driver"]
    assert round(sum(w for _, _, w in timeline), 6) == each["workers"]
