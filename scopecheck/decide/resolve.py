"""Words to ids: "flu shot" -> immunization, "CMA" -> CMA_AAMA, "Calif." -> CA.

Matching is exact after normalizing case, punctuation and spaces (a job title may also be the
longest catalogue phrase inside a longer line). Task words go to the one task matcher
(matcher.py). Anything else is a UserError that names the field and offers close matches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from scopecheck.decide.matcher import TaskMatcher, Understood
from scopecheck.errors import Candidate, UnknownName, UserError
from scopecheck.law.terms import normalize

if TYPE_CHECKING:
    from scopecheck.law.library import Library  # the resolver reads it; quick_check passes plain records


class Index:
    """Normalized words -> id for one catalogue."""

    def __init__(self, what: str, entries: Iterable[tuple[str, Iterable[str]]], see: str = ""):
        """`entries`: (id, words), the first word being the id's name in the catalogue; `see`: the list
        that holds them (errors.LISTED_BY), pointed to when nothing is close."""
        self.what = what
        self.see = see
        self.words: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for ident, words in entries:
            words = tuple(words)
            self.names[ident] = words[0] if words else ident
            for word in (ident, *words):
                self.words.setdefault(normalize(word), ident)
        self.by_length = sorted(self.words, key=len, reverse=True)

    def exact(self, text: str) -> str | None:
        return self.words.get(normalize(text))

    def contained(self, text: str) -> str | None:
        """The id of the longest catalogue phrase found as whole words in `text`."""
        padded = f" {normalize(text)} "
        for phrase in self.by_length:
            if f" {phrase} " in padded:
                return self.words[phrase]
        return None

    def fail(self, text: str, field: str) -> UnknownName:
        close = difflib.get_close_matches(normalize(text), list(self.words), n=4, cutoff=0.6)
        hint = ""
        first_phrase: dict[str, str] = {}
        for phrase in close:
            first_phrase.setdefault(self.words[phrase], phrase)
        if first_phrase:
            hint = "; did you mean: " + ", ".join(
                f"{ident} ({phrase})" if phrase != normalize(ident) else ident for ident, phrase in first_phrase.items()
            )
        message = f"{field}: unknown {self.what} '{text}'" + (f"{hint}?" if hint else "")
        candidates = [Candidate(ident, self.names.get(ident, ident)) for ident in first_phrase]
        return UnknownName(message, field, text, self.what, candidates, see="" if hint else self.see)


class Resolver:
    def __init__(self, lib: Library):
        self.lib = lib

    @cached_property
    def _jurisdictions(self) -> Index:
        return _index("state", self.lib.jurisdictions.values(), "states", ident="code")

    @cached_property
    def _credentials(self) -> Index:
        return _index("credential", self.lib.credentials.values(), "credentials")

    @cached_property
    def _trainings(self) -> Index:
        return _index("training", self.lib.trainings.values(), "trainings")

    @cached_property
    def _settings(self) -> Index:
        return _index("setting", self.lib.settings.values(), "settings")

    @cached_property
    def _titles(self) -> Index:
        return _index("job title", self.lib.titles.values())

    def title(self, text: str, field: str = "--title") -> str:
        found = self._titles.exact(text) or self._titles.contained(text)
        if found is None:
            raise self._titles.fail(text, field)
        return found

    def jurisdiction(self, text: str, field: str = "--state") -> str:
        code = self._jurisdictions.exact(text)
        if code is None:
            raise self._jurisdictions.fail(text, field)
        return code

    @cached_property
    def _state_names(self) -> tuple[re.Pattern[str], dict[str, str]]:
        """Every jurisdiction's name and synonyms of several words ("washington dc"), normalized, as one
        pattern (the longest first, so "West Virginia" is not Virginia too), and each one's code. An
        abbreviation is no state in a task's words: "Mass." ("breast mass"), nor "D.C." ("d/c the IV")."""
        names = {
            normalize(w): j.code
            for j in self.lib.jurisdictions.values()
            for w in (j.name, *j.synonyms)
            if w == j.name or (len(normalize(w).split()) > 1 and min(map(len, normalize(w).split())) > 1)
        }
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        return re.compile(rf"(?<!\S)(?:{alternatives})(?!\S)"), names

    def other_state(self, words: str, code: str) -> str | None:
        """The code of a jurisdiction other than `code` that the task's words name ("flu shot in Texas"
        asked in California), else None: the law the words ask about is not the law asked for."""
        pattern, names = self._state_names
        return next((names[m[0]] for m in pattern.finditer(normalize(words)) if names[m[0]] != code), None)

    @cached_property
    def matcher(self) -> TaskMatcher:
        return TaskMatcher(self.lib)

    def share_matcher(self, other: Resolver, words: str) -> None:
        """Read task words with the matcher `other` built over the same data, if it built one, read
        `words` with it, and this has none yet: `check` reads the words over the kept catalogues first
        (interfaces/quick_check.py), and the whole flow then reads them with the same matcher, not a
        second one (about 10 ms of a cold start). A matcher reads only the tasks, the vocabulary and
        the reader's model, the same over either (tests/test_answer_table.py). One that could not read
        the words (a kept copy damaged) is not shared: the whole flow reads the law itself."""
        built = other.__dict__.get("matcher")
        if built is None or "matcher" in self.__dict__:
            return
        try:
            built.understand(words)  # remembered when the quick path read them: no second reading
        except (OSError, AttributeError, KeyError, TypeError, ValueError):
            return
        self.__dict__["matcher"] = built

    def task(self, text: str, field: str = "--task") -> str:
        """Exactly one task for the words, or a UserError that asks back, says the words are not an
        MA task, or suggests the nearest tasks (matcher.py)."""
        return self.matcher.task(text, field)

    def understand_task(self, text: str, field: str = "--task") -> Understood:
        """What the words mean: a task, or candidates to settle; raises when nothing fits."""
        understood = self.matcher.understand(text, field)
        if understood.task is None and not understood.candidates:
            raise self.matcher.refusal(understood, field)
        return understood

    def credentials(self, words: Iterable[str] | None, field: str = "--credential") -> frozenset[str] | None:
        return self._set(words, self._credentials, field)

    def trainings(self, words: Iterable[str] | None, field: str = "--training") -> frozenset[str] | None:
        return self._set(words, self._trainings, field)

    def setting(self, text: str | None, field: str = "--setting") -> str | None:
        if text is None or not text.strip():
            return None
        found = self._settings.exact(text)
        if found is None:
            raise self._settings.fail(text, field)
        return found

    @staticmethod
    def _set(words: Iterable[str] | None, index: Index, field: str) -> frozenset[str] | None:
        """None stays unknown; 'none' (alone) is the empty set; otherwise every word must resolve.

        An empty value is never read as "holds none" (that is the word `none`): it is an error."""
        if words is None:
            return None
        items = list(words)
        if not items:
            raise UserError(f"{field}: an empty list; leave it out when it is not known, or say 'none'")
        if any(not w.strip() for w in items):
            raise UserError(f"{field}: an empty value; leave it out when it is not known, or say 'none'")
        if [normalize(w) for w in items] == ["none"]:
            return frozenset()
        out = set()
        for word in items:
            if normalize(word) == "none":
                raise UserError(f"{field}: 'none' cannot be combined with other values")
            found = index.exact(word)
            if found is None:
                raise index.fail(word, field)
            out.add(found)
        return frozenset(out)


def _index(what: str, entries: Iterable[Any], see: str = "", ident: str = "id") -> Index:
    """A catalogue's index: each entry's id (its `ident` field), by its name and synonyms."""
    return Index(what, ((getattr(e, ident), (e.name, *e.synonyms)) for e in entries), see)
