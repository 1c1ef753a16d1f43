"""Batch under signals, with real processes: the workers die with the parent (SIGTERM, SIGKILL,
Ctrl-C), SIGTERM is a clean stop (exit 143, one line, no temporary file), Ctrl-C prints no
traceback from a worker. Linux only: the workers are found through /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")

ROWS = 300_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "big.csv"
    states = ["CA", "NY", "WA", "TX", "FL", "SD", "IL", "NJ", "PA", "OH", "AZ"]
    tasks = ["flu shot", "draw blood", "vitals", "iv_start", "x-ray", "ekg", "venipuncture", "injection_intramuscular"]
    creds = ["CMA", "none", "", "RMA", "CCMA"]
    path.write_text(
        "id,state,task,credentials,supervision\n"
        + "".join(
            f"{i},{states[i % 11]},{tasks[i % 8]},{creds[i % 5]},{('direct', '', 'general')[i % 3]}\n"
            for i in range(ROWS)
        )
    )
    return path


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Running, not gone or a zombie (an orphaned zombie may wait for its reaper)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def as_a_terminals_job() -> None:
    """Ctrl-C reaches the process as it does a job started from a terminal: a suite started in the
    background (`pytest &`) runs with SIGINT ignored, which every child inherits and Python keeps."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(big_csv: Path, out: Path) -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "scopecheck", "batch", str(big_csv), "-o", str(out), "--jobs", "2"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=as_a_terminals_job,
    )  # its own process group, like a job in a shell
    deadline = time.monotonic() + 60
    while len(workers := children(proc.pid)) < 2:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "no worker processes appeared"
        time.sleep(0.01)
    return proc, workers


def wait_gone(pids: list[int], seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # do not leak them into the rest of the run
        os.kill(pid, signal.SIGKILL)
    return left


def test_sigterm_stops_cleanly_workers_and_temporary_file_included(big_csv: Path, tmp_path: Path) -> None:
    proc, workers = start(big_csv, tmp_path / "out.csv")
    time.sleep(0.5)  # well into the run
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert wait_gone(workers) == [], "a worker outlived its parent"
    assert proc.returncode == 143, err
    assert err.strip() == "scopecheck: terminated (SIGTERM)", err
    assert list(tmp_path.iterdir()) == [], "the temporary .partial file is left"


def test_sigkill_of_the_parent_takes_the_workers_with_it(big_csv: Path, tmp_path: Path) -> None:
    proc, workers = start(big_csv, tmp_path / "out.csv")
    time.sleep(0.3)
    proc.kill()
    proc.communicate(timeout=30)
    assert wait_gone(workers) == [], "a worker outlived its parent"


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.5])  # as the workers start, and in the middle of the run
def test_ctrl_c_is_one_line_without_a_worker_traceback(big_csv: Path, tmp_path: Path, delay: float) -> None:
    proc, workers = start(big_csv, tmp_path / "out.csv")
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground process group
    _, err = proc.communicate(timeout=30)
    assert wait_gone(workers) == []
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == 130 and err.strip() == "scopecheck: interrupted", err
    assert list(tmp_path.iterdir()) == []


def test_sigterm_of_a_serial_run_removes_the_temporary_file(big_csv: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "scopecheck", "batch", str(big_csv), "-o", str(tmp_path / "out.csv"), "--jobs", "1"],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size for p in tmp_path.glob(".out.csv.*.partial")):  # writing has begun
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1]
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143 and err.strip() == "scopecheck: terminated (SIGTERM)", err
    assert list(tmp_path.iterdir()) == []
