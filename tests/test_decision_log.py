"""Evidence: a data snapshot id on every verdict and a decision log that proves what was checked,
when, against which data; replay shows what a data update does to past answers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from scopecheck.decide.checker import Checker
from scopecheck.interfaces.cli import cli
from scopecheck.interfaces.decision_log import DecisionLog, read_log


def copy_data(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "rules", tmp_path / "data" / "rules")
    shutil.copytree(REPO / "states", tmp_path / "data" / "states")
    return tmp_path / "data"


def snapshot_in_new_process(data: Path) -> str:
    code = f"from scopecheck.law.library import Library; print(Library(__import__('pathlib').Path({str(data)!r})).snapshot)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_snapshot_is_stable_across_processes_and_changes_on_a_one_character_edit(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    first, second = snapshot_in_new_process(data), snapshot_in_new_process(data)
    assert first == second and first == Checker(data).lib.snapshot
    ca = data / "states" / "CA.toml"
    ca.write_text(ca.read_text().replace("California", "Californiа", 1))  # one character
    assert snapshot_in_new_process(data) != first
    v = Checker(data).check("CA", "vital_signs")
    assert v.data_snapshot == snapshot_in_new_process(data)


@pytest.mark.parametrize("suffix", [".db", ".jsonl"])
def test_every_decision_is_logged_with_its_input_and_snapshot(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"log{suffix}"
    runner = CliRunner()
    for args in (
        ["check", "--state", "NY", "--task", "flu shot", "--credential", "CMA"],
        ["check", "--state", "CA", "--task", "draw blood"],
    ):
        runner.invoke(cli, ["--data-dir", str(REPO), "--decision-log", str(path), *args])
    records = list(read_log(path))
    assert [(r.jurisdiction, r.input["task"], r.verdict) for r in records] == [
        ("NY", "immunization", "prohibited"),
        ("CA", "venipuncture", "conditional"),
    ]
    assert all(r.command == "check" and r.snapshot and len(r.id) == 32 for r in records)
    shown = runner.invoke(cli, ["log", "show", "--log", str(path), "--state", "NY", "--format", "json"])
    assert [d["verdict"] for d in json.loads(shown.output)] == ["prohibited"]


@pytest.mark.parametrize("suffix", [".db", ".jsonl"])
def test_a_batch_logs_every_row_it_decides_whatever_the_jobs(tmp_path: Path, suffix: str) -> None:
    """With --jobs 2 or 3 the workers decided every row and logged none: no log at all, no warning."""
    src = tmp_path / "in.csv"
    tasks = ["flu shot", "draw blood", "vital signs", "iv start", "ekg"]
    states = ["CA", "NY", "TX", "WA"]
    src.write_text("id,state,task\n" + "".join(f"{i},{states[i % 4]},{tasks[i % 5]}\n" for i in range(40)))
    logged = {}
    for jobs in ("1", "2", "3"):
        path = tmp_path / f"log{jobs}{suffix}"
        result = CliRunner().invoke(
            cli,
            [
                "--data-dir",
                str(REPO),
                "--decision-log",
                str(path),
                "batch",
                str(src),
                "--jobs",
                jobs,
                "-o",
                str(tmp_path / "o.csv"),
            ],
        )
        assert result.exit_code in (0, 1), result.output
        records = list(read_log(path))
        assert all(r.command == "batch" for r in records)
        logged[jobs] = sorted((json.dumps(r.input, sort_keys=True), r.verdict) for r in records)
    assert len(logged["1"]) == 40 and logged["1"] == logged["2"] == logged["3"]


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    """16 threads (as the web server's pool) and 2 processes append to one SQLite log at once."""
    path = tmp_path / "log.db"
    c = Checker(REPO)
    c.decision_log = DecisionLog(path, "serve")
    tasks = ["vital_signs", "venipuncture", "immunization", "ekg"] * 50
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda t: c.check("CA", t), tasks))
    script = (
        "import sys; from pathlib import Path; from scopecheck.decide.checker import Checker; "
        "from scopecheck.interfaces.decision_log import DecisionLog; c = Checker(Path(sys.argv[2])); "
        "c.decision_log = DecisionLog(Path(sys.argv[1]), 'batch'); [c.check('NY', 'ekg') for _ in range(100)]"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(REPO)]) for _ in range(2)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    records = list(read_log(path))
    assert len(records) == len(tasks) + 200 and len({r.id for r in records}) == len(records)


