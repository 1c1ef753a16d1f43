"""The suite of bad inputs: every command, every kind of user mistake -> exit 2, one line that names
the file, row, field or key, no traceback. Batch rows that are bad become error rows instead."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from test_cli import run

from scopecheck.decide.checker import Checker
from scopecheck.decide.compiler import to_fact

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
        (["check", "--state", "Puerto Rico", "--task", "vitals"], ["--state", "see 'scopecheck states'"]),
        (
            ["check", "--state", "CA", "--task", "vitals", "--setting", "moon base"],
            ["--setting", "unknown setting", "see 'scopecheck tasks --settings'"],
        ),
        (["check", "--state", "CA", "--task", "vitals", "--credential", "zzzz"], ["scopecheck tasks --credentials"]),
        (
            ["check", "--state", "CA", "--task", "vitals", "--training", "yoga"],
            ["--training", "unknown training", "scopecheck tasks --trainings"],
        ),
        (["check", "--state", "CA", "--task", "vitals", "--format", "xml"], ["'xml' is not one of"]),
        (["check", "--state", "CA", "--task", "vitals", "--as-of", "yesterday"], ["is not a date"]),
        (["check", "--state", "CA"], ["Missing option '--task'"]),
        (["check", "--state", "NY", "--task", "flu shot", "--credential", ""], ["--credential", "empty value"]),
        (["check", "--state", "CA", "--task", "flu shot", "--training", " "], ["--training", "empty value"]),
        (["compare", "--task", "vitals", "--states", "CA,ZZ"], ["--states", "unknown state 'ZZ'"]),
        (["hire", "--state", "CA", "--candidate", "/nonexistent.json", "--duty", "vitals"], ["/nonexistent.json"]),
        (
            ["hire", "--state", "CA", "--candidate", "/nonexistent.json"],
            ["exactly one of --duty, --title or --posting"],
        ),
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
        ("random.csv", random.Random(3000).randbytes(3000).replace(b"\n", b""), ["random.csv"]),
        ("noheader.csv", b"\n\n", ["empty input"]),
        (
            "latin1-header.csv",
            "st\xe4te,task\nCA,vitals\n".encode("latin-1"),
            ["line 1: the header is not valid UTF-8"],
        ),
        ("empty.jsonl", b"", ["empty input"]),
    ],
)
def test_unusable_batch_files(tmp_path: Path, name: str, content: bytes, needles: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    one_line_error(*run("batch", str(path)), *needles)


def test_bad_values_in_rows_are_error_rows_not_failures(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        {"state": "CA", "task": BIG},
        {"state": "CA", "task": "vitals", "as_of": "2024-02-30"},
        {"state": "CA", "task": "vitals", "supervision": "close"},
        {"state": "CA", "task": "vitals", "credentials": ["CMAA"]},
        {"state": None, "task": "vitals"},
        {"state": "CA", "task": "vitals", "sid": "0"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    _code, out, _err = run("batch", str(path))
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
    compiled = checker.compiled("CA")
    fact = to_fact(query, compiled)
    assert (
        "sid" not in fact
        and set(fact)
        <= {"task", "as_of", "creds_known", "trains_known", "sup", "supervisor", "setting"}
        | compiled.cred_flags
        | compiled.train_flags
    )


def test_invalid_utf8_posting_and_candidate(tmp_path: Path) -> None:
    posting = tmp_path / "job.txt"
    posting.write_bytes("Medical Assistant, Tampa, FL\nDraw blood \xe9\n".encode("latin-1"))
    code, out, _err = run("posting", str(posting))
    assert code == 0 and "venipuncture" in out  # decoded as cp1252, read as usual
    candidate = tmp_path / "c.json"
    candidate.write_bytes(b'{"name": "\xff"}')
    one_line_error(*run("hire", "--state", "FL", "--candidate", str(candidate), "--duty", "vitals"), "not UTF-8")


def test_an_empty_credential_is_never_read_as_holds_none(tmp_path: Path) -> None:
    """`credentials: [""]` used to be a confident PROHIBITED (the empty set); now an error row."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "state": "NY", "task": "flu shot", "credentials": [""]}\n'
        '{"id": 2, "state": "NY", "task": "flu shot", "credentials": []}\n'
        '{"id": 3, "state": "NY", "task": "flu shot", "credentials": "none"}\n'
    )
    out = tmp_path / "out.jsonl"
    run("batch", str(src), "-o", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["verdict"] == "error" and "empty value" in rows[0]["reasons"][0]
    assert rows[1]["verdict"] == "error" and "empty list" in rows[1]["reasons"][0]
    assert rows[2]["verdict"] == "prohibited"


# ---- hostile JSON: a line that breaks the parser (or later the encoder) is one bad row, never the batch

HOSTILE_JSON = {
    "deep": "[" * 100_000,  # RecursionError in json.loads
    "long-int": '{"id": ' + "9" * 5000 + ', "state": "CA", "task": "vitals"}',  # ValueError: int-string limit
    "surrogate": '{"id": 2, "state": "CA", "task": "vitals", "note": "\\ud800"}',  # breaks UTF-8 output later
    "surrogate-key": '{"id": 2, "state": "CA", "task": "vitals", "\\udfff": 1}',
    "nested-600": '{"id": 2, "state": "CA", "task": "vitals", "note": ' + "[" * 600 + "]" * 600 + "}",  # pickling
    "nan": '{"id": NaN, "state": "CA", "task": "vitals"}',  # Python reads it; written back, no strict parser does
    "infinity": '{"id": 2, "state": "CA", "task": "vitals", "x": -Infinity}',
    "overflow": '{"id": 2, "state": "CA", "task": "vitals", "x": 1e999}',  # a float of Infinity
    "key-twice": '{"id": 2, "state": "NY", "task": "vitals", "state": "CA"}',  # the last won: asked about CA
}


def no_internal_error(code: int, out: str, err: str, *needles: str) -> None:
    one_line_error(code, out, err, *needles)
    assert "internal error" not in err, err


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("kind", HOSTILE_JSON)
def test_a_hostile_jsonl_line_is_an_error_row_with_its_line(tmp_path: Path, kind: str, fmt: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "state": "CA", "task": "vitals"}\n' + HOSTILE_JSON[kind] + "\n"
        '{"id": 3, "state": "NY", "task": "flu shot"}\n'
    )
    out = tmp_path / f"out.{fmt}"
    code, _, err = run("batch", str(src), "-o", str(out), "--format", fmt)
    assert code == 1, err  # row 3 is prohibited: the batch ran to the end
    text = out.read_text(encoding="utf-8")  # strict: the output is valid UTF-8
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
        reasons = [r["reasons"] for r in rows]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        reasons = [r["reasons"] for r in rows]
    assert [r["verdict"] for r in rows] == ["conditional", "error", "prohibited"], reasons
    assert "line 2" in str(reasons[1]), reasons[1]


