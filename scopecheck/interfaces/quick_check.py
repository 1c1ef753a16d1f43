"""`check` asked again in other words: the verdict kept for the task the words mean, printed without
loading the law.

A verdict depends on the question (state, task, facts, day) and the data, not on the words the task
was named in; only its head says those words (interfaces/printed.py). So besides the reply to the
very same request (decide/answers.py), `check` keeps the rest of each verdict's text, and its JSON,
under the request with the task's id; a later request in new words that the matcher reads as that task
prints the kept text under a head made for its own words (or the JSON with its words put in). The matcher reads the vocabulary and the
task catalogue from their validated JSON copies in the cache (law/tomlfile.py keeps them), as plain
records: neither the schema nor pydantic is imported. Anything missing (no cache, a file not yet
validated, words that are not one task) is left to the whole flow, which answers and keeps the text
for next time.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from scopecheck.cache import usable_root, validated_copy
from scopecheck.errors import UserError
from scopecheck.interfaces.printed import to_json, verdict_head

if TYPE_CHECKING:
    from scopecheck.decide.answers import AnswerTable
    from scopecheck.decide.matcher import TaskMatcher
    from scopecheck.decide.verdict import Verdict
    from scopecheck.law.library import Library


def _record(fields: dict[str, Any]) -> SimpleNamespace:
    """A validated model read back from its JSON: the same fields, its lists tuples as the model's are."""
    return SimpleNamespace(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})


def task_request(state: str, task: str, facts: tuple[Any, ...], as_of: date, strict: bool) -> str:
    """The request a reply is kept under for the task (its id), whatever words named it: the task last,
    so that what is kept for the rest of the question is found by its prefix before any word is read."""
    return _question(state, facts, as_of, strict) + json.dumps(task) + "]"


def _question(state: str, facts: tuple[Any, ...], as_of: date, strict: bool) -> str:
    return json.dumps(["check-task", state, *facts, as_of.isoformat(), strict])[:-1] + ", "


def keep(
    replies: AnswerTable, request: str, code: int, verdict: Verdict, body: list[str], data: dict[str, Any]
) -> None:
    """Keep, for the task's request, the text under the head and what the head needs, and the JSON
    (`data`, render.verdict_json) whose words are put in when it is printed."""
    kept = {"verdict": verdict.verdict, "task_name": verdict.task_name, "state_name": verdict.jurisdiction_name}
    replies.keep_reply(request, code, json.dumps({**kept, "body": "\n".join(body), "json": data}))


def kept_reply(
    replies: AnswerTable,
    data: Path,
    words: str,
    state: str,
    facts: tuple[Any, ...],
    as_of: date,
    strict: bool,
    fmt: str = "text",
) -> tuple[int, str] | None:
    """The exit code and text (or JSON) of the verdict kept for the task these words mean, in these
    words; None when the words are not one task or nothing is kept for it."""
    if not replies.has_replies(_question(state, facts, as_of, strict)):
        return None  # nothing kept for this state, these facts and this day: no word need be read
    matcher = _matcher(data)
    if matcher is None:
        return None
    try:
        understood = matcher.understand(words)
    except (UserError, AttributeError, KeyError, TypeError):  # not one task, or a copy not as validated
        return None
    if understood.task is None:
        return None
    found = replies.reply(task_request(state, understood.task, facts, as_of, strict))
    if found is None:
        return None
    code, text = found
    try:
        kept = json.loads(text)
        if fmt == "json":
            return code, to_json({**kept["json"], "task_input": words, "task_note": understood.note})
        head = verdict_head(
            kept["verdict"], kept["task_name"], kept["state_name"], words, understood.task, understood.note
        )
        return code, "\n".join([*head, kept["body"]])
    except (ValueError, KeyError, TypeError):  # not what keep() wrote: the whole flow answers
        return None


def _matcher(data: Path) -> TaskMatcher | None:
    """The task matcher over the validated vocabulary and task catalogue, read as plain records."""
    from scopecheck.decide.matcher import TaskMatcher

    root = usable_root()
    if root is None:
        return None
    try:
        vocabulary = _validated(root, data / "rules" / "vocabulary.toml", "Vocabulary")
        catalogue = _validated(root, data / "rules" / "tasks.toml", "TaskCatalogue")
        tasks = {t.id: t for t in catalogue.tasks}
    except (OSError, ValueError, AttributeError, TypeError):  # not kept yet, or not as kept
        return None
    return TaskMatcher(cast("Library", SimpleNamespace(tasks=tasks, vocabulary=vocabulary)))


def _validated(root: Path, path: Path, kind: str) -> Any:
    """The validated copy of a rule file as records (FileNotFoundError when it was not kept yet)."""
    text = path.read_text(encoding="utf-8")  # as law/tomlfile.py reads it, newlines translated
    return json.loads(validated_copy(root, kind, text).read_bytes(), object_hook=_record)
