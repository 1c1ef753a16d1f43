"""`scopecheck cache build`: every question of some states asked ahead of time, in one process or
several.

Each state is built whole by one process (Checker.fill_table, then fill_verdicts): its questions,
compiled rules and verdicts belong to it alone, so processes share nothing but the answer table,
where SQLite serializes their writes. What the table holds at the end does not depend on how many
processes built it, nor in what order the states were done.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass

from scopecheck.decide.checker import Checker

#: The checker the worker processes inherit when forked (set just before the pool starts).
_inherited: Checker | None = None


@dataclass(frozen=True)
class Built:
    code: str
    questions: int
    asked_now: int  # of the engine, by this build
    verdicts_folded: int


def build(checker: Checker, codes: list[str], verdicts: bool, jobs: int = 1) -> Iterator[Built]:
    """Build each state, yielding as each is done (in `codes` order with one process; as they finish
    with several, the largest states started first)."""
    if jobs <= 1 or len(codes) <= 1 or "fork" not in multiprocessing.get_all_start_methods():  # (Windows: one)
        for code in codes:
            yield _build(checker, code, verdicts)
        return
    global _inherited
    _inherited = checker
    largest_first = sorted(codes, key=lambda code: -checker.question_count(code))  # plans built here: inherited
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(codes))) as pool:
            yield from pool.imap_unordered(_build_inherited, [(code, verdicts) for code in largest_first])
    finally:
        _inherited = None  # not kept alive after the build, whatever ended it


def _build(checker: Checker, code: str, verdicts: bool) -> Built:
    asked, added = checker.fill_table(code)
    folded = checker.fill_verdicts(code) if verdicts else 0
    return Built(code, asked, added, folded)


def _build_inherited(job: tuple[str, bool]) -> Built:
    assert _inherited is not None  # set by build() before the fork
    return _build(_inherited, *job)
