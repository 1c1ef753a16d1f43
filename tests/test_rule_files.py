"""Broken rule files fail loudly: each defect kind has a file in tests/broken/ whose first line
says the line number and message that `scopecheck rules validate` must report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from scopecheck.decide.compiler import rule_set_defects
from scopecheck.interfaces.cli import cli
from scopecheck.law.library import Library

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
    from scopecheck.interfaces.cli import main

    data = data_dir_with(tmp_path, Path(__file__).parent / "broken" / "unknown_key.toml")
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(data), "check", "--state", "CA", "--task", "vital_signs"])
    assert exit_info.value.code == 2


def test_the_bundled_data_has_no_defect() -> None:
    defects = rule_set_defects(Library(REPO))
    assert defects == [], "\n".join(map(str, defects))


def test_the_json_schema_exports() -> None:
    result = CliRunner().invoke(cli, ["rules", "schema"])
    assert result.exit_code == 0
    assert '"supervision"' in result.output and '"additionalProperties": false' in result.output


def _copy_data(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "states", tmp_path / "states")
    return tmp_path


def _validate(data: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "rules", "validate", *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _validate_edited(tmp_path: Path, catalogue: str, old: str, new: str, *extra: str) -> tuple[int, str]:
    """`rules validate` on a copy of the data whose rules/<catalogue> has `old` (which must be there)
    replaced once by `new`."""
    data = _copy_data(tmp_path)
    path = data / "rules" / catalogue
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return _validate(data, *extra)


@pytest.mark.parametrize("no_examples", [False, True])
@pytest.mark.parametrize(
    "catalogue, old, new, message",
    [
        # one added synonym used to validate and then answer "tetanus shot" in NY as a blood draw
        (
            "tasks.toml",
            'synonyms = ["draw blood", ',
            'synonyms = ["tetanus-shot", "draw blood", ',
            "'tetanus shot' of 'immunization' already names 'venipuncture'",
        ),
        (
            "jurisdictions.toml",
            'synonyms = ["Calif.", "Cal."]',
            'synonyms = ["Calif.", "Cal.", "New York"]',
            "name 'New York' of 'NY' already names 'CA'",
        ),
        ("jurisdictions.toml", 'code = "CT"', 'code = "CA"', "duplicate code 'CA'"),
    ],
)
def test_catalogue_collisions_fail_validation(
    tmp_path: Path, catalogue: str, old: str, new: str, message: str, no_examples: bool
) -> None:
    code, out = _validate_edited(tmp_path, catalogue, old, new, *(["--no-examples"] if no_examples else []))
    assert code == 2 and message in out, out


@pytest.mark.parametrize("stray", ["states/CA.TOML", "states/notes.txt", "rules/extra.toml", "states/cases/ZZ.toml"])
def test_a_file_nothing_reads_is_named_never_skipped(tmp_path: Path, stray: str) -> None:
    data = _copy_data(tmp_path)
    (data / stray).parent.mkdir(exist_ok=True)
    (data / stray).write_text("# stray\n")
    code, out = _validate(data, "--no-examples")
    assert code == 2 and stray.split("/")[-1] in out, out


def test_engine_limits_are_reported_at_validate_time_with_the_file(tmp_path: Path) -> None:
    """A rule set past durable's limits is a validation error naming the state file, not an internal
    error at check time."""
    data = _copy_data(tmp_path)
    creds = "\n".join(
        f'[[credentials]]\nid = "X{i}"\nname = "Test credential {i}"\nkind = "permit"\n' for i in range(260)
    )
    with (data / "rules" / "credentials.toml").open("a") as f:
        f.write("\n" + creds)
    ca = data / "states" / "CA.toml"
    text = ca.read_text()
    anchor = '[rules.requires]\ncredentials = ["CA_XRAY_LIMITED_PERMIT"'
    assert anchor in text
    ca.write_text(
        text.replace(
            anchor,
            "[rules.requires]\ncredentials = ["
            + ", ".join(f'"X{i}"' for i in range(260))
            + ', "CA_XRAY_LIMITED_PERMIT"',
            1,
        )
    )
    code, out = _validate(data, "--no-examples")
    assert code == 2 and "CA.toml" in out and "limit" in out, out


def test_a_recalled_rule_may_claim_no_more_than_low_confidence(tmp_path: Path) -> None:
    """A rule encoded from memory rests on no text read: `confidence = "high"` with `basis = "recalled"`
    passed validation, and the verdict read "confidence high: an official text was read ... not verified:
    encoded without reading its source". Nine bundled rules claimed medium so; they are low now."""
    data = _copy_data(tmp_path)
    path = data / "states" / "CA.toml"
    text = path.read_text()
    start = text.index('id = "CA-vitals-01"')
    old = 'confidence = "low"'
    at = text.index(old, start)
    path.write_text(text[:at] + 'confidence = "high"' + text[at + len(old) :])
    code, out = _validate(data, "--no-examples")
    assert code == 2 and "rule 'CA-vitals-01' claims confidence 'high' but its basis is 'recalled'" in out, out
    assert out.count("basis is 'recalled'") == 1  # the bundled data has none


@pytest.mark.parametrize("task", ["billing", "schedule appointments", "flu shot"])
def test_a_task_renamed_in_the_catalogue_stops_every_check_with_one_line(tmp_path: Path, task: str) -> None:
    """`billing_coding` misspelt in rules/tasks.toml: "billing" was an internal KeyError, and other
    questions were answered from a baseline and a vocabulary naming a task no catalogue has."""
    from test_cli import run

    data = _copy_data(tmp_path)
    path = data / "rules" / "tasks.toml"
    path.write_text(path.read_text().replace('id = "billing_coding"', 'id = "billing_codng"', 1))
    code, out, err = run("--data-dir", str(data), "check", "--state", "CA", "--task", task)
    assert code == 2 and not out and err.count("\n") == 1 and "unknown task id 'billing_coding'" in err, err
    assert "internal error" not in err and "rules validate" in err


def test_a_verification_dated_after_today_is_a_defect(tmp_path: Path) -> None:
    """`last_verified = 2062-11-26` passed, and `show` printed it: a check not yet made."""
    data = _copy_data(tmp_path)
    path = data / "states" / "CA.toml"
    text = path.read_text()
    start = text.index("last_verified = ", text.index("[jurisdiction]"))
    end = text.index("\n", start)
    path.write_text(text[:start] + "last_verified = 2062-11-26" + text[end:])
    code, out = _validate(data, "--no-examples")
    assert code == 2 and "[jurisdiction.last_verified] last_verified 2062-11-26 is after today" in out, out


def test_an_impossible_date_and_a_byte_order_mark_are_said_as_such(tmp_path: Path) -> None:
    """`last_verified = 2026-13-01` was "TOML syntax: Expected newline or end of document", and a file
    saved with a byte-order mark "Invalid statement": the right line, but not what is wrong."""
    data = _copy_data(tmp_path)
    path = data / "states" / "CA.toml"
    text = path.read_text()
    start = text.index("last_verified = ", text.index("[jurisdiction]"))
    path.write_text(text[:start] + "last_verified = 2026-13-01" + text[text.index("\n", start) :])
    code, out = _validate(data, "--no-examples")
    assert code == 2 and "[last_verified] 2026-13-01 is not a date (month must be in 1..12)" in out, out
    settings = data / "rules" / "settings.toml"
    settings.write_bytes(b"\xef\xbb\xbf" + settings.read_bytes())
    code, out = _validate(data, "--no-examples")
    assert (
        code == 2 and "settings.toml:1: TOML syntax: Invalid statement (the file starts with a byte-order mark" in out
    )
