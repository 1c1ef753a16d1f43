"""The page's forms: read what was submitted, resolve it through the Checker's own resolver, and
say what is wrong beside the field it is wrong in, in plain words, with the close matches as links.

No verdict is decided here; a form that reads cleanly is handed to the Checker or the HR functions
(page.py). Field names are the query-string names of links.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from scopecheck.decide.checker import Asking, Checker
from scopecheck.errors import AmbiguousTask, Candidate, NotAnMATask, OtherLanguage, UnknownName, UserError
from scopecheck.hr.candidate import CandidateFile, CandidateStatus, HeldCredential, status_on
from scopecheck.hr.checks import MAX_DUTIES
from scopecheck.interfaces.links import query_string
from scopecheck.law.terms import Supervision, SupervisorType, parse_day

#: The web's errors name its own fields, not the CLI's options: the page's form and the API's query
#: string (`credential`, repeated), and the API's JSON body (`credentials`, a list).
QUERY_ASKING = Asking(state="state", task="task", credentials="credential", trainings="training", setting="setting")
BODY_ASKING = Asking(state="state", task="task", credentials="credentials", trainings="trainings", setting="setting")

NATIONAL = ("CMA_AAMA", "RMA_AMT", "CCMA_NHA", "NCMA_NCCT", "CMAC_AMCA")
HIRE_ROWS = 4
MAX_TEXT = 500
MAX_VALUES = 60
SUPERVISION_CHOICES = [
    ("none", "None"),
    ("general", "General: reachable, not on site"),
    ("direct", "Direct: on the premises"),
    ("personal", "Personal: in the room"),
]
SUPERVISOR_CHOICES = [
    ("physician", "Physician (MD/DO)"),
    ("podiatrist", "Podiatrist"),
    ("pa", "Physician assistant"),
    ("np", "Nurse practitioner"),
    ("rn", "Registered nurse"),
    ("other", "Other practitioner"),
]
assert [v for v, _ in SUPERVISION_CHOICES] == list(get_args(Supervision))
assert [v for v, _ in SUPERVISOR_CHOICES] == list(get_args(SupervisorType))


@dataclass
class Problem:
    """What is wrong with one field, and the values that would fix it (address, name)."""

    message: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    question: bool = False  # the words fit several tasks: a question back (200), not an error (400)


class Fields:
    """One submitted form: its fields in order, and the problems found so far, by field name."""

    def __init__(self, path: str, params: list[tuple[str, str]]):
        self.path = path
        self.params = list(params)
        self.errors: dict[str, Problem] = {}

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.params)

    def one(self, name: str, limit: int = MAX_TEXT) -> str:
        """The field's value, stripped; '' when absent; a problem when it is too long."""
        values = [v for k, v in self.params if k == name]
        value = values[-1].strip() if values else ""
        if len(value) > limit:
            self.errors[name] = Problem(f"Too long: at most {limit} characters.")
            return ""
        return value

    def many(self, name: str) -> list[str]:
        values = [v.strip() for k, v in self.params if k == name and v.strip()]
        if len(values) > MAX_VALUES or any(len(v) > MAX_TEXT for v in values):
            self.errors[name] = Problem(f"Too many or too long values (at most {MAX_VALUES}).")
            return []
        return values

    def link(self, name: str, old: str, new: str) -> str:
        """This form's address with `old` in field `name` replaced by `new`."""
        return f"{self.path}?" + query_string(
            [(k, new if k == name and v.strip() == old else v) for k, v in self.params]
        )

    def fail(self, name: str, exc: UserError, relink: Callable[[str], str] | None = None) -> None:
        """Record a UserError from the resolver against the field it was raised for."""
        self.errors[name] = problem(name, exc, relink or (lambda new: self.link(name, getattr(exc, "text", ""), new)))

    def choice(self, name: str, allowed: list[tuple[str, str]]) -> str | None:
        value = self.one(name)
        if value and value not in dict(allowed):
            self.errors[name] = Problem(
                f"'{value}' is not one of the choices: " + ", ".join(label.split(":")[0] for _, label in allowed) + "."
            )
            return None
        return value or None

    def when(self, name: str) -> date | None:
        value = self.one(name)
        if not value:
            return None
        try:
            return parse_day(value)
        except ValueError:
            self.errors[name] = Problem(
                f"'{value}' is not a date: pick one from the calendar, or write it as YYYY-MM-DD, e.g. 2026-07-01."
            )
            return None


