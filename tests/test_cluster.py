"""Batch on a cluster engine: the Dask path gives the local batch's output, byte for byte once the
part files are put back together in order, error rows included; Parquet in and out."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

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
