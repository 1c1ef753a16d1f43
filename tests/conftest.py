"""One collection hook turns every example in every state file into a test with a readable id,
like `CA-flu-shot-nothing-stated` (the sqlfluff yaml_test_cases pattern)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scopecheck.decide.checker import Checker
from scopecheck.law.library import Library

REPO = Path(__file__).resolve().parent.parent

# The suite asks the engine, not an answer table left by an earlier test or run (tests that count
# evaluations need that); tests/test_answer_table.py turns a table on in a directory of its own.
# Set in the environment, so the commands the tests run as subprocesses inherit it.
os.environ["SCOPECHECK_NO_CACHE"] = "1"


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker(REPO)


def _examples() -> list[tuple[str, str]]:
    lib = Library(REPO)
    return [(code, ex.name) for code in lib.encoded_states() for ex in lib.state(code).examples]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "state_example" in metafunc.fixturenames:
        cases = _examples()
        metafunc.parametrize("state_example", cases, ids=[f"{c}-{n}" for c, n in cases])