def read_situation(c: Any, f: Any, form: Any) -> None:
    """Supervision, supervisor and setting: the same three fields on the check and hire forms."""
    form.supervision = f.choice("supervision", SUPERVISION_CHOICES)
    form.supervisor = f.choice("supervisor", SUPERVISOR_CHOICES)
    setting = f.one("setting")
    if setting:
        try:
            form.setting = c.resolver.setting(setting, field="setting")
        except UserError as exc:
            f.fail("setting", exc)


def problem(name: str, exc: UserError, relink: Callable[[str], str]) -> Problem:
    """A resolver's error in plain words: names, never ids; close matches as links that re-ask."""

    def links(tasks: list[Candidate]) -> list[tuple[str, str]]:
        return [(relink(c.id), c.name) for c in tasks]

    if isinstance(exc, AmbiguousTask):
        if exc.why:  # a reading in doubt (decide/reader.py): say why, and ask
            said = f"'{exc.text}' {exc.why}. " + ("Is it this task?" if len(exc.candidates) == 1 else "Which one?")
        else:
            said = f"'{exc.text}' could mean more than one task. Which one?"
        return Problem(said, links(exc.candidates), question=True)
    if isinstance(exc, NotAnMATask):
        said = f"'{exc.text}' is {exc.what}: not a medical assistant's task, so there is no answer to give."
        if exc.besides:  # what else the words name, each a link that asks it alone
            which = "this, which" if len(exc.besides) == 1 else "these, each of which"
            said += f" The words also name {which} can be asked alone:"
        return Problem(said, links(exc.besides))
    if isinstance(exc, OtherLanguage):  # read in English only; what its words name, each a link in English
        said = f"'{exc.text}' is in {exc.language}: scopecheck reads tasks in English only, so it gives no answer."
        if exc.named:
            said += " Its words may name " + ("this:" if len(exc.named) == 1 else "one of these:")
        return Problem(said, links(exc.named))
    if isinstance(exc, UnknownName):
        more = " Did you mean:" if exc.candidates else " Check the spelling, or choose from the list."
        return Problem(f"No {exc.what} matches '{exc.text}'.{more}", links(exc.candidates))
    text = str(exc)
    if text.startswith("candidate: "):  # status_on's "candidate: credentials[0]: ..." (the row is the field)
        return Problem(text.split(": ", 2)[-1])
    return Problem(text.removeprefix(f"{name}: "))


# ---- the check form


@dataclass
class CheckForm:
    fields: Fields
    state: str | None = None
    task_words: str = ""
    task_shown: str = ""  # the words, or the task's name where a link gave its id
    task: str | None = None
    credentials: frozenset[str] | None = None
    trainings: frozenset[str] | None = None
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = None
    as_of: date | None = None
    note: str = ""  # what to do next, when the form is not ready for an answer (not an error)

    @property
    def ready(self) -> bool:
        return bool(self.state and self.task_words and not self.fields.errors and not self.note)


