"""Verdicts and state pages as text for people and JSON for machines. No logic, only layout."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Any

from .data import Library
from .plan import Plan
from .verdict import SUPERVISION_MEANING, SUPERVISOR_NAMES, Verdict

HEADLINE = {
    "allowed": "ALLOWED",
    "conditional": "CONDITIONAL",
    "prohibited": "PROHIBITED",
    "unknown": "UNKNOWN",
}
MEANING = {
    "allowed": "a rule permits it and every requirement it names is met",
    "conditional": "permitted only if the conditions below hold",
    "prohibited": "the law forbids it, or a requirement is not met",
    "unknown": "the data has no rule for this; see the guidance",
}


def _bullets(items: list[str], width: int = 96) -> list[str]:
    out = []
    for item in items:
        out += textwrap.wrap(item, width=width, initial_indent="  - ", subsequent_indent="    ")
    return out


def verdict_text(v: Verdict) -> str:
    asked = f'  (asked: "{v.task_input}")' if v.task_input != v.task else ""
    lines = [
        f"{HEADLINE[v.verdict]}: {v.task_name} in {v.jurisdiction_name}{asked}",
        f"  {MEANING[v.verdict]}",
        "",
        "Why:",
        *_bullets(v.reasons),
    ]
    if v.conditions:
        lines += ["", "Conditions (not stated in the question; each must hold):", *_bullets(v.conditions)]
    if v.obligations:
        lines += ["", "Also required of the practice (not checked):", *_bullets(v.obligations)]
    if v.guidance:
        lines += ["", "Guidance (the state's delegation doctrine):", *_bullets([v.guidance])]
    lines += ["", "Law:"]
    lines += _bullets([f"{c.cite}" + (f" <{c.url}>" if c.url else "") for c in v.citations])
    rules = ", ".join(v.rules) if v.rules else "none"
    lines += [
        "",
        f"Rules: {rules} | confidence: {v.confidence} ({'/'.join(v.source_kinds)}) | "
        f"last verified {v.last_verified} | as of {v.as_of}",
        v.disclaimer,
    ]
    return "\n".join(lines)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV; lists are joined with ';' (the batch convention)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def verdict_json(v: Verdict) -> dict[str, Any]:
    return v.model_dump(mode="json")


def state_page(lib: Library, plan: Plan) -> str:
    """`scopecheck show XX`: the state's rules as a readable page, like a linter's rule docs."""
    state = plan.state
    j = state.jurisdiction
    d = state.doctrine
    lines = [
        f"{j.name} ({j.code}): medical assistants",
        "=" * (len(j.name) + 26),
        f"Last verified: {j.last_verified}   MA defined in law: {'yes' if j.ma_defined_in_law else 'no'}",
        "",
        "To work as an MA:",
        *_bullets([j.registration]),
        "",
        f"Delegation doctrine ({d.confidence} confidence, {d.source_kind}; default supervision: "
        f"{SUPERVISION_MEANING[d.default_supervision]}):",
        *_bullets([d.text]),
        "  Conditions:",
        *_bullets(list(d.conditions)),
    ]
    sources = {s.id: s for s in state.sources}
    for eff in plan.rules:
        rule = eff.rule
        if eff.origin == "doctrine":
            continue
        dates = ""
        if rule.effective_from or rule.effective_to:
            dates = f"  [in effect {rule.effective_from or '...'} to {rule.effective_to or '...'}]"
        lines += ["", f"{rule.id}  {rule.effect.upper()}  {', '.join(rule.tasks)}{dates}"]
        if eff.origin == "baseline":
            lines.append("  (baseline rule: holds in every state that does not address the task)")
        lines += _bullets([rule.reason])
        req = eff.requires
        needs = []
        if req.credentials:
            needs.append("credential, one of: " + ", ".join(lib.credentials[c].name for c in req.credentials))
        needs += [f"training: {lib.trainings[t].name}" for t in req.trainings]
        if req.supervision:
            needs.append(f"supervision: {SUPERVISION_MEANING[req.supervision]}")
        if req.supervisors:
            needs.append("supervisor: " + ", ".join(SUPERVISOR_NAMES[s] for s in req.supervisors))
        if req.settings:
            needs.append("settings: " + ", ".join(lib.settings[s].name for s in req.settings))
        if rule.forbid_in_settings:
            needs.append("forbidden in: " + ", ".join(lib.settings[s].name for s in rule.forbid_in_settings))
        if needs:
            lines += ["  Requires:", *_bullets(needs)]
        if rule.obligations:
            lines += ["  Also:", *_bullets(list(rule.obligations))]
        cited = [sources.get(s) or next(x for x in eff.sources if x.id == s) for s in rule.sources]
        lines += [f"  Confidence: {rule.confidence} ({rule.source_kind})", "  Law:"]
        lines += _bullets([c.cite + (f" <{c.url}>" if c.url else "") for c in cited])
    return "\n".join(lines)
