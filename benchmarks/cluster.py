"""Rows per second for a large roster: the local batch (--jobs 1 and 2) against Dask with 2 worker
processes on this machine, and the paper estimate for a billion rows.

    python benchmarks/cluster.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATES = ["CA", "NY", "WA", "TX", "FL", "SC", "PA", "OH", "IL", "GA"]
TASKS = ["flu shot", "draw blood", "vital_signs", "injection_intramuscular", "x-ray", "ekg", "botox", "give injections"]


def roster(path: Path, n: int) -> None:
    rng = random.Random(1)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "state", "task", "credentials", "supervision", "as_of"])
        for i in range(n):
            w.writerow(
                [
                    i,
                    rng.choice(STATES),
                    rng.choice(TASKS),
                    rng.choice(["", "CMA", "none", "MA-C"]),
                    rng.choice(["", "direct", "general"]),
                    rng.choice(["", "2024-01-01", "2026-06-01"]),
                ]
            )


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "scopecheck", *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: some row is prohibited
        raise SystemExit(done.stderr)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    n = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "roster.csv"
        roster(src, n)
        local1 = timed(["batch", str(src), "-o", str(Path(tmp) / "l1.csv"), "--jobs", "1", "--as-of", "2026-12-06"])
        local2 = timed(["batch", str(src), "-o", str(Path(tmp) / "l2.csv"), "--jobs", "2", "--as-of", "2026-12-06"])
        dask2 = timed(
            [
                "batch",
                str(src),
                "-o",
                str(Path(tmp) / "parts"),
                "--engine",
                "dask",
                "--jobs",
                "2",
                "--as-of",
                "2026-12-06",
            ]
        )
    print(f"{n:,} rows (realistic mix, 2 cores)")
    for name, seconds in (("local --jobs 1", local1), ("local --jobs 2", local2), ("dask, 2 workers", dask2)):
        print(f"  {name:<16} {seconds:7.2f} s  {n / seconds:>10,.0f} rows/s")
    per_core = n / local1
    print(
        f"paper estimate, 1,000,000,000 rows at {per_core:,.0f} rows/s per core: "
        f"{1e9 / per_core / 3600:,.1f} core-hours; on 64 cores about {1e9 / per_core / 64 / 60:,.0f} minutes "
        "(distinct questions are a few hundred thousand at most, so a global distinct-question plan "
        "evaluates those once and joins them back: the cost is then reading and writing the rows)"
    )


if __name__ == "__main__":
    main()
