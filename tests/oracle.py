"""A small, plain reference evaluator of the rule files: the engine's oracle.

It reads the same validated models but shares none of the engine's machinery (no plan windows,
no compiled conditions, no durable_rules): for one query it walks the rules in effect and says,
per requirement, met / unmet / unknown. Engine and oracle must report the same hits.
"""

from __future__ import annotations

from dataclasses import replace

from scopecheck.decide.query import Query
from scopecheck.law import schema
from scopecheck.law.library import Library

LEVELS = ["none", "general", "direct", "personal"]


def _status_in(value: str | None, allowed: tuple[str, ...]) -> str:
    if value is None:
        return "unknown"
    return "met" if value in allowed else "unmet"


def _requirement_hits(rule_id: str, req: schema.Requirements, q: Query) -> set[str]:
    hits = set()
    if req.credentials:
        s = "unknown" if q.credentials is None else "met" if set(req.credentials) & q.credentials else "unmet"
        hits.add(f"{rule_id}|credentials|{s}")
    for t in req.trainings:
        s = "unknown" if q.trainings is None else ("met" if t in q.trainings else "unmet")
        hits.add(f"{rule_id}|training:{t}|{s}")
    if req.supervision:
        if q.supervision is None:
            s = "unknown"
        else:
            s = "met" if LEVELS.index(q.supervision) >= LEVELS.index(req.supervision) else "unmet"
        hits.add(f"{rule_id}|supervision|{s}")
    if req.supervisors:
        hits.add(f"{rule_id}|supervisor|{_status_in(q.supervisor, req.supervisors)}")
    if req.settings:
        hits.add(f"{rule_id}|setting|{_status_in(q.setting, req.settings)}")
    return hits


def oracle_hits(lib: Library, q: Query) -> set[str]:
    state = lib.state(q.jurisdiction)
    doctrine = state.doctrine
    on = q.as_of

    def with_doctrine(req: schema.Requirements) -> schema.Requirements:
        return schema.Requirements(
            credentials=req.credentials,
            trainings=req.trainings,
            supervision=req.supervision or doctrine.default_supervision,
            supervisors=req.supervisors or doctrine.supervisors,
            settings=req.settings,
        )

    applying: list[tuple[schema.Rule, schema.Requirements]] = []
    for rule in state.rules:
        if q.task in rule.tasks and rule.in_effect(on):
            applying.append((rule, with_doctrine(rule.requires) if rule.effect == "defer" else rule.requires))
            if rule.effect != "permit":
                continue
            for cred in rule.requires.credentials:  # a state status that national credentials amount to
                for n, sat in enumerate(lib.credentials[cred].satisfied_by):
                    path = replace(rule, id=f"{rule.id}.national" + (f"-{n + 1}" if n else ""))
                    req = replace(
                        rule.requires,
                        credentials=sat.credentials,
                        trainings=tuple(dict.fromkeys(rule.requires.trainings + sat.trainings)),
                    )
                    applying.append((path, req))
    decided_by_state = any(q.task in r.tasks and r.effect != "defer" for r in state.rules)
    if not decided_by_state:
        for rule in lib.baseline.rules:
            if q.task in rule.tasks and rule.in_effect(on):
                applying.append((rule, rule.requires))
    hits: set[str] = set()
    if not applying:
        if lib.tasks[q.task].delegable:
            rid = f"{q.jurisdiction}-doctrine"
            hits.add(f"{rid}|applies")
            hits |= _requirement_hits(rid, with_doctrine(schema.Requirements()), q)
        return hits
    for rule, req in applying:
        hits.add(f"{rule.id}|applies")
        if rule.forbid_in_settings:
            hits.add(f"{rule.id}|setting|{_status_in(q.setting, rule.forbid_in_settings)}")
        else:
            hits |= _requirement_hits(rule.id, req, q)
    return hits