def test_a_deeply_nested_value_does_not_stop_the_worker_processes(tmp_path: Path) -> None:
    """600 levels parse, but pickling the row for a worker process raised RecursionError."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "state": "CA", "task": "vitals"}\n' + HOSTILE_JSON["nested-600"] + "\n")
    _, out, err = run("batch", str(src), "--jobs", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] for r in rows] == ["conditional", "error"], err
    assert "line 2: refused JSON: nested more than 100 levels deep" in rows[1]["reasons"][0]


@pytest.mark.parametrize("kind", ["deep", "long-int", "surrogate"])
def test_a_hostile_line_in_a_postings_file_is_an_unreadable_result(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "postings.jsonl"
    good = json.dumps({"id": "a", "text": "Medical Assistant, Albany, NY 12207\nTake vital signs."})
    hostile = {
        "deep": "[" * 100_000,
        "long-int": '{"id": ' + "9" * 5000 + ', "text": "Take vital signs."}',
        "surrogate": '{"id": "b", "text": "Medical Assistant, Albany, NY\\nTake vital signs \\ud800"}',
    }[kind]
    src.write_text(good + "\n" + hostile + "\n" + good + "\n")
    out = tmp_path / "out.jsonl"
    _, _, err = run("batch", "--postings", str(src), "-o", str(out))
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["worst"] for r in results][1] == "unreadable" and len(results) == 3, err
    assert f"{src}:2" in results[1]["error"]


HOSTILE_CANDIDATES = {
    "deep.json": '{"name": ' + "[" * 100_000 + "}",
    "long-int.json": '{"name": "x", "credentials": [{"id": "CMA", "number": ' + "9" * 5000 + "}]}",
    "surrogate.json": '{"name": "x", "credentials": ["\\ud800"]}',
    "key-twice.json": '{"name": "J", "credentials": [{"id": "CMA_AAMA", "id": "none"}]}',  # read as holding none
    "deep.toml": "name = " + "[" * 100_000 + "\n",
    "long-int.toml": 'name = "x"\nnumber = ' + "9" * 5000 + "\n",
}


@pytest.mark.parametrize("name", HOSTILE_CANDIDATES)
def test_a_hostile_candidate_file_is_one_line_naming_it(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(HOSTILE_CANDIDATES[name])
    no_internal_error(*run("hire", "--state", "CA", "--candidate", str(path), "--duty", "vitals"), name)


# ---- slow inputs: limits with one line naming the file


def test_a_50000_column_header_is_refused_at_once_naming_the_file(tmp_path: Path) -> None:
    """It took 74 s (a quadratic duplicate check), then wrote a 50,000-column file."""
    import time

    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(["state", "task"] + [f"c{i}" for i in range(50_000)])
        + "\n"
        + ",".join(["CA", "vitals"] + ["x"] * 50_000)
        + "\n"
    )
    started = time.monotonic()
    no_internal_error(*run("batch", str(path), "-o", str(tmp_path / "out.csv")), "wide.csv", "50,002 columns", "1,000")
    assert time.monotonic() - started < 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.csv"]


def test_a_header_of_1000_columns_is_fine_and_duplicates_are_still_named(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(",".join(["state", "task"] + [f"c{i}" for i in range(998)]) + "\nCA,vitals\n")
    code, out, err = run("batch", str(path))
    assert code == 0 and len(out.splitlines()[0].split(",")) == 1007, err
    path.write_text("state,task,a,b,a\nCA,vitals,1,2,3\n")
    no_internal_error(*run("batch", str(path)), "duplicate column(s) a")


def test_jsonl_to_csv_with_more_than_1000_keys_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "many-keys.jsonl"
    path.write_text(
        json.dumps({"state": "CA", "task": "vitals"})
        + "\n"
        + json.dumps({"state": "CA", "task": "vitals", **{f"k{i}": i for i in range(1_000)}})
        + "\n"
    )
    no_internal_error(
        *run("batch", str(path), "-o", str(tmp_path / "out.csv"), "--format", "csv"),
        "many-keys.jsonl",
        "line 2",
        "1,000",
        "--format jsonl",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many-keys.jsonl"]
    code, out, err = run("batch", str(path), "--format", "jsonl")  # JSONL output has no columns to count
    assert code == 0 and len(out.splitlines()) == 2, err


BIG_POSTING = (
    "Medical Assistant, Albany, NY 12207\n" + "Take vital signs and draw blood. " * 8_000
)  # 256,000 characters


def test_a_posting_over_100000_characters_is_refused_with_one_line(tmp_path: Path) -> None:
    """A 250 kB posting cost 1.4 s of CPU and answered with 5.5 MB."""
    path = tmp_path / "huge.txt"
    path.write_text(BIG_POSTING)
    no_internal_error(*run("posting", str(path)), "huge.txt", "100,000 characters")
    page = tmp_path / "page.html"  # a real careers page is mostly markup: its text is what counts
    page.write_text(
        "<html><head><script>" + "var x = 1;\n" * 30_000 + "</script></head><body><h1>Medical Assistant</h1>"
        "<p>Albany, NY 12207</p><ul><li>Take vital signs</li></ul></body></html>"
    )
    code, out, err = run("posting", str(page))
    assert code == 0 and "vital" in out, err


def test_batch_postings_over_the_limit_are_unreadable_results(tmp_path: Path) -> None:
    folder = tmp_path / "postings"
    folder.mkdir()
    (folder / "a.txt").write_text("Medical Assistant, Albany, NY 12207\nTake vital signs.\n")
    (folder / "b.txt").write_text(BIG_POSTING)
    _, out, err = run("batch", "--postings", str(folder))
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["worst"] for r in results][1] == "unreadable" and "100,000 characters" in results[1]["error"], err
    lines = tmp_path / "postings.jsonl"
    lines.write_text(json.dumps({"id": "big", "text": BIG_POSTING}) + "\n")
    _, out, err = run("batch", "--postings", str(lines))
    assert json.loads(out)["worst"] == "unreadable" and "100,000 characters" in json.loads(out)["error"], err


# ---- days: YYYY-MM-DD everywhere, never another form read as some other day

NOT_DAYS = ["20260101", "2026W011", "2026-W01-1", "20260101.9", "2026-01-01T00:00", "0"]


@pytest.mark.parametrize("text", NOT_DAYS)
def test_a_day_not_written_yyyy_mm_dd_is_refused_by_check_and_batch(tmp_path: Path, text: str) -> None:
    """date.fromisoformat took "2026W011" as 2025-12-29 and "20260101.9" as New Year's Day, silently."""
    code, out, err = run("check", "--state", "NY", "--task", "draw blood", "--as-of", text)
    assert code == 2 and not out and f"'{text}' is not a date" in err
    src = tmp_path / "in.csv"
    src.write_text(f"id,state,task,as_of\n1,NY,draw blood,{text}\n2,NY,draw blood,2026-01-01\n")
    code, out, err = run("batch", str(src), "--columns", "verdict,reasons")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["verdict"] for r in rows] == ["error", "conditional"], err
    assert f"as_of: '{text}' is not a date" in rows[0]["reasons"]


