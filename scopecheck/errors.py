"""The errors a user can cause. The CLI maps every one of them to exit code 2 with one line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The command that lists each kind of name a user may get wrong.
LISTED_BY = {
    "states": "scopecheck states",
    "tasks": "scopecheck tasks",
    "credentials": "scopecheck tasks --credentials",
    "settings": "scopecheck tasks --settings",
    "trainings": "scopecheck tasks --trainings",
}


class UserError(Exception):
    """Bad input from the user (flag, file, row): reported in one line, never as a traceback.

    `see` names the list that would help ("states", "tasks", ...): the message ends by pointing to
    the command that prints it; `message` is the same without that ending, for an interface that
    points to its own list (the API's /api/tasks)."""

    def __init__(self, message: str, see: str = ""):
        self.message, self.see = message, see
        super().__init__(f"{message}; see '{LISTED_BY[see]}'" if see else message)


@dataclass(frozen=True)
class Defect:
    """One thing wrong in a data file, located as precisely as we can."""

    path: Path
    message: str
    key: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.path) + (f":{self.line}" if self.line else "")
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class RuleFileError(UserError):
    """One or more defects in the rule files: a wrong rule file must never be half-loaded."""

    def __init__(self, defects: list[Defect]):
        self.defects = defects
        first = str(defects[0]) if defects else "invalid rule file"
        more = f" (and {len(defects) - 1} more defect(s); run 'scopecheck rules validate')" if len(defects) > 1 else ""
        super().__init__(first + more)


@dataclass(frozen=True)
class Candidate:
    """One task the words may mean: its id and its name in the catalogue."""

    id: str
    name: str


def listed(candidates: list[Candidate]) -> str:
    """Tasks as a one-line message lists them: each id, then its name ("ekg (Perform an EKG ...)")."""
    return "; ".join(f"{c.id} ({c.name})" for c in candidates)


class AmbiguousTask(UserError):
    """The words fit two or more tasks that can have different verdicts, or the one task their phrase
    names is in doubt (`why` says so): never guess, ask back.

    The CLI prints the one-line question (exit 2); the API answers 422 with `candidates`; the page
    shows them as choices."""

    def __init__(self, field: str, text: str, candidates: list[Candidate], why: str = ""):
        self.field = field
        self.text = text
        self.candidates = candidates
        self.why = why
        tasks = listed(candidates)
        #: several tasks fit and none is in doubt: where the asker's facts give every one the same
        #: answer, Checker.query answers instead of asking (the page and a hire leave it to it)
        self.settled_by_facts = not why and len(candidates) > 1
        if not why:
            super().__init__(f"{field}: '{text}' could mean more than one task; say which: {tasks}")
        elif len(candidates) == 1:
            super().__init__(f"{field}: '{text}' {why}; if it is meant, say so: {tasks}")
        else:
            super().__init__(f"{field}: '{text}' {why}; say which: {tasks}")


class UnknownName(UserError):
    """Words that name nothing in a catalogue; `candidates` are the close matches (id and name), so a
    page can offer them by name while the CLI keeps its one line."""

    def __init__(self, message: str, field: str, text: str, what: str, candidates: list[Candidate], see: str = ""):
        self.field = field
        self.text = text
        self.what = what
        self.candidates = candidates
        super().__init__(message, see)


class NotAnMATask(UserError):
    """The words name something no medical-assistant task in the catalogue covers (suturing a wound,
    prescribing): said plainly, never answered as a wrong neighbour. `besides`: the MA tasks the words
    name as well ("monitor sedation and give nitrous oxide"), said so that each can be asked alone."""

    def __init__(self, field: str, text: str, what: str, besides: list[Candidate] | None = None):
        self.field = field
        self.text = text
        self.what = what
        self.besides = besides or []
        message = f"{field}: '{text}' is {what}: not a medical-assistant task in the catalogue, so scopecheck cannot answer it"
        if self.besides:
            message += (
                f"; it also names {listed(self.besides)}: ask about {'it' if len(self.besides) == 1 else 'each'} alone"
            )
        super().__init__(message, see="tasks")


class OtherLanguage(UserError):
    """Words in a language other than English (or another alphabet): task words are read in English
    only, so they are refused, never half read (decide/languages.py). `named`: the tasks the words name
    (the Spanish words a posting's duties use), to be asked in English."""

    def __init__(self, field: str, text: str, language: str, named: list[Candidate] | None = None):
        self.field = field
        self.text = text
        self.language = language
        self.named = named or []
        message = f"{field}: '{text}' is in {language}; scopecheck reads task words in English only, and does not guess"
        if self.named:
            message += f"; its words may name {listed(self.named)}: ask in English"
        super().__init__(message, see="tasks")
