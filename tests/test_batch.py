"""Batch: every input row has an output row, in order; bad rows become error rows; the output
file appears only when complete; parallel output equals serial output."""

from __future__ import annotations

import csv
import errno
import io
import itertools
import json
import os
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_cli import run

from scopecheck.batch import rows as batch_io
from scopecheck.batch import runner as batch_mod
from scopecheck.decide.checker import Checker
from scopecheck.interfaces.cli import cli

DATA = Path(__file__).parent / "data" / "batch"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_bad_row_kinds_keep_every_row_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _stdout, stderr = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out))
    assert code == 1  # SD 2020 is prohibited
    rows = rows_of(out.read_text(encoding="utf-8", errors="surrogateescape"))
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 10)]
    verdict = {r["id"]: r["verdict"] for r in rows}
    assert verdict["1"] == "allowed" or verdict["1"] == "conditional"
    for bad, words in {
        "2": "unknown state 'ZZ'",
        "3": "unknown task 'flu shoot'",
        "4": "not a date",
        "5": "broken CSV quoting",
        "7": "not valid UTF-8",
    }.items():
        assert verdict[bad] == "error", bad
        assert words in next(r for r in rows if r["id"] == bad)["reasons"], bad
    assert verdict["6"] in ("allowed", "conditional")
    assert (verdict["8"], verdict["9"]) == ("prohibited", "unknown")  # after the 2021 repeal SD is silent: unknown
    assert "9 rows:" in stderr and "error 5" in stderr
    assert rows[0]["note"] == "ok row", "passthrough columns are kept, the BOM is not part of the header"


def test_jsonl_in_and_out_keeps_extra_keys_and_bad_lines() -> None:
    _code, stdout, _ = run("batch", str(DATA / "mixed.jsonl"))
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert len(lines) == 5
    assert lines[0]["verdict"] == "prohibited" and lines[1]["verdict"] == "prohibited"
    assert lines[2]["verdict"] == "error" and "not JSON" in lines[2]["reasons"][0]
    assert lines[3]["verdict"] == "error" and "expected a JSON object" in lines[3]["reasons"][0]
    assert lines[4]["extra"] == {"kept": True}


def test_missing_required_column_is_exit_2_naming_found_and_wanted(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,jurisdiction,duty\n1,CA,vitals\n")
    code, _out, err = run("batch", str(path))
    assert code == 2 and "missing required column(s) state, task" in err and "found: id, jurisdiction, duty" in err


@pytest.mark.parametrize("content, message", [("", "empty input"), ("state,task,verdict\nCA,x,y\n", "output column")])
def test_unusable_inputs(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    code, _out, err = run("batch", str(path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_interrupted_run_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.csv"

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_mod, "run", interrupted)
    code, _stdout, stderr = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out))
    assert code == 130 and stderr.strip() == "scopecheck: interrupted"
    assert list(tmp_path.iterdir()) == []


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
    _code, _stdout, stderr = run("batch", str(DATA / "mixed.jsonl"))
    assert "\r" not in stderr and stderr.count("\n") == 1


def test_postings_batch_gives_one_result_per_posting(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Medical Assistant, Albany, NY 12207\nGive flu shots.\n")
    (tmp_path / "b.html").write_text(
        "<h1>Medical Assistant</h1><p>Boise, ID 83702</p><ul><li>Take vital signs</li></ul>"
    )
    (tmp_path / "c.txt").write_text("")
    code, out, _err = run("batch", "--postings", str(tmp_path))
    results = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["source"]).name for r in results] == ["a.txt", "b.html", "c.txt"]
    assert results[0]["worst"] == "error" and results[1]["jurisdiction"] == "ID"
    assert results[2]["worst"] == "unreadable" and "empty posting" in results[2]["error"]
    assert code == 1


