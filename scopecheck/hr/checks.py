"""HR checks: a job posting against a state's law, and a candidate against a set of duties.

Both ask the same Checker that `check` asks; this module only turns verdicts into findings.

A posting's duty is judged three ways, so that each finding says what to fix:

- the law for the duty under the posting's supervision (credentials unknown): `prohibited` is an
  error (`duty_out_of_scope`) unless only the posting's named supervisor makes it so, which is a
  `supervision` warning (an RN directing injections in Pennsylvania: fix who delegates);
- the law for the MA the posting would hire: each way of meeting its credential demands (one of
  "CMA, RMA, CCMA or NCMA" is four MAs, not one holding all four; "no certification needed" is an
  MA holding none), with no training assumed: where one of them may not do the duty, the posting
  misses a requirement (`missing_requirement`, a warning: the employer can still hire right);
- who supervises and how: every practitioner the posting names, a manager named alone, and work
  "autonomously" are checked against the state's rules for the duties.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from scopecheck.decide.checker import Asking, Checker
from scopecheck.decide.verdict import Verdict
from scopecheck.errors import AmbiguousTask, UserError
from scopecheck.hr.candidate import CandidateStatus
from scopecheck.hr.posting import (
    _JUDGMENT,
    _LICENSED_NURSE,
    _NEGATION,
    _NOT_MA_JUDGMENT,
    _NURSE_ROLE,
    _NURSE_TITLE,
    Duty,
    Posting,
)
from scopecheck.law.plain import json_values
from scopecheck.law.schema import UNCOVERED
from scopecheck.law.terms import Supervision, SupervisorType

SEVERITY = {
    "duty_out_of_scope": "error",
    "missing_requirement": "warning",
    "unrecognized_credential": "warning",
    "unsupported_demand": "warning",
    "protected_title": "warning",
    "judgment_language": "warning",
    "supervision": "warning",
    "state_credential": "warning",
    "not_understood": "warning",
    "not_an_ma_task": "warning",
    "unstated_route": "warning",
    "unknown_duty": "info",
    "mixed_role": "info",
    "no_duties": "info",
}
JUDGMENT_TASKS = {"triage", "telephone_triage", "interpret_results"}
MAX_DUTIES = 100  # duties in one hire question (the API's list and the page's lines alike)
# Words that name judgment work outright; anything vaguer ("patient assessment", "screening") is a warning.
_EXPLICIT_JUDGMENT = re.compile(r"\b(triage|interpret|diagnos)", re.I)
_PRACTITIONERS = ("physician", "pa", "np", "rn", "podiatrist")
_SUPERVISOR_NAMES = {
    "physician": "a physician",
    "pa": "a physician assistant",
    "np": "a nurse practitioner",
    "rn": "a registered nurse",
    "lpn": "a licensed practical nurse",
    "podiatrist": "a podiatrist",
    "provider": "a provider",
    "manager": "a manager",
}
_MAX_SCENARIOS = 32


@dataclass
class PostingFinding:
    """One thing a posting gets wrong or leaves open (kind, severity, the sentence, the citations);
    not to be confused with the engine's per-rule decide.findings.Finding."""

    kind: str
    severity: str
    message: str
    text: str
    citations: list[dict[str, str | None]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def _cites(v: Verdict) -> list[dict[str, str | None]]:
    return [{"cite": c.cite, "url": c.url, "kind": c.kind} for c in v.citations]


@dataclass
class PostingReport:
    source: str
    jurisdiction: str
    jurisdiction_name: str
    jurisdiction_evidence: str
    title: str | None
    required_credentials: list[str]
    duties: list[dict[str, Any]]
    findings: list[PostingFinding]
    required_any_of: list[list[str]] = field(default_factory=list)  # "one of CMA, RMA, CCMA or NCMA": one group
    demands: list[dict[str, Any]] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)
    autonomous: bool = False
    language: str = "en"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [asdict(f) for f in self.findings]
        return data

    @property
    def worst(self) -> str:
        order = ["error", "warning", "info"]
        return min((f.severity for f in self.findings), key=order.index, default="none")


def _national_ma_credentials(checker: Checker) -> list[str]:
    return sorted(
        c.id
        for c in checker.lib.credentials.values()
        if c.jurisdiction is None and "medical assistant" in c.name.lower() and c.kind == "certification"
    )


