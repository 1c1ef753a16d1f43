"""The suite of bad inputs: every command, every kind of user mistake -> exit 2, one line that names
the file, row, field or key, no traceback. Batch rows that are bad become error rows instead."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_cli import run

from scopecheck.compiler import to_fact
from scopecheck.api import Checker

BIG = "x" * 100_000


def one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, (code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "Traceback" not in out
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize(
    "args, needles",
    [
        (["check", "--state", "CA", "--task", BIG], ["--task", "unknown task"]),
        (["check", "--state", BIG, "--task", "vitals"], ["--state", "unknown state"]),
        (["check", "--state", "CA", "--task", "vitals", "--setting", "moon base"], ["--setting", "unknown setting"]),
        (["check", "--state", "CA", "--task", "vitals", "--training", "yoga"], ["--training", "unknown training"]),
        (["check", "--state", "CA", "--task", "vitals", "--format", "xml"], ["'xml' is not one of"]),
        (["check", "--state", "CA", "--task", "vitals", "--as-of", "yesterday"], ["is not a date"]),
        (["check", "--state", "CA"], ["Missing option '--task'"]),
        (["check", "--state", "NY", "--task", "flu shot", "--credential", ""], ["--credential", "empty value"]),
        (["check", "--state", "CA", "--task", "flu shot", "--training", " "], ["--training", "empty value"]),
        (["compare", "--task", "vitals", "--states", "CA,ZZ"], ["--states", "unknown state 'ZZ'"]),
        (["hire", "--state", "CA", "--candidate", "/nonexistent.json", "--duty", "vitals"], ["/nonexistent.json"]),
        (["hire", "--state", "CA", "--candidate", "/nonexistent.json"], ["exactly one of --duty, --title or --posting"]),
        (["posting", "/nonexistent.txt"], ["/nonexistent.txt", "cannot read"]),
        (["batch", "/nonexistent.csv"], ["/nonexistent.csv", "cannot read"]),
        (["batch"], ["missing IN"]),
        (["show", "ZZ"], ["STATE", "unknown state 'ZZ'"]),
        (["rules", "validate", "ZZ"], ["STATES", "unknown state 'ZZ'"]),
        (["nosuchcommand"], ["No such command"]),
        (["--data-dir", "/nonexistent", "states"], ["not a scopecheck data directory"]),
    ],
)
def test_bad_arguments(args: list[str], needles: list[str]) -> None:
    one_line_error(*run(*args), *needles)


@pytest.mark.parametrize(
    "name, content, needles",
    [
        ("random.csv", os.urandom(3000).replace(b"\n", b""), ["random.csv"]),
        ("noheader.csv", b"\n\n", ["empty input"]),
        ("latin1-header.csv", "st\xe4te,task\nCA,vitals\n".encode("latin-1"), ["line 1: the header is not valid UTF-8"]),
        ("empty.jsonl", b"", ["empty input"]),
    ],
)
def test_unusable_batch_files(tmp_path: Path, name: str, content: bytes, needles: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    one_line_error(*run("batch", str(path)), *needles)


def test_bad_values_in_rows_are_error_rows_not_failures(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"state": "CA", "task": BIG}, {"state": "CA", "task": "vitals", "as_of": "2024-02-30"},
            {"state": "CA", "task": "vitals", "supervision": "close"}, {"state": "CA", "task": "vitals", "credentials": ["CMAA"]},
            {"state": None, "task": "vitals"}, {"state": "CA", "task": "vitals", "sid": "0"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out, err = run("batch", str(path))
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(rows)
    assert [r["verdict"] for r in results] == ["error"] * 5 + ["conditional"]
    assert "task: unknown task" in results[0]["reasons"][0] and "line 1" in results[0]["reasons"][0]
    assert "as_of: '2024-02-30' is not a date" in results[1]["reasons"][0]
    assert "supervision: 'close'" in results[2]["reasons"][0]
    assert "credentials: unknown credential 'CMAA'" in results[3]["reasons"][0]
    assert "state: empty" in results[4]["reasons"][0]


def test_no_user_value_reaches_the_engine_as_a_session_id(checker: Checker) -> None:
    """Facts are built from the normalized Query alone: a user's `sid` or any other key never
    reaches durable_rules (1,024 sessions per ruleset is a hard cap, then a crash)."""
    query = checker.query("CA", "vitals", credentials=["CMA"])
    _, compiled = checker.plan("CA")
    fact = to_fact(query, compiled)
    assert "sid" not in fact and set(fact) <= {"task", "as_of", "creds_known", "trains_known", "sup", "supervisor",
                                               "setting"} | compiled.cred_flags | compiled.train_flags


def test_invalid_utf8_posting_and_candidate(tmp_path: Path) -> None:
    posting = tmp_path / "job.txt"
    posting.write_bytes("Medical Assistant, Tampa, FL\nDraw blood \xe9\n".encode("latin-1"))
    code, out, err = run("posting", str(posting))
    assert code == 0 and "venipuncture" in out  # decoded as cp1252, read as usual
    candidate = tmp_path / "c.json"
    candidate.write_bytes(b'{"name": "\xff"}')
    one_line_error(*run("hire", "--state", "FL", "--candidate", str(candidate), "--duty", "vitals"), "not UTF-8")


def test_an_empty_credential_is_never_read_as_holds_none(tmp_path: Path) -> None:
    """`credentials: [""]` used to be a confident PROHIBITED (the empty set); now an error row."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "state": "NY", "task": "flu shot", "credentials": [""]}\n'
                   '{"id": 2, "state": "NY", "task": "flu shot", "credentials": []}\n'
                   '{"id": 3, "state": "NY", "task": "flu shot", "credentials": "none"}\n')
    out = tmp_path / "out.jsonl"
    run("batch", str(src), "-o", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["verdict"] == "error" and "empty value" in rows[0]["reasons"][0]
    assert rows[1]["verdict"] == "error" and "empty list" in rows[1]["reasons"][0]
    assert rows[2]["verdict"] == "prohibited"
