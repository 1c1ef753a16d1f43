"""The fixed words of a question, without pydantic: the CLI offers them as choices at start-up, and
`scopecheck --help` should not pay for the schema to list them."""

from __future__ import annotations

from typing import Literal

Supervision = Literal["none", "general", "direct", "personal"]
SupervisorType = Literal["physician", "podiatrist", "pa", "np", "rn", "other"]

#: Supervision levels from weakest to strongest; a requirement of "direct" is met by "personal".
SUPERVISION_LEVELS: tuple[Supervision, ...] = ("none", "general", "direct", "personal")
SUPERVISOR_TYPES: tuple[SupervisorType, ...] = ("physician", "podiatrist", "pa", "np", "rn", "other")