def credential_scenarios(checker: Checker, posting: Posting) -> tuple[list[frozenset[str]], list[str], list[list[str]]]:
    """The credentials an MA hired on this posting would hold, as alternatives: every way of meeting
    its required demands (an any-of list is one credential of the list; "no certification needed" or
    "a diploma, or EMT licensure" admits holding none). Also the all-of ids and the any-of groups."""
    all_of: set[str] = set()
    groups: list[list[str | None]] = []
    for d in posting.demands:
        if not d.required:
            continue
        if d.credentials and (d.any_of or d.or_none):
            groups.append([*d.credentials, *([None] if d.or_none else [])])
        elif d.credentials:
            all_of |= set(d.credentials)
        elif d.generic_ma:  # "certified medical assistant", no body named: one national MA certification
            groups.append(list(_national_ma_credentials(checker)))
    scenarios = []
    for choice in itertools.islice(itertools.product(*groups), _MAX_SCENARIOS):
        scenarios.append(frozenset(all_of | {c for c in choice if c}))
    any_of = [sorted(c for c in g if c) for g in groups]
    return list(dict.fromkeys(scenarios)) or [frozenset(all_of)], sorted(all_of), any_of


def _own_credential(checker: Checker, code: str, on: date) -> list[str]:
    """The state's own MA credentials, when every clinical MA task needs one (Washington: MA-C, MA-R...):
    read from the law for the most routine clinical task, taking vital signs."""
    asked = checker.query(code, "vital_signs", credentials=frozenset(), as_of=on)
    v = checker.evaluate(replace(asked, task_input=""))  # a probe, no decision shown: not logged
    if v.verdict != "prohibited" or not v.unlock:
        return []
    own = [c for c in checker.lib.credentials.values() if c.jurisdiction == code]
    names: list[str] = []
    for line in v.unlock:
        named = [c for c in own if c.name in line]
        if not named:
            return []
        names += [c.id for c in named]
    return list(dict.fromkeys(names))


def _unmet_credential(v: Verdict) -> bool:
    return any(r.startswith("Not met:") and ("must hold" in r or "must have completed" in r) for r in v.reasons)


def _names(checker: Checker, ids: frozenset[str] | set[str] | list[str]) -> str:
    return ", ".join(checker.lib.credentials[i].name for i in sorted(ids)) or "no credential"


def check_posting(checker: Checker, posting: Posting, as_of: date | None = None) -> PostingReport:
    """Every finding on a posting, in a fixed order: its duties, who supervises and delegates, the
    credentials it asks for, its title, judgment language, and whether its duties were read at all."""
    code = posting.jurisdiction
    if code is None:
        why = f": {posting.jurisdiction_evidence}" if posting.jurisdiction_evidence else ""
        raise UserError(f"{posting.source}: cannot tell which state the job is in{why}; give {posting.state_field} XX")
    checker.jurisdiction(code, field=posting.source)
    review = _PostingReview(checker, posting, code, as_of or date.today())
    outside = _role_outside_ma_law(checker, posting)
    if outside:
        review.outside_role(outside)
        return review.report()
    for duty in posting.duties:
        review.duty(duty)
    review.supervision()
    review.delegation()
    review.credentials()
    review.title()
    review.judgment_language()
    review.coverage()
    return review.report()


def _role_outside_ma_law(checker: Checker, posting: Posting) -> str | None:
    """What the posting's own title names, where it is a role no MA task covers (a veterinary or a
    dental assistant), read as the matcher reads a question; None for an MA's or a catalogue title."""
    if not posting.title or posting.title_id is not None:
        return None
    return checker.resolver.matcher.understand(posting.title).not_ma


