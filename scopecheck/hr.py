"""HR checks: a job posting against a state's law, and a candidate against a set of duties.

Both ask the same Checker that `check` asks; this module only turns verdicts into findings.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .api import Checker
from .candidate import CandidateStatus
from .errors import UserError
from .posting import _JUDGMENT, _NEGATION, _NOT_MA_JUDGMENT, _NURSE_ROLE, _NURSE_TITLE, Posting
from .verdict import Citation, Verdict

SEVERITY = {"duty_out_of_scope": "error", "missing_requirement": "warning", "unrecognized_credential": "warning",
            "unsupported_demand": "warning", "protected_title": "warning", "judgment_language": "warning",
            "unknown_duty": "info"}
JUDGMENT_TASKS = {"triage", "telephone_triage", "interpret_results"}


@dataclass
class Finding:
    kind: str
    severity: str
    message: str
    text: str
    citations: list[dict[str, str | None]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def _cites(v: Verdict) -> list[dict[str, str | None]]:
    return [{"cite": c.cite, "url": c.url, "kind": c.kind} for c in v.citations]


def _finding(kind: str, message: str, text: str, v: Verdict | None = None, severity: str | None = None) -> Finding:
    return Finding(kind, severity or SEVERITY[kind], message, text, _cites(v) if v else [], list(v.rules) if v else [])


@dataclass
class PostingReport:
    source: str
    jurisdiction: str
    jurisdiction_name: str
    jurisdiction_evidence: str
    title: str | None
    required_credentials: list[str]
    duties: list[dict[str, Any]]
    findings: list[Finding]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["findings"] = [asdict(f) for f in self.findings]
        return data

    @property
    def worst(self) -> str:
        order = ["error", "warning", "info"]
        return min((f.severity for f in self.findings), key=order.index, default="none")


def check_posting(checker: Checker, posting: Posting, as_of: date | None = None) -> PostingReport:
    code = posting.jurisdiction
    if code is None:
        why = f": {posting.jurisdiction_evidence}" if posting.jurisdiction_evidence else ""
        raise UserError(f"{posting.source}: cannot tell which state the job is in{why}; give --state XX")
    checker.jurisdiction(code, field=posting.source)
    state = checker.lib.state(code)
    lib = checker.lib
    on = as_of or date.today()
    required = sorted({c for d in posting.demands if d.required for c in d.credentials})
    findings: list[Finding] = []
    duties: list[dict[str, Any]] = []
    judged_sentences: set[str] = set()
    for duty in posting.duties:
        entry: dict[str, Any] = {"task": duty.task, "text": duty.text, "matched": duty.matched, "kind": duty.kind,
                                 "verdict": None}
        duties.append(entry)
        if duty.kind != "duty":
            continue
        v = checker.evaluate(checker.query(code, duty.task, credentials=required or None,
                                           supervisor=posting.supervisor, supervision=posting.supervision, as_of=on))  # type: ignore[arg-type]
        entry["verdict"] = v.verdict
        entry["rules"] = v.rules
        name = lib.tasks[duty.task].name
        if duty.task in JUDGMENT_TASKS:
            judged_sentences.add(duty.text)
        if v.verdict == "prohibited":
            detail = next((r for r in v.reasons if r.startswith("Not met:")), v.reasons[0] if v.reasons else "")
            message = f"'{duty.matched}' ({name}) is prohibited for an MA in {state.jurisdiction.name}: {detail}"
            if duty.task in JUDGMENT_TASKS:
                findings.append(_finding("judgment_language", "Judgment work in an unlicensed role: " + message,
                                         duty.text, v, severity="error"))
            else:
                findings.append(_finding("duty_out_of_scope", message, duty.text, v))
        elif v.verdict == "conditional":
            needs = [c for c in v.conditions if c.startswith(("the MA must hold", "the MA must have completed"))]
            if needs:
                findings.append(_finding("missing_requirement", f"'{duty.matched}' ({name}) needs what the posting does "
                                         f"not require: {'; '.join(needs)}", duty.text, v))
        elif v.verdict == "unknown":
            findings.append(_finding("unknown_duty", f"'{duty.matched}' ({name}): {state.jurisdiction.name}'s data has "
                                     "no rule for it; ask the board", duty.text, v))
    for demand in posting.demands:
        for cid in demand.credentials:
            cred = lib.credentials[cid]
            if cred.jurisdiction and cred.jurisdiction != code:
                findings.append(_finding("unrecognized_credential", f"{cred.name} is a {cred.jurisdiction} credential; "
                                         f"{state.jurisdiction.name} does not issue or recognize it", demand.text))
        if demand.licensed_ma:
            findings.append(_finding("unsupported_demand", f"No license for medical assistants exists in "
                                     f"{state.jurisdiction.name}: {state.jurisdiction.registration}", demand.text))
    title_line = posting.title or ""
    nurse_title = bool(_NURSE_TITLE.search(title_line)) and not re.search(r"nurse practitioner", title_line, re.I)
    nurse_role = next((s for s in posting.sentences if _NURSE_ROLE.search(s)), None)
    if nurse_title or nurse_role:
        findings.append(_finding("protected_title", "The title 'nurse' is protected by state nursing law; an "
                                 "unlicensed medical assistant may not be called a nurse (statute not encoded here)",
                                 title_line if nurse_title else nurse_role or ""))
    for s in posting.sentences:
        m = _JUDGMENT.search(s)
        if not m or s in judged_sentences or _NEGATION.search(s[: m.start()]) or _NOT_MA_JUDGMENT.search(s):
            continue
        task = "interpret_results" if re.match(r"(diagnos|interpret)", m.group(1), re.I) else "triage"
        v = checker.evaluate(checker.query(code, task, as_of=on))
        findings.append(_finding("judgment_language", f"'{m.group(1)}' describes clinical judgment; in "
                                 f"{state.jurisdiction.name} {lib.tasks[task].name.lower()} by an MA is {v.verdict}",
                                 s, v))
    return PostingReport(posting.source, code, state.jurisdiction.name, posting.jurisdiction_evidence, posting.title,
                         required, duties, findings)


# ---- hire


@dataclass
class HireReport:
    jurisdiction: str
    jurisdiction_name: str
    candidate: dict[str, Any]
    duties: list[dict[str, Any]]
    warnings: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def hire_tasks(checker: Checker, code: str, *, duties: list[str] | tuple[str, ...] | None = None,
               title: str | None = None, posting_text: str | None = None, source: str = "posting",
               names: tuple[str, str, str] = ("--duty", "--title", "--posting")) -> list[tuple[str, str]]:
    """(task id, words) for a hire, from exactly one of: duties, a catalogue title, a posting's text.
    `names` are how the caller calls those three inputs, for the error messages."""
    if sum(bool(x) for x in (duties, title, posting_text)) != 1:
        raise UserError(f"give exactly one of {names[0]}, {names[1]} or {names[2]}")
    if duties:
        return [(checker.resolver.task(d, field=names[0]), d) for d in duties]
    if title:
        found = checker.lib.titles[checker.resolver.title(title, field=names[1])]
        if not found.duties:
            raise UserError(f"{names[1]}: '{found.name}' has no clinical duties to check; use {names[0]}")
        return [(t, t) for t in found.duties]
    from .posting import PostingReader

    read = PostingReader(checker.lib, checker.resolver).read(posting_text or "", source, code)
    tasks = list(dict.fromkeys((d.task, d.matched) for d in read.duties if d.kind == "duty"))
    if not tasks:
        raise UserError(f"{source}: no duties recognized in the posting")
    return tasks


def check_hire(checker: Checker, code: str, status: CandidateStatus, tasks: list[tuple[str, str]],
               *, supervision: str | None = None, supervisor: str | None = None, setting: str | None = None) -> HireReport:
    state = checker.lib.state(code)
    duties = []
    for task, words in tasks:
        v = checker.evaluate(checker.query(code, task, credentials=status.credentials, trainings=status.trainings,
                                           supervision=supervision, supervisor=supervisor, setting=setting,  # type: ignore[arg-type]
                                           as_of=status.as_of).model_copy(update={"task_input": words}))
        duties.append({"task": v.task, "task_name": v.task_name, "asked": words, "verdict": v.verdict,
                       "reasons": v.reasons, "conditions": v.conditions,
                       "citations": [Citation.model_dump(c) for c in v.citations], "rules": v.rules,
                       "unlock": v.unlock if v.verdict == "prohibited" else [],
                       "confidence": v.confidence, "confidence_meaning": v.confidence_meaning})
    candidate = {
        "name": status.name,
        "as_of": status.as_of.isoformat(),
        "credentials_counted": sorted(status.credentials) if status.credentials is not None else None,
        "trainings_counted": sorted(status.trainings) if status.trainings is not None else None,
        "credentials": [{**d, "issued": d["issued"].isoformat() if d["issued"] else None,
                         "expires": d["expires"].isoformat() if d["expires"] else None} for d in status.details],
    }
    return HireReport(code, state.jurisdiction.name, candidate, duties, list(status.warnings))
