"""Checks that reach across a file or across files: references, ids, overlaps, dates.

The schema (schema.py) decides the shape of one file; this module decides whether the files agree
with each other. Every defect names its file, key and line. A rule set that fails here is never
used to answer a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from scopecheck.errors import Defect, RuleFileError
from scopecheck.law import schema
from scopecheck.law.crosscheck import rule_defects, vocabulary_references
from scopecheck.law.library import CATALOGUES, Library
from scopecheck.law.snapshot import READER_MODEL
from scopecheck.law.terms import DROPPED_WORDS, normalize
from scopecheck.law.tomlfile import Loaded

STATE_FILE = re.compile(r"[A-Z]{2}\.toml")


class _Named(Protocol):
    """A catalogue entry people name in words: a task, credential, training, setting, title or state."""

    @property
    def name(self) -> str: ...
    @property
    def synonyms(self) -> Sequence[str]: ...


def _word_defects(loaded: Loaded[schema.Strict], key: str, entries: Iterable[_Named], id_field: str) -> list[Defect]:
    """Ids unique; no id, name or synonym that reads (after the resolver's own normalisation) as
    another entry's: the resolver would silently answer for the first one."""
    out: list[Defect] = []
    ids: set[str] = set()
    words: dict[str, str] = {}
    for i, entry in enumerate(entries):
        eid: str = getattr(entry, id_field)
        if eid in ids:
            out.append(loaded.defect(f"duplicate {id_field} '{eid}'", key, i, id_field))
        ids.add(eid)
        named: list[tuple[str, str, tuple[int, ...]]] = [(id_field, eid, ()), ("name", entry.name, ())]
        named += [("synonyms", w, (j,)) for j, w in enumerate(entry.synonyms)]
        for field, word, index in named:
            other = words.setdefault(normalize(word), eid)
            if other != eid:
                what = "synonym" if field == "synonyms" else field
                out.append(loaded.defect(f"{what} '{word}' of '{eid}' already names '{other}'", key, i, field, *index))
    return out


def catalogue_defects(lib: Library) -> list[Defect]:
    """Ids unique within each catalogue; no plain-words synonym pointing at two different ids."""
    out: list[Defect] = []
    catalogues: list[tuple[Loaded[schema.Strict], str, Iterable[_Named], str]] = [
        (lib.tasks_file, "tasks", lib.tasks_file.model.tasks, "id"),  # type: ignore[list-item]
        (lib.credentials_file, "credentials", lib.credentials_file.model.credentials, "id"),  # type: ignore[list-item]
        (lib.trainings_file, "trainings", lib.trainings_file.model.trainings, "id"),  # type: ignore[list-item]
        (lib.settings_file, "settings", lib.settings_file.model.settings, "id"),  # type: ignore[list-item]
        (lib.titles_file, "titles", lib.titles_file.model.titles, "id"),  # type: ignore[list-item]
        (lib.jurisdictions_file, "jurisdictions", lib.jurisdictions_file.model.jurisdictions, "code"),  # type: ignore[list-item]
    ]
    for loaded, key, entries, id_field in catalogues:
        out += _word_defects(loaded, key, entries, id_field)
    for i, cred in enumerate(lib.credentials_file.model.credentials):
        if cred.id in lib.trainings:
            out.append(
                lib.credentials_file.defect(f"'{cred.id}' is both a credential and a training", "credentials", i, "id")
            )
        for k, sat in enumerate(cred.satisfied_by):
            for j, other in enumerate(sat.credentials):
                if other not in lib.credentials or other == cred.id:
                    out.append(
                        lib.credentials_file.defect(
                            f"'{cred.id}' is satisfied by unknown credential '{other}'",
                            "credentials",
                            i,
                            "satisfied_by",
                            k,
                            "credentials",
                            j,
                        )
                    )
            for j, tr in enumerate(sat.trainings):
                if tr not in lib.trainings:
                    out.append(
                        lib.credentials_file.defect(
                            f"unknown training id '{tr}'", "credentials", i, "satisfied_by", k, "trainings", j
                        )
                    )
    titles = lib.titles_file
    for i, title in enumerate(titles.model.titles):
        for j, task in enumerate(title.duties):
            if task not in lib.tasks:
                out.append(titles.defect(f"unknown task id '{task}'", "titles", i, "duties", j))
        for j, cred_id in enumerate(title.credentials):
            if cred_id not in lib.credentials:
                out.append(titles.defect(f"unknown credential id '{cred_id}'", "titles", i, "credentials", j))
    baseline = lib.baseline_file
    out += rule_defects(lib, baseline, "BASE-")
    out += vocabulary_defects(lib)
    return out


def vocabulary_defects(lib: Library) -> list[Defect]:
    """Every task id the vocabulary names exists; no phrase is claimed by two cue or generic entries; a
    sense names a task or a not-MA entry that exists, and no cue confirms itself; a generic's act is a word
    matching keeps."""
    loaded = lib.vocabulary_file
    vocab = loaded.model
    out: list[Defect] = []

    out += vocabulary_references(lib, loaded)
    claimed: dict[str, str] = {}
    for i, cue in enumerate(vocab.cues):
        for j, word in enumerate(cue.words):
            other = claimed.setdefault(normalize(word), cue.task)
            if other != cue.task:
                out.append(
                    loaded.defect(
                        f"'{word}' names '{cue.task}' here and '{other}' in another cue", "cues", i, "words", j
                    )
                )

    def whole(words: tuple[str, ...], *loc: str | int) -> None:
        """A phrase that begins or ends with a word the matcher drops is matched without it: "give
        patient their" read every "give the patient ..." as giving results."""
        for j, word in enumerate(words):
            parts = normalize(word).split()
            if len(parts) > 1 and (parts[0] in DROPPED_WORDS or parts[-1] in DROPPED_WORDS):
                dropped = parts[0] if parts[0] in DROPPED_WORDS else parts[-1]
                out.append(
                    loaded.defect(
                        f"'{word}' begins or ends with '{dropped}', which matching drops: say what follows it",
                        *loc,
                        j,
                    )
                )

    for i, cue in enumerate(vocab.cues):
        whole(cue.words, "cues", i, "words")
    for i, generic in enumerate(vocab.generic):
        whole(generic.words, "generic", i, "words")
        for j, act in enumerate(generic.acts):
            if all(part in DROPPED_WORDS for part in normalize(act).split()):
                out.append(loaded.defect(f"'{act}' is dropped by matching: it is never near", "generic", i, "acts", j))
    for i, sense in enumerate(vocab.senses):
        whole(sense.words, "senses", i, "words")
    for i, frame in enumerate(vocab.frames):
        whole(frame.words, "frames", i, "words")
    for i, sense in enumerate(vocab.senses):
        cue_words = {normalize(w) for w in sense.words}
        for j, word in enumerate(sense.confirm):
            if normalize(word) in cue_words:
                out.append(
                    loaded.defect(f"'{word}' is the cue itself; it cannot confirm it", "senses", i, "confirm", j)
                )
    return out


def stray_files(lib: Library) -> list[Defect]:
    """Files in the data directory that nothing reads (`CA.TOML`, `notes.toml` in rules/): named,
    never skipped in silence, since a rule file that is not read is a wrong answer."""
    out = []
    expected = (*CATALOGUES, Path(READER_MODEL).name)  # the reader model is checked in the deciding layer
    for path in sorted((lib.root / "rules").iterdir()):
        if path.name not in expected and not path.name.startswith("."):
            out.append(Defect(path, f"unrecognised file in rules/ (expected one of: {', '.join(expected)})"))
    for folder, what in ((lib.root / "states", "a state file"), (lib.root / "states" / "cases", "a cases file")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or (path.is_dir() and path.name == "cases" and folder.name == "states"):
                continue
            if not (path.is_file() and STATE_FILE.fullmatch(path.name)):
                out.append(Defect(path, f"unrecognised file: {what} is named like CA.toml (two capital letters)"))
            elif folder.name == "cases" and path.stem not in lib.encoded_states():
                out.append(Defect(path, f"cases for {path.stem}, which has no state file"))
    return out


def case_defects(lib: Library, code: str) -> list[Defect]:
    try:
        lib.cases(code)
    except RuleFileError as exc:
        return exc.defects
    return []


def all_defects(
    lib: Library, codes: Iterable[str] | None = None, per_state: Callable[[Library, str], list[Defect]] | None = None
) -> list[Defect]:
    """Every defect in the catalogues, the data directory and the named (default: all) state files;
    `per_state` adds a check from a layer above (the deciding layer compiles each state: `rule_set_defects`)."""
    out: list[Defect] = []
    try:
        out += catalogue_defects(lib)
    except RuleFileError as exc:
        return exc.defects
    out += stray_files(lib)
    for code in codes if codes is not None else lib.encoded_states():
        try:
            lib.state_file(code)
        except RuleFileError as exc:
            out += exc.defects
            continue
        if per_state is not None:
            out += per_state(lib, code)
        out += case_defects(lib, code)
    return out
