"""Meta-tests that keep the data honest across every jurisdiction."""

from __future__ import annotations

import pytest
from conftest import REPO

from scopecheck.law.library import Library

LIB = Library(REPO)
FOUNDATION = {"CA", "NY", "WA", "NJ", "CT", "FL"}


@pytest.mark.parametrize("code", LIB.encoded_states())
def test_state_has_enough_examples(code: str) -> None:
    state = LIB.state(code)
    minimum = 10 if code in FOUNDATION else 8
    assert len(state.examples) >= minimum
    verdicts = {e.expect for e in state.examples}
    assert "prohibited" in verdicts and "conditional" in verdicts, "examples must exercise both sides"


@pytest.mark.parametrize("code", LIB.encoded_states())
def test_every_rule_cites_a_source_with_a_cite(code: str) -> None:
    state = LIB.state(code)
    sources = {s.id: s for s in state.sources}
    for rule in state.rules:
        assert rule.sources and all(sources[s].cite for s in rule.sources), rule.id
        assert rule.reason.strip(), rule.id


@pytest.mark.parametrize("code", LIB.encoded_states())
def test_recalled_rules_are_never_high_confidence_without_a_verification_note(code: str) -> None:
    for rule in LIB.state(code).rules:
        if rule.basis == "recalled" and rule.confidence == "high":
            assert rule.verification, f"{rule.id}: high confidence from recall needs a verification note"


def test_every_jurisdiction_in_the_catalogue() -> None:
    assert len(LIB.jurisdictions) == 51
    assert set(LIB.encoded_states()) <= set(LIB.jurisdictions)


def test_every_core_task_is_in_the_catalogue() -> None:
    assert sum(t.core for t in LIB.tasks.values()) == 23
