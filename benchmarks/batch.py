"""Benchmark `scopecheck batch` against a plain csv passthrough, and a cold `check` against imports.

    python benchmarks/batch.py                       # the issue's sizes (takes a few minutes)
    python benchmarks/batch.py --rows 30000 --distinct-rows 20000 --memory-rows 100000 --scale-rows 0   # quick
    python benchmarks/batch.py --memory-rows 1000000,3000000,10000000                   # goal (d)

The passthrough reads the same input with the csv module and writes the same output bytes as the
batch (each row's output cells are looked up from a table made from the batch's output before it
starts): what the batch costs beyond reading and writing. The compact run (--columns
verdict,rules,confidence) is compared with a passthrough writing those compact bytes. Prints rows/s,
the ratios, the engine's evaluations against the distinct questions of the file, peak memory (the
largest process's RSS, and the whole process tree's PSS sampled every 50 ms: shared pages of forked
workers counted once) and the cold start. Every command runs as its own process, so start-up is
counted the same way for each. The --jobs 2 speed-up is printed twice: over --distinct-rows, where the
parent's start-up before the fork (about 0.13 s) is a sixth of a --jobs 2 run, and over --scale-rows
(1,000,000), where it is not.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import pickle
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Weights only (2020 census, millions, rounded): where MA rosters come from. Not law data.
POPULATION = {
    "CA": 39.5,
    "TX": 29.1,
    "FL": 21.5,
    "NY": 20.2,
    "PA": 13.0,
    "IL": 12.8,
    "OH": 11.8,
    "GA": 10.7,
    "NC": 10.4,
    "MI": 10.1,
    "NJ": 9.3,
    "VA": 8.6,
    "WA": 7.7,
    "AZ": 7.2,
    "MA": 7.0,
    "TN": 6.9,
    "IN": 6.8,
    "MD": 6.2,
    "MO": 6.2,
    "WI": 5.9,
    "CO": 5.8,
    "MN": 5.7,
    "SC": 5.1,
    "AL": 5.0,
    "LA": 4.7,
    "KY": 4.5,
    "OR": 4.2,
    "OK": 4.0,
    "CT": 3.6,
    "UT": 3.3,
    "IA": 3.2,
    "NV": 3.1,
    "AR": 3.0,
    "MS": 3.0,
    "KS": 2.9,
    "NM": 2.1,
    "NE": 2.0,
    "ID": 1.8,
    "WV": 1.8,
    "HI": 1.5,
    "NH": 1.4,
    "ME": 1.4,
    "RI": 1.1,
    "MT": 1.1,
    "DE": 1.0,
    "SD": 0.9,
    "ND": 0.8,
    "AK": 0.7,
    "DC": 0.7,
    "VT": 0.6,
    "WY": 0.6,
}
COMMON_TASKS = [
    "vital_signs",
    "flu shot",
    "venipuncture",
    "injection_intramuscular",
    "ekg",
    "waived_lab_tests",
    "capillary_puncture",
    "medication_oral",
    "injection_subcutaneous",
    "patient_history",
    "specimen_collection",
    "cpoe_order_entry",
    "telephone_triage",
    "xray_operation",
    "iv_start",
    "medication_inhaled",
    "injection_intradermal",
    "triage",
]
CREDENTIAL_MIX = ["CMA_AAMA", "RMA_AMT", "CCMA_NHA", "none", "", "CMA_AAMA;RMA_AMT", "NCMA_NCCT"]
SUPERVISION_MIX = ["direct", "direct", "general", "", "personal"]
SUPERVISOR_MIX = ["physician", "physician", "np", "pa", "", "rn"]


def write_realistic(path: Path, rows: int, seed: int = 7, employees: int = 5000) -> None:
    """A duty roster: employees (each in one state, with fixed credentials and supervision) x
    duties skewed toward the common tasks, so rows repeat as they do in real rosters."""
    rng = random.Random(seed)
    states, weights = zip(*POPULATION.items())
    staff = [
        (
            f"emp{n}",
            rng.choices(states, weights)[0],
            rng.choice(CREDENTIAL_MIX),
            rng.choice(SUPERVISION_MIX),
            rng.choice(SUPERVISOR_MIX),
        )
        for n in range(employees)
    ]
    task_weights = [1 / (i + 1) for i in range(len(COMMON_TASKS))]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "employee", "state", "task", "credentials", "supervision", "supervisor", "as_of"])
        for i in range(rows):
            name, state, creds, supervision, supervisor = rng.choice(staff)
            w.writerow([i, name, state, rng.choices(COMMON_TASKS, task_weights)[0], creds, supervision, supervisor, ""])


def write_distinct(path: Path, rows: int, task_ids: list[str], settings: list[str], seed: int = 11) -> None:
    """Every row a different normalized question (mixed-radix over the fact space)."""
    states = list(POPULATION)
    creds = ["CMA_AAMA", "RMA_AMT", "CCMA_NHA", "NCMA_NCCT", "CMAC_AMCA", "none", ""]
    sups = ["none", "general", "direct", "personal", ""]
    supervisors = ["physician", "podiatrist", "pa", "np", "rn", "other", ""]
    place = ["", *settings]
    radix = [len(states), len(task_ids), len(creds), len(sups), len(supervisors), len(place)]
    space = 1
    for r in radix:
        space *= r
    assert rows <= space, f"only {space} distinct questions"
    rng = random.Random(seed)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "state", "task", "credentials", "supervision", "supervisor", "setting"])
        for i, n in enumerate(rng.sample(range(space), rows)):
            digits = []
            for r in radix:
                digits.append(n % r)
                n //= r
            w.writerow(
                [
                    i,
                    states[digits[0]],
                    task_ids[digits[1]],
                    creds[digits[2]],
                    sups[digits[3]],
                    supervisors[digits[4]],
                    place[digits[5]],
                ]
            )


PASSTHROUGH = """
import csv, pickle, sys
with open(sys.argv[3], "rb") as f:
    cells, index = pickle.load(f)
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w", newline="") as dst:
    w = csv.writer(dst, lineterminator="\\n")
    rows = csv.reader(src)
    w.writerow(next(rows) + cells[0])
    for row, n in zip(rows, index):
        w.writerow(row + cells[n])