def test_a_log_told_at_once_that_the_file_is_locked_tries_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite can answer "database is locked" at once, without waiting out busy_timeout: the
    concurrent-writers test above lost one record of 400 so (a fresh-clone CI run, 2026-12-07)."""
    import sqlite3

    log = DecisionLog(tmp_path / "log.db", "check")
    real = log._connection
    refusals = [2]

    class Busy:
        def __init__(self, conn: sqlite3.Connection):
            self.conn = conn

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("INSERT") and refusals[0]:
                refusals[0] -= 1
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql, *args)

    monkeypatch.setattr(log, "_connection", lambda: Busy(real()))
    c = Checker(REPO)
    c.decision_log = log
    c.check("CA", "vital_signs")
    assert [r.input["task"] for r in read_log(tmp_path / "log.db")] == ["vital_signs"]
    assert "not written" not in capsys.readouterr().err and refusals == [0]


def test_a_log_that_cannot_be_written_is_a_warning_never_a_lost_verdict(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(REPO),
            "--decision-log",
            str(tmp_path / "no" / "such" / "x.db"),
            "check",
            "--state",
            "CA",
            "--task",
            "vitals",
        ],
    )
    assert result.exit_code == 0 and result.stdout.startswith("CONDITIONAL")
    assert "decision log" in result.stderr and "the verdict stands" in result.stderr


def test_replay_after_a_data_edit_lists_exactly_the_changed_decisions(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    path = tmp_path / "log.jsonl"
    runner = CliRunner()
    for state, task in (("NY", "venipuncture"), ("NY", "ekg"), ("CA", "venipuncture")):
        runner.invoke(
            cli, ["--data-dir", str(data), "--decision-log", str(path), "check", "--state", state, "--task", task]
        )
    same = runner.invoke(cli, ["--data-dir", str(data), "log", "replay", "--log", str(path)])
    assert same.exit_code == 0 and "0 of 3" in same.output
    ny = data / "states" / "NY.toml"  # the law changes: NY-blood-01 now forbids
    text = ny.read_text()
    start = text.index('id = "NY-blood-01"')
    block_end = text.index("[[rules]]", start) if "[[rules]]" in text[start:] else len(text)
    block = text[start:block_end]
    edited = block.replace('effect = "permit"', 'effect = "forbid"')
    edited = edited[: edited.index("[rules.requires]")] if "[rules.requires]" in edited else edited
    ny.write_text(text[:start] + edited + text[block_end:])
    changed = runner.invoke(cli, ["--data-dir", str(data), "log", "replay", "--log", str(path), "--format", "json"])
    rows = json.loads(changed.output)
    assert changed.exit_code == 1 and [(r["jurisdiction"], r["task"], r["now"]) for r in rows] == [
        ("NY", "venipuncture", "prohibited")
    ]


def test_a_hire_logs_the_candidate_name_only_when_asked(tmp_path: Path) -> None:
    candidate = tmp_path / "jane.toml"
    candidate.write_text('name = "Jane Roe"\ncredentials = [{ id = "CMA_AAMA", issued = 2024-01-01 }]\n')
    for flag, expect in (([], None), (["--log-names"], "Jane Roe")):
        log = tmp_path / f"log{len(flag)}.jsonl"
        CliRunner().invoke(
            cli,
            [
                "--data-dir",
                str(REPO),
                "--decision-log",
                str(log),
                *flag,
                "hire",
                "--state",
                "CA",
                "--candidate",
                str(candidate),
                "--duty",
                "vital_signs",
            ],
        )
        records = list(read_log(log))
        assert records and all(r.name == expect for r in records), records


def test_the_web_server_under_concurrent_load_logs_every_decision(tmp_path: Path) -> None:
    """`scopecheck serve` with a decision log: 300 questions from 12 threads over loopback, 300 records."""
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from test_web import served

    from scopecheck.interfaces.web.app import create_app

    c = Checker(REPO)
    c.decision_log = DecisionLog(tmp_path / "log.db", "serve")
    tasks = ["vital_signs", "venipuncture", "immunization", "ekg", "spirometry", "ear_lavage"] * 50
    with served(create_app(c)) as base, ThreadPoolExecutor(max_workers=12) as pool:

        def ask(task: str) -> int:
            with httpx.Client(base_url=base, timeout=30) as client:
                return client.get("/api/check", params={"state": "OH", "task": task}).status_code

        codes = list(pool.map(ask, tasks))
    assert codes == [200] * len(tasks)
    records = list(read_log(tmp_path / "log.db"))
    assert len(records) == len(tasks) and {r.command for r in records} == {"serve"}


DAMAGED = {
    "as_of": ("input", lambda i: {**i, "as_of": "2026-13-40"}),
    "supervision": ("input", lambda i: {**i, "supervision": "sometimes"}),
    "empty input": ("input", lambda i: {}),
    "verdict": ("verdict", "maybe"),
    "confidence": ("confidence", "certain"),
    "at": ("at", "not a time"),
    "rules": ("rules", "NY-tech-01"),
    "unknown task": ("input", lambda i: {**i, "task": "NOPE"}),
    "unknown credential": ("input", lambda i: {**i, "credentials": ["NOPE"]}),
}


@pytest.mark.parametrize("damage", DAMAGED)
@pytest.mark.parametrize("suffix", [".db", ".jsonl"])
def test_a_damaged_record_is_one_line_naming_it_in_show_and_replay(tmp_path: Path, suffix: str, damage: str) -> None:
    """A record edited by hand or written by another program was an internal error (KeyError,
    ValidationError, JSONDecodeError) in `log replay`, or shown as sound ("maybe", rules printed
    letter by letter)."""
    import sqlite3

    from test_cli import run

    path = tmp_path / f"log{suffix}"
    run("--decision-log", str(path), "check", "--state", "NY", "--task", "ekg")
    key, change = DAMAGED[damage]
    if suffix == ".jsonl":
        rec = json.loads(path.read_text())
        rec[key] = change(rec[key]) if callable(change) else change
        path.write_text(json.dumps(rec) + "\n")
    else:
        with sqlite3.connect(path) as conn:
            value = conn.execute(f"SELECT {key} FROM decisions").fetchone()[0]
            new = change(json.loads(value)) if callable(change) else change
            stored = json.dumps(new) if key in ("input", "rules") else new
            conn.execute(f"UPDATE decisions SET {key} = ?", (stored,))
    replay = run("log", "replay", "--log", str(path))
    show = run("log", "show", "--log", str(path))
    damaged_everywhere = damage not in ("unknown task", "unknown credential")  # those are sound records of other data
    for code, _, err in (replay, show) if damaged_everywhere else (replay,):
        assert code == 2 and err.count("\n") == 1 and str(path) in err and "internal error" not in err, err


def test_a_posting_logs_the_verdicts_its_report_shows_and_nothing_else(tmp_path: Path) -> None:
    """The posting check logged an internal probe (vital signs for a credential-free MA, which no
    report shows) and every supervisor and credential it tried, as if each had been asked."""
    from test_cli import run

    job = tmp_path / "job.txt"
    job.write_text("Medical Assistant, Albany, NY 12207\nDuties: draw blood; give flu shots.\n")
    log = tmp_path / "log.jsonl"
    code, out, _ = run("--decision-log", str(log), "posting", str(job), "--format", "json")
    assert code == 1  # New York forbids the flu shots
    shown = sorted((d["task"], d["verdict"]) for d in json.loads(out)["duties"] if d["verdict"])
    logged = sorted((r.input["task"], r.verdict) for r in read_log(log))
    assert shown and logged == shown
