"""The Query: one normalized question, every field an id from the catalogues (never free words).

A field left as None is *unknown* (it becomes a condition); an empty set is *known to be empty*
(a requirement on it fails). `key()` is what identical questions share, for memoization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from scopecheck.decide import arguments
from scopecheck.errors import UserError
from scopecheck.law.terms import Supervision, SupervisorType


@dataclass(frozen=True, kw_only=True)
class Query:
    """Built by the checker from checked words; a logged query is checked by `plain.validate` first.
    One built by hand (the API exports it) is checked as the checker's own arguments are."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

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

    def __post_init__(self) -> None:
        for name in ("jurisdiction", "task", "task_input", "task_note"):
            arguments.text(getattr(self, name), name, limit=None)
        arguments.optional_text(self.setting, "setting")
        arguments.supervision(self.supervision)
        arguments.supervisor(self.supervisor)
        as_of = arguments.day(self.as_of)
        if as_of is None:
            raise UserError("as_of: a date or 'YYYY-MM-DD' is needed, not None")
        object.__setattr__(self, "as_of", as_of)
        for name in ("credentials", "trainings"):
            value = getattr(self, name)
            ids = arguments.words(value, name)
            if ids is not None and not isinstance(value, frozenset):  # ids in a set, so the key hashes
                object.__setattr__(self, name, frozenset(ids))

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
