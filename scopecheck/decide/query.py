"""The Query: one normalized question, every field an id from the catalogues (never free words).

A field left as None is *unknown* (it becomes a condition); an empty set is *known to be empty*
(a requirement on it fails). `key()` is what identical questions share, for memoization.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from scopecheck.law.terms import Supervision, SupervisorType


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    jurisdiction: str
    task: str
    task_input: str = ""
    task_note: str = ""  # how the words were understood, when it needs saying (not part of the key)
    credentials: frozenset[str] | None = None
    trainings: frozenset[str] | None = None
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = None
    as_of: date

    def key(self) -> tuple[object, ...]:
        """Everything that can change the verdict (not the words the user typed)."""
        return (
            self.jurisdiction,
            self.task,
            self.credentials,
            self.trainings,
            self.supervision,
            self.supervisor,
            self.setting,
            self.as_of,
        )
