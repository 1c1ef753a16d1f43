"""Broken rule files fail loudly: each defect kind has a file in tests/broken/ whose first line
says the line number and message that `scopecheck rules validate` must report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from scopecheck.cli import cli
from scopecheck.data import Library
from scopecheck.validate import all_defects

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.toml"))


def data_dir_with(tmp_path: Path, state_file: Path) -> Path:
    """A copy of the real catalogues with one state file: what an analyst's edited copy looks like."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "states").mkdir()
    shutil.copy(state_file, tmp_path / "states" / "CA.toml")
    return tmp_path


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_is_reported_with_line_and_message(tmp_path: Path, broken: Path) -> None:
    expect = broken.read_text().splitlines()[0].removeprefix("# expect: ")
    data = data_dir_with(tmp_path, broken)
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "rules", "validate"])
    assert result.exit_code == 2, result.output
    line, _, message = expect.partition(": ")
    if line.isdigit():
        assert f"CA.toml:{line}:" in result.output, result.output
        assert message in result.output, result.output
    else:
        assert expect in result.output, result.output
    assert "Traceback" not in result.output


def test_a_broken_file_stops_a_check_with_one_line(tmp_path: Path) -> None:
    from scopecheck.cli import main

    data = data_dir_with(tmp_path, Path(__file__).parent / "broken" / "unknown_key.toml")
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(data), "check", "--state", "CA", "--task", "vital_signs"])
    assert exit_info.value.code == 2


def test_the_bundled_data_has_no_defect() -> None:
    defects = all_defects(Library(REPO))
    assert defects == [], "\n".join(map(str, defects))


def test_the_json_schema_exports() -> None:
    result = CliRunner().invoke(cli, ["rules", "schema"])
    assert result.exit_code == 0
    assert '"supervision"' in result.output and '"additionalProperties": false' in result.output
