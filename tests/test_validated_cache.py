"""Rule files kept as validated (law/tomlfile.py, cache.py): the same models as a fresh read, read
again when a byte changes, a broken cache file ignored, a defective file never kept."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

from scopecheck.errors import RuleFileError
from scopecheck.law.library import Library
from scopecheck.law.schema import StateFile
from scopecheck.law.tomlfile import load


@pytest.fixture
def cache_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SCOPECHECK_NO_CACHE", raising=False)
    monkeypatch.setenv("SCOPECHECK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _everything(lib: Library) -> list[object]:
    models: list[object] = [
        lib.tasks_file.model,
        lib.credentials_file.model,
        lib.trainings_file.model,
        lib.settings_file.model,
        lib.jurisdictions_file.model,
        lib.titles_file.model,
        lib.vocabulary_file.model,
        lib.baseline_file.model,
    ]
    return models + [lib.state(code) for code in lib.encoded_states()]


def test_kept_files_are_the_models_a_fresh_read_gives(cache_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    filled = _everything(Library(REPO))
    kept = list(cache_on.glob("validated-*/*.json"))
    assert len(kept) == len(filled)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a kept file was parsed again")

    monkeypatch.setattr(tomllib, "loads", no_parsing)
    again = _everything(Library(REPO))
    monkeypatch.undo()
    monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
    fresh = _everything(Library(REPO))
    assert again == fresh and filled == fresh


def test_an_edited_file_is_read_again(cache_on: Path, tmp_path: Path) -> None:
    path = tmp_path / "NY.toml"
    shutil.copy(REPO / "states" / "NY.toml", path)
    before = load(path, StateFile).model
    text = path.read_text()
    old = before.doctrine.text
    path.write_text(text.replace(old, old + " An analyst's addition.", 1))
    after = load(path, StateFile).model
    assert after.doctrine.text == old + " An analyst's addition."


def test_a_broken_kept_file_is_ignored(cache_on: Path) -> None:
    fresh = load(REPO / "states" / "CA.toml", StateFile).model
    for kept in cache_on.glob("validated-*/*.json"):
        kept.write_bytes(b"{not json\nnor a model")
    assert load(REPO / "states" / "CA.toml", StateFile).model == fresh


def test_a_defective_file_is_never_kept(cache_on: Path, tmp_path: Path) -> None:
    path = tmp_path / "XX.toml"
    path.write_text((REPO / "states" / "CA.toml").read_text().replace('effect = "', 'effect = "maybe-', 1))
    for _ in range(2):
        with pytest.raises(RuleFileError) as failed:
            load(path, StateFile)
        assert "XX.toml" in str(failed.value)
    assert not list(cache_on.glob("validated-*/*.json"))


def test_a_new_table_prunes_old_tables_and_the_validated_files_of_their_code(cache_on: Path) -> None:
    """Each code edit or version has its own tables and validated files: only the KEEP_TABLES most
    recently used tables stay, with their -wal and -shm, and the validated files of their code and of
    this code; nothing else in the directory is touched. (They piled up: 103 folders of old code.)"""
    import os

    from scopecheck.cache import code_fingerprint
    from scopecheck.decide.answers import KEEP_TABLES, AnswerTable

    cache_on.mkdir(parents=True)
    codes = [f"{n:016x}" for n in range(KEEP_TABLES + 3)]  # the oldest first
    for age, code in enumerate(reversed(codes)):
        table = cache_on / f"answers-0.1.0-7d6241cb6488-{code}.sqlite"
        for part in (table, table.with_name(table.name + "-wal")):
            part.write_bytes(b"")
            os.utime(part, (1e9 - age * 1e5, 1e9 - age * 1e5))
        (cache_on / f"validated-{code}").mkdir()
        (cache_on / f"validated-{code}" / "0123.json").write_text("{}")
    (cache_on / "notes.txt").write_text("a user's own file")
    assert Library(REPO).tasks_file.model.tasks  # kept as validated, by this code
    fresh = AnswerTable.for_snapshot("0.1.0-7d6241cb6488")
    assert fresh is not None and fresh.count() == 0  # made now: the housekeeping runs
    tables = sorted(p.name for p in cache_on.glob("answers-*.sqlite"))
    kept = codes[-(KEEP_TABLES - 1) :]  # the new table is the most recently used
    assert tables == sorted([fresh.path.name, *(f"answers-0.1.0-7d6241cb6488-{c}.sqlite" for c in kept)])
    assert not (cache_on / f"answers-0.1.0-7d6241cb6488-{codes[0]}.sqlite-wal").exists()
    folders = sorted(p.name for p in cache_on.glob("validated-*"))
    assert folders == sorted(f"validated-{c}" for c in {*kept, code_fingerprint()})
    assert (cache_on / "notes.txt").read_text() == "a user's own file"
