"""A job candidate's credentials and trainings, with dates: what counts on a given day.

The candidate file is JSON or TOML. A list that is given is complete; a key that is absent is
unknown. A credential past its expiry does not count; one expiring within 90 days counts, with a
warning. Where no expiry is given it is computed from the credential's renewal cycle (CMA (AAMA):
60 months from the end of the calendar month of certification), and the warning says so.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from scopecheck import safejson
from scopecheck.decide.resolve import Resolver
from scopecheck.errors import UserError
from scopecheck.law.library import Library
from scopecheck.law.terms import parse_day
from scopecheck.law.tomlfile import defects_from, read_toml, relevant_errors

EXPIRY_WARNING_DAYS = 90


def _day(value: object) -> date:
    if isinstance(value, date):  # TOML's own dates
        return value
    if isinstance(value, str):
        return parse_day(value)
    raise ValueError("a date is text, YYYY-MM-DD")  # pydantic read 0 or 86400 as seconds since 1970


#: A day in a file or a request: YYYY-MM-DD (law/terms.parse_day), or a TOML date; never a number.
Day = Annotated[date, BeforeValidator(_day)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HeldCredential(_Strict):
    id: str = Field(min_length=1, max_length=200, description="credential id or its usual name: CMA_AAMA, CMA, MA-C")
    issued: Day | None = None
    expires: Day | None = None
    number: str = ""


class CompletedTraining(_Strict):
    id: str = Field(min_length=1, max_length=200)
    completed: Day | None = None


Word = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class CandidateFile(_Strict):
    name: str = Field(default="", max_length=500)
    credentials: list[HeldCredential | Word] | None = Field(default=None, max_length=100)
    permits: list[HeldCredential | Word] | None = Field(default=None, max_length=100)
    trainings: list[CompletedTraining | Word] | None = Field(default=None, max_length=100)


@dataclass
class CandidateStatus:
    """What the candidate holds on one day, as ids the engine understands."""

    name: str
    as_of: date
    credentials: frozenset[str] | None
    trainings: frozenset[str] | None
    warnings: list[str] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def renewal_expiry(issued: date, months: int) -> date:
    """The last day of the calendar month `months` after the month of `issued`."""
    index = issued.year * 12 + (issued.month - 1) + months
    return _month_end(index // 12, index % 12 + 1)


def load_candidate(path: Path) -> CandidateFile:
    name = str(path)
    if path.suffix.lower() == ".toml":
        from scopecheck.errors import RuleFileError

        try:
            data, text = read_toml(path)
        except RuleFileError as exc:
            raise UserError(f"candidate file {exc}") from None
        try:
            return CandidateFile.model_validate(data)
        except ValidationError as exc:
            first = defects_from(path, text, exc)[0]
            raise UserError(f"candidate file {first}") from None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{name}: cannot read: {exc.strerror}") from None
    try:
        data = safejson.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"{name}: not UTF-8 text (a candidate file is JSON or TOML)") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except safejson.JsonProblem as exc:
        raise UserError(f"{name}: refused JSON: {exc}") from None
    return candidate_from(data, name)


def candidate_from(data: object, name: str) -> CandidateFile:
    """The candidate-file structure (a JSON file's, or the Python API's dict), or one line naming
    `name` and the key that is wrong, never pydantic's many-line dump."""
    if not isinstance(data, dict):
        raise UserError(f"{name}: a candidate is an object (dict) of credentials, permits and trainings")
    try:
        return CandidateFile.model_validate(data)
    except ValidationError as exc:
        err = relevant_errors(exc)[0]
        key = ".".join(
            str(p)
            for p in err["loc"]
            if not str(p).startswith(("function-", "HeldCredential", "CompletedTraining", "constrained-str", "str"))
        )
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise UserError(f"{name}: [{key}] {msg}") from None


def status_on(lib: Library, resolver: Resolver, candidate: CandidateFile, on: date, source: str) -> CandidateStatus:
    """The candidate's valid credentials and trainings on `on`, with warnings for what does not count."""
    status = CandidateStatus(candidate.name, on, None, None)
    held: set[str] | None = None
    for key, items in (("credentials", candidate.credentials), ("permits", candidate.permits)):
        if items is None:
            continue
        held = held if held is not None else set()
        for i, item in enumerate(items):
            entry = HeldCredential(id=item) if isinstance(item, str) else item
            ids = resolver.credentials([entry.id], field=f"{source}: {key}[{i}].id")
            assert ids is not None
            if not ids:  # 'none'
                continue
            detail = _credential_on(lib, next(iter(ids)), entry, on, f"{source}: {key}[{i}]", status.warnings)
            if detail["counts"]:
                held.add(detail["id"])
            status.details.append(detail)
        words = [item if isinstance(item, str) else item.id for item in items]
        if len(words) > 1:  # as a whole: 'none' with others is refused, as `check` refuses it
            resolver.credentials(words, field=f"{source}: {key}")
    status.credentials = frozenset(held) if held is not None else None
    if candidate.trainings is not None:
        done: set[str] = set()
        for i, done_item in enumerate(candidate.trainings):
            entry_t = CompletedTraining(id=done_item) if isinstance(done_item, str) else done_item
            ids = resolver.trainings([entry_t.id], field=f"{source}: trainings[{i}].id")
            assert ids is not None
            if entry_t.completed and entry_t.completed > on:
                status.warnings.append(f"training {entry_t.id}: completed {entry_t.completed}, after {on}: not counted")
                continue
            done |= ids
        words = [item if isinstance(item, str) else item.id for item in candidate.trainings]
        if len(words) > 1:
            resolver.trainings(words, field=f"{source}: trainings")
        status.trainings = frozenset(done)
    return status


def _credential_on(
    lib: Library, cid: str, entry: HeldCredential, on: date, where: str, warnings: list[str]
) -> dict[str, Any]:
    """One held credential on `on`: its expiry (from the renewal cycle when only the issue date is
    given), whether it counts, and a warning when it does not, expires soon or has no dates."""
    cred = lib.credentials[cid]
    expires, computed = entry.expires, False
    if expires is None and entry.issued and cred.renewal_months:
        try:
            expires, computed = renewal_expiry(entry.issued, cred.renewal_months), True
        except ValueError:  # past 9999-12-31, the last date there is
            raise UserError(
                f"{where}.issued: {entry.issued} is not a plausible issue date (its "
                f"{cred.renewal_months}-month renewal would end after the year 9999)"
            ) from None
    detail: dict[str, Any] = {
        "id": cid,
        "name": cred.name,
        "issued": entry.issued,
        "expires": expires,
        "expiry_computed": computed,
        "counts": True,
    }
    if entry.issued and entry.expires and entry.expires < entry.issued:
        raise UserError(f"{where}: expires {entry.expires} is before issued {entry.issued}")
    if entry.issued and entry.issued > on:
        detail["counts"] = False
        warnings.append(f"{cred.name}: issued {entry.issued}, after {on}: not counted")
    elif expires and expires < on:
        detail["counts"] = False
        how = f" (computed from its {cred.renewal_months}-month renewal cycle)" if computed else ""
        warnings.append(f"{cred.name} expired on {expires}{how}: not counted as held")
    elif expires and expires - on <= timedelta(days=EXPIRY_WARNING_DAYS):
        warnings.append(f"{cred.name} expires on {expires}, within {EXPIRY_WARNING_DAYS} days")
    elif not entry.issued and not entry.expires:
        warnings.append(f"{cred.name}: no issue or expiry date given; assumed current")
    return detail