def test_stdin_to_stdout() -> None:
    result = CliRunner().invoke(cli, ["batch", "-", "--format", "jsonl"], input="state,task\nCA,vitals\nNY,flu shot\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["verdict"] for line in lines] == ["conditional", "prohibited"] and result.exit_code == 1


# ---- -o: only ever a regular file, replaced atomically, keeping its mode; failures are one line


def one_line(code: int, stderr: str, *needles: str) -> None:
    assert code == 2, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    import socket

    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays


def _device(path: Path) -> None:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    except PermissionError:
        pytest.skip("creating a device node needs root")


@pytest.mark.parametrize("make, kind", [(_fifo, "a FIFO"), (_socket, "a socket"), (_device, "a character device")])
def test_output_onto_a_special_file_is_refused_and_left_alone(tmp_path: Path, make: object, kind: str) -> None:
    target = tmp_path / "special"
    make(target)  # type: ignore[operator]
    before = os.lstat(target)
    code, _, err = run("batch", str(DATA / "mixed.jsonl"), "-o", str(target))
    one_line(code, err, str(target), kind)
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["special"]  # no temporary file left


def test_output_through_a_symlink_writes_the_file_it_points_to(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    code, _, err = run("batch", str(DATA / "mixed.jsonl"), "-o", str(link))
    assert code == 1, err
    assert link.is_symlink() and os.readlink(link) == str(real), "the link is kept"
    assert len(real.read_text().splitlines()) == 5, "the output is in the file the link points to"
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(elsewhere / "new.jsonl")
    run("batch", str(DATA / "mixed.jsonl"), "-o", str(dangling))
    assert dangling.is_symlink() and len((elsewhere / "new.jsonl").read_text().splitlines()) == 5


def test_output_keeps_an_existing_files_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    existing = tmp_path / "existing.jsonl"
    existing.write_text("OLD CONTENT\n")
    existing.chmod(0o640)
    run("batch", str(DATA / "mixed.jsonl"), "-o", str(existing))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and "OLD" not in existing.read_text()
    umask = os.umask(0o027)
    try:
        run("batch", str(DATA / "mixed.jsonl"), "-o", str(tmp_path / "new.jsonl"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o640


def _many_rows(tmp_path: Path, rows: int) -> Path:
    src = tmp_path / "in.csv"
    src.write_text("id,state,task\n" + "".join(f"{i},CA,vitals\n" for i in range(rows)))
    return src


@pytest.mark.parametrize("rows", [1, 500])  # the error at the final flush, or in the middle of writing
def test_disk_full_is_one_line_naming_the_output_and_leaves_nothing(
    tmp_path: Path, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _many_rows(tmp_path, rows)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    real_fdopen = os.fdopen

    def onto_dev_full(fd: int, *args: object, **kwargs: object) -> object:
        full = os.open("/dev/full", os.O_WRONLY)  # every write: ENOSPC
        os.dup2(full, fd)
        os.close(full)
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(batch_io.os, "fdopen", onto_dev_full)
    code, _, err = run("batch", str(src), "-o", str(out_dir / "out.csv"))
    one_line(code, err, str(out_dir / "out.csv"), "No space left on device")
    assert list(out_dir.iterdir()) == []


def test_a_worker_that_cannot_write_its_chunk_is_one_line_naming_the_output_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --jobs 2 and -o, workers write their chunks into the output themselves: a full disk
    there is the same one line as in the parent."""
    src = _many_rows(tmp_path, 3_000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(batch_mod, "PARALLEL_BLOCK_CHARS", 4_000)
    monkeypatch.setattr(os, "pwrite", full)  # the workers are forked from this process
    code, _, err = run("batch", str(src), "-o", str(out_dir / "out.csv"), "--jobs", "2")
    one_line(code, err, str(out_dir / "out.csv"), "No space left on device")
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_writeback_of_the_whole_output_starts_before_its_final_sync(
    tmp_path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output file is synced before its rename; its writeback is started as it is written (by
    the parent, or by each worker for its chunks), so the sync waits for little: every byte of the
    file is asked for, once. The calls are logged to a file, since forked workers make them too."""
    src = _many_rows(tmp_path, 5_000)
    log, out = tmp_path / "writeback.log", tmp_path / "out.csv"

    def logged(fd: int, start: int, length: int, advice: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        with open(log, "a") as f:  # appends of one short line: whole, whoever writes
            f.write(f"{name}\t{start}\t{length}\t{advice}\n")

    monkeypatch.setattr(batch_io, "WRITEBACK_BYTES", 1)
    monkeypatch.setattr(batch_mod, "PARALLEL_BLOCK_CHARS", 4_000)
    monkeypatch.setattr(os, "posix_fadvise", logged)
    code, _, err = run("batch", str(src), "-o", str(out), "--jobs", jobs)
    assert code == 0, err
    calls = [line.split("\t") for line in log.read_text().splitlines()]
    assert {Path(name).name.endswith(".partial") for name, *_ in calls} == {True}
    assert {int(advice) for *_, advice in calls} == {os.POSIX_FADV_DONTNEED}
    spans = sorted((int(start), int(start) + int(length)) for _, start, length, _ in calls)
    header = len(out.read_bytes().split(b"\n", 1)[0]) + 1
    assert spans[0][0] == (0 if jobs == "1" else header)  # workers write after the parent's header
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))  # contiguous, no byte twice
    assert spans[-1][1] == out.stat().st_size
    assert len(spans) > 1


@pytest.mark.parametrize("errno_", [errno.EACCES, errno.EROFS])
def test_an_unwritable_directory_is_one_line_naming_the_output(
    tmp_path: Path, errno_: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(errno_, os.strerror(errno_), str(tmp_path / ".out.csv.x.partial"))

    monkeypatch.setattr(batch_io.tempfile, "mkstemp", refused)  # as root, chmod cannot make a directory read-only
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(tmp_path / "out.csv"))
    one_line(code, err, str(tmp_path / "out.csv"), os.strerror(errno_))


def test_a_read_only_existing_output_is_not_replaced(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write any file")
    target = tmp_path / "out.jsonl"
    target.write_text("keep\n")
    target.chmod(0o444)
    code, _, err = run("batch", str(DATA / "mixed.jsonl"), "-o", str(target))
    one_line(code, err, str(target), "Permission denied")
    assert target.read_text() == "keep\n"


def scopecheck_onto(stdout: IO[Any], *args: str, code: str = "", env: dict[str, str] | None = None) -> Any:
    """`scopecheck ARGS` in a process of its own, its stdout on `stdout` (a file the test opened as
    the shell would); `code` runs instead of `-m scopecheck` (to change the process first)."""
    return subprocess.run(
        [sys.executable, *(("-c", code) if code else ("-m", "scopecheck")), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )


def test_output_to_dev_stdout_is_refused_and_what_the_shell_wrote_stays(tmp_path: Path) -> None:
    """`{ echo header; scopecheck batch ... -o /dev/stdout; } >> log`: following the link to the log
    and renaming over it would drop the header."""
    log = tmp_path / "log.txt"
    log.write_text("header\n")
    with log.open("a") as stdout:
        proc = scopecheck_onto(stdout, "batch", str(DATA / "mixed.jsonl"), "-o", "/dev/stdout")
    one_line(proc.returncode, proc.stderr, "/dev/stdout", "'-o -'")
    assert log.read_text() == "header\n"


def test_stdout_on_a_full_disk_is_one_line() -> None:
    with open("/dev/full", "w") as full:
        proc = scopecheck_onto(full, "batch", str(DATA / "bad-rows.csv"))
    one_line(proc.returncode, proc.stderr, "stdout: cannot write: No space left on device")


# ---- JSONL in, CSV out: every input key is a column


def test_jsonl_to_csv_keeps_every_input_key_as_a_column_in_order_of_first_appearance(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    run("batch", str(DATA / "mixed.jsonl"), "-o", str(out), "--format", "csv")
    text = out.read_text()
    header = next(csv.reader(io.StringIO(text)))
    assert header == [
        "id",
        "state",
        "task",
        "credentials",
        "trainings",
        "extra",
        "verdict",
        "reasons",
        "conditions",
        "citations",
        "rules",
        "confidence",
        "data_snapshot",
    ], header
    rows = rows_of(text)
    assert [r["id"] for r in rows] == ["1", "2", "", "", "5"]
    assert rows[0]["credentials"] == "CMA" and rows[1]["trainings"] == "none"
    assert rows[4]["extra"] == '{"kept": true}' and rows[0]["extra"] == ""
    assert [r["verdict"] for r in rows] == ["prohibited", "prohibited", "error", "error", "conditional"]


def test_jsonl_to_csv_output_reads_back_as_the_same_questions(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 7, "state": "NY", "task": "flu shot", "credentials": ["CMA", "RMA"], "ok": true, "n": 1.5}\n'
        '{"state": "CA", "task": "vitals", "note": "x", "id": 8}\n'
    )
    first, again = tmp_path / "first.csv", tmp_path / "again.jsonl"
    run("batch", str(src), "-o", str(first), "--format", "csv")
    rows = rows_of(first.read_text())
    assert list(rows[0])[:6] == ["id", "state", "task", "credentials", "ok", "n"] and list(rows[0])[6] == "note"
    assert (rows[0]["id"], rows[0]["credentials"], rows[0]["ok"], rows[0]["n"]) == ("7", "CMA;RMA", "true", "1.5")
    assert (rows[1]["id"], rows[1]["note"], rows[1]["credentials"]) == ("8", "x", "")
    # its input columns are a valid batch input again, with the same verdicts
    reread = tmp_path / "reread.csv"
    with reread.open("w", newline="") as f:
        w = csv.DictWriter(f, ["id", "state", "task", "credentials"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    run("batch", str(reread), "-o", str(again), "--format", "jsonl")
    assert [json.loads(line)["verdict"] for line in again.read_text().splitlines()] == [r["verdict"] for r in rows]


def test_jsonl_stdin_to_csv_stdout_keeps_the_keys() -> None:
    result = CliRunner().invoke(
        cli,
        ["batch", "-", "--input-format", "jsonl", "--format", "csv"],
        input='{"id": "a1", "state": "CA", "task": "vitals"}\n',
    )
    assert rows_of(result.stdout)[0]["id"] == "a1", result.output


# ---- CSV records that span lines: a long note is one field; a broken quote is one error row


def _batch_csv(tmp_path: Path, text: str) -> list[dict[str, str]]:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(text)
    code, _, err = run("batch", str(src), "-o", str(out))
    assert code in (0, 1), err
    return rows_of(out.read_text())


def test_a_row_with_several_problems_names_the_first_in_a_fixed_order_on_every_row(tmp_path: Path) -> None:
    """The state, then the facts (supervision, supervisor, date, credentials, trainings, setting), then
    the task's words; a refusal met again names its own row's line."""
    text = (
        "state,task,supervision,credentials\n"
        "ZZ,no such task words,sometimes,nonsense\n"
        "CA,no such task words,sometimes,nonsense\n"
        "CA,no such task words,direct,nonsense\n"
        "CA,no such task words,sometimes,nonsense\n"
    )
    reasons = [r["reasons"] for r in _batch_csv(tmp_path, text)]
    assert reasons[0].startswith("line 2: state: ")
    assert reasons[1].startswith("line 3: supervision: 'sometimes'")
    assert reasons[2].startswith("line 4: credentials: ")
    assert reasons[3].startswith("line 5: supervision: 'sometimes'")


def test_rows_that_differ_in_one_question_cell_each_get_their_own_answer(tmp_path: Path) -> None:
    """A row asked before is answered from memory by all of its question's cells: rows that differ in
    one cell each (the date too), asked again in a later block, are answered as each is alone."""
    header = ["id", "state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of"]
    base = ["WA", "immunization", "", "", "general", "physician", "", "2024-01-01"]
    changes = [
        (0, "CA"),
        (1, "vital_signs"),
        (2, "WA_MA_C"),
        (3, "training_injections_10h"),
        (4, "direct"),
        (5, "np"),
        (6, "hospital_inpatient"),
        (7, "2022-01-01"),
    ]
    variants = [base] + [[*base[:at], value, *base[at + 1 :]] for at, value in changes]
    lines = [",".join(["x", *cells]) for cells in variants]
    filler = [",".join(["x", *base])] * (batch_io.BLOCK_CHARS // len(lines[0]) + 1)  # the repeats: a later block
    together = _batch_csv(tmp_path, "\n".join([",".join(header), *lines, *filler, *lines]) + "\n")
    alone = [_batch_csv(tmp_path, f"{','.join(header)}\n{line}\n")[0] for line in lines]
    assert together[: len(lines)] == alone and together[-len(lines) :] == alone
    assert alone[0]["verdict"] != alone[-1]["verdict"]  # the date alone changes the answer here


def test_a_quoted_field_of_200_lines_is_one_field(tmp_path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "state", "task", "note"])
    w.writerow(["1", "CA", "vitals", "\n".join(f"line {i}, with a comma" for i in range(200))])
    w.writerow(["2", "NY", "flu shot", "short"])
    rows = _batch_csv(tmp_path, buf.getvalue())
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "conditional"), ("2", "prohibited")]
    assert rows[0]["note"].count("\n") == 199


def test_an_unclosed_quote_at_the_end_is_one_error_row_not_one_per_line(tmp_path: Path) -> None:
    note = "\n".join(f"line {i}, more words" for i in range(200))
    rows = _batch_csv(tmp_path, f'id,state,task,note\n1,CA,vitals,ok\n2,NY,flu shot,"{note}\n')
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "conditional"), ("2", "error")]
    assert "line 3: broken CSV quoting (unclosed quote)" in rows[1]["reasons"] and "lines 3-202" in rows[1]["reasons"]


def test_a_broken_quote_keeps_the_rows_after_it_even_past_a_megabyte(tmp_path: Path) -> None:
    padding = "x" * 400
    rest = "".join(f"{i},CA,vitals,{padding}\n" for i in range(3, 3000))  # 1.2 MB: past the runaway guard
    rows = _batch_csv(tmp_path, f'id,state,task,note\n1,CA,vitals,ok\n2,NY,"flu shot,{padding}\n{rest}')
    assert len(rows) == 2999 and [r["id"] for r in rows[:3]] == ["1", "2", "3"]
    assert rows[1]["verdict"] == "error" and "broken CSV quoting" in rows[1]["reasons"]
    assert {r["verdict"] for r in rows[2:]} == {"conditional"}


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_the_limit_is_an_error_row_and_the_rows_around_it_are_kept(tmp_path: Path, quoted: bool) -> None:
    """A cell longer than MAX_FIELD is refused for its row alone, whether or not it is quoted (a
    quote-free block is read by splitting lines, a quoted one by the csv reader)."""
    long = "x" * (batch_io.MAX_FIELD + 1)
    cell = f'"{long}"' if quoted else long
    rows = _batch_csv(tmp_path, f"id,state,task,note\n1,CA,vitals,ok\n2,NY,flu shot,{cell}\n3,CA,vitals,ok\n")
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "conditional"), ("2", "error"), ("3", "conditional")]
    assert "line 3: a field is longer than 100,000 characters" in rows[1]["reasons"]


def test_a_multi_line_record_right_after_a_broken_one_is_kept(tmp_path: Path) -> None:
    text = 'id,state,task,note\n1,CA,"vitals,ok\n2,NY,flu shot,"two\nlines"\n3,CA,vitals,ok\n'
    rows = _batch_csv(tmp_path, text)
    assert [(r["id"], r["verdict"]) for r in rows] == [("1", "error"), ("2", "prohibited"), ("3", "conditional")]
    assert rows[1]["note"] == "two\nlines"


# ---- CSV formula injection (OWASP): a cell that a spreadsheet would run is prefixed with '

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-5", "@SUM(A1)", "\tx", "\rx"]


def test_batch_csv_output_neutralises_formulas_but_jsonl_keeps_them(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "state", "task", "=note"])
        for i, text in enumerate(FORMULAS):
            w.writerow([text, "CA", "vitals", f"{i}"])
    out = tmp_path / "out.csv"
    run("batch", str(src), "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode(), newline="")))
    assert rows[0][3] == "'=note"
    assert [r[0] for r in rows[1:]] == ["'" + t for t in FORMULAS]
    assert rows[1][4] == "conditional", "ordinary cells are untouched"
    jsonl = tmp_path / "out.jsonl"
    run("batch", str(src), "-o", str(jsonl), "--format", "jsonl")
    assert [json.loads(line)["id"] for line in jsonl.read_text().splitlines()] == FORMULAS


def test_jsonl_to_csv_and_postings_csv_neutralise_formulas(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": t, "state": "CA", "task": "vitals", "n": -5}) + "\n" for t in FORMULAS))
    out = tmp_path / "out.csv"
    run("batch", str(src), "-o", str(out), "--format", "csv")
    rows = rows_of(out.read_bytes().decode())
    assert [r["id"] for r in rows] == ["'" + t for t in FORMULAS] and rows[0]["n"] == "'-5"
    postings = tmp_path / "postings.jsonl"
    postings.write_text(
        json.dumps({"id": "=cmd|' /C calc'!A0", "text": "Medical Assistant, Albany, NY\nTake vital signs."}) + "\n"
    )
    run("batch", "--postings", str(postings), "-o", str(out), "--format", "csv")
    assert rows_of(out.read_bytes().decode())[0]["source"] == "'=cmd|' /C calc'!A0"


def test_every_csv_writer_uses_the_one_neutraliser() -> None:
    from scopecheck.csvsafe import csv_cell
    from scopecheck.interfaces.render import to_csv

    assert [csv_cell(t) for t in FORMULAS] == ["'" + t for t in FORMULAS]
    assert [csv_cell(v) for v in ("CA", "", None, 5, "a=b", "'=x")] == ["CA", "", "", "5", "a=b", "'=x"]
    assert to_csv([{"a": "=1+1", "b": ["-x", "y"], "c": None}]) == "a,b,c\n'=1+1,'-x;y,\n"
    _, out, _ = run("compare", "--task", "vitals", "--states", "CA", "--format", "csv")
    assert out.startswith("jurisdiction,verdict,")


def test_a_bare_carriage_return_in_a_cell_does_not_split_the_output_row(tmp_path: Path) -> None:
    """The csv module quotes only its line terminator's characters: 'a\\rb' went out unquoted, and
    every CSV reader saw two rows."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": 1, "state": "CA", "task": "vitals", "note": "a\rb"})
        + "\n"
        + json.dumps({"id": 2, "state": "CA", "task": "vitals", "note": "plain"})
        + "\n"
    )
    out = tmp_path / "out.csv"
    run("batch", str(src), "-o", str(out), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode(), newline="")))
    assert [(r["id"], r["note"]) for r in rows] == [("1", "a\rb"), ("2", "plain")]


# ---- --jobs 1 and --jobs 2 write the same bytes, on a varied file


def _varied_rows(count: int, seed: int = 5) -> list[list[str]]:
    import random

    from scopecheck.law.library import Library

    rng = random.Random(seed)
    lib = Library(REPO)
    states = [*lib.encoded_states(), "ZZ", "", "Calif.", "new york", "Texas"]
    tasks = (
        [t.id for t in lib.tasks.values()]
        + [s for t in lib.tasks.values() for s in t.synonyms][:60]
        + ["flu shoot", "", "suture a wound", "shot"]
    )
    creds = [*[c.id for c in lib.credentials.values()][:20], "none", "", "CMA;RMA", "CMAA", "CMA; MA-C"]
    settings = [s.id for s in lib.settings.values()] + ["", "moon base"]
    notes = ["", "ok", "=1+1", "-5", "multi\nline\nnote", "a, comma", 'a "quote"', "caf\u00e9", "tab\there", "cr\rhere"]
    rows = []
    for i in range(count):
        rows.append(
            [
                str(i),
                rng.choice(states),
                rng.choice(tasks),
                rng.choice(creds),
                rng.choice(["", "", "none", "training_injections_10h", "yoga"]),
                rng.choice(["", "none", "general", "direct", "personal", "close"]),
                rng.choice(["", "physician", "rn", "np", "pa", "boss"]),
                rng.choice(settings),
                rng.choice(["", "", "2019-06-01", "2022-06-01", "2024-02-30", "soon"]),
                rng.choice(notes),
            ]
        )
    return rows


def test_the_key_a_row_is_answered_by_is_its_querys_normalized_key() -> None:
    """A batch finds a row's answer by the KeyIndex key of what the row asks, without building its
    Query: that must be the key normalized_key gives the Query (validated), for every kind of row."""
    from datetime import date

    from scopecheck.errors import UserError

    checker = Checker(REPO, answer_table=False)
    rows = batch_mod.RowChecker(checker, date(2026, 1, 1))
    header = ["id", "state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of"]
    compared = 0
    for line in _varied_rows(2_000):
        values = dict(zip(header, line))
        try:
            code, task, _, _, facts = rows._asked(values)
        except UserError:
            continue
        assert checker.plan(code).keys.key(task, **facts) == checker.normalized_key(rows.query_for(values)), values
        compared += 1
    assert compared > 500, compared


def test_plain_lines_are_checked_and_written_as_their_rows_are() -> None:
    """A block of plain lines is kept as PlainRows (keys and texts, no Row each): checked by its keys
    and written line by line, it gives the results, the text, the counts and the --verdicts lines
    its Rows give through the general path, in chunks with error rows (written a row at a time) and
    without, met for the first time and again."""
    from datetime import date

    from scopecheck.batch.rows import Block, Formatter, PlainRows, block_rows
    from scopecheck.errors import UserError

    header = ["id", "state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of"]
    plain = [r[:9] for r in _varied_rows(3_000, seed=11) if not any(c in "".join(r[:9]) for c in ',"\r\n=+-@\t')]
    checker = Checker(REPO, answer_table=False)
    fast, general = (batch_mod.RowChecker(checker, date(2026, 1, 1)) for _ in range(2))

    def answered(row: list[str]) -> bool:
        try:
            general._asked(dict(zip(header, row)))
        except UserError:
            return False
        return True

    lines = [",".join(r) + "\n" for r in [*filter(answered, plain), *plain]]  # no error rows, then some
    columns = ("verdict_id", "verdict", "rules", "confidence")
    fast_out, general_out = Formatter("csv", header, columns), Formatter("csv", header, columns)
    without_errors = 0
    for start in [*range(0, len(lines), 40), *range(0, len(lines), 40)]:  # the second time: rows asked before
        rows = block_rows(Block(2 + start, lines[start : start + 40]), header)
        assert isinstance(rows, PlainRows)
        results = fast.check_all(rows)
        as_rows = rows.rows()
        assert results == general.check_all(as_rows)
        without_errors += all(r["verdict"] != "error" for r in results)
        a, b = fast_out.chunk(rows, results), general_out.chunk(as_rows, results)
        assert (a.rows, a.text, a.verdicts, a.lines) == (b.rows, b.text, b.verdicts, b.lines)
    assert len(plain) > 1_000 and without_errors > 10, (len(plain), without_errors)


@pytest.mark.parametrize("block_chars", [batch_mod.PARALLEL_BLOCK_CHARS, 3_000])
def test_jobs_1_and_jobs_2_write_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_chars: int
) -> None:
    """Workers read blocks of CSV lines themselves; the block with the broken record is read again
    by the parent's careful reader, with the blocks in flight after it (3,000 characters: many)."""
    monkeypatch.setattr(batch_mod, "PARALLEL_BLOCK_CHARS", block_chars)
    header = [
        "id",
        "state",
        "task",
        "credentials",
        "trainings",
        "supervision",
        "supervisor",
        "setting",
        "as_of",
        "note",
    ]
    rows = _varied_rows(5_000)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    text = buf.getvalue().split("\n")
    text[1000] = '1000,CT,"immunization,,,,,,,broken quote'  # a broken record, then rows again
    text[2500] = "2500,TX,vitals,,,,,,,extra,fields,here"
    csv_src = tmp_path / "in.csv"
    csv_src.write_bytes("\n".join(text).encode() + b"3000,CA,vitals,,,,,,,latin-1 caf\xe9\n")
    jsonl_src = tmp_path / "in.jsonl"
    with jsonl_src.open("w") as f:
        for i, row in enumerate(rows):
            record = dict(zip(header, row))
            if i % 7 == 0:
                record["credentials"] = record["credentials"].split(";") if record["credentials"] else []
            if i % 11 == 0:
                record[f"extra{i % 3}"] = {"n": i}
            f.write(json.dumps(record) + "\n" if i % 500 else "not json\n")
    for src, fmt in ((csv_src, "csv"), (csv_src, "jsonl"), (jsonl_src, "csv")):
        outputs = []
        for jobs in ("1", "2"):
            out = tmp_path / f"{src.stem}-{fmt}-{jobs}.out"
            code, _, err = run("batch", str(src), "-o", str(out), "--format", fmt, "--jobs", jobs)
            assert code == 1, err
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], (src.name, fmt)
        decoded = outputs[0].decode("utf-8", "surrogateescape")
        verdicts = Counter(
            r["verdict"]
            for r in (rows_of(decoded) if fmt == "csv" else map(json.loads, decoded.rstrip("\n").split("\n")))
        )
        assert len(verdicts) == 5 and sum(verdicts.values()) >= 5_000, verdicts  # every kind of verdict, every row


def test_a_broken_block_is_read_again_with_the_blocks_sent_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three workers start on the first three blocks at once; the first holds a broken quote, so
    the parent reads it again, carefully, with the two blocks already sent after it (their output
    dropped) and the rest of the input: the bytes of --jobs 1. The rest goes out in small chunks,
    so that every worker, including those holding the dropped blocks' bytes, writes some of it."""
    monkeypatch.setattr(batch_mod, "PARALLEL_BLOCK_CHARS", 400)
    monkeypatch.setattr(batch_mod, "CHUNK", 40)
    lines = ["id,state,task,note"] + [f"{i},{'CA' if i % 2 else 'NY'},vitals,n{i}" for i in range(1, 400)]
    lines[3] = '3,TX,"vitals,broken"x'  # balanced quotes: the block ends where it would
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n")
    outputs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"out-{jobs}.csv"
        code, _, err = run("batch", str(src), "-o", str(out), "--jobs", jobs)
        assert code == 0, err
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]
    written = rows_of(outputs[1])
    assert len(written) == 399 and written[2]["verdict"] == "error" and "broken CSV quoting" in written[2]["reasons"]
    assert [r["id"] for r in written] == [str(i) for i in range(1, 400)]


_FULL_DISK_AT = """
import errno, os, sys, time
real, at = os.pwrite, int(os.environ["FAIL_AT"])
def pwrite(fd, data, offset):
    if offset == at:
        time.sleep(0.5)  # slow to fail: places sent meanwhile would have their chunks written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real(fd, data, offset)
os.pwrite = pwrite  # the forked workers inherit it
from scopecheck.interfaces.cli import main
sys.exit(main())
"""


def _batch_onto(out: IO[bytes], src: Path, jobs: str, fail_at: int = -1) -> Any:
    """`scopecheck batch SRC --jobs N` onto `out`, a chunk's write at byte `fail_at` failing with a
    full disk."""
    env = {"FAIL_AT": str(fail_at), "SCOPECHECK_NO_CACHE": "1"}
    return scopecheck_onto(out, "batch", str(src), "--jobs", jobs, code=_FULL_DISK_AT, env=env)


def test_workers_write_a_stdout_file_in_order_after_what_was_there(tmp_path: Path) -> None:
    """stdout on a regular file (`{ echo pre; scopecheck batch ... --jobs 2; echo post; } > out`): the
    workers write their chunks into it at their places, after what was there, and the file's offset
    ends after the output (what the shell writes next follows it). The places go out one at a time,
    each once the chunk before it is written: when a write fails, the file holds a whole prefix of
    the output, never a later chunk after a gap."""
    lines = ["id,state,task"] + [f"{i},{('CA', 'NY', 'TX')[i % 3]},flu shot" for i in range(20_000)]  # ~7 blocks
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n")
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    with one.open("wb") as out:
        assert _batch_onto(out, src, "1").returncode == 1  # done; some rows are prohibited
    two.write_bytes(b"pre\n")
    with two.open("r+b") as out:  # the shell's file: its one offset is shared with the batch
        out.seek(0, os.SEEK_END)
        proc = _batch_onto(out, src, "2")
        assert proc.returncode == 1, proc.stderr
        os.write(out.fileno(), b"post\n")
    assert two.read_bytes() == b"pre\n" + one.read_bytes() + b"post\n"
    appended = tmp_path / "appended.csv"  # `>>`: an appending write ignores its place; the parent writes
    appended.write_bytes(b"pre\n")
    with appended.open("ab") as out:
        assert _batch_onto(out, src, "2").returncode == 1
    assert appended.read_bytes() == b"pre\n" + one.read_bytes()
    failed = tmp_path / "failed.csv"
    header = one.read_bytes().index(b"\n") + 1
    with failed.open("wb") as out:
        proc = _batch_onto(out, src, "2", fail_at=header)  # the first chunk's write fails
    one_line(proc.returncode, proc.stderr, "stdout", "No space left on device")
    written = failed.read_bytes()
    assert b"\0" not in written and one.read_bytes().startswith(written), written[:200]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_workers_bytes_on_stdout_are_the_bytes_of_one_process(tmp_path: Path, fmt: str) -> None:
    """Workers encode their chunks and the parent writes the bytes as they come, after the header it
    wrote as text: on stdout too, the bytes of --jobs 1 (a non-ASCII cell and a byte that is not
    UTF-8 included)."""
    lines = ["id,state,task,note"] + [f"{i},{('CA', 'NY', 'TX')[i % 3]},flu shot,caf\u00e9 {i}" for i in range(5_000)]
    src = tmp_path / "in.csv"
    src.write_bytes(("\n".join(lines) + "\n").encode() + b"5000,CA,vitals,latin-1 caf\xe9\n")
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            cli, ["--data-dir", str(REPO), "batch", str(src), "-o", "-", "--format", fmt, "--jobs", jobs]
        )
        assert result.exit_code == 1, result.stderr
        outputs.append(result.stdout_bytes)
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") >= 5_001 and "caf\u00e9 4999".encode() in outputs[0]