class _PostingReview:
    """One posting checked against one state's law; each step adds its findings."""

    def __init__(self, checker: Checker, posting: Posting, code: str, on: date):
        self.checker, self.posting, self.code, self.on = checker, posting, code, on
        self.lib = checker.lib
        self.state = checker.lib.state(code)
        self.state_name = self.state.jurisdiction.name
        self.scenarios, self.all_of, self.any_of = credential_scenarios(checker, posting)
        self.findings: list[PostingFinding] = []
        self.duties: list[dict[str, Any]] = []
        self.judged_sentences: set[str] = set()
        self.by_supervisor: dict[str, list[tuple[str, Verdict]]] = {}
        self.autonomous: list[tuple[str, Verdict]] = []
        self.onsite: list[str] = []
        self.checked: dict[str, Verdict] = {}

    def law(self, task: str, *, shown: bool = False, **facts: Any) -> Verdict:
        """The verdict on a task for the MA this posting describes, with `facts` changed. Only a
        verdict the report shows as a duty's (`shown`) is a decision for the log; the probes behind
        a finding (other supervisors, other credentials, every route) are not."""
        base: dict[str, Any] = {"supervisor": self.posting.supervisor, "supervision": self.posting.supervision}
        base.update(facts)
        query = self.checker.query(self.code, task, as_of=self.on, **base)
        return self.checker.evaluate(query if shown else replace(query, task_input=""))

    def add(self, kind: str, message: str, text: str, v: Verdict | None = None, severity: str | None = None) -> None:
        cites, rules = (_cites(v), list(v.rules)) if v else ([], [])
        self.findings.append(PostingFinding(kind, severity or SEVERITY[kind], message, text, cites, rules))

    def outside_role(self, what: str) -> None:
        """A posting for a role outside MA law: its duties listed as read, none judged under it."""
        for duty in self.posting.duties:
            self.duties.append(
                {"task": duty.task, "text": duty.text, "matched": duty.matched, "kind": duty.kind, "verdict": None}
            )
        self.add(
            "not_an_ma_task",
            f"'{self.posting.title}' is {what}: medical-assistant law does not govern the role, so its duties "
            f"are not judged against {self.state_name}'s MA rules",
            self.posting.title or "",
        )

    def duty(self, duty: Duty) -> None:
        """One duty: judgment work, out of scope, unknown, or what the hire would need to do it."""
        entry: dict[str, Any] = {
            "task": duty.task,
            "text": duty.text,
            "matched": duty.matched,
            "kind": duty.kind,
            "verdict": None,
        }
        self.duties.append(entry)
        if duty.kind == "no_route":
            entry["routes"] = list(duty.routes)
            self.no_route_duty(duty)
        if duty.kind != "duty":
            return
        v = self.law(duty.task, shown=True)
        entry.update(verdict=v.verdict, rules=v.rules, confidence=v.confidence)
        name = self.lib.tasks[duty.task].name
        first = duty.task not in self.checked
        self.checked.setdefault(duty.task, v)
        if duty.task in JUDGMENT_TASKS:
            self.judgment_duty(duty, name, v)
        elif v.verdict == "prohibited":
            self.prohibited_duty(duty, name, v, first)
        elif v.verdict == "unknown":
            self.add(
                "unknown_duty",
                f"'{duty.matched}' ({name}): {self.state_name}'s data has no rule for it; ask the board",
                duty.text,
                v,
            )
        elif first:
            self.hiring_gaps(duty, name, v)

    def no_route_duty(self, duty: Duty) -> None:
        """Medication given with no route named ("administers medications"): no one task to check.
        Where the state forbids the MA every route it could be, the posting asks for what no route
        allows (an error); where it forbids some, the route decides, and the posting does not say it
        (a warning naming them). Whoever supervises, as for a duty out of scope."""
        verdicts = {task: self.law(task, supervisor=None, supervision=None) for task in duty.routes}
        barred = [task for task, v in verdicts.items() if v.verdict == "prohibited"]
        if not barred:
            return
        first = verdicts[barred[0]]
        names = ", ".join(self.lib.tasks[t].name.lower() for t in barred)
        if len(barred) == len(verdicts):
            message = f"every route it could be ({names}) is prohibited for an MA in {self.state_name}"
            self.add(
                "duty_out_of_scope",
                f"'{duty.matched}' names no route, and {message}: {_detail(first)}",
                duty.text,
                first,
            )
            return
        self.add(
            "unstated_route",
            f"'{duty.matched}' names no route, and in {self.state_name} the route decides: prohibited for an MA are "
            f"{names}; say which medications the MA gives",
            duty.text,
            first,
        )

    def judgment_duty(self, duty: Duty, name: str, v: Verdict) -> None:
        """Work that needs clinical judgment, asked of an unlicensed role: an error when prohibited
        and said outright ("diagnose"), else a warning."""
        self.judged_sentences.add(duty.text)
        severe = v.verdict == "prohibited" and bool(_EXPLICIT_JUDGMENT.search(duty.matched))
        self.add(
            "judgment_language",
            f"Judgment work in an unlicensed role: '{duty.matched}' ({name}) is "
            f"{v.verdict} for an MA in {self.state_name}" + (f": {_detail(v)}" if v.verdict == "prohibited" else ""),
            duty.text,
            v,
            severity="error" if severe else "warning",
        )

    def prohibited_duty(self, duty: Duty, name: str, v: Verdict, first: bool) -> None:
        """Out of scope whoever supervises; or prohibited only under the supervisor the posting names."""
        fed = self.posting.supervisor
        without = self.law(duty.task, supervisor=None, supervision=None) if fed or self.posting.supervision else v
        if without.verdict == "prohibited":
            self.add(
                "duty_out_of_scope",
                f"'{duty.matched}' ({name}) is prohibited for an MA in {self.state_name}: {_detail(v)}",
                duty.text,
                v,
            )
        elif first and fed:
            self.by_supervisor.setdefault(fed, []).append((duty.matched, v))

    def hiring_gaps(self, duty: Duty, name: str, v: Verdict) -> None:
        """A duty the law allows in some way: does the MA this posting hires, under whom it names, meet it?"""
        posting = self.posting
        for held in self.scenarios:  # the MA this posting would hire, one way of meeting its demands at a time
            # on-the-job training the practitioner documents is assumed; a formal course or credential is not
            hv = self.law(duty.task, credentials=held, trainings=frozenset({"training_documented"}))
            if hv.verdict == "prohibited" and _unmet_credential(hv):
                who = (
                    f"an MA holding only {_names(self.checker, held)}"
                    if held
                    else "an MA with no credential or training"
                )
                need = "; ".join(hv.unlock) or _detail(hv)
                alternatives = " (one of the credentials it accepts)" if len(self.scenarios) > 1 and held else ""
                self.add(
                    "missing_requirement",
                    f"'{duty.matched}' ({name}) needs what the posting does not require: "
                    f"{who}{alternatives} may not do it in {self.state_name}; needed: {need}",
                    duty.text,
                    hv,
                )
                break
        for who in posting.supervisors:  # every practitioner the posting names, checked as the delegator
            if who in _PRACTITIONERS and who != posting.supervisor:
                sv = self.law(duty.task, supervisor=who)
                if sv.verdict == "prohibited":
                    self.by_supervisor.setdefault(who, []).append((duty.matched, sv))
        if (
            v.verdict == "conditional"
            and posting.supervision is None
            and self.lib.tasks[duty.task].risk == "high"
            and any(
                re.search(r"supervision at least (direct|personal)", c)
                for c in v.conditions
                if not c.startswith("under ")
            )
        ):
            self.onsite.append(duty.matched)
        if posting.autonomous:
            av = self.law(duty.task, supervision=posting.autonomy or "none")
            if av.verdict == "prohibited":
                self.autonomous.append((duty.matched, av))

    def supervision(self) -> None:
        """Who the posting puts over the MA, autonomy, and on-site supervision."""
        posting, where = self.posting, self.state_name
        for who, hits in self.by_supervisor.items():
            words = ", ".join(f"'{m}'" for m, _ in hits[:6])
            self.add(
                "supervision",
                f"The posting puts the MA under {_SUPERVISOR_NAMES.get(who, who)}; in {where} "
                f"{words} may not then be delegated: {_detail(hits[0][1])}",
                posting.supervisor_texts.get(who, ""),
                hits[0][1],
            )
        if self.autonomous:
            words = ", ".join(f"'{m}'" for m, _ in self.autonomous[:6])
            self.add(
                "supervision",
                f"The posting has the MA work autonomously; in {where} {words} need a supervising "
                f"practitioner: {_detail(self.autonomous[0][1])}",
                posting.autonomous,
                self.autonomous[0][1],
            )
        if self.onsite:
            self.add(
                "supervision",
                f"In {where} {', '.join(repr(w) for w in self.onsite[:6])} need the delegating "
                "practitioner on the premises (direct supervision); the posting does not say so",
                posting.supervision_text or next(d.text for d in posting.duties if d.matched == self.onsite[0]),
                severity="info",
            )

    def delegation(self) -> None:
        """Tasks no MA may be given, and a posting that names no practitioner to delegate at all."""
        posting, where = self.posting, self.state_name
        for what, words, sentence in posting.not_ma:
            if UNCOVERED in what:  # work MAs may well do (restocking, CPR): not judged, never forbidden
                self.add(
                    "unknown_duty",
                    f"'{words}' is {what}, so scopecheck does not judge it; ask the board",
                    sentence,
                )
                continue
            self.add(
                "not_an_ma_task",
                f"'{words}' is {what}: no medical-assistant task covers it, so an MA may not be given it",
                sentence,
            )
        if posting.supervisors and not any(w in _PRACTITIONERS or w == "provider" for w in posting.supervisors):
            who = (
                " or ".join(_SUPERVISOR_NAMES.get(s, s) for s in self.state.doctrine.supervisors)
                or "a licensed practitioner"
            )
            self.add(
                "supervision",
                f"The posting names only {_SUPERVISOR_NAMES['manager']} as the MA's supervisor; in "
                f"{where} clinical tasks are delegated by {who}, whom the posting does not name",
                posting.supervisor_texts.get("manager", ""),
                severity="info",
            )

    def credentials(self) -> None:
        """The state's own credential, credentials of other states, and MA licences that do not exist."""
        lib, code, where = self.lib, self.code, self.state_name
        clinical = [d for d in self.posting.duties if d.kind == "duty" and lib.tasks[d.task].risk != "clerical"]
        own = _own_credential(self.checker, code, self.on)
        if own and clinical and not all(held & set(own) for held in self.scenarios):
            self.add(
                "state_credential",
                f"{where} requires a medical assistant doing clinical work to hold one of its "
                f"own credentials ({_names(self.checker, own)}); the posting does not require one",
                clinical[0].text,
                self.checked.get(clinical[0].task),
            )
        for demand in self.posting.demands:
            for cid in demand.credentials:
                cred = lib.credentials[cid]
                if cred.jurisdiction and cred.jurisdiction != code:
                    self.add(
                        "unrecognized_credential",
                        f"{cred.name} is a {cred.jurisdiction} credential; {where} does not issue or recognize it",
                        demand.text,
                    )
            if demand.licensed_ma and not any(
                c.jurisdiction == code and "medical assistant" in c.name.lower() for c in lib.credentials.values()
            ):
                self.add(
                    "unsupported_demand",
                    f"No license for medical assistants exists in {where}: {self.state.jurisdiction.registration}",
                    demand.text,
                )

    def title(self) -> None:
        """A protected 'nurse' title, or a role open to MAs and nurses alike."""
        posting = self.posting
        title_line = posting.title or ""
        bare_title = _LICENSED_NURSE.sub(" ", title_line)
        nurse_title = bool(_NURSE_TITLE.search(bare_title)) and not re.search(r"nurse practitioner", title_line, re.I)
        nurse_role = next((s for s in posting.sentences if _NURSE_ROLE.search(s)), None)
        if nurse_title or nurse_role:
            self.add(
                "protected_title",
                "The title 'nurse' is protected by state nursing law; an unlicensed medical "
                "assistant may not be called a nurse (statute not encoded here)",
                title_line if nurse_title else nurse_role or "",
            )
        elif posting.other_roles:
            self.add(
                "mixed_role",
                f"The posting hires an MA or a licensed nurse ({', '.join(posting.other_roles)}); "
                "its duties are checked as an MA's, and a nurse does them under the nursing licence",
                title_line,
            )

    def judgment_language(self) -> None:
        """Clinical judgment asked of the MA in words no duty matched ("assess", "triage calls")."""
        posting = self.posting
        for part in posting.parts:
            s = part.text
            if part.section not in ("duties", "neutral", "requirements") or s in self.judged_sentences:
                continue
            m = _JUDGMENT.search(s)
            if not m or _NEGATION.search(s[max(0, m.start() - 40) : m.start()]) or _NOT_MA_JUDGMENT.search(s):
                continue
            words = m.group(1)
            task = (
                "interpret_results"
                if re.match(r"(diagnos|make|interpret)", words, re.I)
                else "telephone_triage"
                if re.search(r"telephone|phone", words, re.I)
                else "triage"
            )
            v = self.checker.evaluate(self.checker.query(self.code, task, as_of=self.on))
            self.add(
                "judgment_language",
                f"'{words}' describes clinical judgment; in "
                f"{self.state_name} {self.lib.tasks[task].name.lower()} by an MA is {v.verdict}",
                s,
                v,
            )
            self.judged_sentences.add(s)

    def coverage(self) -> None:
        """Say so when too little of the posting was read to trust silence."""
        posting = self.posting
        read = [d for d in posting.duties if d.kind == "duty"]
        if posting.language != "en" and len(read) < 3:
            self.add(
                "not_understood",
                f"The posting is not in English; only {len(read)} duties were recognized: review its duties by hand",
                posting.text[:160],
            )
        elif not read and not posting.not_ma:
            self.add(
                "no_duties",
                "No duties were recognized in the posting: it may name them in words "
                "the catalogue does not know, or list none",
                posting.text[:160],
            )

    def report(self) -> PostingReport:
        posting = self.posting
        demands = [
            {
                "text": d.text,
                "credentials": d.credentials,
                "required": d.required,
                "any_of": d.any_of,
                "or_none": d.or_none,
            }
            for d in posting.demands
        ]
        return PostingReport(
            posting.source,
            self.code,
            self.state_name,
            posting.jurisdiction_evidence,
            posting.title,
            self.all_of,
            self.duties,
            self.findings,
            self.any_of,
            demands,
            posting.supervisors,
            bool(posting.autonomous),
            posting.language,
        )