def read_check(c: Checker, path: str, params: list[tuple[str, str]]) -> CheckForm:
    """The check form. A state chosen without a task lists that state's own credentials; ticked
    credentials are a complete list, so they are not judged against a state whose own credentials
    the form has not yet shown (the manager is asked to look at them first)."""
    f = Fields(path, params)
    form = CheckForm(f, task_words=f.one("task"))
    listed, from_form = f.one("listed"), f.has("listed")
    state = f.one("state")
    if state:
        try:
            form.state = c.jurisdiction(state, field="state")
            # links offered below re-ask from this page, which lists this state's credentials
            f.params = [(k, form.state if k == "listed" else v) for k, v in f.params]
        except UserError as exc:
            f.fail("state", exc)
    elif form.task_words:
        f.errors["state"] = Problem("Choose a state.")
    if form.task_words:
        try:
            form.task = c.resolver.task(form.task_words, field="task")
        except AmbiguousTask as exc:
            if not form.state or not exc.settled_by_facts:
                f.fail("task", exc)
            # else left to Checker.query, as the API and the CLI leave it: answered where every
            # candidate gets the same answer in this state, asked back (the same question) where not
        except UserError as exc:
            f.fail("task", exc)
    elif form.state and listed == form.state:
        f.errors["task"] = Problem("Say which task, in your own words: flu shot, draw blood, take an x-ray.")
    form.task_shown = c.lib.tasks[form.task].name if form.task and form.task == form.task_words else form.task_words
    for name, resolve in (("credential", c.resolver.credentials), ("training", c.resolver.trainings)):
        values = f.many(name)
        if values:
            try:
                setattr(form, name + "s", resolve(values, field=name))
            except UserError as exc:
                f.fail(name, exc)
    read_situation(c, f, form)
    form.as_of = f.when("as_of")
    if form.state and not form.task_words and not f.errors:
        form.note = "Now say the task" + (
            ", and tick the credentials she holds." if own_credentials(c, form.state) else "."
        )
    elif (
        form.state
        and form.credentials is not None
        and from_form
        and listed != form.state
        and own_credentials(c, form.state)
        and not f.errors
    ):
        name = c.lib.jurisdictions[form.state].name
        form.note = (
            f"{name} has credentials of its own, now listed with the national ones. Ticked credentials are "
            "her complete list: tick any of these she holds too, then press Check."
        )
    return form


def own_credentials(c: Checker, code: str) -> list[str]:
    """The state's own credentials, from its rule file."""
    return list(c.lib.state(code).jurisdiction.credentials)


def credential_options(c: Checker, code: str | None, ticked: frozenset[str] | None) -> list[tuple[str, str, bool]]:
    """(id, name, ticked) for the check form: the national MA certifications, the state's own, and
    anything else already ticked (a link may carry it)."""
    ticked = ticked or frozenset()
    ids = list(NATIONAL) + (own_credentials(c, code) if code else [])
    ids += sorted(t for t in ticked if t not in ids)
    return [(i, c.lib.credentials[i].name, i in ticked) for i in ids]


def training_options(c: Checker, code: str | None, ticked: frozenset[str] | None) -> list[tuple[str, str, bool]]:
    """(id, name, ticked): the trainings of no particular state and the state's own (every state's
    own, named by state, when `code` is None), and anything else already ticked."""
    ticked = ticked or frozenset()
    ids = [t.id for t in c.lib.trainings.values() if code is None or t.jurisdiction in (None, code)]
    ids += sorted(t for t in ticked if t not in ids)

    def name(i: str) -> str:
        t = c.lib.trainings[i]
        return f"{t.name} ({c.lib.jurisdictions[t.jurisdiction].name})" if t.jurisdiction and code is None else t.name

    return [(i, name(i), i in ticked) for i in ids]


# ---- the hire form


@dataclass
class HireForm:
    fields: Fields
    state: str | None = None
    duties: list[str] = field(default_factory=list)
    title: str | None = None
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (credential, issued, expires) as typed
    status: CandidateStatus | None = None
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = None
    as_of: date | None = None

    @property
    def ready(self) -> bool:
        return bool(self.state and self.status and (self.duties or self.title) and not self.fields.errors)


def read_hire(c: Checker, path: str, params: list[tuple[str, str]]) -> HireForm:
    """The hire form: each credential row is checked alone (status_on, as `scopecheck hire` does) so
    that a bad date or name is reported beside its own row; then the whole candidate."""
    f = Fields(path, params)
    form = HireForm(f)
    if not any(v.strip() for _, v in f.params):
        return form
    state = f.one("state")
    if not state:
        f.errors["state"] = Problem("Choose the state the job is in.")
    else:
        try:
            form.state = c.jurisdiction(state, field="state")
        except UserError as exc:
            f.fail("state", exc)
    form.as_of = f.when("as_of")
    on = form.as_of or date.today()
    held = _held_credentials(c, f, form, on)
    holds_none = f.one("holds_none") == "yes"
    if holds_none and held:
        f.errors["holds_none"] = Problem("She cannot hold none and also the credentials listed above: untick one.")
    trainings = f.many("training")
    if trainings:
        try:
            c.resolver.trainings(trainings, field="training")
        except UserError as exc:
            f.fail("training", exc)
    _read_duties(c, f, form)
    read_situation(c, f, form)
    if not f.errors:
        creds: list[HeldCredential | str] | None = [*held] or (["none"] if holds_none else None)
        candidate = CandidateFile(credentials=creds, trainings=[*trainings] or None)
        form.status = status_on(c.lib, c.resolver, candidate, on, "candidate")
    return form


