"""Differential testing: on generated queries the durable_rules engine and the plain oracle must
report exactly the same hits, in every encoded jurisdiction. Dates are drawn around every
effective-date boundary, where an off-by-one would hide."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from conftest import REPO
from oracle import oracle_hits

from scopecheck.decide.checker import Checker
from scopecheck.decide.compiler import to_fact
from scopecheck.decide.query import Query
from scopecheck.law.library import Library
from scopecheck.law.schema import SUPERVISION_LEVELS, SUPERVISOR_TYPES

QUERIES_PER_STATE = 150


def _dates(lib: Library, code: str) -> list[date]:
    bounds = {d for r in lib.state(code).rules for d in (r.effective_from, r.effective_to) if d}
    around = {b + timedelta(days=k) for b in bounds for k in (-1, 0, 1)}
    return sorted(around | {date(2010, 1, 1), date(2026, 11, 26), date(2030, 1, 1)})


def _maybe_subset(rng: random.Random, pool: list[str]) -> frozenset[str] | None:
    roll = rng.random()
    if roll < 0.3:
        return None
    if roll < 0.4:
        return frozenset()
    return frozenset(rng.sample(pool, k=min(len(pool), rng.randint(1, 3))))


def generated_queries(lib: Library, code: str, n: int, seed: int) -> list[Query]:
    rng = random.Random(f"{code}-{seed}")
    state = lib.state(code)
    creds = sorted({c for r in state.rules for c in r.requires.credentials} | {"CMA_AAMA", "RMA_AMT"})
    trainings = sorted({t for r in state.rules for t in r.requires.trainings} | {"training_documented"})
    settings = sorted(lib.settings)
    tasks = sorted(lib.tasks)
    dates = _dates(lib, code)
    return [
        Query(
            jurisdiction=code,
            task=rng.choice(tasks),
            credentials=_maybe_subset(rng, creds),
            trainings=_maybe_subset(rng, trainings),
            supervision=rng.choice([None, *SUPERVISION_LEVELS]),
            supervisor=rng.choice([None, *SUPERVISOR_TYPES]),
            setting=rng.choice([None, None, *settings]),
            as_of=rng.choice(dates),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("code", Library(REPO).encoded_states())
def test_engine_matches_oracle_on_generated_queries(checker: Checker, code: str) -> None:
    compiled = checker.compiled(code)
    for query in generated_queries(checker.lib, code, QUERIES_PER_STATE, seed=1):
        fact = to_fact(query, compiled)
        engine = checker.engine.match(code, fact)
        assert set(engine) == oracle_hits(checker.lib, query), query
        assert sorted(engine) == sorted(checker.engine.match_via_host(code, fact)), "fast path != Host API"
        verdict = checker.evaluate(query)
        assert verdict.verdict in ("allowed", "conditional", "prohibited", "unknown")
        assert verdict.citations, f"{query}: a verdict without a citation"