def _detail(v: Verdict) -> str:
    return next((r for r in v.reasons if r.startswith("Not met:")), v.reasons[0] if v.reasons else "")


# ---- hire


class HireTasks(list[tuple[str, str]]):
    """The (task id, words) pairs to check for a hire, and the catalogue title they came from, if any
    (its implied credentials are what the job asks of the candidate)."""

    title_id: str | None = None
    duty_field: str = "--duty"  # how the asker names the duties, for a question asked back about one


@dataclass
class HireReport:
    jurisdiction: str
    jurisdiction_name: str
    candidate: dict[str, Any]
    duties: list[dict[str, Any]]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _duty_task(checker: Checker, words: str, field: str) -> str:
    """The duty's task id; or its words, where they fit several tasks: check_hire then settles them
    for this candidate as `check` settles them (answered where every candidate task gets the same
    answer, asked back where not), so a phrase means the same in a hire as in a check."""
    try:
        return checker.resolver.task(words, field=field)
    except AmbiguousTask as exc:
        if not exc.settled_by_facts:
            raise
        return words


def hire_tasks(
    checker: Checker,
    code: str,
    *,
    duties: list[str] | tuple[str, ...] | None = None,
    title: str | None = None,
    posting_text: str | None = None,
    source: str = "posting",
    names: tuple[str, str, str] = ("--duty", "--title", "--posting"),
) -> HireTasks:
    """(task id, words) for a hire, from exactly one of: duties, a catalogue title, a posting's text.
    `names` are how the caller calls those three inputs, for the error messages."""
    if sum(bool(x) for x in (duties, title, posting_text)) != 1:
        raise UserError(f"give exactly one of {names[0]}, {names[1]} or {names[2]}")
    out = HireTasks()
    out.duty_field = names[0]
    if duties:
        for duty in duties:  # typed as a question is: words naming another state are asked back
            checker.one_state(code, duty, field=names[0])
        out += [(_duty_task(checker, d, names[0]), d) for d in duties]
        return out
    if title:
        found = checker.lib.titles[checker.resolver.title(title, field=names[1])]
        if not found.duties:
            raise UserError(f"{names[1]}: '{found.name}' has no clinical duties to check; use {names[0]}")
        out += [(t, t) for t in found.duties]
        out.title_id = found.id
        return out
    from scopecheck.hr.posting import PostingReader

    read = PostingReader(checker.lib, checker.resolver).read(posting_text or "", source, code)
    out += list(dict.fromkeys((d.task, d.matched) for d in read.duties if d.kind == "duty"))
    out.title_id = read.title_id
    if not out:
        raise UserError(f"{source}: no duties recognized in the posting")
    return out


