"""Fold the engine's hits into one Verdict, by a documented and deterministic precedence.

Precedence (README "Verdict precedence"):

1. A `forbid` rule that applies (in its settings, if it names any) -> `prohibited`.
2. Permitting rules are alternative paths. One with every requirement met -> `allowed`
   (`conditional` if a forbid's setting scope is still unknown). Else a path with no unmet
   requirement -> `conditional`, its unknown requirements listed as conditions. Else every path
   has an unmet requirement -> `prohibited`, each unmet requirement named.
3. A `defer` rule or the doctrine (the state is silent) -> `conditional` with the doctrine's
   conditions, or `prohibited` if a stated fact fails a requirement the defer rule itself states.
   A stated fact short of a low-confidence doctrine's *default* supervision or supervisors is a
   condition to confirm (such a default is guidance, not a rule). Never `allowed`.
4. No rule applies -> `unknown`, with the delegation doctrine as guidance.

The verdict's confidence is the lowest confidence among the rules that decided it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from .compiler import parse_hit, rule_checks
from .data import Library
from .plan import Effective, Plan
from .query import Query
from .schema import CONFIDENCE_ORDER, Confidence, VerdictName

DISCLAIMER = (
    "scopecheck is not legal advice. It summarizes cited state law and guidance, which change; "
    "confirm with the state board or counsel before relying on it."
)

SUPERVISION_MEANING = {
    "none": "no supervision",
    "general": "general: a supervising practitioner reachable, not necessarily on site",
    "direct": "direct: a licensed supervisor physically on the premises",
    "personal": "personal: the supervisor in the room",
}
SUPERVISOR_NAMES = {
    "physician": "physician (MD/DO)",
    "podiatrist": "podiatrist",
    "pa": "physician assistant",
    "np": "nurse practitioner",
    "rn": "registered nurse",
    "other": "other practitioner",
}


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)
    cite: str
    url: str | None = None


class Verdict(BaseModel):
    """The answer to one Query. JSON keys are a stable contract (README "JSON output")."""

    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    jurisdiction_name: str
    task: str
    task_name: str
    task_input: str
    verdict: VerdictName
    reasons: list[str]
    conditions: list[str]
    obligations: list[str]
    citations: list[Citation]
    rules: list[str]
    confidence: Confidence
    source_kinds: list[str]
    last_verified: date
    as_of: date
    guidance: str | None = None
    unlock: list[str] = []
    disclaimer: str = DISCLAIMER


def _names(ids: tuple[str, ...] | frozenset[str], catalogue: dict[str, object]) -> str:
    return ", ".join(getattr(catalogue.get(i), "name", i) for i in sorted(ids) if i) or "none"


class Explainer:
    """Sentences for requirement checks, in the catalogue's words."""

    def __init__(self, lib: Library):
        self.lib = lib

    def _needed(self, eff: Effective, check: str, scope: tuple[str, ...]) -> tuple[str, str]:
        """(what kind of thing, which values) a check asks for, in the catalogue's words."""
        req = eff.requires
        lib = self.lib
        if check == "credentials":
            return "credential", _names(req.credentials, lib.credentials)  # type: ignore[arg-type]
        if check.startswith("training:"):
            return "training", _names((check.split(":", 1)[1],), lib.trainings)  # type: ignore[arg-type]
        if check == "supervision":
            assert req.supervision
            return "supervision", SUPERVISION_MEANING[req.supervision]
        if check == "supervisor":
            return "supervisor", " or ".join(SUPERVISOR_NAMES[s] for s in req.supervisors)
        return "setting", _names(scope, lib.settings)  # type: ignore[arg-type]

    def requirement(self, eff: Effective, check: str, scope: tuple[str, ...]) -> str:
        """A requirement as a condition: "the MA must hold one of: ..."."""
        kind, values = self._needed(eff, check, scope)
        if kind == "setting" and eff.rule.effect == "forbid":
            return f"not in: {values}"
        return {
            "credential": "the MA must hold one of: {}",
            "training": "the MA must have completed: {}",
            "supervision": "supervision at least {}",
            "supervisor": "the supervising practitioner must be: {}",
            "setting": "only in: {}",
        }[kind].format(values)

    def remedy(self, eff: Effective, check: str, scope: tuple[str, ...]) -> str:
        """What would meet an unmet requirement, as an instruction: "complete: ..."."""
        kind, values = self._needed(eff, check, scope)
        return {
            "credential": "hold one of: {}",
            "training": "complete: {}",
            "supervision": "work under supervision at least {}",
            "supervisor": "be supervised by: {}",
            "setting": "work only in: {}",
        }[kind].format(values)

    def stated(self, check: str, query: Query) -> str:
        lib = self.lib
        if check == "credentials":
            return "the MA holds none of them"
        if check.startswith("training:"):
            return "not among the trainings stated"
        if check == "supervision":
            return f"stated supervision: {query.supervision}"
        if check == "supervisor":
            return f"stated supervisor: {SUPERVISOR_NAMES.get(query.supervisor or '', query.supervisor)}"
        return f"stated setting: {_names((query.setting or '',), lib.settings)}"  # type: ignore[arg-type]


