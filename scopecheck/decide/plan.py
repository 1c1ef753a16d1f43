"""Which rules hold in one jurisdiction: its own rules, the baseline, and its delegation doctrine.

This is the meaning of the data, decided once and shared by the engine's compiler, the verdict
fold and `scopecheck show`:

* a baseline rule holds for a task unless the state has a permit or forbid rule for that task;
* a `defer` rule (the state is silent) takes the doctrine's supervision and supervisor types
  where it names none of its own; when the doctrine is of low confidence those inherited defaults
  are guidance: a stated fact that falls short of them is a condition to confirm, not a prohibition;
* the doctrine itself is a `defer` rule, `XX-doctrine`, for each *delegable* (not high-risk) task
  that no state or baseline rule covers on a given date. A high-risk task nothing covers stays
  `unknown`, and so does one only a `defer` rule covers (silence is not permission: verdict.py);
* a permit that requires a state status defined as national certification plus other facts
  (`satisfied_by` in the credential catalogue) gains one more path per definition,
  `<rule id>.national`: any of those national credentials, with the other facts as trainings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Literal

from scopecheck.decide.keys import KeyIndex, Relevance
from scopecheck.law import schema
from scopecheck.law.library import Library

Origin = Literal["state", "baseline", "doctrine"]


@dataclass(frozen=True)
class Window:
    """A date range [start, end) and the tasks the doctrine decides within it."""

    start: date | None
    end: date | None
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Effective:
    """A rule as it holds in one jurisdiction, with its resolved requirements and sources."""

    rule: schema.Rule
    origin: Origin
    requires: schema.Requirements
    sources: tuple[schema.Source, ...]
    windows: tuple[Window, ...] | None = None  # doctrine only: where it applies, by date
    inherited: frozenset[str] = frozenset()  # checks taken from the doctrine's defaults (guidance)

    @property
    def id(self) -> str:
        return self.rule.id

    @cached_property
    def checks(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(requirement, scope) pairs, in the order reasons are given; a forbid's setting scope is its
        only requirement. A requirement is `credentials`, `training:<id>`, `supervision`,
        `supervisor` or `setting`; the scope is the settings a `setting` requirement names."""
        if self.rule.forbid_in_settings:
            return (("setting", self.rule.forbid_in_settings),)
        req = self.requires
        out: list[tuple[str, tuple[str, ...]]] = []
        if req.credentials:
            out.append(("credentials", ()))
        out += [(f"training:{t}", ()) for t in req.trainings]
        if req.supervision:
            out.append(("supervision", ()))
        if req.supervisors:
            out.append(("supervisor", ()))
        if req.settings:
            out.append(("setting", req.settings))
        return tuple(out)

    def applies(self, task: str, on: date) -> bool:
        if self.windows is not None:
            return any(
                task in w.tasks and (w.start is None or w.start <= on) and (w.end is None or on < w.end)
                for w in self.windows
            )
        return task in self.rule.tasks and self.rule.in_effect(on)


