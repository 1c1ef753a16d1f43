"""Words with several senses (rules/vocabulary.toml, `senses`): a cue that names a task in only one of
its senses decides that task only where the words around it confirm that sense; otherwise the question
is asked back, or nothing fits and the nearest tasks are suggested."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_cli import run

from scopecheck.decide.checker import Checker
from scopecheck.interfaces.cli import cli


@pytest.mark.parametrize(
    "words, task",
    [
        ("change the wound dressing", "wound_care"),
        ("apply a sterile dressing", "wound_care"),
        ("schedule a follow up appointment", "schedule_appointments"),
        # a procedure booked is an appointment (holdout22; the colonoscopy did not confirm "schedule" until stop 31)
        ("I schedule literally hundreds of the ever-dreaded colonoscopy.", "schedule_appointments"),
        ("assist the provider with physical exams", "assist_exam"),
        # "give oxygen by nasal cannula" and "hook the patient up to a cardiac monitor" are asked back
        # since stop 30's reader: test_phrasings.py, test_words_the_reader_doubts_...
    ],
)
def test_a_sense_with_its_confirming_words_is_answered(checker: Checker, words: str, task: str) -> None:
    assert checker.resolver.matcher.understand(words).task == task


@pytest.mark.parametrize(
    "words, task",
    [
        ("help residents with bathing, grooming and dressing", "wound_care"),
        ("schedule a time each month to check the eyewash station", "schedule_appointments"),
        ("respirator clearance medical exam", "assist_exam"),
        ("change an oxygen tank", "medication_inhaled"),
        ("holding the ultrasound probe during the exam", "assist_exam"),
        ("reading urine test strips", "interpret_results"),
    ],
)
def test_a_sense_without_its_confirming_words_is_not_answered(checker: Checker, words: str, task: str) -> None:
    """Not answered as that task: asked back with it among the candidates, or nothing fits and it is the
    first suggestion."""
    m = checker.resolver.matcher
    u = m.understand(words)
    assert u.task is None and u.not_ma is None, u
    offered = list(u.candidates) or [c.id for c in m.no_match(words, "task").candidates]
    assert task in offered, (u, offered)


def test_asked_back_with_the_other_readings_that_fit(checker: Checker) -> None:
    u = checker.resolver.matcher.understand("reading urine test strips")
    assert set(u.candidates) == {"interpret_results", "waived_lab_tests"} and "senses" in u.note


def test_a_not_ma_word_in_another_sense_is_not_refused(checker: Checker) -> None:
    m = checker.resolver.matcher
    assert m.understand("develop treatment plans").not_ma
    assert m.understand("educating patients on medications and treatment plans").task == "patient_education"


def _validate_with(tmp_path: Path, entry: str, table: str = "senses") -> tuple[int, str]:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "states", tmp_path / "states")
    vocabulary = tmp_path / "rules" / "vocabulary.toml"
    vocabulary.write_text(vocabulary.read_text() + f"\n[[{table}]]\n" + entry)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "rules", "validate"])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "entry, message",
    [
        ('words = ["dressing"]\ntask = "wound_kare"\ncontrary = ["bathing"]\n', "unknown task id 'wound_kare'"),
        ('words = ["treat"]\nnot_ma = "treating"\ncontrary = ["teach"]\n', "no not_ma_tasks entry"),
        ('words = ["dressing"]\ntask = "wound_care"\nconfirm = ["Dressing"]\n', "the cue itself"),
        ('words = ["dressing"]\ntask = "wound_care"\n', "confirm"),
        ('words = ["dressing"]\ncontrary = ["bathing"]\n', "exactly one of"),
    ],
)
def test_validation_rejects_a_bad_sense(tmp_path: Path, entry: str, message: str) -> None:
    code, output = _validate_with(tmp_path, entry)
    assert code == 2 and message in output, output


@pytest.mark.parametrize(
    "table, entry",
    [
        # the frame word that read every "give the patient ..." as giving results: "their" is dropped
        ("frames", 'name = "tell-again"\nwords = ["give patient their"]\nalone = "give_normal_results"\n'),
        ("cues", 'task = "wound_care"\nwords = ["the dressing change"]\n'),
        ("senses", 'words = ["dressing their"]\ntask = "wound_care"\nconfirm = ["wound"]\n'),
    ],
)
def test_validation_rejects_a_phrase_that_begins_or_ends_with_a_dropped_word(
    tmp_path: Path, table: str, entry: str
) -> None:
    code, output = _validate_with(tmp_path, entry, table)
    assert code == 2 and "which matching drops" in output, output


@pytest.mark.parametrize(
    "words",
    [
        # from the tuned sets, each labelled no MA task, each asked back among the routes of giving a medicine
        # until stop 32 (50 such on the tuned sets)
        "ensure proper disposal of expired or unused medications",  # holdout10
        "medication reminders",  # holdout15
        "Calculating drug dosages.",  # holdout30c
        "Maintains proper storage and security conditions for drugs.",  # holdout35a
    ],
)
def test_a_medicine_named_with_no_word_of_giving_is_not_read_as_giving_it(checker: Checker, words: str) -> None:
    """A medicine named bare is giving it only beside a word of giving (the generic entry's `acts`): words
    that store, remind of or calculate one name no task, and nothing fits (the nearest tasks are suggested)."""
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and u.candidates == () and u.not_ma is None, u
    code, out, err = run("check", "--state", "CA", "--task", words)
    assert code == 2 and not out and "unknown task" in err and err.count("\n") == 1, err
    assert "names a task only beside a word of doing it ('administer medication')" in err, err  # says why


@pytest.mark.parametrize(
    "words",
    [
        "medications",  # the word alone: the catalogue's sense
        "pass medications to patients",  # phrasings.toml, tune
        "here, classroom staff can give meds, not just a nurse",  # holdout22
        "Medication may be administered during school hours",  # holdout21
        "Provide medication reminders to patients",  # holdout21: 'provide' is near, so still asked (no MA task)
    ],
)
def test_a_medicine_named_beside_a_word_of_giving_is_asked_among_its_routes(checker: Checker, words: str) -> None:
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and {"medication_oral", "injection_intramuscular", "medication_topical"} <= set(u.candidates)


def test_validation_rejects_an_act_matching_drops(tmp_path: Path) -> None:
    code, output = _validate_with(
        tmp_path,
        'words = ["remedy"]\ntasks = ["medication_oral", "medication_topical"]\nacts = ["give", "the"]\n',
        table="generic",
    )
    assert code == 2 and "'the' is dropped by matching" in output, output
