"""The only module that knows durable_rules; it answers in engine-neutral Findings (`find`).

One Host per process, one ruleset per jurisdiction registered on first use. A check asserts one
fact with a unique id, collects every rule that fired, and retracts the fact in `finally`: never a
per-check `sid` (1,024 sessions per ruleset is a hard cap, then a segfault), never a fact left
behind (ids are hashed to 32 bits; held facts slow every assert). See research/engine.md.
"""

from __future__ import annotations

import itertools
from typing import Any

import durable_rules_engine as core
from durable import engine as durable

from scopecheck.decide.compiler import Compiled, finding, to_fact
from scopecheck.decide.findings import Finding
from scopecheck.decide.query import Query


class EngineError(Exception):
    """durable_rules reported a failure inside a rule action: a bug, never a verdict."""


class _SyncHost(durable.Host):  # type: ignore[misc]
    """A Host without durable's background dispatch threads.

    `Host.__init__` starts timer threads that call `dispatch()` on every ruleset every 0.2 s.
    `dispatch()` takes whatever action is pending off the agenda, so it races with a synchronous
    `assert_fact`: measured, about 1 check in 3,000 lost some of its hits (a forbid rule missing,
    verdict `unknown` instead of `prohibited`), differently from run to run. We use no timers
    and no async actions, so the threads are never started (this also ends their idle CPU use).
    """

    def _run(self) -> None:
        pass


class Engine:
    def __init__(self) -> None:
        self._host: durable.Host | None = None
        self._registered: set[str] = set()
        self._hits: list[str] = []
        self._ids = itertools.count(1)

    def _record(self, name: str) -> Any:
        def action(_closure: Any) -> None:
            self._hits.append(name)

        return action

    def register(self, compiled: Compiled) -> None:
        """Register a compiled ruleset once. durable takes each rule's "run" out of its dict and only
        reads the rest (it keeps it, as JSON for its core and as the dict itself), so each rule is a new
        dict around the same conditions: a deep copy kept a second 5.6 MB of conditions for 51 states."""
        if compiled.name in self._registered:
            return
        definition = {name: {**rule, "run": self._record(name)} for name, rule in compiled.definition.items()}
        if self._host is None:
            self._host = _SyncHost()
        self._host.set_rulesets({compiled.name: definition})
        self._registered.add(compiled.name)

    def find(self, compiled: Compiled, query: Query) -> tuple[Finding, ...]:
        """What the engine finds for a question, engine-neutral: how the rest of scopecheck asks."""
        return tuple(finding(hit) for hit in self.match(compiled.name, to_fact(query, compiled)))

    def match(self, ruleset: str, fact: dict[str, Any]) -> list[str]:
        """Names of every rule the fact matches, in firing order; empty when none matches.

        Our actions only record their own name, so the fired actions are drained straight from
        the engine's agenda (the same calls durable's Ruleset makes, without building a Closure
        and a session-state JSON for every action: 3-4x faster). `match_via_host` is the plain
        Host path; the tests hold the two equal.
        """
        assert self._host is not None and ruleset in self._registered, f"{ruleset} not registered"
        rules = self._host.get_ruleset(ruleset)
        handle = rules._handle
        fact = {**fact, "id": f"q{next(self._ids)}"}
        try:
            state_handle = rules.assert_fact(fact)
        except durable.MessageNotHandledException:
            return []
        hits = []
        try:
            started = core.start_action_for_state(handle, state_handle)
            message = started[1] if started else None
            while message:
                hits.append(message[2 : message.index('"', 2)])  # '{"<rule name>": {...}}'
                message = core.complete_and_start_action(handle, state_handle)
        finally:
            rules.retract_fact(fact)
            # retracting queues no action (nothing matches a retraction), but drain defensively
            while core.start_action_for_state(handle, state_handle):
                core.complete_and_start_action(handle, state_handle)
        return hits

    def match_via_host(self, ruleset: str, fact: dict[str, Any]) -> list[str]:
        """The same match through durable's public Host API (slower; the reference for `match`)."""
        assert self._host is not None and ruleset in self._registered, f"{ruleset} not registered"
        fact = {**fact, "id": f"q{next(self._ids)}"}
        self._hits = []
        try:
            state = self._host.assert_fact(ruleset, fact)
        except durable.MessageNotHandledException:
            return []
        try:
            if isinstance(state, dict) and "exception" in state:
                raise EngineError(f"{ruleset}: rule action failed: {state['exception']}")
            return list(self._hits)
        finally:
            self._host.retract_fact(ruleset, fact)