# Conditions that bind the candidate (what they must hold, have done or have been), as opposed to
# conditions on the practice (supervision, setting).
_BINDS_CANDIDATE = re.compile(
    r"must hold|must have completed|certif|licen[cs]|registration|registered|employed|training|"
    r"trained|competen|exam\b|examination",
    re.I,
)


def check_hire(
    checker: Checker,
    code: str,
    status: CandidateStatus,
    tasks: list[tuple[str, str]],
    *,
    supervision: Supervision | None = None,
    supervisor: SupervisorType | None = None,
    setting: str | None = None,
) -> HireReport:
    """The candidate against each duty: the verdict for this person, with every condition that binds
    them, the rule's confidence, and what would unlock a prohibited duty."""
    state = checker.lib.state(code)
    warnings = list(status.warnings)
    credentials = _hire_credentials(checker, code, status, getattr(tasks, "title_id", None), warnings)
    duties = []
    for task, words in tasks:
        query = checker.query(
            code,
            task,
            credentials=credentials,
            trainings=status.trainings,
            supervision=supervision,
            supervisor=supervisor,
            setting=setting,
            as_of=status.as_of,
            asking=Asking(task=getattr(tasks, "duty_field", "--duty")),
        )
        v = checker.evaluate(replace(query, task_input=words))
        duties.append(_hire_duty(v, words, warnings))
    return HireReport(code, state.jurisdiction.name, _candidate_json(status, credentials), duties, warnings)


