"""The code's own checks, run by the same command as the suite (README: `python -m pytest`), so CI
cannot pass with a lint or type error: ruff's lint rules and formatting, and mypy --strict over the
package. Versions are pinned in the `test` extra, so an upgrade does not change the verdict."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
    "ruff format --check": [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
    "mypy --strict": [sys.executable, "-m", "mypy", "--strict", "scopecheck"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_the_code_passes(name: str) -> None:
    done = subprocess.run(CHECKS[name], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name} failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