@dataclass(frozen=True)
class Plan:
    code: str
    state: schema.StateFile
    rules: tuple[Effective, ...]

    def rule(self, rule_id: str) -> Effective:
        return self._by_id[rule_id]

    @cached_property
    def _by_id(self) -> dict[str, Effective]:
        return {r.id: r for r in self.rules}

    @cached_property
    def order(self) -> dict[str, int]:
        """Rule id -> position: reasons are always given in file order."""
        return {r.id: i for i, r in enumerate(self.rules)}

    def outline(self) -> str:
        """The plan as plain text, one block per rule: what it decides, when, and what it requires.
        Engine-neutral, so a data edit reads as a diff of law (tests/golden/XX.plan.txt)."""
        lines = [f"# {self.code}: the rules that hold, in file order, and what each requires"]
        for eff in self.rules:
            rule = eff.rule
            lines += ["", f"{eff.id}: {rule.effect} ({eff.origin}, confidence {rule.confidence}, {rule.basis})"]
            for w in eff.windows or (Window(rule.effective_from, rule.effective_to, rule.tasks),):
                lines.append(f"  {_span(w.start, w.end)}: {', '.join(w.tasks)}")
            for check, scope in eff.checks:
                lines.append(f"  requires {_requirement(eff, check, scope)}")
            lines.append(f"  sources: {', '.join(s.id for s in eff.sources) or 'none'}")
        return "\n".join(lines) + "\n"

    @property
    def doctrine_id(self) -> str:
        return f"{self.code}-doctrine"

    @cached_property
    def _breakpoints(self) -> list[date]:
        points = {d for r in self.rules for d in (r.rule.effective_from, r.rule.effective_to) if d}
        points |= {d for r in self.rules for w in r.windows or () for d in (w.start, w.end) if d}
        return sorted(points)

    def window(self, on: date) -> int:
        return self.keys.window(on)

    @cached_property
    def keys(self) -> KeyIndex:
        """What this jurisdiction's question keys are made of (decide/keys.py): its effective dates,
        and for each task a rule names, the facts some rule on it tests."""
        named: dict[str, list[Effective]] = {}
        for r in self.rules:
            for task in dict.fromkeys((*r.rule.tasks, *(t for w in r.windows or () for t in w.tasks))):
                named.setdefault(task, []).append(r)
        relevance = {
            task: Relevance(
                credentials=frozenset(c for r in rules for c in r.requires.credentials),
                trainings=frozenset(t for r in rules for t in r.requires.trainings),
                supervision=any(r.requires.supervision for r in rules),
                supervisor=any(r.requires.supervisors for r in rules),
                setting=any(r.requires.settings or r.rule.forbid_in_settings for r in rules),
            )
            for task, rules in named.items()
        }
        return KeyIndex(self.code, list(self._breakpoints), relevance)

    def window_dates(self, today: date) -> list[date]:
        """One date in each stretch between effective dates, in order (`today` when there is one
        stretch): every date of the law asked once."""
        points = self._breakpoints
        if not points:
            return [today]
        return [points[0] - timedelta(days=1), *points]