"""


def passthrough_table(batch_out: Path, inputs: int, table: Path) -> None:
    """The output cells of each row of a batch's CSV output (the columns after the first `inputs`),
    as a list of distinct cell lists (the header first) and one index per row."""
    from array import array

    cells: list[list[str]] = []
    seen: dict[tuple[str, ...], int] = {}
    index = array("I")
    with batch_out.open(newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f)):
            key = tuple(row[inputs:])
            if key not in seen:
                seen[key] = len(cells)
                cells.append(list(key))
            if n:
                index.append(seen[key])
    with table.open("wb") as f:
        pickle.dump((cells, index), f)


def _tree(root: int) -> list[int]:
    """A process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _field_kb(path: str, name: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(cmd: list[str], sample: bool = False) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS (MB) of the largest process (its VmHWM, sampled every 50 ms: getrusage's
    maxrss of a child counts the benchmark's own size at the fork), peak PSS (MB) of the whole process
    tree (pages shared after a fork counted once; when `sample`) and stderr of one child process."""
    os.sync()  # the last run's output written out first: its write-back is not this run's time
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss, peak_pss = [0], [0]
    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(0.05):
            pids = _tree(proc.pid)
            peak_rss[0] = max([peak_rss[0], *(_field_kb(f"/proc/{p}/status", "VmHWM:") for p in pids)])
            if sample:
                peak_pss[0] = max(peak_pss[0], sum(_field_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = proc.wait()
    wall = time.perf_counter() - start
    stop.set()
    thread.join()
    if code not in (0, 1):
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, peak_rss[0] / 1024, peak_pss[0] / 1024, err


def evaluated(stderr: str) -> int:
    found = re.search(r"(\d+) questions evaluated", stderr)
    return int(found.group(1)) if found else -1


def distinct_questions(path: Path) -> int:
    """Distinct normalized questions of a file (what the engine must evaluate at least once)."""
    from datetime import date

    from scopecheck.batch.rows import QUESTION_COLUMNS
    from scopecheck.batch.runner import RowChecker
    from scopecheck.decide.checker import Checker
    from scopecheck.errors import UserError

    rows = RowChecker(Checker(), date.today())
    raw, questions = set(), set()
    with path.open(newline="") as f:
        for values in csv.DictReader(f):
            key = tuple(values.get(k) for k in QUESTION_COLUMNS)
            if key in raw:
                continue
            raw.add(key)
            with contextlib.suppress(UserError):
                questions.add(rows.checker.normalized_key(rows.query_for(values)))
    return len(questions)


def batch_cmd(src: Path, dst: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scopecheck", "batch", str(src), "-o", str(dst), *extra]


COMPACT = "verdict,rules,confidence"


def _compiled() -> None:
    """Bytecode for the package, as pip writes it when it installs: with PYTHONDONTWRITEBYTECODE set, or
    an install that never wrote it, every command would compile the package again (about 40 ms)."""
    import compileall

    import scopecheck

    compileall.compile_dir(str(Path(scopecheck.__file__).parent), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=300_000, help="realistic rows (target: <= 2.0x passthrough)")
    ap.add_argument("--distinct-rows", type=int, default=100_000, help="all-distinct rows (target: >= 50,000 rows/s)")
    ap.add_argument(
        "--memory-rows",
        default="1000000",
        help="rows for the peak-memory runs, comma-separated (target: <= 200 MB), e.g. 1000000,3000000,10000000",
    )
    ap.add_argument(
        "--warm-pairs",
        type=int,
        default=5,
        help="warm --jobs 1 / --jobs 2 pairs of the distinct rows (their median; target >= 1.8x)",
    )
    ap.add_argument(
        "--scale-rows",
        type=int,
        default=1_000_000,
        help="all-distinct rows for the --jobs 2 speed-up at scale, warm (0: skip)",
    )
    ap.add_argument("--scale-pairs", type=int, default=3, help="warm --jobs 1 / --jobs 2 pairs of the scale rows")
    ap.add_argument("--cold-runs", type=int, default=7)
    ap.add_argument("--cold-only", action="store_true", help="only the cold check and --help against the import floor")
    args = ap.parse_args()
    memory_rows = [int(n) for n in args.memory_rows.split(",") if n.strip()]

    sys.path.insert(0, str(REPO))
    _compiled()

    if not args.cold_only:
        batch_runs(args, memory_rows)
    with tempfile.TemporaryDirectory() as cold_cache:
        os.environ["SCOPECHECK_CACHE_DIR"] = cold_cache  # the first run fills it: the median is a warm start
        cold_runs(args)


def cold_runs(args: argparse.Namespace) -> None:
    floor = [
        timed([sys.executable, "-c", "import click, pydantic, durable.engine, tomllib"])[0]
        for _ in range(args.cold_runs)
    ]
    check = [sys.executable, "-m", "scopecheck", "check"]
    cold = [timed([*check, "--state", "CA", "--task", "flu shot"])[0] for _ in range(args.cold_runs)]
    # the same question in other words (a new request each run: other words for the task and the
    # state, another day of the same stretch of law): the verdict kept for its key (quick_check.py)
    fresh = [
        timed([*check, "--state", "California", "--task", f"flu shot {'please ' * n}", "--as-of", f"2026-02-{n:02d}"])[
            0
        ]
        for n in range(1, args.cold_runs + 1)
    ]
    # a question the table holds no verdict for (another task each run): the whole flow loads the law
    tasks = ["draw blood", "take vital signs", "ear irrigation", "remove sutures", "give a b12 shot", "do an ekg"]
    tasks = [tasks[n % len(tasks)] + " please" * (n // len(tasks)) for n in range(args.cold_runs)]
    whole = [timed([*check, "--state", "NY", "--task", task, "--setting", "clinic"])[0] for task in tasks]
    # the same, in a state whose every verdict was kept ahead of time (`cache build TX --verdicts`)
    timed([sys.executable, "-m", "scopecheck", "cache", "build", "TX", "--verdicts"])
    built = [timed([*check, "--state", "TX", "--task", task, "--setting", "clinic"])[0] for task in tasks]
    f, c, w, n, b = (statistics.median(x) for x in (floor, cold, fresh, whole, built))
    print(
        f"cold check  median of {args.cold_runs}: import floor {f * 1000:.0f} ms   scopecheck check {c * 1000:.0f} ms   "
        f"ratio {c / f:.2f}x (target <= 1.5x)\n"
        f"            the same question in other words, another day {w * 1000:.0f} ms   ratio {w / f:.2f}x\n"
        f"            a question the table has no verdict for (the whole flow) {n * 1000:.0f} ms   ratio {n / f:.2f}x\n"
        f"            a question never asked, after cache build --verdicts {b * 1000:.0f} ms   ratio {b / f:.2f}x"
    )
    helps = [timed([sys.executable, "-m", "scopecheck", "--help"])[0] for _ in range(args.cold_runs)]
    h = statistics.median(helps)
    print(
        f"--help      median of {args.cold_runs}: scopecheck --help {h * 1000:.0f} ms   ratio {h / f:.2f}x (target <= 1.2x)"
    )


def scale_pairs(args: argparse.Namespace, tmp: Path, out: Path, task_ids: list[str], settings: list[str]) -> None:
    """The --jobs 2 speed-up where the start-up before the fork (about 0.13 s: imports and the law's
    plans) is a small part of the run: warm pairs over --scale-rows all-distinct rows."""
    big = tmp / "scale.csv"
    write_distinct(big, args.scale_rows, task_ids, settings)
    out.unlink(missing_ok=True)
    timed(batch_cmd(big, out, "--jobs", "2"))  # fills the table with this file's questions
    walls: dict[str, list[float]] = {"1": [], "2": []}
    for _ in range(args.scale_pairs):
        for jobs in ("1", "2"):
            out.unlink(missing_ok=True)
            walls[jobs].append(timed(batch_cmd(big, out, "--jobs", jobs))[0])
    w1, w2 = statistics.median(walls["1"]), statistics.median(walls["2"])
    ratios = sorted(a / b for a, b in zip(walls["1"], walls["2"], strict=True))
    print(
        f"distinct   {args.scale_rows:>9,} rows  warm table  --jobs 1 {w1:6.2f} s ({args.scale_rows / w1:,.0f} rows/s)   "
        f"--jobs 2 {w2:6.2f} s ({args.scale_rows / w2:,.0f} rows/s)   speed-up {w1 / w2:.2f}x (target >= 1.8x)\n"
        f"{'':<10} median of {len(ratios)} pairs; every pair's speed-up: " + " ".join(f"{r:.2f}x" for r in ratios)
    )
    big.unlink()
    out.unlink(missing_ok=True)


def batch_runs(args: argparse.Namespace, memory_rows: list[int]) -> None:
    """The batch figures: realistic, compact, distinct, the cache build and memory."""
    from scopecheck.law.library import Library

    lib = Library()
    task_ids = sorted(lib.tasks)
    settings = sorted(lib.settings)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        real, distinct, big, out = tmp / "real.csv", tmp / "distinct.csv", tmp / "big.csv", tmp / "out.csv"
        pt_out, table = tmp / "passthrough.csv", tmp / "table.pickle"
        write_realistic(real, args.rows)
        write_distinct(distinct, args.distinct_rows, task_ids, settings)
        print(f"scopecheck batch benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")

        cache = tmp / "cache"
        os.environ["SCOPECHECK_CACHE_DIR"] = str(cache)  # the answer table: cleared where a run says "cold"
        os.environ.pop("SCOPECHECK_NO_CACHE", None)

        def cold_table() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold_table()
        runs = (
            ("realistic", "cold table", ()),
            ("realistic", "warm table", ()),
            ("compact", "warm table", ("--columns", COMPACT)),
        )
        for label, state, extra in runs:
            out.unlink(missing_ok=True)  # neither writer pays for dropping the last run's output
            pt_out.unlink(missing_ok=True)
            b_wall, b_rss, _, err = timed(batch_cmd(real, out, "--jobs", "1", *extra))
            passthrough_table(out, 8, table)
            pt_wall, _, _, _ = timed([sys.executable, "-c", PASSTHROUGH, str(real), str(pt_out), str(table)])
            same = "same bytes" if pt_out.read_bytes() == out.read_bytes() else "BYTES DIFFER"
            print(
                f"{label:<10} {args.rows:>9,} rows  {state}  passthrough {pt_wall:6.2f} s ({same}, {out.stat().st_size / 1e6:.0f} MB)   "
                f"batch {b_wall:6.2f} s ({args.rows / b_wall:,.0f} rows/s)   ratio {b_wall / pt_wall:.2f}x "
                f"(target <= 2.0x)   peak {b_rss:.0f} MB   engine evaluations {evaluated(err):,}"
            )
            if state == "cold table":
                print(
                    f"{'':<10} engine evaluations {evaluated(err):,} for {distinct_questions(real):,} distinct questions "
                    f"(target: equal)"
                )

        figures: dict[tuple[str, str], tuple[float, float, float, str]] = {}
        warm_walls: dict[str, list[float]] = {"1": [], "2": []}
        pairs = [("cold", "1"), ("cold", "2"), ("warm", "1"), ("warm", "2")]
        pairs += [("warm", jobs) for _ in range(args.warm_pairs - 1) for jobs in ("1", "2")]
        for n, (state, jobs) in enumerate(pairs):
            if state == "cold":
                cold_table()  # the warm runs find the table the cold --jobs 2 run filled
            out.unlink(missing_ok=True)  # no run pays for dropping the last one's output (1.3 GB at 1M rows)
            # memory is sampled in the first four runs only: the sampler's own CPU (about 4 % of a
            # core) is taken from the workers when both cores are busy, so it would bias the speed-up
            figure = timed(batch_cmd(distinct, out, "--jobs", jobs), sample=n < 4)
            figures.setdefault((state, jobs), figure)
            if state == "warm":
                warm_walls[jobs].append(figure[0])
        questions = distinct_questions(distinct)
        for state in ("cold", "warm"):
            (w1, rss1, pss1, e1), (w2, _, pss2, e2) = figures[state, "1"], figures[state, "2"]
            many = state == "warm" and len(warm_walls["1"]) > 1
            if many:  # the median of the pairs run one after the other
                w1, w2 = statistics.median(warm_walls["1"]), statistics.median(warm_walls["2"])
            r1, r2 = args.distinct_rows / w1, args.distinct_rows / w2
            print(
                f"distinct   {args.distinct_rows:>9,} rows  {state} table  --jobs 1 {w1:6.2f} s ({r1:,.0f} rows/s, target >= 50,000)   "
                f"--jobs 2 {w2:6.2f} s ({r2:,.0f} rows/s)   speed-up {r2 / r1:.2f}x (target >= 1.8x)   "
                f"peak {rss1:.0f} MB ({pss1:.0f} MB PSS; --jobs 2: {pss2:.0f} MB PSS, all processes)"
            )
            if many:
                ratios = sorted(a / b for a, b in zip(warm_walls["1"], warm_walls["2"], strict=True))
                print(
                    f"{'':<10} median of {len(ratios)} pairs; every pair's speed-up: "
                    + " ".join(f"{r:.2f}x" for r in ratios)
                )
            print(
                f"{'':<10} engine evaluations {evaluated(e1):,} (--jobs 2: {evaluated(e2):,}, one memo per process) "
                f"for {questions:,} distinct questions"
            )
        if args.scale_rows:
            scale_pairs(args, tmp, out, task_ids, settings)
        tables = sorted(cache.glob("answers-*.sqlite"))
        print(f"answer table {sum(t.stat().st_size for t in tables) / 1e6:.1f} MB on disk after these runs")

        built = tmp / "built"
        os.environ["SCOPECHECK_CACHE_DIR"] = str(built)
        b_wall, b_rss, _, _ = timed([sys.executable, "-m", "scopecheck", "cache", "build"])
        size = sum(t.stat().st_size for t in built.glob("answers-*.sqlite*")) / 1e6
        print(
            f"cache build  every question of every state ahead of time: {b_wall:.1f} s, {size:.0f} MB, peak {b_rss:.0f} MB"
        )
        v_wall, v_rss, _, _ = timed([sys.executable, "-m", "scopecheck", "cache", "build", "--verdicts"])
        size = sum(t.stat().st_size for t in built.glob("answers-*.sqlite*")) / 1e6
        print(
            f"{'':<12} then --verdicts, every verdict folded and kept: {v_wall:.1f} s more, {size:.0f} MB in all, "
            f"peak {v_rss:.0f} MB"
        )
        os.environ["SCOPECHECK_CACHE_DIR"] = str(tmp / "built2")
        j_wall, j_rss, _, _ = timed([sys.executable, "-m", "scopecheck", "cache", "build", "--jobs", "2", "--verdicts"])
        print(
            f"{'':<12} both at once with --jobs 2, from an empty cache: {j_wall:.1f} s "
            f"(one process: {b_wall + v_wall:.1f} s), peak {j_rss:.0f} MB a process"
        )
        os.environ["SCOPECHECK_CACHE_DIR"] = str(cache)

        for rows in memory_rows:
            write_realistic(big, rows, seed=3)
            for extra in ((), ("--jobs", "2")) if rows == memory_rows[0] else ((),):
                m_wall, m_rss, m_pss, err = timed(batch_cmd(big, out, *extra), sample=True)
                jobs = " ".join(extra) or "default --jobs"
                print(
                    f"memory     {rows:>9,} rows  {m_wall:6.2f} s ({rows / m_wall:,.0f} rows/s, {jobs})   "
                    f"peak {m_pss:.0f} MB PSS all processes, largest process RSS {m_rss:.0f} MB (target <= 200 MB)   "
                    f"evaluations {evaluated(err):,}"
                )


if __name__ == "__main__":
    main()
