"""Batch: every input row has an output row, in order; bad rows become error rows; the output
file appears only when complete; parallel output equals serial output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_cli import run

from click.testing import CliRunner

from scopecheck import batch as batch_mod
from scopecheck.cli import cli
from scopecheck.api import Checker

DATA = Path(__file__).parent / "data" / "batch"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_bad_row_kinds_keep_every_row_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, stdout, stderr = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out))
    assert code == 1  # SD 2020 is prohibited
    rows = rows_of(out.read_text(encoding="utf-8", errors="surrogateescape"))
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 10)]
    verdict = {r["id"]: r["verdict"] for r in rows}
    assert verdict["1"] == "allowed" or verdict["1"] == "conditional"
    for bad, words in {"2": "unknown state 'ZZ'", "3": "unknown task 'flu shoot'", "4": "not a date",
                       "5": "broken CSV quoting", "7": "not valid UTF-8"}.items():
        assert verdict[bad] == "error", bad
        assert words in next(r for r in rows if r["id"] == bad)["reasons"], bad
    assert verdict["6"] in ("allowed", "conditional")
    assert (verdict["8"], verdict["9"]) == ("prohibited", "unknown")  # after the 2021 repeal SD is silent: unknown
    assert "9 rows:" in stderr and "error 5" in stderr
    assert rows[0]["note"] == "ok row", "passthrough columns are kept, the BOM is not part of the header"


def test_jsonl_in_and_out_keeps_extra_keys_and_bad_lines() -> None:
    code, stdout, _ = run("batch", str(DATA / "mixed.jsonl"))
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert len(lines) == 5
    assert lines[0]["verdict"] == "prohibited" and lines[1]["verdict"] == "prohibited"
    assert lines[2]["verdict"] == "error" and "not JSON" in lines[2]["reasons"][0]
    assert lines[3]["verdict"] == "error" and "expected a JSON object" in lines[3]["reasons"][0]
    assert lines[4]["extra"] == {"kept": True}


def test_missing_required_column_is_exit_2_naming_found_and_wanted(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,jurisdiction,duty\n1,CA,vitals\n")
    code, out, err = run("batch", str(path))
    assert code == 2 and "missing required column(s) state, task" in err and "found: id, jurisdiction, duty" in err


@pytest.mark.parametrize("content, message", [("", "empty input"), ("state,task,verdict\nCA,x,y\n", "output column")])
def test_unusable_inputs(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    code, out, err = run("batch", str(path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_interrupted_run_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.csv"

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_mod, "run", interrupted)
    code, stdout, stderr = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out))
    assert code == 130 and stderr.strip() == "scopecheck: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_parallel_output_equals_serial(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "state", "task", "credentials", "supervision"])
        tasks = ["flu shot", "draw blood", "vitals", "iv_start", "x-ray", "triage", "botox"]
        states = ["CA", "NY", "WA", "TX", "FL", "SD", "IL"]
        for i in range(batch_mod.CHUNK * 2 + 17):
            w.writerow([i, states[i % 7], tasks[(i // 7) % 7], ["CMA", "none", ""][i % 3], ["direct", "", "general"][i % 3]])
    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    assert run("batch", str(src), "-o", str(serial), "--jobs", "1")[0] in (0, 1)
    assert run("batch", str(src), "-o", str(parallel), "--jobs", "2")[0] in (0, 1)
    assert serial.read_bytes() == parallel.read_bytes()


def test_identical_questions_are_evaluated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = Checker()
    calls = []
    real = checker.engine.match
    monkeypatch.setattr(checker.engine, "match", lambda *a: calls.append(a) or real(*a))
    for words in ("flu shot", "vaccine", "immunization"):
        for creds in (["CMA"], ["CMA", "RMA"]):  # credentials no NY rule on the task tests
            checker.check("NY", words, credentials=creds)
    assert len(calls) == 1


def test_progress_is_silent_on_a_pipe() -> None:
    code, stdout, stderr = run("batch", str(DATA / "mixed.jsonl"))
    assert "\r" not in stderr and stderr.count("\n") == 1


def test_postings_batch_gives_one_result_per_posting(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Medical Assistant, Albany, NY 12207\nGive flu shots.\n")
    (tmp_path / "b.html").write_text("<h1>Medical Assistant</h1><p>Boise, ID 83702</p><ul><li>Take vital signs</li></ul>")
    (tmp_path / "c.txt").write_text("")
    code, out, err = run("batch", "--postings", str(tmp_path))
    results = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["source"]).name for r in results] == ["a.txt", "b.html", "c.txt"]
    assert results[0]["worst"] == "error" and results[1]["jurisdiction"] == "ID"
    assert results[2]["worst"] == "unreadable" and "empty posting" in results[2]["error"]
    assert code == 1


def test_stdin_to_stdout() -> None:
    result = CliRunner().invoke(cli, ["batch", "-", "--format", "jsonl"], input="state,task\nCA,vitals\nNY,flu shot\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["verdict"] for line in lines] == ["conditional", "prohibited"] and result.exit_code == 1
