"""Batch --columns (compact rows) and --verdicts (each distinct verdict once, keyed by a content
hash); and the one formatter that serves --jobs 1 and the workers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_batch import DATA, _varied_rows
from test_cli import run

from scopecheck.batch import rows as batch_io
from scopecheck.batch.rows import COLUMN_NAMES, OUTPUT


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


HEADER = ["id", "state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of", "note"]


def _write_inputs(tmp_path: Path, count: int = 3_000) -> tuple[Path, Path]:
    rows = _varied_rows(count)
    csv_src = tmp_path / "in.csv"
    with csv_src.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    jsonl_src = tmp_path / "in.jsonl"
    with jsonl_src.open("w") as f:
        for i, row in enumerate(rows):
            record = dict(zip(HEADER, row))
            if i % 11 == 0:
                record[f"extra{i % 3}"] = {"n": i}
            f.write(json.dumps(record) + "\n" if i % 500 else "not json\n")
    return csv_src, jsonl_src


def test_default_columns_are_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out))
    assert code == 1, err
    header = out.read_text(encoding="utf-8", errors="surrogateescape").split("\n", 1)[0].split(",")
    assert header[-len(OUTPUT) :] == list(OUTPUT) and "verdict_id" not in header


def test_columns_pick_output_columns_in_the_order_given(tmp_path: Path) -> None:
    full, compact = tmp_path / "full.csv", tmp_path / "compact.csv"
    run("batch", str(DATA / "bad-rows.csv"), "-o", str(full))
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(compact), "--columns", "confidence,verdict,rules")
    assert code == 1, err
    full_rows = rows_of(full.read_text(encoding="utf-8", errors="surrogateescape"))
    compact_text = compact.read_text(encoding="utf-8", errors="surrogateescape")
    assert compact_text.split("\n", 1)[0].endswith(",confidence,verdict,rules")
    compact_rows = rows_of(compact_text)
    assert len(compact_rows) == len(full_rows)
    for a, b in zip(full_rows, compact_rows):
        assert {k: a[k] for k in b} == b  # the same cells, fewer columns; input columns untouched


def test_columns_in_jsonl_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out), "--format", "jsonl", "--columns", "verdict")
    assert code == 1, err
    for line in out.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
        record = json.loads(line)
        assert "verdict" in record and not set(OUTPUT[1:]) & set(record)


@pytest.mark.parametrize(
    "names, words",
    [
        ("verdict,bogus", "'bogus'"),
        ("", "''"),
        ("verdict,,rules", "''"),
        ("verdict,verdict", "named twice"),
        ("Verdict", "'Verdict'"),
    ],
)
def test_bad_column_names_are_exit_2_naming_columns_and_the_allowed_names(
    tmp_path: Path, names: str, words: str
) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out), "--columns", names)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "--columns" in err and words in err and ", ".join(COLUMN_NAMES) in err
    assert not out.exists()


def test_verdict_id_column_needs_a_verdicts_file(tmp_path: Path) -> None:
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "--columns", "verdict,verdict_id")
    assert code == 2 and "--columns" in err and "--verdicts" in err and len(err.strip().splitlines()) == 1


def test_verdicts_file_holds_each_distinct_verdict_once(tmp_path: Path) -> None:
    csv_src, _ = _write_inputs(tmp_path)
    full, out, side = tmp_path / "full.csv", tmp_path / "out.csv", tmp_path / "verdicts.jsonl"
    run("batch", str(csv_src), "-o", str(full), "--jobs", "1")
    code, _, err = run("batch", str(csv_src), "-o", str(out), "--columns", "verdict", "--verdicts", str(side))
    assert code == 1, err
    rows = rows_of(out.read_text(encoding="utf-8", errors="surrogateescape"))
    assert list(rows[0]) == [*HEADER, "verdict", "verdict_id"]
    verdicts = [json.loads(line) for line in side.read_text(encoding="utf-8").splitlines()]
    by_id = {v["verdict_id"]: v for v in verdicts}
    assert len(by_id) == len(verdicts)  # once each
    assert set(by_id) == {r["verdict_id"] for r in rows}  # every id is there, none unused
    checked = [r for r in rows if r["verdict"] != "error"]
    assert len({r["verdict_id"] for r in checked}) < len(checked) / 2  # rows share verdicts
    for full_row, row in zip(rows_of(full.read_text(encoding="utf-8", errors="surrogateescape")), rows):
        v = by_id[row["verdict_id"]]
        assert set(v) == {"verdict_id", *OUTPUT} and v["verdict"] == row["verdict"] == full_row["verdict"]
        for column in ("reasons", "conditions", "citations", "rules"):  # the full explanation, as lists
            assert batch_io.csv_cell(" | ".join(v[column])) == full_row[column]
    errors = [v for v in verdicts if v["verdict"] == "error"]
    assert errors and all(v["reasons"][0].startswith("line ") for v in errors)  # an error row's own reason


def test_verdict_ids_are_stable_content_hashes(tmp_path: Path) -> None:
    csv_src, _ = _write_inputs(tmp_path, 500)
    ids = []
    for n in (1, 2):
        side = tmp_path / f"v{n}.jsonl"
        run("batch", str(csv_src), "-o", str(tmp_path / f"o{n}.csv"), "--verdicts", str(side))
        ids.append([json.loads(line)["verdict_id"] for line in side.read_text().splitlines()])
    assert ids[0] == ids[1]
    first = json.loads((tmp_path / "v1.jsonl").read_text().splitlines()[0])
    assert first["verdict_id"] == batch_io.verdict_id({k: v for k, v in first.items() if k != "verdict_id"})


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_jobs_1_and_2_write_the_same_bytes_with_columns_and_verdicts(tmp_path: Path, fmt: str) -> None:
    csv_src, jsonl_src = _write_inputs(tmp_path)
    for src in (csv_src, jsonl_src):
        outputs = []
        for jobs in ("1", "2"):
            out, side = tmp_path / f"{src.stem}-{jobs}.{fmt}", tmp_path / f"{src.stem}-{jobs}.verdicts"
            code, _, err = run(
                "batch",
                str(src),
                "-o",
                str(out),
                "--format",
                fmt,
                "--jobs",
                jobs,
                "--columns",
                "verdict_id,verdict,rules,confidence",
                "--verdicts",
                str(side),
            )
            assert code == 1, err
            outputs.append((out.read_bytes(), side.read_bytes()))
        assert outputs[0] == outputs[1], src.name


def test_verdicts_refuses_an_input_verdict_id_column_and_the_output_file(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("state,task,verdict_id\nCA,vitals,x\n")
    code, _, err = run("batch", str(src), "--verdicts", str(tmp_path / "v.jsonl"))
    assert code == 2 and "verdict_id" in err
    out = tmp_path / "out.csv"
    code, _, err = run("batch", str(DATA / "bad-rows.csv"), "-o", str(out), "--verdicts", str(out))
    assert code == 2 and "--verdicts" in err and not out.exists()


def test_one_formatter_serves_parent_and_workers() -> None:
    """The chunk text a worker sends is what the parent writes with --jobs 1: Formatter.chunk."""
    f = batch_io.Formatter("csv", ["id", "note"], ("verdict", "reasons"))
    rows = [batch_io.Row(2, {"id": "1", "note": "=cmd"}), batch_io.Row(3, {"id": "2", "note": "-5"})]
    result = {"verdict": "allowed", "reasons": ["+1", "ok"]}
    chunk = f.chunk(rows, [result, result])
    assert chunk.text == "1,'=cmd,allowed,'+1 | ok\n2,'-5,allowed,'+1 | ok\n"  # formula escaping in the worker
    assert chunk.rows == 2 and chunk.verdicts == {"allowed": 2}
