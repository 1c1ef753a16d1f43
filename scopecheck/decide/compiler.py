"""Compile a jurisdiction's Plan into a durable_rules ruleset (plain JSON) and a Query into a fact.

Each effective rule becomes one `applies` rule plus, per requirement, three rules that report it
*met*, *unmet* or *unknown*; the engine's hits are therefore the explanation of the verdict, and
`finding` turns each into the engine-neutral Finding the verdict fold reads.
The output is pure data (no callables), so it can be golden-tested and diffed; `engine.py` adds
the actions. durable's limits (research/engine.md) are guarded here with a clear error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from scopecheck.decide.findings import APPLIES, Finding
from scopecheck.decide.plan import Effective, Plan, build_plan
from scopecheck.decide.query import Query
from scopecheck.errors import Defect, RuleFileError
from scopecheck.law.library import Library
from scopecheck.law.schema import Requirements
from scopecheck.law.terms import SUPERVISION_LEVELS

# Measured limits of durable_rules 2.0.28 (research/engine.md), with a margin.
MAX_RULES = 4000  # MAX_ACTIONS is 4,096
MAX_FIELDS = 200  # a message fails at ~252 properties
MAX_VALUES_PER_FIELD = 500  # 513 distinct values tested on one field hangs registration

Json = dict[str, Any]
STATUSES = ("met", "unmet", "unknown")


class CompileError(Exception):
    """A rule set that durable_rules cannot hold safely; raised before registration."""


def hit_name(rule_id: str, check: str, status: str = "") -> str:
    """The name of a compiled rule, which is also the hit it reports: `CA-inj-01|supervision|met`."""
    return f"{rule_id}|{check}|{status}" if status else f"{rule_id}|{check}"


@functools.lru_cache(maxsize=100_000)
def finding(name: str) -> Finding:
    """The engine-neutral finding a hit reports (one shared object per distinct hit)."""
    rule_id, check, *status = name.split("|")
    return Finding(rule_id, check, status[0]) if status else Finding(rule_id, APPLIES)  # type: ignore[arg-type]


def field_for(prefix: str, ident: str) -> str:
    """A flat fact field for a set member: durable reads dots as nesting, so ids are sanitized."""
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", ident)


def _all(conditions: list[Json]) -> Json:
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _any_equal(field: str, values: tuple[str, ...] | list[str]) -> Json:
    alternatives = [{field: v} for v in values]
    return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}


def _window(start: date | None, end: date | None) -> list[Json]:
    out: list[Json] = []
    if start:
        out.append({"$gte": {"as_of": start.isoformat()}})
    if end:
        out.append({"$lt": {"as_of": end.isoformat()}})
    return out


def _applies(eff: Effective) -> Json:
    """The task is one of the rule's and the date is in its window (the doctrine: one of its windows)."""
    if eff.windows is not None:
        spans = [_all([_any_equal("task", w.tasks), *_window(w.start, w.end)]) for w in eff.windows]
        return spans[0] if len(spans) == 1 else {"$or": spans}
    rule = eff.rule
    return _all([_any_equal("task", rule.tasks), *_window(rule.effective_from, rule.effective_to)])


def _one_of(field: str, values: tuple[str, ...]) -> dict[str, Json]:
    """met / unmet / unknown for 'the stated value of `field` is one of `values`'."""
    return {
        "met": _any_equal(field, values),
        "unmet": _all([{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in values)]),
        "unknown": {"$nex": {field: 1}},
    }


def _check_conditions(check: str, requires: Requirements, scope: tuple[str, ...]) -> dict[str, Json]:
    if check == "credentials":
        flags = [field_for("cred_", c) for c in requires.credentials]
        return {
            "met": {"$or": [{f: True} for f in flags]} if len(flags) > 1 else {flags[0]: True},
            "unmet": _all([{"creds_known": True}, *({"$nex": {f: 1}} for f in flags)]),
            "unknown": {"creds_known": False},
        }
    if check.startswith("training:"):
        flag = field_for("train_", check.split(":", 1)[1])
        return {
            "met": {flag: True},
            "unmet": _all([{"trains_known": True}, {"$nex": {flag: 1}}]),
            "unknown": {"trains_known": False},
        }
    if check == "supervision":
        assert requires.supervision is not None
        rank = SUPERVISION_LEVELS.index(requires.supervision)
        return {
            "met": {"$gte": {"sup": rank}},
            "unmet": {"$lt": {"sup": rank}},
            "unknown": {"$nex": {"sup": 1}},
        }
    if check == "supervisor":
        return _one_of("supervisor", requires.supervisors)
    if check == "setting":
        return _one_of("setting", scope)
    raise ValueError(f"unknown check {check}")


