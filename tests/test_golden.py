"""Golden files: what each state's rule file compiles to, so every data edit shows up as a diff a
reviewer can read (the ansible-rulebook `tests/asts` idea). Regenerate after a reviewed change:

    SCOPECHECK_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO

from scopecheck.api import Checker
from scopecheck.data import Library

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("code", Library(REPO).encoded_states())
def test_compiled_ruleset_matches_golden(checker: Checker, code: str) -> None:
    _, compiled = checker.plan(code)
    text = json.dumps(compiled.definition, indent=1, sort_keys=True) + "\n"
    path = GOLDEN / f"{code}.json"
    if os.environ.get("SCOPECHECK_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file for {code}: run with SCOPECHECK_UPDATE_GOLDEN=1 and review it"
    assert path.read_text() == text, f"{code} compiles differently from {path.name}; review, then regenerate"
