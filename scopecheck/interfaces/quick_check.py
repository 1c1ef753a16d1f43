"""`check` of a question answered before, in whatever words: the kept verdict, printed without
loading the law.

A verdict is a function of the normalized question (decide/keys.py: the jurisdiction, the task, the
stretch of dates, the facts a rule on the task tests) and the data; only its head and three fields
(`task_input`, `task_note`, `as_of`) say how it was asked. So `check` keeps each verdict's JSON under
its key, with the jurisdiction's KeyIndex (decide/answers.py). A later request is read here without
the schema or pydantic: the state, credential, training and setting words by the resolver, the task
words by the matcher, both over the validated JSON copies of the catalogues (law/tomlfile.py keeps
them) read as plain records; its key made by the kept KeyIndex; and the kept verdict printed by the
code that prints every verdict (interfaces/printed.py). Another day in the same stretch of dates,
the state by its name, a fact no rule tests, other words for the task: the same key, the same bytes.

Anything else is left to the whole flow, which answers and keeps the verdict for next time: a state
with nothing kept (no word is read then), words that are not one task, a key not kept, an error in
any word (the whole flow says it), a damaged copy or table.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from scopecheck.cache import usable_root, validated_copy
from scopecheck.decide.keys import KeyIndex
from scopecheck.errors import UserError
from scopecheck.interfaces.printed import to_json, verdict_text

if TYPE_CHECKING:
    from scopecheck.decide.answers import AnswerTable
    from scopecheck.decide.resolve import Resolver
    from scopecheck.law.library import Library


def _record(fields: dict[str, Any]) -> SimpleNamespace:
    """A validated model read back from its JSON: the same fields, its lists tuples as the model's are."""
    return SimpleNamespace(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})


def kept_reply(
    replies: AnswerTable,
    resolver: Resolver | None,
    state: str,
    words: str,
    facts: dict[str, Any],
    fmt: str = "text",
) -> tuple[str, str] | None:
    """The verdict kept for the question these words ask, and its text (or JSON) in these words; None
    when nothing is kept for it or any word is not read as the whole flow would read it.
    `resolver`: resolver_over_kept's (the whole flow may then read task words with the matcher it
    built, Resolver.share_matcher). `facts`: the words of credentials, trainings and setting, the
    supervision and supervisor, and the day (as_of), as Checker.query takes them (cli.facts)."""
    as_of: date = facts["as_of"]
    if resolver is None:
        return None
    try:  # each catalogue is read when a word needs it
        code = resolver.jurisdiction(state)
        kept_index = replies.key_index(code)
        if kept_index is None:
            return None  # nothing kept for this state: no task word need be read
        understood = resolver.matcher.understand(words)
        if understood.task is None or resolver.other_state(words, code) is not None:
            return None  # the whole flow asks back
        key = KeyIndex.from_json(kept_index).key(
            understood.task,
            as_of,
            resolver.credentials(facts["credentials"]),
            resolver.trainings(facts["trainings"]),
            facts["supervision"],
            facts["supervisor"],
            resolver.setting(facts["setting"]),
        )
    except (UserError, OSError, AttributeError, KeyError, TypeError, ValueError):  # the whole flow says what is wrong
        # (or a copy is not kept yet, or not as validated)
        return None
    kept = replies.verdict(key)
    if kept is None:
        return None
    asked = {**kept, "task_input": words, "task_note": understood.note, "as_of": as_of.isoformat()}
    try:
        if fmt == "json":
            return asked["verdict"], to_json(asked)
        v = json.loads(json.dumps(asked), object_hook=_record)
        return v.verdict, verdict_text(v)
    except (AttributeError, KeyError, TypeError):  # not what the whole flow kept: it answers
        return None


def resolver_over_kept(data: Path) -> Resolver | None:
    """The resolver (and its task matcher) over the validated catalogues, read as plain records."""
    from scopecheck.decide.resolve import Resolver

    root = usable_root()
    return None if root is None else Resolver(cast("Library", _Catalogues(root, data / "rules")))


#: What the resolver reads, by attribute: the rule file, the schema model it was validated as, the list
#: in it, and each entry's id (the Library's dicts of the same names).
_CATALOGUES = {
    "tasks": ("tasks.toml", "TaskCatalogue", "tasks", "id"),
    "jurisdictions": ("jurisdictions.toml", "JurisdictionCatalogue", "jurisdictions", "code"),
    "credentials": ("credentials.toml", "CredentialCatalogue", "credentials", "id"),
    "trainings": ("trainings.toml", "TrainingCatalogue", "trainings", "id"),
    "settings": ("settings.toml", "SettingCatalogue", "settings", "id"),
}
#: Every catalogue a check here may read: the whole flow must have kept each as validated (cache build).
READS = ("vocabulary", *_CATALOGUES)


class _Catalogues:
    """What the resolver reads of the law, each catalogue read from its validated copy when first
    asked for (OSError when the whole flow has not kept it yet: it loads only what it needs)."""

    def __init__(self, root: Path, rules: Path):
        self._root, self._rules = root, rules
        self.root = rules.parent  # the data directory, as Library.root (the matcher's reader is read from it)

    def __getattr__(self, name: str) -> Any:
        """Called for an attribute not read yet: read it, and keep it as an attribute."""
        if name == "vocabulary":
            value = self._read("vocabulary.toml", "Vocabulary")
        elif name in _CATALOGUES:
            file, kind, entries, ident = _CATALOGUES[name]
            value = {getattr(e, ident): e for e in getattr(self._read(file, kind), entries)}
        else:
            raise AttributeError(name)
        setattr(self, name, value)
        return value

    def _read(self, file: str, kind: str) -> Any:
        text = (self._rules / file).read_text(encoding="utf-8")  # as law/tomlfile.py reads it, newlines translated
        return json.loads(validated_copy(self._root, kind, text).read_bytes(), object_hook=_record)
