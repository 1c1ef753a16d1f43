"""Where the law data lives and how it is loaded: catalogues eagerly (small), states lazily.

The data ships inside the wheel as `scopecheck/_data/{states,rules}`; in a source checkout it is
read from the repository's top-level `states/` and `rules/`. `--data-dir` (or the environment
variable SCOPECHECK_DATA_DIR) points at an analyst's own edited copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from scopecheck.errors import Defect, RuleFileError, UserError
from scopecheck.law import schema
from scopecheck.law.crosscheck import rule_defects, state_defects, vocabulary_references
from scopecheck.law.snapshot import data_snapshot, default_data_dir
from scopecheck.law.tomlfile import Loaded, load

L = TypeVar("L", bound=Loaded)  # type: ignore[type-arg]

#: The catalogue files in rules/ (anything else there is an error: `rules validate`).
CATALOGUES = (
    "baseline.toml",
    "credentials.toml",
    "jurisdictions.toml",
    "settings.toml",
    "tasks.toml",
    "titles.toml",
    "trainings.toml",
    "vocabulary.toml",
)


@dataclass
class Library:
    """All the data one process needs; states are loaded (and checked) on first use only."""

    root: Path = field(default_factory=default_data_dir)
    _states: dict[str, Loaded[schema.StateFile]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not (self.root / "rules").is_dir() or not (self.root / "states").is_dir():
            raise UserError(f"{self.root}: not a scopecheck data directory (needs rules/ and states/)")

    # ---- catalogues

    @cached_property
    def tasks_file(self) -> Loaded[schema.TaskCatalogue]:
        return load(self.root / "rules" / "tasks.toml", schema.TaskCatalogue)

    @cached_property
    def credentials_file(self) -> Loaded[schema.CredentialCatalogue]:
        return load(self.root / "rules" / "credentials.toml", schema.CredentialCatalogue)

    @cached_property
    def trainings_file(self) -> Loaded[schema.TrainingCatalogue]:
        return load(self.root / "rules" / "trainings.toml", schema.TrainingCatalogue)

    @cached_property
    def settings_file(self) -> Loaded[schema.SettingCatalogue]:
        return load(self.root / "rules" / "settings.toml", schema.SettingCatalogue)

    @cached_property
    def jurisdictions_file(self) -> Loaded[schema.JurisdictionCatalogue]:
        return load(self.root / "rules" / "jurisdictions.toml", schema.JurisdictionCatalogue)

    @cached_property
    def titles_file(self) -> Loaded[schema.TitleCatalogue]:
        return load(self.root / "rules" / "titles.toml", schema.TitleCatalogue)

    @cached_property
    def vocabulary_file(self) -> Loaded[schema.Vocabulary]:
        """Loaded and its task ids cross-checked, as a state's file is: a defect fails the load."""
        return _checked(load(self.root / "rules" / "vocabulary.toml", schema.Vocabulary), vocabulary_references, self)

    @property
    def vocabulary(self) -> schema.Vocabulary:
        return self.vocabulary_file.model

    @cached_property
    def titles(self) -> dict[str, schema.Title]:
        return {t.id: t for t in self.titles_file.model.titles}

    @cached_property
    def baseline_file(self) -> Loaded[schema.BaselineFile]:
        """Loaded and cross-checked, as a state's file is: a defect fails the load."""
        return _checked(
            load(self.root / "rules" / "baseline.toml", schema.BaselineFile),
            lambda lib, loaded: rule_defects(lib, loaded, "BASE-"),
            self,
        )

    @cached_property
    def tasks(self) -> dict[str, schema.Task]:
        return {t.id: t for t in self.tasks_file.model.tasks}

    @cached_property
    def credentials(self) -> dict[str, schema.Credential]:
        return {c.id: c for c in self.credentials_file.model.credentials}

    @cached_property
    def trainings(self) -> dict[str, schema.Training]:
        return {t.id: t for t in self.trainings_file.model.trainings}

    @cached_property
    def settings(self) -> dict[str, schema.Setting]:
        return {s.id: s for s in self.settings_file.model.settings}

    @cached_property
    def jurisdictions(self) -> dict[str, schema.JurisdictionName]:
        return {j.code: j for j in self.jurisdictions_file.model.jurisdictions}

    @property
    def baseline(self) -> schema.BaselineFile:
        return self.baseline_file.model

    # ---- the snapshot

    @cached_property
    def snapshot(self) -> str:
        """The data's id as loaded (law/snapshot.py): every verdict carries it (`data_snapshot`)."""
        return data_snapshot(self.root)

    # ---- states

    def state_path(self, code: str) -> Path:
        return self.root / "states" / f"{code}.toml"

    def encoded_states(self) -> list[str]:
        """Codes of the jurisdictions that have a rule file, sorted."""
        return list(self._encoded)

    @cached_property
    def _encoded(self) -> tuple[str, ...]:
        return tuple(sorted(p.stem for p in (self.root / "states").glob("*.toml")))

    def state_file(self, code: str) -> Loaded[schema.StateFile]:
        """Load, validate and cross-check one state's file; any defect fails the load loudly."""
        if code not in self._states:
            path = self.state_path(code)
            if not path.is_file():
                raise UserError(f"no rule file for {code} ({path})")
            loaded = load(path, schema.StateFile)
            defects = state_defects(self, loaded)
            if defects:
                raise RuleFileError(defects)
            self._states[code] = loaded
        return self._states[code]

    def state(self, code: str) -> schema.StateFile:
        return self.state_file(code).model

    # ---- cases from primary sources (states/cases/XX.toml), run by the tests like the examples

    def case_codes(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "states" / "cases").glob("*.toml"))

    def cases(self, code: str) -> Loaded[schema.CaseFile] | None:
        path = self.root / "states" / "cases" / f"{code}.toml"
        return load(path, schema.CaseFile) if path.is_file() else None


def _checked(loaded: L, defects: Callable[[Library, L], list[Defect]], lib: Library) -> L:
    """A catalogue file as loaded, once its cross-checks find nothing (RuleFileError: one line each)."""
    found = defects(lib, loaded)
    if found:
        raise RuleFileError(found)
    return loaded