def test_a_batch_of_rows_loads_no_posting_reader(tmp_path: Path) -> None:
    """Start-up is paid by every batch: the posting reader (its patterns cost about 65 ms to compile)
    is loaded only for --postings."""
    src = tmp_path / "in.csv"
    src.write_text("state,task\nCA,vital_signs\n")
    watch = (
        "import sys\nfrom scopecheck.interfaces.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
        "    print('posting reader loaded' if 'scopecheck.hr.posting' in sys.modules else 'not loaded', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", watch, "--data-dir", str(REPO), "batch", str(src), "-o", str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr.strip().endswith("not loaded"), done.stderr


def test_a_run_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    """One process collects less often during a run (and freezes what is loaded); a program that
    calls batch from Python gets its collector back as it was."""
    import gc

    src = tmp_path / "in.csv"
    src.write_text("state,task\nCA,vital_signs\nNY,flu shot\n")
    threshold = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    code, _, err = run("batch", str(src), "-o", str(tmp_path / "out.csv"), "--jobs", "1")
    assert code == 1, err
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, 0)  # what it froze is unfrozen
    gc.freeze()  # a caller's own frozen objects stay frozen
    try:
        frozen = gc.get_freeze_count()
        code, _, err = run("batch", str(src), "-o", str(tmp_path / "out.csv"), "--jobs", "1")
        assert code == 1, err
        assert gc.get_threshold() == threshold and gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()


