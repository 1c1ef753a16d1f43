"""The command line, end to end: exit codes, the JSON contract, one-line errors, a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from scopecheck.interfaces.cli import main

JSON_KEYS = {
    "jurisdiction",
    "task",
    "task_input",
    "verdict",
    "reasons",
    "conditions",
    "citations",
    "rules",
    "confidence",
    "confidence_meaning",
    "basis",
    "last_verified",
    "disclaimer",
}
SOURCE_KINDS = {
    "statute",
    "regulation",
    "board_guidance",
    "ag_opinion",
    "court",
    "bill",
    "secondary",
    "advocacy",
    "news",
    "forum",
    "unofficial_copy",
}


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper(ctx: click.Context) -> None:
    main(["--data-dir", str(REPO), *ctx.args])


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process through main(), the same entry point as the console script."""
    result = CliRunner().invoke(main_wrapper, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ny_flu_shot_by_a_cma_is_prohibited_and_cites_new_york() -> None:
    code, out, _ = run("check", "--state", "NY", "--task", "flu shot", "--credential", "CMA_AAMA", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["verdict"] == "prohibited"
    assert data["jurisdiction"] == "NY" and data["task"] == "immunization" and data["task_input"] == "flu shot"
    assert any("NYSED" in c["cite"] or "N.Y." in c["cite"] for c in data["citations"])


def test_ca_flu_shot_is_conditional_listing_supervision_and_training() -> None:
    code, out, _ = run("check", "--state", "CA", "--task", "flu shot")
    assert code == 0
    assert out.startswith("CONDITIONAL")
    conditions = out.split("Conditions", 1)[1].split("Also required", 1)[0]
    assert "supervision at least direct" in conditions
    assert "injection and skin-test training" in conditions


def test_ca_im_injection_under_general_supervision_is_prohibited() -> None:
    code, out, _ = run("check", "--state", "CA", "--task", "injection_intramuscular", "--supervision", "general")
    assert code == 1
    assert out.startswith("PROHIBITED")
    assert "stated supervision: general" in out


def test_json_contract_keys_and_types() -> None:
    _code, out, _ = run("check", "--state", "California", "--task", "draw blood", "--format", "json")
    data = json.loads(out)
    assert set(data) >= JSON_KEYS
    assert all(set(c) == {"cite", "url", "kind", "official"} for c in data["citations"])
    assert all(c["kind"] in SOURCE_KINDS for c in data["citations"])
    assert data["confidence"] in ("high", "medium", "low")
    assert data["confidence_meaning"].startswith(data["confidence"] + ":")
    assert data["rules"] == ["CA-blood-01"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--state", "ZZ", "--task", "vital_signs"], "--state: unknown state 'ZZ'"),
        (["check", "--state", "CA", "--task", "flu shoot"], "nearest: immunization"),
        (
            ["check", "--state", "CA", "--task", "vitals", "--credential", "CMAA"],
            "--credential: unknown credential 'CMAA'",
        ),
        (["check", "--state", "CA", "--task", "vitals", "--supervision", "close"], "'close' is not one of"),
        (["check", "--state", "CA", "--task", "vitals", "--as-of", "2024-13-01"], "is not a date"),
        (
            ["check", "--state", "CA", "--task", "vitals", "--credential", "none", "--credential", "CMA"],
            "'none' cannot be combined",
        ),
        (["check", "--task", "vitals"], "Missing option '--state'"),
        (["show", "Atlantis"], "STATE: unknown state 'Atlantis'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


def test_strict_fails_on_conditional() -> None:
    assert run("check", "--state", "CA", "--task", "flu shot")[0] == 0
    assert run("check", "--state", "CA", "--task", "flu shot", "--strict")[0] == 1


def test_credential_none_means_holds_none() -> None:
    code, out, _ = run("check", "--state", "CA", "--task", "x-ray", "--credential", "none")
    assert code == 1 and "the MA holds none of them" in out


def test_show_states_and_tasks() -> None:
    code, out, _ = run("show", "CA")
    assert code == 0 and "CA-inj-01  PERMIT" in out and "16 CCR 1366.1" in out
    code, out, _ = run("states", "--format", "json")
    data = json.loads(out)
    rows = data["jurisdictions"]
    assert code == 0 and len(rows) == 51 and any(r["code"] == "CA" and r["encoded"] for r in rows)
    assert data["data_snapshot"].startswith("0.1.0-") or "-" in data["data_snapshot"]
    code, out, _ = run("tasks")
    assert code == 0 and "immunization" in out and "flu shot" in out
    code, out, _ = run("tasks", "--trainings", "--format", "json")  # the ids an unknown --training points to
    assert code == 0 and "training_injections_10h" in {t["id"] for t in json.loads(out)}


def test_rules_test_runs_the_examples() -> None:
    code, out, _ = run("rules", "test", "CA")
    assert code == 0 and out.strip().endswith("passed, 0 failed")


def test_real_process_from_another_directory(tmp_path: object) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "scopecheck", "check", "--state", "CA", "--task", "botox", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "prohibited"
    bad = subprocess.run(
        [sys.executable, "-m", "scopecheck", "check", "--state", "ZZ", "--task", "vital_signs"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1


def test_data_dir_is_accepted_after_the_subcommand(tmp_path: Path) -> None:
    """The README's `scopecheck rules validate --data-dir DIR` used to fail with "No such option"."""
    import shutil

    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "states").mkdir()
    shutil.copy(REPO / "states" / "CA.toml", tmp_path / "states" / "CA.toml")
    result = CliRunner().invoke(main_wrapper_plain, ["rules", "validate", "--data-dir", str(tmp_path), "--no-examples"])
    assert result.exit_code == 0 and "1 state files" in result.output, result.output
    result = CliRunner().invoke(main_wrapper_plain, ["states", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "CA" in result.output


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper_plain(ctx: click.Context) -> None:
    main(list(ctx.args))


def test_watch_lists_pending_law_with_status_date_and_link() -> None:
    code, out, _ = run("watch", "NY")
    assert code == 0 and "S.5340" in out and "checked 2026-12-06" in out and "nysenate.gov" in out
    code, out, _ = run("watch", "--format", "json")
    items = json.loads(out)
    assert len(items) >= 20 and all(i["url"] is None or i["url"].startswith("http") for i in items)
    assert {"IL", "NY", "WA", "OH"} <= {i["jurisdiction"] for i in items}
    code, out, _ = run("show", "NY")
    assert "Watchlist (pending law, not in force)" in out


def test_a_comparison_whose_words_name_a_state_is_asked_back_in_one_line() -> None:
    """A tuned set's question naming Florida (holdout12) compared across states: which state's law the
    words ask about is not guessed (the CLI, and the API's compare)."""
    from fastapi.testclient import TestClient

    from scopecheck.decide.checker import Checker
    from scopecheck.interfaces.web.app import create_app

    words = "Can medical assistants start IVs in Florida?"
    code, out, err = run("compare", "--task", words, "--states", "CA,FL")
    assert code == 2 and not out and err.count("\n") == 1 and "the words name Florida (FL);" in err, err
    assert "a comparison asks each state" in err and "the state asked" not in err, err  # no state was asked
    api = TestClient(create_app(Checker(REPO))).get("/api/compare", params={"task": words})
    assert api.status_code == 400 and "a comparison asks each state" in api.text, api.text