def test_a_day_given_as_a_json_number_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "state": "NY", "task": "draw blood", "as_of": 20260101}\n')
    _, out, _ = run("batch", str(src), "--columns", "verdict,reasons")
    row = json.loads(out)
    assert row["verdict"] == "error" and "as_of: '20260101' is not a date" in row["reasons"][0]
    candidate = tmp_path / "c.json"
    candidate.write_text('{"name": "J", "credentials": [{"id": "CMA_AAMA", "issued": 0}]}')
    code, out, err = run("hire", "--state", "CA", "--candidate", str(candidate), "--duty", "vitals")
    assert code == 2 and not out and "issued" in err and err.count("\n") == 1, err


def test_a_carriage_return_between_json_tokens_keeps_the_line_one_row(tmp_path: Path) -> None:
    """To JSON a lone CR is whitespace; the JSONL reader split the line there, one valid object
    becoming two error rows, and every line number after it off by one."""
    src = tmp_path / "cr.jsonl"
    src.write_bytes(b'{"id": 1, "state": "CA",\r"task": "flu shot"}\n{"id": 2, "state": "NY", "task": "flu shot"}\n')
    _, out, err = run("batch", str(src), "--columns", "verdict")
    assert [json.loads(line)["verdict"] for line in out.splitlines()] == ["conditional", "prohibited"], err
    postings = tmp_path / "postings.jsonl"
    postings.write_bytes(b'{"id": "a",\r"text": "Medical Assistant, Albany, NY 12207\\nTake vital signs."}\n')
    out_file = tmp_path / "out.jsonl"
    run("batch", "--postings", str(postings), "-o", str(out_file))
    results = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert len(results) == 1 and results[0]["worst"] != "unreadable", results