def test_a_big_roster_is_checked_in_one_process_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One process unless --jobs asks for more, for memory (two workers made a realistic 1,000,000 rows
    about 1.5x faster, in more memory: their pages are their own once written)."""
    src = tmp_path / "big.csv"
    note = "x" * 120
    with src.open("w") as f:
        f.write("id,state,task,credentials,note\n")
        for i in range(64_000):
            f.write(f"{i},{('CA', 'NY', 'TX', 'FL')[i % 4]},{('vital_signs', 'flu shot')[i % 2]},CMA,{note}\n")
    assert src.stat().st_size > 9_000_000

    def no_workers(*args: object, **kwargs: object) -> None:
        raise AssertionError("worker processes started without --jobs")

    monkeypatch.setattr(batch_mod, "_Workers", no_workers)
    code, _, err = run("batch", str(src), "-o", str(tmp_path / "out.csv"))
    assert code == 1 and "64000 rows" in err, err


def test_understood_task_says_which_task_each_rows_words_were_read_as(tmp_path: Path) -> None:
    """--columns understood_task: the task the one matcher reads the row's words as (what `check`
    answers for), empty on an error row; not a default column, and not part of the verdict: the
    --verdicts lines are the verdict's alone, as without it."""
    words = ["Botox injections", "give a flu shot", "take blood pressures", "vital_signs", "call in a refill"]
    src, out, verdicts = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "verdicts.jsonl"
    src.write_text("state,task\n" + "".join(f"CA,{w}\n" for w in words) + "ZZ,vitals\n")
    code, _, err = run(
        "batch", str(src), "-o", str(out), "--columns", "understood_task,verdict", "--verdicts", str(verdicts)
    )
    assert code in (0, 1), err
    rows = rows_of(out.read_text())
    matcher = Checker(REPO).resolver.matcher
    assert [r["understood_task"] for r in rows[:-1]] == [matcher.task(w) for w in words]
    assert rows[-1]["verdict"] == "error" and rows[-1]["understood_task"] == ""
    assert all("understood_task" not in json.loads(line) for line in verdicts.read_text().splitlines())
    two, two_verdicts = tmp_path / "two.csv", tmp_path / "two.jsonl"
    run(
        "batch",
        str(src),
        "-o",
        str(two),
        "--columns",
        "understood_task,verdict",
        "--verdicts",
        str(two_verdicts),
        "--jobs",
        "2",
    )
    assert two.read_bytes() == out.read_bytes() and two_verdicts.read_bytes() == verdicts.read_bytes()
    logged, log = tmp_path / "logged.csv", tmp_path / "decisions.jsonl"  # every row decided and logged
    run("--decision-log", str(log), "batch", str(src), "-o", str(logged), "--columns", "understood_task,verdict")
    assert logged.read_text().splitlines() == [line.rsplit(",", 1)[0] for line in out.read_text().splitlines()]
    assert len(log.read_text().splitlines()) == len(words)
    plain = tmp_path / "plain.csv"
    run("batch", str(src), "-o", str(plain), "--verdicts", str(tmp_path / "v2.jsonl"))
    assert "understood_task" not in plain.read_text().splitlines()[0]
    assert (tmp_path / "v2.jsonl").read_text() == verdicts.read_text()


