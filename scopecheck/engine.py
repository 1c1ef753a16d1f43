"""The only module that knows durable_rules.

One Host per process, one ruleset per jurisdiction registered on first use. A check asserts one
fact with a unique id, collects every rule that fired, and retracts the fact in `finally`: never a
per-check `sid` (1,024 sessions per ruleset is a hard cap, then a segfault), never a fact left
behind (ids are hashed to 32 bits; held facts slow every assert). See research/engine.md.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from durable import engine as durable

from .compiler import Compiled


class EngineError(Exception):
    """durable_rules reported a failure inside a rule action: a bug, never a verdict."""


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
        """Register a compiled ruleset once; durable mutates definitions, so register a copy."""
        if compiled.name in self._registered:
            return
        definition = copy.deepcopy(compiled.definition)
        for name, rule in definition.items():
            rule["run"] = self._record(name)
        if self._host is None:
            self._host = durable.Host()
        self._host.set_rulesets({compiled.name: definition})
        self._registered.add(compiled.name)

    def match(self, ruleset: str, fact: dict[str, Any]) -> list[str]:
        """Names of every rule the fact matches, in firing order; empty when none matches."""
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
