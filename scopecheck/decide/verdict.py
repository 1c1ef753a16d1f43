"""Fold the engine's hits into one Verdict, by a documented and deterministic precedence.

Precedence (README "Verdict precedence"):

1. A `forbid` rule that applies (in its settings, if it names any) -> `prohibited`.
2. Permitting rules are alternative paths. One with every requirement met -> `allowed`
   (`conditional` if a forbid's setting scope is still unknown). Else a path with no unmet
   requirement -> `conditional`, its unknown requirements listed as conditions. Else every path
   has an unmet requirement -> `prohibited`, each unmet requirement named.
3. The state is silent on a *high-risk* task (only `defer` rules, or a forbid scoped to other
   settings, apply) -> `unknown`: silence is not permission. The defer rule's reason and the
   delegation doctrine are shown as guidance. A stated fact that fails a requirement the defer
   rule itself states (delegation only by a physician, say) still makes it `prohibited` (4.).
4. A `defer` rule or the doctrine on a routine task -> `conditional` with the doctrine's
   conditions, or `prohibited` if a stated fact fails a requirement the defer rule itself states.
   A stated fact short of a low-confidence doctrine's *default* supervision or supervisors is a
   condition to confirm (such a default is guidance, not a rule). Never `allowed`.
5. No rule applies -> `unknown`, with the delegation doctrine as guidance.

The verdict's confidence is the lowest confidence among the rules that decided it (each rule's is
capped by its sources: `rules validate`). An `unknown` is at most `medium` (a rule recorded the
state's silence) and otherwise `low`: it never claims to be sure of what the law does not say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from scopecheck.decide.findings import Findings
from scopecheck.decide.plan import Effective, Plan
from scopecheck.decide.query import Query
from scopecheck.law import schema
from scopecheck.law.library import Library
from scopecheck.law.plain import json_values
from scopecheck.law.schema import CONFIDENCE_ORDER, Confidence, VerdictName

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


CONFIDENCE_MEANING: dict[str, str] = {
    "high": "high: an official text (statute, regulation, board guidance, attorney general opinion or court "
    "decision) was read and says this",
    "medium": "medium: rests on a reading of the law or on secondary, advocacy or news sources that quote it; "
    "confirm with the state board",
    "low": "low: rests only on unofficial copies, forum posts, unread sources or a general doctrine; a lead "
    "to check, not an answer",
}
NOT_VERIFIED = "not verified: at least one rule was encoded from research notes without reading its source"


@dataclass(frozen=True, kw_only=True)
class Citation:
    cite: str
    url: str | None = None
    kind: str
    official: bool = False


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The answer to one Query. JSON keys are a stable contract (README "JSON output")."""

    jurisdiction: str
    jurisdiction_name: str
    task: str
    task_name: str
    task_input: str
    task_note: str = ""
    verdict: VerdictName
    reasons: list[str]
    conditions: list[str]
    obligations: list[str]
    citations: list[Citation]
    rules: list[str]
    confidence: Confidence
    confidence_meaning: str
    basis: list[str]
    last_verified: date | None
    as_of: date
    guidance: str | None = None
    unlock: list[str] = field(default_factory=list)
    data_snapshot: str = ""
    disclaimer: str = DISCLAIMER

    def as_json(self) -> dict[str, Any]:
        """The verdict as JSON values: what every command prints (and the answer table keeps)."""
        return json_values(self)  # type: ignore[no-any-return]

    @cached_property
    def json_text(self) -> str:
        """`as_json` as compact JSON text, made once per verdict: the API writes it for every request,
        and a question asked again gets the verdict its memo holds."""
        return json.dumps(self.as_json(), ensure_ascii=False, separators=(",", ":"))


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


_CITATIONS: dict[tuple[str, str | None, str, bool], Citation] = {}


def _citation(source: Any) -> Citation:
    """One shared Citation per source: thousands of memoized verdicts cite the same few hundred."""
    key = (source.cite, source.url, source.kind, source.official)
    found = _CITATIONS.get(key)
    if found is None:
        found = _CITATIONS[key] = Citation(cite=source.cite, url=source.url, kind=source.kind, official=source.official)
    return found


def _last_verified(rules: list[Effective]) -> date | None:
    """A date only when every deciding rule was read and checked against its source on a date."""
    dates = [r.rule.last_verified for r in rules if r.rule.basis == "read" and r.rule.last_verified]
    return min(dates) if rules and len(dates) == len(rules) else None


def _lowest(confidences: list[Confidence]) -> Confidence:
    return min(confidences, key=CONFIDENCE_ORDER.index)