def _held_credentials(c: Checker, f: Fields, form: HireForm, on: date) -> list[HeldCredential]:
    """The credential rows, each checked alone so an error shows beside its own row."""
    held: list[HeldCredential] = []
    for i in range(1, HIRE_ROWS + 1):
        row = (f.one(f"cred_{i}"), f.one(f"issued_{i}"), f.one(f"expires_{i}"))
        form.rows.append(row)
        issued, expires = f.when(f"issued_{i}"), f.when(f"expires_{i}")
        if not row[0]:
            if row[1] or row[2]:
                f.errors[f"cred_{i}"] = Problem("Choose the credential these dates belong to.")
            continue
        if f"issued_{i}" in f.errors or f"expires_{i}" in f.errors:
            continue
        try:
            entry = HeldCredential(id=row[0], issued=issued, expires=expires)
            status_on(c.lib, c.resolver, CandidateFile(credentials=[entry]), on, "candidate")
            held.append(entry)
        except UserError as exc:
            f.fail(f"cred_{i}", exc, lambda new, i=i, old=row[0]: f.link(f"cred_{i}", old, new))  # type: ignore[misc]
        except ValueError:  # the catalogue's limits (a name over 200 characters)
            f.errors[f"cred_{i}"] = Problem("Not a credential name: choose one from the list.")
    return held


def _read_duties(c: Checker, f: Fields, form: HireForm) -> None:
    """Duties, one per line, each a task the matcher knows; or a title; not both."""
    duties = f.one("duties", limit=4 * MAX_TEXT)
    form.duties = [line.strip() for line in duties.splitlines() if line.strip()]
    if len(form.duties) > MAX_DUTIES:  # said, never cut: a duty dropped unseen is an answer to another question
        f.errors["duties"] = Problem(
            f"Too many duties: at most {MAX_DUTIES}, one per line (this has {len(form.duties)})."
        )
        form.duties = []
        return
    for line in form.duties:
        try:
            c.resolver.task(line, field="duties")
        except AmbiguousTask as exc:
            if not exc.settled_by_facts:
                duty_problem(f, form, exc)
                break
            # else left to check_hire, which settles the words for this candidate, as the API and the CLI do
        except UserError as exc:
            duty_problem(f, form, exc)
            break
    form.title = f.one("title") or None
    if form.duties and form.title:
        f.errors["duties"] = Problem("Give the duties or choose a title, not both.")
    elif not form.duties and not form.title and "duties" not in f.errors:
        f.errors["duties"] = Problem("Say her duties (one per line: flu shots, draw blood) or choose a job title.")


def duty_problem(f: Fields, form: HireForm, exc: UserError) -> None:
    """A duty line's problem beside the duties, each choice a link that re-asks with that line
    replaced by the chosen task (the others kept)."""
    duties = f.one("duties", limit=4 * MAX_TEXT)
    asked = getattr(exc, "text", "")

    def relink(new: str) -> str:
        return f.link("duties", duties, "\n".join(new if d == asked else d for d in form.duties))

    f.fail("duties", exc, relink)


def credential_groups(c: Checker) -> list[tuple[str, list[tuple[str, str]]]]:
    """The credential catalogue for a select: national certifications first, then by state."""
    national = [(i, c.lib.credentials[i].name) for i in NATIONAL]
    by_state: dict[str, list[tuple[str, str]]] = {}
    other: list[tuple[str, str]] = []
    for cred in c.lib.credentials.values():
        if cred.id in NATIONAL:
            continue
        if cred.jurisdiction:
            by_state.setdefault(cred.jurisdiction, []).append((cred.id, cred.name))
        else:
            other.append((cred.id, cred.name))
    groups = [("National MA certifications", national)]
    groups += [
        (c.lib.jurisdictions[code].name, items)
        for code, items in sorted(by_state.items(), key=lambda kv: c.lib.jurisdictions[kv[0]].name)
    ]
    return groups + ([("Other certifications", other)] if other else [])