@dataclass(frozen=True)
class Compiled:
    """A ruleset in durable's JSON form, and the fact fields it tests (all others are dropped)."""

    name: str
    definition: dict[str, Json]
    cred_flags: frozenset[str]
    train_flags: frozenset[str]


def compile_plan(plan: Plan) -> Compiled:
    definition: dict[str, Json] = {}
    for eff in plan.rules:
        applies = _applies(eff)
        definition[hit_name(eff.id, "applies")] = {"all": [{"m": applies}]}
        for check, scope in eff.checks:
            for status, condition in _check_conditions(check, eff.requires, scope).items():
                definition[hit_name(eff.id, check, status)] = {"all": [{"m": _all([applies, condition])}]}
    compiled = Compiled(
        plan.code,
        definition,
        frozenset(field_for("cred_", c) for e in plan.rules for c in e.requires.credentials),
        frozenset(field_for("train_", t) for e in plan.rules for t in e.requires.trainings),
    )
    guard_limits(compiled)
    return compiled


def _walk(node: Any, found: dict[str, set[str]]) -> None:
    """Collect every field a condition tests, with the distinct values it compares against."""
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("$and", "$or", "all", "m"):
            _walk(value, found)
        elif key.startswith("$"):
            for field, operand in value.items():
                found.setdefault(field, set()).add(repr(operand))
        else:
            found.setdefault(key, set()).add(repr(value))


def guard_limits(compiled: Compiled) -> None:
    """Refuse a rule set past durable's measured limits, instead of a hang or a crash later."""
    name = compiled.name
    if len(compiled.definition) > MAX_RULES:
        raise CompileError(
            f"{name}: {len(compiled.definition)} compiled rules exceed the engine's limit of {MAX_RULES}"
        )
    fields: dict[str, set[str]] = {}
    _walk(list(compiled.definition.values()), fields)
    if len(fields) > MAX_FIELDS:
        raise CompileError(f"{name}: facts would need {len(fields)} fields; the engine's limit is {MAX_FIELDS}")
    for field, values in fields.items():
        if len(values) > MAX_VALUES_PER_FIELD:
            raise CompileError(
                f"{name}: field '{field}' is tested against {len(values)} distinct values; "
                f"the engine hangs past {MAX_VALUES_PER_FIELD}"
            )


def to_fact(query: Query, compiled: Compiled) -> Json:
    """Flatten a query into one fact: sets become flags (durable has no `$in` and no boolean NOT)."""
    fact: Json = {"task": query.task, "as_of": query.as_of.isoformat()}
    fact["creds_known"] = query.credentials is not None
    for cred in query.credentials or ():
        flag = field_for("cred_", cred)
        if flag in compiled.cred_flags:
            fact[flag] = True
    fact["trains_known"] = query.trainings is not None
    for training in query.trainings or ():
        flag = field_for("train_", training)
        if flag in compiled.train_flags:
            fact[flag] = True
    if query.supervision is not None:
        fact["sup"] = SUPERVISION_LEVELS.index(query.supervision)
    if query.supervisor is not None:
        fact["supervisor"] = query.supervisor
    if query.setting is not None:
        fact["setting"] = query.setting
    return fact


def compile_defects(lib: Library, code: str) -> list[Defect]:
    """Compile the state as `check` would, so the engine's limits fail here, with the file named."""
    try:
        compile_plan(build_plan(lib, code))
    except CompileError as exc:
        return [Defect(lib.state_path(code), str(exc))]
    return []


def rule_set_defects(lib: Library, codes: Iterable[str] | None = None) -> list[Defect]:
    """`rules validate`: every defect of the data (law/validate.py), each state compiled as well, and
    the matcher's reader model read as the matcher reads it (decide/reader.py)."""
    from scopecheck.decide.reader import model_defects  # only `rules validate` needs these, not every check
    from scopecheck.law.snapshot import READER_MODEL
    from scopecheck.law.validate import all_defects

    out = all_defects(lib, codes, per_state=compile_defects)
    try:
        tasks = lib.tasks
    except RuleFileError:  # the catalogue's own defects are out already
        return out
    return out + model_defects(lib.root / READER_MODEL, tasks)