@dataclass
class _Outcome:
    """A decision before it is dressed as a Verdict: what was decided, by which rules, and why."""

    verdict: VerdictName
    deciding: list[Effective]
    reasons: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    unlock: list[str] = field(default_factory=list)


class _Reading:
    """One question's findings read against its plan: which rules apply, and what each still needs."""

    def __init__(self, lib: Library, plan: Plan, query: Query, findings: Findings):
        self.lib, self.plan, self.query, self.found = lib, plan, query, findings
        self.explain = Explainer(lib)
        rules = [plan.rule(r) for r in sorted(set(findings.applied), key=plan.order.__getitem__)]
        self.forbids = [r for r in rules if r.rule.effect == "forbid"]
        self.permits = [r for r in rules if r.rule.effect == "permit"]
        self.defers = [r for r in rules if r.rule.effect == "defer"]
        self.forbid_hit = [f for f in self.forbids if not f.rule.forbid_in_settings or self._scope_is(f, "met")]
        self.forbid_open = [f for f in self.forbids if f.rule.forbid_in_settings and self._scope_is(f, "unknown")]

    def _scope_is(self, forbid: Effective, status: str) -> bool:
        return self.found.status(forbid.id, "setting") == status

    def _with(self, eff: Effective, status: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(c, s) for c, s in eff.checks if self.found.status(eff.id, c) == status]

    def unknowns(self, eff: Effective) -> list[str]:
        return [self.explain.requirement(eff, c, s) for c, s in self._with(eff, "unknown")]

    def unmet(self, eff: Effective, *, inherited: bool = True) -> list[str]:
        """Each unmet requirement as a reason; without those a low-confidence doctrine lent, if asked."""
        return [
            f"Not met: {self.explain.requirement(eff, c, s)} ({self.explain.stated(c, self.query)})."
            for c, s in self._with(eff, "unmet")
            if inherited or c not in eff.inherited
        ]

    def short_of_doctrine(self, eff: Effective) -> list[str]:
        return [
            f"confirm with the board: the state's general doctrine expects {self.explain.requirement(eff, c, s)} "
            f"({self.explain.stated(c, self.query)})"
            for c, s in self._with(eff, "unmet")
            if c in eff.inherited
        ]

    def remedies(self, eff: Effective, *, inherited: bool = True) -> list[str]:
        return [
            self.explain.remedy(eff, c, s) for c, s in self._with(eff, "unmet") if inherited or c not in eff.inherited
        ]

    def all_met(self, eff: Effective) -> bool:
        return all(self.found.status(eff.id, c) == "met" for c, _ in eff.checks)

    def scoped_forbids(self) -> list[str]:
        return [self.explain.requirement(f, "setting", f.rule.forbid_in_settings) for f in self.forbid_open]


def fold(lib: Library, plan: Plan, query: Query, findings: Findings) -> Verdict:
    """The verdict for one query from what the engine found (precedence: the module docstring)."""
    r = _Reading(lib, plan, query, findings)
    silent_on_high_risk = not r.forbid_hit and not r.permits and not lib.tasks[query.task].delegable
    if silent_on_high_risk and not any(r.unmet(d, inherited=False) for d in r.defers):
        return _unknown(lib, plan, query, silent=r.defers + r.forbids, conditions=r.scoped_forbids())
    if r.forbid_hit:
        outcome = _Outcome("prohibited", r.forbid_hit, [f.rule.reason for f in r.forbid_hit])
    elif r.permits:
        outcome = _by_permits(r)
    elif r.defers or r.forbids:
        outcome = _by_defers(r)
    else:
        return _unknown(lib, plan, query)
    return _dress(lib, plan, query, outcome)


def _by_permits(r: _Reading) -> _Outcome:
    """Alternative paths: one fully met allows; else open paths make it conditional; else prohibited."""
    met = [p for p in r.permits if r.all_met(p)]
    open_paths = [p for p in r.permits if not r.unmet(p)]
    if met:
        outcome = _Outcome(
            "conditional" if r.forbid_open else "allowed", met + r.forbid_open, [p.rule.reason for p in met]
        )
    elif open_paths:
        outcome = _Outcome("conditional", open_paths + r.forbid_open, [p.rule.reason for p in open_paths])
        for p in open_paths:
            items = r.unknowns(p)
            if len(open_paths) == 1:
                outcome.conditions += items
            else:
                outcome.conditions.append(f"under {p.id}: " + ("; ".join(items) if items else "nothing more"))
    else:
        outcome = _Outcome("prohibited", r.permits)
        for p in r.permits:
            outcome.reasons += [p.rule.reason, *r.unmet(p)]
            outcome.unlock.append(f"{p.id}: " + "; ".join(r.remedies(p)))
    outcome.conditions += r.scoped_forbids()
    return outcome


