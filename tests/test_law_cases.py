"""Cases from primary sources (states/cases/XX.toml): each a question, the verdict the official text
gives and the sentence it rests on, quoted with its URL. They come from reading the law, not from
the rules under test, so a rule that disagrees with its source fails here."""

from __future__ import annotations

import pytest
from conftest import REPO

from scopecheck.decide.checker import Checker
from scopecheck.decide.examples import run_example
from scopecheck.law.library import Library

LIB = Library(REPO)
CASES = [(code, case) for code in LIB.case_codes() for case in (LIB.cases(code).model.cases)]  # type: ignore[union-attr]


@pytest.mark.parametrize("code, case", CASES, ids=[f"{c}-{case.name}" for c, case in CASES])
def test_case_from_the_official_text(checker: Checker, code: str, case) -> None:  # type: ignore[no-untyped-def]
    outcome = run_example(checker, code, case)
    assert not outcome.problem, f'{outcome.problem}\n  {case.cite}: "{case.quote}" <{case.url}>'


def test_enough_cases_across_enough_jurisdictions() -> None:
    codes = {code for code, _ in CASES}
    assert len(CASES) >= 120 and len(codes) >= 30, (len(CASES), len(codes))
    assert len({case.name for _, case in CASES}) == len(CASES), "case names are unique"
    assert all(case.quote.strip() and case.url.startswith("http") for _, case in CASES)
    primary = {"statute", "regulation", "board_guidance", "ag_opinion", "court", "bill"}
    assert all(case.kind in primary for _, case in CASES), "a case rests on a primary source, never a summary"