def test_workers_writing_a_stdout_file_in_order_hold_a_bounded_number_of_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In order, a worker writes a chunk only between two of its own, so the chunks checked and not
    yet written pile up unless the parent stops handing out work: it does so at 4 * jobs of them.
    Counted in the parent: pieces sent less writes done (each piece's bytes are held until written)."""
    from datetime import date

    lines = ["id,state,task"] + [f"{i},{('CA', 'NY', 'TX')[i % 3]},flu shot" for i in range(20_000)]
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(batch_mod, "PARALLEL_BLOCK_CHARS", 2_000)  # about 200 chunks
    outstanding, most = [0], [0]

    class Counted:
        """A worker's pipe, counting the pieces sent and the writes reported."""

        def __init__(self, conn: Any):
            self.conn = conn

        def fileno(self) -> int:
            return int(self.conn.fileno())

        def send(self, message: object) -> None:
            if isinstance(message, (list, batch_io.Block)):
                outstanding[0] += 1
                most[0] = max(most[0], outstanding[0])
            self.conn.send(message)

        def recv(self) -> Any:
            message = self.conn.recv()
            if message[0] in ("wrote", "careful", "error"):
                outstanding[0] -= 1
            return message

        def __getattr__(self, name: str) -> Any:
            return getattr(self.conn, name)

    real_init = batch_mod._Workers.__init__

    def counted_init(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self.conns = [Counted(c) for c in self.conns]

    monkeypatch.setattr(batch_mod._Workers, "__init__", counted_init)
    monkeypatch.setattr(batch_mod, "Connection", Counted)
    with src.open(newline="") as stream, (tmp_path / "out.csv").open("w", newline="") as out:
        header, rows = batch_io.csv_rows(stream, str(src))
        formatter = batch_io.Formatter("csv", header)
        sink = batch_io.Sink(out, formatter)  # not the run's own file: stdout's case, in order
        summary = batch_mod.run(
            rows,
            formatter,
            sink,
            checker=Checker(),
            jobs=2,
            default_as_of=date.today(),
            progress=batch_mod.Progress(sys.stderr, False),
        )
        sink.close()
        assert sink.in_order
    assert summary.rows == 20_000 and outstanding[0] == 0
    assert most[0] <= 4 * 2, most  # 4 * jobs waiting, counting those being checked


def test_a_row_whose_words_name_another_state_is_an_error_row_naming_both(tmp_path: Path) -> None:
    """A tuned set's question naming Florida (holdout12), in a row for Florida and one for California:
    the first is answered, the second is an error row that says which state the words name; the API
    and the page ask it back likewise."""
    from fastapi.testclient import TestClient

    from scopecheck.decide.checker import Checker
    from scopecheck.interfaces.web.app import create_app

    words = "Can medical assistants start IVs in Florida?"
    src = tmp_path / "in.csv"
    src.write_text(f'state,task\nFL,"{words}"\nCA,"{words}"\n')
    _, out, _ = run("batch", str(src), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["verdict"] != "error" for r in rows] == [True, False], rows
    assert "the words name Florida (FL), not California (CA)" in rows[1]["reasons"][0], rows[1]
    client = TestClient(create_app(Checker(REPO)))
    api = client.get("/api/check", params={"state": "CA", "task": words})
    assert api.status_code == 400 and "Florida (FL)" in api.text, api.text
    page = client.get("/", params={"state": "CA", "task": words, "listed": "CA"})
    assert page.status_code == 400 and "the words name Florida (FL), not California (CA)" in page.text
