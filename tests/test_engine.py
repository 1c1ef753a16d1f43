"""The engine module: deterministic, nothing left behind, limits guarded before registration."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from scopecheck.decide.checker import Checker
from scopecheck.decide.compiler import MAX_VALUES_PER_FIELD, Compiled, CompileError, compile_plan, guard_limits, to_fact
from scopecheck.decide.engine import Engine
from scopecheck.decide.query import Query


def test_repeated_checks_always_report_the_same_hits(checker: Checker) -> None:
    """durable's background dispatch thread used to steal fired actions now and then; with it
    off, 20,000 identical checks over more than a second report identical hits."""
    compiled = checker.compiled("NY")
    fact = to_fact(Query(jurisdiction="NY", task="urinary_catheter", as_of=date(2026, 11, 26)), compiled)
    first = sorted(checker.engine.match("NY", fact))
    assert first, "NY forbids urinary catheters"
    started = time.monotonic()
    count = 0
    while count < 20_000 or time.monotonic() - started < 1.0:
        assert sorted(checker.engine.match("NY", fact)) == first
        count += 1


def test_no_fact_is_left_behind(checker: Checker) -> None:
    compiled = checker.compiled("CA")
    host = checker.engine._host
    for task in ("immunization", "triage", "moderate_complexity_lab_tests"):
        checker.engine.match("CA", to_fact(Query(jurisdiction="CA", task=task, as_of=date(2026, 1, 1)), compiled))
    assert host is not None and host.get_ruleset("CA").get_facts(None) == []


def test_a_ruleset_past_the_engine_limits_is_refused_before_registration() -> None:
    too_many_values = {f"r{i}|applies": {"all": [{"m": {"task": f"t{i}"}}]} for i in range(MAX_VALUES_PER_FIELD + 1)}
    with pytest.raises(CompileError, match="distinct values"):
        guard_limits(Compiled("ZZ", too_many_values, frozenset(), frozenset()))
    too_many_fields = {"r|applies": {"all": [{"m": {"$and": [{f"f{i}": True} for i in range(300)]}}]}}
    with pytest.raises(CompileError, match="fields"):
        guard_limits(Compiled("ZZ", too_many_fields, frozenset(), frozenset()))


def test_every_state_compiles_within_the_limits(checker: Checker) -> None:
    for code in checker.lib.encoded_states():
        plan = checker.plan(code)
        compile_plan(plan)  # guard_limits runs inside


def test_a_fresh_engine_registers_lazily(checker: Checker) -> None:
    engine = Engine()
    compiled = checker.compiled("WA")
    engine.register(compiled)
    engine.register(compiled)  # idempotent
    assert engine.match("WA", to_fact(Query(jurisdiction="WA", task="vital_signs", as_of=date(2026, 1, 1)), compiled))


def test_a_long_run_holds_no_growing_state(checker: Checker) -> None:
    """100,000 checks leave no fact behind, and neither memory nor speed drifts from the first 1,000."""
    import resource

    compiled = checker.compiled("CA")
    tasks = sorted(checker.lib.tasks)
    facts = [
        to_fact(
            Query(
                jurisdiction="CA",
                task=tasks[i % len(tasks)],
                as_of=date(2000 + i % 30, 1, 1),
                supervision=("none", "general", "direct", None)[i % 4],
            ),
            compiled,
        )
        for i in range(1000)
    ]

    def thousand() -> float:
        started = time.perf_counter()
        for fact in facts:
            checker.engine.match("CA", fact)
        return time.perf_counter() - started

    first = thousand()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(98):
        thousand()
    last = thousand()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    host = checker.engine._host
    assert host is not None and host.get_ruleset("CA").get_facts(None) == []
    assert grown_mb < 20, f"RSS grew {grown_mb:.1f} MB over 100,000 checks"
    assert last < first * 2 + 0.05, f"the last 1,000 checks took {last:.3f}s, the first {first:.3f}s"


def test_registering_shares_the_conditions_and_leaves_the_compiled_rules_as_they_were(checker: Checker) -> None:
    """Each engine gets new rule dicts around the compiled conditions (durable takes out the "run" it
    is given): the compiled ruleset is unchanged, and a second engine registered from it finds the same."""
    compiled = compile_plan(checker.plan("TX"))
    before = json.dumps(compiled.definition, sort_keys=True)
    first, second = Engine(), Engine()
    first.register(compiled)
    second.register(compiled)
    assert json.dumps(compiled.definition, sort_keys=True) == before
    for task in ("immunization", "venipuncture", "urinary_catheter"):
        fact = to_fact(Query(jurisdiction="TX", task=task, as_of=date(2026, 6, 1)), compiled)
        assert sorted(first.match("TX", fact)) == sorted(second.match("TX", fact))
