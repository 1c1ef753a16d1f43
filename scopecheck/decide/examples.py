"""Run the examples in each state file (query -> expected verdict), like `opa test` runs policy tests.

Shared by `scopecheck rules test`, `scopecheck rules validate` and the pytest collection hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from scopecheck.decide.checker import Checker
from scopecheck.decide.query import Query
from scopecheck.decide.verdict import Verdict
from scopecheck.errors import UserError
from scopecheck.law.schema import Example

#: Examples without an `as_of` are evaluated on this fixed date, so the suite does not drift.
EXAMPLE_DATE = date(2026, 11, 26)


@dataclass(frozen=True)
class Outcome:
    code: str
    example: Example
    verdict: Verdict | None
    problem: str  # empty when the example passes

    @property
    def test_id(self) -> str:
        return f"{self.code}-{self.example.name}"


def example_query(checker: Checker, code: str, example: Example) -> Query:
    """The question an example asks, as a Query (UserError when its words do not resolve)."""
    return checker.query(
        code,
        example.task,
        credentials=example.credentials,
        trainings=example.trainings,
        supervision=example.supervision,
        supervisor=example.supervisor,
        setting=example.setting,
        as_of=example.as_of or EXAMPLE_DATE,
    )


def run_example(checker: Checker, code: str, example: Example) -> Outcome:
    try:
        query = example_query(checker, code, example)
    except UserError as exc:
        return Outcome(code, example, None, f"example cannot be asked: {exc}")
    verdict = checker.evaluate(query)
    problems = []
    if verdict.verdict != example.expect:
        problems.append(
            f"expected {example.expect}, got {verdict.verdict} (rules: {', '.join(verdict.rules) or 'none'})"
        )
    if example.expect_rules is not None and sorted(example.expect_rules) != sorted(verdict.rules):
        problems.append(f"expected rules {sorted(example.expect_rules)}, got {sorted(verdict.rules)}")
    return Outcome(code, example, verdict, "; ".join(problems))


def run_examples(checker: Checker, codes: list[str]) -> Iterator[Outcome]:
    for code in codes:
        for example in checker.lib.state(code).examples:
            yield run_example(checker, code, example)


def run_cases(checker: Checker, codes: list[str]) -> Iterator[Outcome]:
    """The cases from primary sources (`states/cases/XX.toml`), asked and judged like examples."""
    for code in codes:
        loaded = checker.lib.cases(code)
        for case in loaded.model.cases if loaded else ():
            yield run_example(checker, code, case)