@pytest.mark.parametrize(
    "args, said",
    [
        (("--scheduler", "tcp://10.0.0.1:8786"), "--scheduler applies to --engine dask"),
        (("--jobs", "3"), "--jobs and --input-format apply to rows (IN), not to --postings"),
        (("--input-format", "csv"), "--jobs and --input-format apply to rows (IN), not to --postings"),
    ],
)
def test_an_option_that_would_do_nothing_is_refused_not_ignored(
    tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    """A user who asked for a cluster, or for workers, was not told the option did nothing."""
    rows = tmp_path / "one.csv"
    rows.write_text("id,state,task\n1,CA,flu shot\n")
    postings = tmp_path / "p.jsonl"
    postings.write_text('{"id": "p", "text": "MA to give flu shots", "state": "CA"}\n')
    target = ("--postings", str(postings)) if "--scheduler" not in args else (str(rows),)
    code, out, err = run("batch", *target, *args)
    assert code == 2 and not out and said in err and err.count("\n") == 1


def test_a_folder_as_the_output_of_rows_is_refused_naming_it(tmp_path: Path) -> None:
    rows = tmp_path / "one.csv"
    rows.write_text("id,state,task\n1,CA,flu shot\n")
    code, out, err = run("batch", str(rows), "-o", str(tmp_path))
    assert code == 2 and not out and f"-o {tmp_path}: a folder; name a file" in err


@pytest.mark.parametrize(
    "redirect, said",
    [(">/dev/full", "stdout: cannot write: No space left on device"), (">&-", "stdout: closed")],
)
@pytest.mark.parametrize("command", ["check --state CA --task 'flu shot'", "batch {rows}", "states"])
def test_an_answer_that_cannot_be_written_is_one_line_naming_stdout(
    tmp_path: Path, command: str, redirect: str, said: str
) -> None:
    """`check >&-` printed its answer to nowhere and exited 0; `batch >&-` and `check >/dev/full`
    were internal errors."""
    import shlex
    import subprocess
    import sys

    rows = tmp_path / "one.csv"
    rows.write_text("id,state,task\n1,CA,flu shot\n")
    line = f"{shlex.quote(sys.executable)} -m scopecheck {command.format(rows=rows)} {redirect}"
    done = subprocess.run(["sh", "-c", line], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and said in done.stderr, done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (("tasks", "--settings", "--credentials"), "give one"),  # listed settings only
        (
            ("compare", "--task", "flu shot", "--link-base", "http://127.0.0.1:8000/"),
            "--link-base applies to --format svg",
        ),
        (("--log-names", "states"), "--log-names applies with --decision-log"),
        (("compare", "--task", "flu shot", "--states", ""), "--states: no state named"),  # meant all 51
        (("compare", "--task", "flu shot", "--states", " , "), "--states: no state named"),
    ],
)
def test_options_that_do_nothing_or_guess_are_refused(args: tuple[str, ...], said: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and not out and said in err and err.count("\n") == 1, err


def test_a_state_named_twice_is_asked_about_once() -> None:
    """`compare --states CA,CA` counted California twice, `rules test CA CA` ran its examples twice."""
    _, out, _ = run("compare", "--task", "flu shot", "--states", "CA,ca,California", "--format", "json")
    assert [r["jurisdiction"] for r in json.loads(out)] == ["CA"]
    once, twice = run("rules", "test", "CA")[1], run("rules", "test", "CA", "CA")[1]
    assert once.splitlines()[-1] == twice.splitlines()[-1]
