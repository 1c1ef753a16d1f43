"""Golden files: each state's plan, engine-neutral (XX.plan.txt: the rules that hold and what each
requires, so a data edit reads as a diff of law), and what it compiles to for durable_rules
(XX.json: a compiler or engine change shows up there alone). The ansible-rulebook `tests/asts`
idea. Regenerate after a reviewed change:

    SCOPECHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO

from scopecheck.decide.checker import Checker
from scopecheck.law.library import Library

GOLDEN = Path(__file__).parent / "golden"


def _same_as_golden(path: Path, text: str, what: str) -> None:
    if os.environ.get("SCOPECHECK_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run with SCOPECHECK_UPDATE_GOLDEN=1 and review it"
    assert path.read_text() == text, f"{what} differs from {path.name}; review, then regenerate"


@pytest.mark.parametrize("code", Library(REPO).encoded_states())
def test_plan_matches_golden(checker: Checker, code: str) -> None:
    plan = checker.plan(code)
    _same_as_golden(GOLDEN / f"{code}.plan.txt", plan.outline(), f"{code}'s plan")


@pytest.mark.parametrize("code", Library(REPO).encoded_states())
def test_compiled_ruleset_matches_golden(checker: Checker, code: str) -> None:
    compiled = checker.compiled(code)
    text = json.dumps(compiled.definition, indent=1, sort_keys=True) + "\n"
    _same_as_golden(GOLDEN / f"{code}.json", text, f"{code}'s compiled ruleset")
