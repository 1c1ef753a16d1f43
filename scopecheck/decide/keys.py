"""The normalized question: equal keys, equal verdicts.

A verdict depends on the jurisdiction, the task, the stretch of dates between the law's effective
dates, and only those facts some rule on the task tests. A jurisdiction's `KeyIndex` (its effective
dates and, per task, the facts that matter) is all a key needs, so it is kept beside the verdicts
(decide/answers.py) and a key can be made without loading the law (interfaces/quick_check.py). The
plan (decide/plan.py) makes the index; this module needs no schema.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Relevance:
    """The facts that can change a verdict on one task in one jurisdiction."""

    credentials: frozenset[str]
    trainings: frozenset[str]
    supervision: bool
    supervisor: bool
    setting: bool

    def to_json(self) -> list[Any]:
        return [sorted(self.credentials), sorted(self.trainings), self.supervision, self.supervisor, self.setting]

    @classmethod
    def from_json(cls, data: list[Any]) -> Relevance:
        credentials, trainings, supervision, supervisor, setting = data
        return cls(frozenset(credentials), frozenset(trainings), bool(supervision), bool(supervisor), bool(setting))


#: The facts that matter for a task no rule names: none.
NOTHING_MATTERS = Relevance(frozenset(), frozenset(), False, False, False)


@dataclass(frozen=True)
class KeyIndex:
    """What a jurisdiction's keys are made of, as plain data: its effective dates, and the facts that
    matter for each task a rule names (decide/plan.py makes it: Plan.keys)."""

    code: str
    breakpoints: list[date]
    relevance: dict[str, Relevance]

    def window(self, on: date) -> int:
        """Which stretch between effective dates `on` falls in: equal windows, equal law."""
        return bisect.bisect_right(self.breakpoints, on)

    def facts(self, task: str) -> Relevance:
        """The facts that can change a verdict on `task` here; a question's other facts are ignored."""
        return self.relevance.get(task, NOTHING_MATTERS)

    def key(
        self,
        task: str,
        as_of: date,
        credentials: frozenset[str] | None,
        trainings: frozenset[str] | None,
        supervision: str | None,
        supervisor: str | None,
        setting: str | None,
    ) -> tuple[object, ...]:
        """The key of a question: the facts no rule on the task tests are dropped."""
        rel = self.facts(task)
        return (
            self.code,
            task,
            self.window(as_of),
            None if credentials is None else credentials & rel.credentials,
            None if trainings is None else trainings & rel.trainings,
            supervision if rel.supervision else None,
            supervisor if rel.supervisor else None,
            setting if rel.setting else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "breakpoints": [d.isoformat() for d in self.breakpoints],
            "relevance": {task: rel.to_json() for task, rel in self.relevance.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyIndex:
        return cls(
            data["code"],
            [date.fromisoformat(d) for d in data["breakpoints"]],
            {task: Relevance.from_json(rel) for task, rel in data["relevance"].items()},
        )