def _hire_credentials(
    checker: Checker, code: str, status: CandidateStatus, title_id: str | None, warnings: list[str]
) -> frozenset[str] | None:
    """The credentials that count: the candidate's, or the title's when none are stated (with a
    warning either way), and a warning for each credential of another state."""
    lib = checker.lib
    credentials = status.credentials
    implied = list(lib.titles[title_id].credentials) if title_id else []
    if title_id and implied:
        title_name = lib.titles[title_id].name
        if credentials is None:
            credentials = frozenset(implied)
            warnings.append(
                f"credentials not stated: the title '{title_name}' implies {_names(checker, implied)}, "
                "assumed held; give the candidate's credentials to be sure"
            )
        elif not set(implied) & credentials:
            warnings.append(
                f"the title '{title_name}' implies {_names(checker, implied)}, which the candidate does not "
                "hold (or which does not count today)"
            )
    foreign = {cid for cid in credentials or () if lib.credentials[cid].jurisdiction not in (None, code)}
    for cid in sorted(foreign):
        cred = lib.credentials[cid]
        warnings.append(
            f"{cred.name} is a {cred.jurisdiction} credential: it does not count in {lib.state(code).jurisdiction.name}"
        )
    return None if credentials is None else credentials - foreign  # not counted where it does not count


