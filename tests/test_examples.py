"""The examples in each state file are tests: the engine gives the expected verdict, and the
reference evaluator (oracle) agrees with the engine's hits."""

from __future__ import annotations

from oracle import oracle_hits

from scopecheck.decide.checker import Checker
from scopecheck.decide.compiler import to_fact
from scopecheck.decide.examples import example_query, run_example


def test_state_example(checker: Checker, state_example: tuple[str, str]) -> None:
    code, name = state_example
    example = next(e for e in checker.lib.state(code).examples if e.name == name)
    outcome = run_example(checker, code, example)
    assert outcome.problem == "", outcome.problem
    assert outcome.verdict is not None and outcome.verdict.citations, "every verdict cites the law"


def test_oracle_agrees_on_example(checker: Checker, state_example: tuple[str, str]) -> None:
    code, name = state_example
    example = next(e for e in checker.lib.state(code).examples if e.name == name)
    query = example_query(checker, code, example)
    compiled = checker.compiled(code)
    assert set(checker.engine.match(code, to_fact(query, compiled))) == oracle_hits(checker.lib, query)
