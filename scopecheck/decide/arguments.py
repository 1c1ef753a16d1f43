"""The Python API's arguments, checked where they enter (`check`, `check_posting`, `check_hire`).

A wrong type or value is a UserError naming the argument as the caller wrote it, never a bare
TypeError, a pydantic dump, a string read letter by letter as a list of credentials, a frozenset of
words taken for resolved ids, or a number read as seconds since 1970 (the hunt of 2026-12-07)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from scopecheck.errors import UserError
from scopecheck.law.terms import SUPERVISION_LEVELS, SUPERVISOR_TYPES, Supervision, SupervisorType, parse_day

MAX_WORDS = 200  # characters of a state's, a credential's or a setting's words


def text(value: object, name: str, limit: int | None = MAX_WORDS) -> str:
    """Text, as the argument needs it."""
    if not isinstance(value, str):
        raise UserError(f"{name}: text (str) is needed, not {type(value).__name__}")
    if limit is not None and len(value) > limit:
        raise UserError(f"{name}: at most {limit} characters; this has {len(value):,}")
    return value


def optional_text(value: object, name: str) -> str | None:
    return None if value is None else text(value, name)


def words(value: object, name: str) -> list[str] | None:
    """None (not stated), or a list, tuple or set of words: never one str (read letter by letter), a
    mapping (read as its keys) or bytes."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise UserError(f"{name}: a list of words (str) is needed, not one {type(value).__name__}")
    return [text(item, f"{name}[{i}]") for i, item in enumerate(value)]


def choice(value: object, name: str, allowed: Iterable[str]) -> str | None:
    allowed = tuple(allowed)
    if value is None or value in allowed:
        return value
    raise UserError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def day(value: object, name: str = "as_of") -> date | None:
    """None (today), a date (not a datetime: its time would be dropped unsaid), or 'YYYY-MM-DD'."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_day(value)
        except ValueError as exc:
            raise UserError(f"{name}: {exc}") from None
    raise UserError(f"{name}: a date or 'YYYY-MM-DD' is needed, not {type(value).__name__}")


def supervision(value: object) -> Supervision | None:
    """None, or exactly one of the levels ("direct", not "Direct")."""
    return choice(value, "supervision", SUPERVISION_LEVELS)  # type: ignore[return-value]


def supervisor(value: object) -> SupervisorType | None:
    return choice(value, "supervisor", SUPERVISOR_TYPES)  # type: ignore[return-value]