def _counted_here(details: list[dict[str, Any]], counted: frozenset[str] | None) -> list[dict[str, Any]]:
    """Each held credential's detail, `counts` false where it does not count in this state."""
    return [{**d, "counts": d["counts"] and (counted is None or d["id"] in counted)} for d in details]


def _hire_duty(v: Verdict, words: str, warnings: list[str]) -> dict[str, Any]:
    """One duty of a hire as JSON; a low-confidence permission or an allowed duty with binding
    conditions adds a warning."""
    binding = [c for c in (*v.conditions, *v.obligations) if _BINDS_CANDIDATE.search(c)]
    if v.verdict in ("allowed", "conditional") and v.confidence == "low":
        warnings.append(
            f"{v.task_name}: {v.verdict} only on a low-confidence rule ({', '.join(v.rules)}); "
            "confirm with the state board before relying on it"
        )
    if v.verdict == "allowed" and binding:
        warnings.append(f"{v.task_name}: allowed, but the rule also says: {'; '.join(binding)}")
    return {
        "task": v.task,
        "task_name": v.task_name,
        "asked": words,
        "task_note": v.task_note,  # how the words were read, as check's "Understood as" says it
        "verdict": v.verdict,
        "reasons": v.reasons,
        "conditions": v.conditions,
        "obligations": v.obligations,
        "binding": binding,
        "citations": [json_values(c) for c in v.citations],
        "rules": v.rules,
        "unlock": v.unlock if v.verdict == "prohibited" else [],
        "confidence": v.confidence,
        "confidence_meaning": v.confidence_meaning,
    }


def _candidate_json(status: CandidateStatus, credentials: frozenset[str] | None) -> dict[str, Any]:
    return {
        "name": status.name,
        "as_of": status.as_of.isoformat(),
        "credentials_counted": sorted(credentials) if credentials is not None else None,
        "trainings_counted": sorted(status.trainings) if status.trainings is not None else None,
        "credentials": [
            {
                **d,
                "issued": d["issued"].isoformat() if d["issued"] else None,
                "expires": d["expires"].isoformat() if d["expires"] else None,
            }
            for d in _counted_here(status.details, credentials)
        ],
    }
