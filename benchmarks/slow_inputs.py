"""Slow inputs of the reliability review (issue 10), before and after: time, CPU, output, outcome.

    python benchmarks/slow_inputs.py                  # this tree against ccb2211 (the 'before'; ~1-2 min)
    python benchmarks/slow_inputs.py --before REV     # against another commit
    python benchmarks/slow_inputs.py --no-before      # this tree only

Cases, each run as its own process (start-up included, as a user would see it):
  header-50k   `batch` on a CSV whose header has 50,000 columns (one row)
  rules-8k     `rules validate CA` on a copy of the data whose CA file has 8,000 rules (none
               overlapping); it is refused for the engine's 4,000-rule limit, after every check
  rules-1.5k   the same with 1,500 rules: every check passes, the examples run
  posting-250k `posting --format json` on a 250 kB posting (the real postings, repeated)
  posting-runon the same on 250 kB of one run-on sentence of duties (each duty quotes it whole)
  posting-100k the largest posting accepted now: 100,000 characters of the real postings
The 'before' tree is the commit's files (git archive) run with the same Python and the same data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULES = (8_000, 1_500)  # the review's size; and one the engine runs (2,000 such rules fail in the examples: error 303)


@dataclass
class Result:
    wall: float
    cpu: float
    output: int  # bytes on stdout plus the -o file, if any
    code: int
    message: str  # the first line on stderr


def measure(code_dir: Path, args: list[str], cwd: Path, out_file: Path | None = None) -> Result:
    if out_file is not None and out_file.exists():
        out_file.unlink()
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "scopecheck", *args], cwd=cwd, env=env, stdout=stdout, stderr=stderr
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        size = stdout.seek(0, os.SEEK_END) + (
            out_file.stat().st_size if out_file is not None and out_file.exists() else 0
        )
        stderr.seek(0)
        lines = stderr.read().decode(errors="replace").strip().splitlines()
        if not lines:
            stdout.seek(0)
            lines = stdout.read(200).decode(errors="replace").strip().splitlines()[:1]
    return Result(
        wall, usage.ru_utime + usage.ru_stime, size, os.waitstatus_to_exitcode(status), lines[0] if lines else ""
    )


def checkout(rev: str, into: Path) -> Path:
    """The files of `rev` (code and data) in `into`."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def write_inputs(tmp: Path) -> dict[str, Path]:
    wide = tmp / "wide.csv"
    wide.write_text(
        ",".join(["state", "task"] + [f"c{i}" for i in range(50_000)])
        + "\n"
        + ",".join(["CA", "vitals"] + ["x"] * 50_000)
        + "\n"
    )

    sys.path.insert(0, str(REPO))
    from scopecheck.law.library import Library

    lib = Library(REPO)
    contested = {t for r in lib.state("CA").rules if r.effect != "permit" for t in r.tasks}
    tasks = sorted(set(lib.tasks) - contested)  # a permit beside CA's forbid or defer rules is a defect
    data = {}
    for rules in RULES:
        data[rules] = tmp / f"data-{rules}"
        shutil.copytree(REPO / "rules", data[rules] / "rules")
        shutil.copytree(REPO / "states", data[rules] / "states")
        ca = data[rules] / "states" / "CA.toml"
        extra = []
        for i in range(rules - ca.read_text().count("[[rules]]")):
            year = 1900 + i // len(tasks)  # one-year rules, so none overlaps another on its task
            extra.append(
                f'[[rules]]\nid = "CA-bench-{i:05d}"\ntasks = ["{tasks[i % len(tasks)]}"]\neffect = "permit"\n'
                f'reason = "Benchmark rule {i}."\nsources = ["ca-ccr-1366"]\nconfidence = "low"\n'
                f'basis = "read"\neffective_from = {year}-01-01\neffective_to = {year + 1}-01-01\n'
            )
        ca.write_text(ca.read_text() + "\n" + "\n".join(extra))

    real = sorted((REPO / "tests" / "data" / "postings").glob("*.txt"))
    text = "\n\n".join(p.read_text() for p in real)
    posting = tmp / "posting-250k.txt"
    posting.write_text((text * (250_000 // len(text) + 1))[:250_000])
    at_limit = tmp / "posting-100k.txt"
    at_limit.write_text((text * (100_000 // len(text) + 1))[:100_000])
    runon = tmp / "posting-250k-runon.txt"  # one sentence: each duty found quotes all of it
    duties = (
        "takes vital signs, draws blood, gives flu shots, performs EKGs, triages patients and assists the provider "
    )
    runon.write_text(("Medical Assistant, Albany, NY 12207\n" + duties * (250_000 // len(duties) + 1))[:250_000])
    return {
        "wide": wide,
        **{f"data-{n}": d for n, d in data.items()},
        "posting": posting,
        "at_limit": at_limit,
        "runon": runon,
    }


def cases(inputs: dict[str, Path], tmp: Path) -> list[tuple[str, list[str], Path | None]]:
    out = tmp / "out.csv"
    return [
        ("header-50k", ["batch", str(inputs["wide"]), "-o", str(out)], out),
        ("rules-8k", ["--data-dir", str(inputs["data-8000"]), "rules", "validate", "CA"], None),
        ("rules-1.5k", ["--data-dir", str(inputs["data-1500"]), "rules", "validate", "CA"], None),
        ("posting-250k", ["posting", str(inputs["posting"]), "--format", "json"], None),
        ("posting-runon", ["posting", str(inputs["runon"]), "--format", "json"], None),
        ("posting-100k", ["posting", str(inputs["at_limit"]), "--format", "json"], None),
    ]


def show(name: str, label: str, r: Result) -> None:
    print(
        f"{name:<14} {label:<7} {r.wall:7.2f} s wall {r.cpu:7.2f} s CPU {r.output / 1e6:8.2f} MB out  "
        f"exit {r.code}  {r.message[:110]}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default="ccb2211", help="the commit to compare with (default: ccb2211)")
    ap.add_argument("--no-before", action="store_true", help="measure this tree only")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inputs = write_inputs(tmp)
        trees = [("after", REPO)]
        if not args.no_before:
            trees.insert(0, ("before", checkout(args.before, tmp / "before")))
        print(f"slow inputs ({os.cpu_count()} cores, Python {sys.version.split()[0]}); before = {args.before}\n")
        for name, argv, out in cases(inputs, tmp):
            for label, tree in trees:
                show(name, label, measure(tree, argv, tmp, out))


if __name__ == "__main__":
    main()
