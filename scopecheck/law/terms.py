"""The fixed words of a question, without pydantic: the CLI offers them as choices at start-up, and
`scopecheck --help` should not pay for the schema to list them. Also how words are compared
(`normalize`): the resolver matches with it and `rules validate` finds collisions with it."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Literal

Supervision = Literal["none", "general", "direct", "personal"]
SupervisorType = Literal["physician", "podiatrist", "pa", "np", "rn", "other"]

#: Supervision levels from weakest to strongest; a requirement of "direct" is met by "personal".
SUPERVISION_LEVELS: tuple[Supervision, ...] = ("none", "general", "direct", "personal")
SUPERVISOR_TYPES: tuple[SupervisorType, ...] = ("physician", "podiatrist", "pa", "np", "rn", "other")

_NOT_WORD = re.compile(r"[^\w]+")

#: Words the task matcher drops from a task's words and from every vocabulary phrase before matching, never
#: part of a phrase ("remove the cannula" = "remove cannula", "pend all orders" = "pend orders", "tell her
#: the results" = "tell results"); `rules validate` refuses a phrase that begins or ends with one.
DROPPED_WORDS = frozenset(
    {"the", "a", "an", "s", "your", "his", "her", "him", "them", "their", "my", "our", "its", "all"}
)


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Case, punctuation and spacing removed: "Flu-Shot " and "flu shot" are the same words."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str) -> date:
    """A day written YYYY-MM-DD, as every input of scopecheck asks for it; ValueError otherwise.
    date.fromisoformat alone also takes "20260101", ISO week dates ("2026W011" is 2025-12-29) and
    more: read silently as some other day than the writer meant."""
    if not _DAY.fullmatch(text):
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:  # 2026-02-30
        raise ValueError(f"'{text}' is not a date ({exc})") from None