def _span(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "always"
    return f"from {start or 'the start'} until {end or 'further notice'}"


def _requirement(eff: Effective, check: str, scope: tuple[str, ...]) -> str:
    req = eff.requires
    if check == "credentials":
        text = "any credential of " + ", ".join(req.credentials)
    elif check == "supervision":
        text = f"supervision at least {req.supervision}"
    elif check == "supervisor":
        text = "a supervisor who is " + " or ".join(req.supervisors)
    elif check == "setting":
        text = ("not in " if eff.rule.forbid_in_settings else "only in ") + ", ".join(scope)
    else:
        text = "training " + check.split(":", 1)[1]
    return text + (" (from the doctrine: guidance)" if check in eff.inherited else "")


def _inherited(requires: schema.Requirements, doctrine: schema.Doctrine) -> frozenset[str]:
    """The checks a defer rule takes from a low-confidence doctrine's defaults rather than stating
    itself: guidance, too weak to prohibit on. A medium or high-confidence doctrine binds."""
    if doctrine.confidence != "low":
        return frozenset()
    out = set()
    if not requires.supervision and doctrine.default_supervision:
        out.add("supervision")
    if not requires.supervisors and doctrine.supervisors:
        out.add("supervisor")
    return frozenset(out)


def _with_doctrine(requires: schema.Requirements, doctrine: schema.Doctrine) -> schema.Requirements:
    return replace(
        requires,
        supervision=requires.supervision or doctrine.default_supervision,
        supervisors=requires.supervisors or doctrine.supervisors,
    )


def _breakpoints(rules: list[schema.Rule]) -> list[date | None]:
    points = {d for r in rules for d in (r.effective_from, r.effective_to) if d is not None}
    return [None, *sorted(points)]


def _satisfier_source(cred: schema.Credential, sat: schema.Satisfier) -> schema.Source:
    return schema.Source(
        id=f"def-{cred.id}", cite=sat.cite, url=sat.url, kind=sat.kind, official=sat.official, read=sat.read
    )


def _national_paths(lib: Library, eff: Effective) -> list[Effective]:
    """Alternative paths of a permit through national credentials that amount to a required state status."""
    out: list[Effective] = []
    rule = eff.rule
    for cred_id in eff.requires.credentials:
        cred = lib.credentials[cred_id]
        for n, sat in enumerate(cred.satisfied_by):
            suffix = "national" if n == 0 else f"national-{n + 1}"
            source = _satisfier_source(cred, sat)
            trainings = tuple(dict.fromkeys((*eff.requires.trainings, *sat.trainings)))
            requires = replace(eff.requires, credentials=sat.credentials, trainings=trainings)
            confidence = min(rule.confidence, source.cap, key=schema.CONFIDENCE_ORDER.index)
            path = replace(
                rule,
                id=f"{rule.id}.{suffix}",
                reason=f"{rule.reason} {sat.reason}",
                sources=(*rule.sources, source.id),
                confidence=confidence,
                requires=requires,
            )
            out.append(Effective(path, eff.origin, requires, (*eff.sources, source)))
    return out


def build_plan(lib: Library, code: str) -> Plan:
    """The rules that hold in `code`, in file order: the state's own (with their national paths),
    the baseline where the state decides nothing, then the doctrine where nothing covers a task."""
    state = lib.state(code)
    out = _state_rules(lib, state)
    baseline = _baseline_rules(lib, state)
    out += baseline
    doctrine = _doctrine_rule(lib, code, state, [*state.rules, *(b.rule for b in baseline)])
    if doctrine is not None:
        out.append(doctrine)
    return Plan(code, state, tuple(out))


def _state_rules(lib: Library, state: schema.StateFile) -> list[Effective]:
    """The state's rules; a defer rule takes the doctrine's defaults, a permit gains its national paths."""
    sources = {s.id: s for s in state.sources}
    doctrine = state.doctrine
    out: list[Effective] = []
    for rule in state.rules:
        cited = tuple(sources[s] for s in rule.sources)
        if rule.effect == "defer":
            requires = _with_doctrine(rule.requires, doctrine)
            out.append(Effective(rule, "state", requires, cited, inherited=_inherited(rule.requires, doctrine)))
        else:
            eff = Effective(rule, "state", rule.requires, cited)
            out.append(eff)
            if rule.effect == "permit":
                out += _national_paths(lib, eff)
    return out


def _baseline_rules(lib: Library, state: schema.StateFile) -> list[Effective]:
    """Baseline rules, narrowed to the tasks the state has no permit or forbid rule for."""
    decided = {t for r in state.rules if r.effect != "defer" for t in r.tasks}
    sources = {s.id: s for s in lib.baseline.sources}
    out = []
    for rule in lib.baseline.rules:
        tasks = tuple(t for t in rule.tasks if t not in decided)
        if tasks:
            narrowed = replace(rule, tasks=tasks)
            out.append(Effective(narrowed, "baseline", narrowed.requires, tuple(sources[s] for s in rule.sources)))
    return out


def _doctrine_rule(lib: Library, code: str, state: schema.StateFile, covering: list[schema.Rule]) -> Effective | None:
    """The doctrine as a defer rule over each stretch of dates, for the delegable tasks no rule covers then."""
    delegable = [t.id for t in lib.tasks_file.model.tasks if t.delegable]
    points = _breakpoints(covering)
    windows = []
    for i, start in enumerate(points):
        end = points[i + 1] if i + 1 < len(points) else None
        covered = {t for r in covering if r.in_effect(start or date.min) for t in r.tasks}
        tasks = tuple(t for t in delegable if t not in covered)
        if tasks:
            windows.append(Window(start, end, tasks))
    if not windows:
        return None
    doctrine = state.doctrine
    rule = schema.Rule(
        id=f"{code}-doctrine",
        tasks=tuple(dict.fromkeys(t for w in windows for t in w.tasks)),
        effect="defer",
        reason=f"{state.jurisdiction.name}'s law names no rule for this task, so its general "
        f"delegation doctrine applies: {doctrine.text}",
        sources=doctrine.sources,
        confidence=doctrine.confidence,
        basis=doctrine.basis,
    )
    sources = {s.id: s for s in state.sources}
    requires = _with_doctrine(schema.Requirements(), doctrine)
    cited = tuple(sources[s] for s in doctrine.sources)
    return Effective(rule, "doctrine", requires, cited, tuple(windows), _inherited(schema.Requirements(), doctrine))