def _by_defers(r: _Reading) -> _Outcome:
    """The state is silent on a routine task: the doctrine's conditions, or prohibited if a stated
    fact fails a requirement a defer rule itself states."""
    deciding = r.defers or r.forbids
    outcome = _Outcome("conditional", deciding, [d.rule.reason for d in deciding])
    failing = [m for d in r.defers for m in r.unmet(d, inherited=False)]
    if failing:
        outcome.verdict = "prohibited"
        outcome.reasons += failing
        outcome.unlock = [f"{d.id}: " + "; ".join(fixes) for d in r.defers if (fixes := r.remedies(d, inherited=False))]
    else:
        for d in r.defers:
            outcome.conditions += r.short_of_doctrine(d) + r.unknowns(d)
        outcome.conditions += list(r.plan.state.doctrine.conditions)
    return outcome


def _dress(lib: Library, plan: Plan, query: Query, outcome: _Outcome) -> Verdict:
    """The Verdict of an outcome: its citations, obligations, confidence and dates."""
    deciding = outcome.deciding
    confidence = _lowest([r.rule.confidence for r in deciding])
    return Verdict(
        jurisdiction=plan.code,
        jurisdiction_name=plan.state.jurisdiction.name,
        task=query.task,
        task_name=lib.tasks[query.task].name,
        task_input=query.task_input or query.task,
        verdict=outcome.verdict,
        reasons=outcome.reasons,
        conditions=list(dict.fromkeys(outcome.conditions)),
        obligations=[]
        if outcome.verdict == "prohibited"
        else list(dict.fromkeys(o for r in deciding for o in r.rule.obligations)),
        citations=list(dict.fromkeys(_citation(s) for r in deciding for s in r.sources)),
        rules=[r.id for r in deciding],
        confidence=confidence,
        confidence_meaning=_meaning(confidence, deciding),
        basis=sorted({r.rule.basis for r in deciding}),
        last_verified=_last_verified(deciding),
        as_of=query.as_of,
        unlock=outcome.unlock,
        data_snapshot=lib.snapshot,
    )


def _meaning(confidence: Confidence, deciding: list[Effective]) -> str:
    if any(r.rule.basis == "recalled" for r in deciding):
        return f"{CONFIDENCE_MEANING[confidence]}; {NOT_VERIFIED}"
    return CONFIDENCE_MEANING[confidence]


def _why_unknown(where: str, task: schema.Task, silent: bool) -> str:
    """Why there is no answer: the law is silent on a high-risk task, or no rule covers the task."""
    if silent:
        return (
            f"{where}'s law, as encoded, does not name {task.name.lower()} for a medical "
            "assistant, and it is a high-risk task on which silence is not permission."
        )
    if not task.delegable:
        return (
            f"{where}'s rule file has no rule for {task.name.lower()} on the date asked, "
            "and it is a high-risk task on which silence is not permission."
        )
    return f"No rule of {where} covers {task.name.lower()} on the date asked."


def _unknown(
    lib: Library, plan: Plan, query: Query, silent: list[Effective] | None = None, conditions: list[str] | None = None
) -> Verdict:
    """No rule names a high-risk task (or none covers the task at all): the doctrine is guidance.

    The reasons never quote the date asked, so a memoized verdict serves every date of its window.
    """
    state = plan.state
    sources = {s.id: s for s in state.sources}
    task = lib.tasks[query.task]
    silent = silent or []
    why = _why_unknown(state.jurisdiction.name, task, bool(silent))
    guidance = " ".join([*(r.rule.reason for r in silent), f"General delegation doctrine: {state.doctrine.text}"])
    cited = [*(s for r in silent for s in r.sources), *(sources[s] for s in state.doctrine.sources)]
    confidence: Confidence = (
        min(_lowest([r.rule.confidence for r in silent]), "medium", key=CONFIDENCE_ORDER.index) if silent else "low"
    )
    return Verdict(
        jurisdiction=plan.code,
        jurisdiction_name=state.jurisdiction.name,
        task=query.task,
        task_name=task.name,
        task_input=query.task_input or query.task,
        verdict="unknown",
        reasons=[why, "Ask the state medical board before delegating it; the guidance below is not an answer."],
        conditions=list(conditions or []),
        obligations=[],
        citations=list(dict.fromkeys(_citation(s) for s in cited)),
        rules=[r.id for r in silent],
        confidence=confidence,
        confidence_meaning=_meaning(confidence, silent),
        basis=sorted({r.rule.basis for r in silent} or {state.doctrine.basis}),
        last_verified=_last_verified(silent),
        as_of=query.as_of,
        guidance=guidance,
        data_snapshot=lib.snapshot,
    )