_CITATIONS: dict[tuple[str, str | None], Citation] = {}


def _citation(source: Any) -> Citation:
    """One shared Citation per source: thousands of memoized verdicts cite the same few hundred."""
    key = (source.cite, source.url)
    found = _CITATIONS.get(key)
    if found is None:
        found = _CITATIONS[key] = Citation(cite=source.cite, url=source.url)
    return found


def _lowest(confidences: list[Confidence]) -> Confidence:
    return min(confidences, key=CONFIDENCE_ORDER.index)


def fold(lib: Library, plan: Plan, query: Query, hits: list[str]) -> Verdict:
    """The verdict for one query from the names of the engine rules it matched."""
    status: dict[str, dict[str, str]] = defaultdict(dict)
    applied: list[str] = []
    for name in hits:
        rule_id, check, result = parse_hit(name)
        if check == "applies":
            applied.append(rule_id)
        else:
            status[rule_id][check] = result
    rules = [plan.rule(r) for r in sorted(set(applied), key=plan.order.__getitem__)]
    explain = Explainer(lib)

    def unknowns(eff: Effective) -> list[str]:
        return [explain.requirement(eff, c, s) for c, s in rule_checks(eff) if status[eff.id].get(c) == "unknown"]

    def unmet(eff: Effective, *, inherited: bool = True) -> list[str]:
        return [
            f"Not met: {explain.requirement(eff, c, s)} ({explain.stated(c, query)})."
            for c, s in rule_checks(eff)
            if status[eff.id].get(c) == "unmet" and (inherited or c not in eff.inherited)
        ]

    def short_of_doctrine(eff: Effective) -> list[str]:
        return [
            f"confirm with the board: the state's general doctrine expects {explain.requirement(eff, c, s)} "
            f"({explain.stated(c, query)})"
            for c, s in rule_checks(eff)
            if status[eff.id].get(c) == "unmet" and c in eff.inherited
        ]

    def all_met(eff: Effective) -> bool:
        return all(status[eff.id].get(c) == "met" for c, _ in rule_checks(eff))

    forbids = [r for r in rules if r.rule.effect == "forbid"]
    permits = [r for r in rules if r.rule.effect == "permit"]
    defers = [r for r in rules if r.rule.effect == "defer"]
    forbid_hit = [f for f in forbids if not f.rule.forbid_in_settings or status[f.id].get("setting") == "met"]
    forbid_open = [f for f in forbids if f.rule.forbid_in_settings and status[f.id].get("setting") == "unknown"]

    reasons: list[str] = []
    conditions: list[str] = []
    unlock: list[str] = []
    deciding: list[Effective]
    if forbid_hit:
        verdict: VerdictName = "prohibited"
        deciding = forbid_hit
        reasons = [f.rule.reason for f in forbid_hit]
    elif permits:
        met = [p for p in permits if all_met(p)]
        open_paths = [p for p in permits if not unmet(p)]
        if met:
            verdict = "conditional" if forbid_open else "allowed"
            deciding = met + forbid_open
            reasons = [p.rule.reason for p in met]
        elif open_paths:
            verdict = "conditional"
            deciding = open_paths + forbid_open
            reasons = [p.rule.reason for p in open_paths]
            for p in open_paths:
                items = unknowns(p)
                if len(open_paths) > 1:
                    conditions.append(f"under {p.id}: " + "; ".join(items) if items else f"under {p.id}: nothing more")
                else:
                    conditions += items
        else:
            verdict = "prohibited"
            deciding = permits
            for p in permits:
                reasons.append(p.rule.reason)
                reasons += unmet(p)
                unlock.append(f"{p.id}: " + "; ".join(
                    explain.remedy(p, c, s) for c, s in rule_checks(p) if status[p.id].get(c) == "unmet"))
        conditions += [explain.requirement(f, "setting", f.rule.forbid_in_settings) for f in forbid_open]
    elif defers or forbids:
        deciding = defers or forbids
        failing = [m for d in defers for m in unmet(d, inherited=False)]
        reasons = [d.rule.reason for d in deciding]
        if failing:
            verdict = "prohibited"
            reasons += failing
            for d in defers:
                fixes = [explain.remedy(d, c, s) for c, s in rule_checks(d)
                         if status[d.id].get(c) == "unmet" and c not in d.inherited]
                if fixes:
                    unlock.append(f"{d.id}: " + "; ".join(fixes))
        else:
            verdict = "conditional"
            for d in defers:
                conditions += short_of_doctrine(d) + unknowns(d)
            conditions += list(plan.state.doctrine.conditions)
    else:
        return _unknown(lib, plan, query)

    citations = list(dict.fromkeys(_citation(s) for r in deciding for s in r.sources))
    state_verified = plan.state.jurisdiction.last_verified
    obligations = [] if verdict == "prohibited" else list(dict.fromkeys(o for r in deciding for o in r.rule.obligations))
    return Verdict(
        jurisdiction=plan.code,
        jurisdiction_name=plan.state.jurisdiction.name,
        task=query.task,
        task_name=lib.tasks[query.task].name,
        task_input=query.task_input or query.task,
        verdict=verdict,
        reasons=reasons,
        conditions=list(dict.fromkeys(conditions)),
        obligations=obligations,
        citations=citations,
        rules=[r.id for r in deciding],
        confidence=_lowest([r.rule.confidence for r in deciding]),
        source_kinds=sorted({r.rule.source_kind for r in deciding}),
        last_verified=min(r.rule.last_verified or state_verified for r in deciding),
        as_of=query.as_of,
        unlock=unlock,
    )


def _unknown(lib: Library, plan: Plan, query: Query) -> Verdict:
    state = plan.state
    sources = {s.id: s for s in state.sources}
    task = lib.tasks[query.task]
    why = (
        f"{state.jurisdiction.name}'s rule file has no rule for {task.name.lower()} on {query.as_of}, and it is a "
        "high-risk task on which silence is not permission."
        if not task.delegable
        else f"No rule of {state.jurisdiction.name} covers {task.name.lower()} on {query.as_of}."
    )
    return Verdict(
        jurisdiction=plan.code,
        jurisdiction_name=state.jurisdiction.name,
        task=query.task,
        task_name=task.name,
        task_input=query.task_input or query.task,
        verdict="unknown",
        reasons=[why, "Ask the state medical board before delegating it; the delegation doctrine below is guidance, not an answer."],
        conditions=[],
        obligations=[],
        citations=[Citation(cite=sources[s].cite, url=sources[s].url) for s in state.doctrine.sources],
        rules=[],
        confidence=state.doctrine.confidence,
        source_kinds=[state.doctrine.source_kind],
        last_verified=state.jurisdiction.last_verified,
        as_of=query.as_of,
        guidance=state.doctrine.text,
    )
