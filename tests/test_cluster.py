"""Batch on a cluster engine: the Dask path gives the local batch's output, byte for byte once the
part files are put back together in order, error rows included; Parquet in and out."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_cli import run

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install '.[dask]'")

from scopecheck.interfaces.cli import cli

STATES = ["CA", "NY", "WA", "TX", "FL", "SC", "PA", "ZZ"]
TASKS = [
    "flu shot",
    "draw blood",
    "vital_signs",
    "injection_intramuscular",
    "x-ray",
    "flu shoot",
    "botox",
    "give injections",
    "draw blood and give flu shots",
]


def roster(path: Path, n: int) -> None:
    rng = random.Random(4)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "state", "task", "credentials", "supervision", "as_of", "note"])
        for i in range(n):
            w.writerow(
                [
                    i,
                    rng.choice(STATES),
                    rng.choice(TASKS),
                    rng.choice(["", "CMA", "none", "MA-C", ""]),
                    rng.choice(["", "direct", "general"]),
                    rng.choice(["", "2020-01-01", "2026-06-01", "2023-13-01"]),
                    rng.choice(["ok", "=1+1", "-5", ""]),
                ]
            )


def joined_parts(folder: Path) -> bytes:
    out = b""
    for i, part in enumerate(sorted(folder.glob("part-*.csv"))):
        data = part.read_bytes()
        out += data if i == 0 else data.split(b"\n", 1)[1]
    return out


def test_dask_with_two_workers_gives_the_local_output_byte_for_byte(tmp_path: Path) -> None:
    src = tmp_path / "roster.csv"
    roster(src, 20_000)
    runner = CliRunner()
    local = tmp_path / "local.csv"
    runner.invoke(cli, ["--data-dir", str(REPO), "batch", str(src), "-o", str(local), "--as-of", "2026-12-06"])
    result = runner.invoke(
        cli,
        [
            "--data-dir",
            str(REPO),
            "batch",
            str(src),
            "-o",
            str(tmp_path / "parts"),
            "--engine",
            "dask",
            "--jobs",
            "2",
            "--as-of",
            "2026-12-06",
        ],
    )
    assert result.exit_code == 0, result.output
    parts = sorted((tmp_path / "parts").glob("part-*.csv"))
    assert len(parts) >= 2  # the workers shared the rows
    assert joined_parts(tmp_path / "parts") == local.read_bytes()
    assert b",error," in local.read_bytes()  # error rows stay error rows, in place
    one = runner.invoke(
        cli,
        [*DASK_RUN, str(src), "-o", str(tmp_path / "one"), "--engine", "dask", "--jobs", "1", "--as-of", "2026-12-06"],
    )
    assert one.exit_code == 0, one.output  # the same part files for any --jobs (the partitions came from it)
    assert [p.read_bytes() for p in sorted((tmp_path / "one").glob("*"))] == [p.read_bytes() for p in parts]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


DASK_RUN = ["--data-dir", str(REPO), "batch"]

BROKEN = {
    "extra-field-first.csv": "id,state,task\n1,CA,flu shot,extra\n2,NY,draw blood\n",  # every column shifted
    "extra-field-later.csv": "id,state,task\n1,CA,flu shot\n2,NY,draw blood,x\n",
    "output-column.csv": "id,state,task,verdict\n1,CA,flu shot,approved-by-hr\n",  # dropped silently
    "row-column.csv": "id,_row,state,task\n1,xx,CA,flu shot\n",  # dropped silently
    "header-twice.csv": "id,state,task,state\n1,NY,flu shot,CA\n",  # renamed state.1
    "not-utf8.csv": "id,state,task\n1,CA,flu shot\n2\udcff,NY,draw blood\n",
    "unclosed-quote.csv": 'id,state,task\n1,CA,"flu shot\n2,NY,draw blood\n',
    "empty.csv": "",
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_file_dask_cannot_read_whole_is_one_line_and_nothing_written(tmp_path: Path, name: str) -> None:
    """Pandas took a first row with a field too many as an index (every column moved left) and
    dropped or renamed columns the local engine refuses; others were multi-line internal errors,
    and each left an empty folder that blocked the next run. Now: one line naming the file, exit
    2, and the output folder of an earlier run as it was."""
    src = tmp_path / name
    src.write_bytes(BROKEN[name].encode("utf-8", "surrogateescape"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00000.csv").write_text("an earlier run\n")
    code, stdout, err = run("batch", str(src), "-o", str(out), "--engine", "dask")
    assert code == 2 and not stdout and err.count("\n") == 1, err
    assert str(src) in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "out"])  # no staging folder left
    assert (out / "part-00000.csv").read_text() == "an earlier run\n" and len(list(out.iterdir())) == 1


def test_quoted_line_breaks_across_partitions_are_read_whole(tmp_path: Path) -> None:
    """A valid CSV whose quoted fields hold line breaks, large enough to be cut into partitions:
    Dask cut inside a field ("internal error: ParserError"). It is read as one partition."""
    src = tmp_path / "notes.csv"
    note = "two\nlines" + " of a long note" * 4  # long rows: fewer of them to pass two partitions' size
    src.write_text("id,state,task,note\n" + "".join(f'{i},CA,flu shot,"{note}"\n' for i in range(9_000)))
    assert src.stat().st_size > 2 * 256_000
    runner = CliRunner()
    local = tmp_path / "local.csv"
    runner.invoke(cli, [*DASK_RUN, str(src), "-o", str(local), "--as-of", "2026-12-06"])
    result = runner.invoke(
        cli, [*DASK_RUN, str(src), "-o", str(tmp_path / "parts"), "--engine", "dask", "--as-of", "2026-12-06"]
    )
    assert result.exit_code == 0, result.output
    assert joined_parts(tmp_path / "parts") == local.read_bytes()


def test_parquet_in_and_out(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    src = tmp_path / "roster.csv"
    roster(src, 300)
    frame = pandas.read_csv(src, dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "roster.parquet", index=False)
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(REPO),
            "batch",
            str(tmp_path / "roster.parquet"),
            "-o",
            str(tmp_path / "out"),
            "--engine",
            "dask",
            "--jobs",
            "2",
            "--as-of",
            "2026-12-06",
        ],
    )
    assert result.exit_code == 0, result.output
    out = pandas.concat(pandas.read_parquet(p) for p in sorted((tmp_path / "out").glob("part-*.parquet")))
    assert len(out) == 300 and list(out["id"]) == list(frame["id"])
    assert {"verdict", "reasons", "citations", "data_snapshot"} <= set(out.columns)
    assert set(out["verdict"]) <= {"allowed", "conditional", "prohibited", "unknown", "error"}
