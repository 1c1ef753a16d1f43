"""The answer table (decide/answers.py) holds what the engine finds: on every key it holds, cold or
warm, in any --jobs, shared between threads; a broken table is ignored; edited data gets its own."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_batch import _varied_rows
from test_cli import run

from scopecheck.batch.rows import Row
from scopecheck.batch.runner import RowChecker
from scopecheck.cache import validated_copy
from scopecheck.decide import checker as checker_module
from scopecheck.decide.answers import AnswerTable, key_of
from scopecheck.decide.checker import Checker
from scopecheck.decide.examples import example_query
from scopecheck.decide.query import Query
from scopecheck.errors import UserError

HEADER = ["id", "state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of", "note"]


@pytest.fixture
def table_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The table turned on, in a directory of this test's own (the suite runs with it off)."""
    monkeypatch.delenv("SCOPECHECK_NO_CACHE", raising=False)
    monkeypatch.setenv("SCOPECHECK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _varied_csv(path: Path, rows: int) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_varied_rows(rows, seed=11))
    path.write_text(buf.getvalue())
    return path


def _example_questions(checker: Checker) -> list[Query]:
    """The question of every example in every state file whose words resolve."""
    questions = []
    for code in checker.lib.encoded_states():
        for example in checker.lib.state(code).examples:
            with contextlib.suppress(UserError):
                questions.append(example_query(checker, code, example))
    return questions


def _ask_examples(checker: Checker) -> int:
    """Every example question of every state file, through `checker`; how many were asked."""
    questions = _example_questions(checker)
    for question in questions:
        checker.evaluate(question)
    return len(questions)


def test_the_table_equals_the_engine_on_every_key_it_holds(table_on: Path, tmp_path: Path) -> None:
    filler = Checker(REPO)
    asked = _ask_examples(filler)
    filler.flush()
    code, _, err = run("batch", str(_varied_csv(tmp_path / "in.csv", 3_000)), "-o", str(tmp_path / "out.csv"))
    assert code == 1, err
    table = filler.answers
    assert table is not None and table.path.parent == table_on
    engine = Checker(REPO, answer_table=False)
    held = 0
    for key, stored in table.items():
        question = engine.question(key)
        assert engine.normalized_key(question) == key  # the key is the question's own
        assert stored == engine.engine.find(engine.compiled(question.jurisdiction), question), key
        held += 1
    assert held > asked // 2 and held > 1_000, (held, asked)  # examples and batch rows, not a token few


def test_cold_warm_and_jobs_write_the_bytes_the_engine_writes(
    table_on: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _varied_csv(tmp_path / "in.csv", 3_000)
    outputs, summaries = {}, {}
    for name, jobs, cache in (("engine", "1", False), ("cold", "2", True), ("warm1", "1", True), ("warm2", "2", True)):
        if cache:
            monkeypatch.delenv("SCOPECHECK_NO_CACHE", raising=False)
        else:
            monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
        out = tmp_path / f"{name}.csv"
        code, _, err = run("batch", str(src), "-o", str(out), "--jobs", jobs)
        assert code == 1, err
        outputs[name], summaries[name] = out.read_bytes(), err
    assert outputs["cold"] == outputs["engine"] and outputs["warm1"] == outputs["engine"]
    assert outputs["warm2"] == outputs["engine"]
    assert " 0 questions evaluated" not in summaries["cold"]
    assert " 0 questions evaluated" in summaries["warm1"] and " 0 questions evaluated" in summaries["warm2"]


def test_kept_output_columns_equal_the_verdicts_and_a_warm_batch_folds_none(
    table_on: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch keeps each question's output columns in the table; each kept set equals the columns
    of the verdict folded afresh by the engine alone, and a second run writes the same bytes
    without folding a verdict at all."""
    src, first, second = _varied_csv(tmp_path / "in.csv", 3_000), tmp_path / "1.csv", tmp_path / "2.csv"
    code, _, err = run("batch", str(src), "-o", str(tmp_path / "varied.csv"))
    assert code == 1, err
    table = Checker(REPO).answers
    assert table is not None
    with sqlite3.connect(table.path) as db:
        kept = [key_of(text) for (text,) in db.execute("select key from rows")]
    engine = Checker(REPO, answer_table=False)
    found = table.rows(kept)  # in several statements: more keys than one binds
    assert set(found) == set(kept)
    for key in kept:
        assert found[key] == RowChecker._columns(engine.evaluate(engine.question(key))), key
    assert len(kept) > 500, len(kept)

    def no_fold(*args: object) -> None:
        raise AssertionError("a verdict was folded")

    ids = tmp_path / "ids.csv"  # task ids: no words that fit several tasks (settling those folds each)
    lines = ["state,task,credentials,supervision"]
    for n, (state, task) in enumerate(itertools.product(("CA", "NY", "TX", "WA", "FL"), sorted(engine.lib.tasks))):
        lines.append(f"{state},{task},{('CMA', '', 'RMA')[n % 3]},{('', 'direct', 'general')[n % 3]}")
    ids.write_text("\n".join(lines) + "\n")
    run("batch", str(ids), "-o", str(first))
    monkeypatch.setattr(checker_module, "fold", no_fold)
    code, _, err = run("batch", str(ids), "-o", str(second))
    assert code == 1, err
    assert second.read_bytes() == first.read_bytes()


def test_threads_sharing_a_checker_get_the_engines_answers(table_on: Path) -> None:
    probe = Checker(REPO, answer_table=False)
    questions = _example_questions(probe)
    expected = [json.dumps(probe.evaluate(q).as_json()) for q in questions]
    filler = Checker(REPO)
    for question in questions[::2]:
        filler.evaluate(question)
    filler.flush()  # the table answers half the questions warm; the engine the other half
    for shared in (Checker(REPO, answer_table=False), Checker(REPO)):
        got: dict[int, str] = {}
        wrong: list[int] = []

        def ask(start: int, checker: Checker = shared, got: dict[int, str] = got) -> None:
            for i in range(start, len(questions), 4):
                got[i] = json.dumps(checker.evaluate(questions[i]).as_json())

        threads = [threading.Thread(target=ask, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wrong = [i for i, answer in enumerate(expected) if got.get(i) != answer]
        assert not wrong and len(got) == len(questions) > 100
    assert 0 < shared.evaluations < len(questions) // 2 + 1


def test_a_broken_table_is_ignored_and_the_engine_answers(table_on: Path) -> None:
    first = Checker(REPO)
    assert first.answers is not None
    first.answers.path.parent.mkdir(parents=True, exist_ok=True)
    first.answers.path.write_bytes(b"not a database" * 100)
    verdict = first.check("NY", "flu shot", credentials=["CMA"])
    assert verdict.verdict == "prohibited" and first.evaluations == 1
    assert verdict == Checker(REPO, answer_table=False).check("NY", "flu shot", credentials=["CMA"])


def test_edited_data_gets_a_table_of_its_own(table_on: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(REPO / "rules", copy / "rules")
    shutil.copytree(REPO / "states", copy / "states")
    state = copy / "states" / "NY.toml"
    state.write_text(state.read_text() + "\n# an analyst's note\n")
    original, edited = Checker(REPO), Checker(copy)
    assert original.answers is not None and edited.answers is not None
    assert original.answers.path != edited.answers.path
    original.check("NY", "flu shot")
    edited.check("NY", "flu shot")
    assert original.evaluations == 1 and edited.evaluations == 1  # neither read the other's answer
    original.flush()
    again = Checker(REPO)
    again.check("NY", "flu shot")
    assert again.evaluations == 0 and isinstance(again.answers, AnswerTable)


def test_cache_build_asks_every_question_of_a_state_once_and_the_engine_agrees(table_on: Path) -> None:
    code, out, err = run("cache", "build", "RI", "Vermont")
    assert code == 0, err
    assert "RI: " in err and "VT: " in err and "2 state(s)" in out
    built = Checker(REPO)
    table = built.answers
    assert table is not None
    keys = [key for code in ("RI", "VT") for key in built.every_key(code)]
    assert len(set(keys)) == len(keys)  # each question once
    engine = Checker(REPO, answer_table=False)
    held = dict(table.items())
    assert set(held) == set(keys) and len(keys) > 1_000  # every question of both states
    for key, stored in held.items():
        question = engine.question(key)
        assert engine.normalized_key(question) == key
        assert stored == engine.engine.find(engine.compiled(question.jurisdiction), question), key
    code, out, _ = run("cache", "build", "RI")
    assert code == 0 and ", 0 new," in out
    examples = [q for q in _example_questions(built) if q.jurisdiction in ("RI", "VT")]
    before = built.evaluations  # (settling ambiguous words of other states' examples asks the engine)
    for example in examples:
        built.evaluate(example)
    assert examples and built.evaluations == before  # a built state is answered from the table alone


def test_cache_build_with_verdicts_keeps_every_questions_verdict_as_the_engine_folds_it(
    table_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cache build --verdicts`: every question of the state has the verdict the engine folds without
    the table (but for how it was asked), and a check never asked before, in real words with facts in
    other words, is printed from it without loading the law: the whole flow's bytes, with the cache off."""
    code, out, err = run("cache", "build", "RI", "--verdicts")
    assert code == 0 and "RI: 822 questions, 822 asked of the engine now, 822 verdicts folded" in err, err
    built = Checker(REPO)
    table, engine = built.answers, Checker(REPO, answer_table=False)
    assert table is not None and table.count("verdicts") == 822
    for key in built.every_key("RI"):
        kept = table.verdict(key)
        assert kept is not None, key
        folded = engine.evaluate(engine.question(key)).as_json()
        assert kept == {**folded, "task_input": "", "task_note": "", "as_of": ""}, key
    assert ", 0 new, 0 verdicts folded" in run("cache", "build", "RI", "--verdicts")[1]
    with (REPO / "tests" / "data" / "phrasings.toml").open("rb") as f:
        texts = [p["text"] for p in tomllib.load(f)["phrasings"][3::25]]
    named = [t for t in texts if built.resolver.matcher.understand(t).task]
    assert len(named) >= 15
    asks = [
        ("Rhode Island",),
        ("RI", "--credential", "certified medical assistant", "--supervision", "direct", "--strict"),
        ("R.I.", "--credential", "none", "--supervisor", "physician", "--format", "json"),
    ]
    from scopecheck.interfaces import cli

    def no_law(ctx: object) -> None:
        raise AssertionError("the law was loaded")

    kept_replies = {}
    with monkeypatch.context() as patched:
        patched.setattr(cli, "checker", no_law)
        for (state, *given), text in itertools.product(asks, named):
            kept_replies[state, text] = run("check", "--state", state, "--task", text, *given)
    monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
    for (state, *given), text in itertools.product(asks, named):
        code, out, _ = run("check", "--state", state, "--task", text, *given)
        assert kept_replies[state, text][:2] == (code, out), (state, text)


def test_cache_build_in_two_processes_keeps_what_one_process_keeps(
    table_on: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each state is built whole by one process: the table holds the same answers and verdicts
    whichever process built which state, in whatever order they finished."""
    states = ("RI", "VT", "NH", "ME")
    code, out, err = run("cache", "build", *states, "--jobs", "2", "--verdicts")
    assert code == 0 and "4 state(s)" in out and all(f"{s}: " in err for s in states), err
    two = Checker(REPO).answers
    monkeypatch.setenv("SCOPECHECK_CACHE_DIR", str(tmp_path / "one"))
    assert run("cache", "build", *states, "--verdicts")[0] == 0
    checker = Checker(REPO)
    one = checker.answers
    assert one is not None and two is not None and one.path.parent != two.path.parent
    assert dict(one.items()) == dict(two.items())
    keys = [key for state in states for key in checker.every_key(state)]
    assert len(keys) == sum(checker.question_count(state) for state in states) == one.count() == two.count()
    assert [one.verdict(key) for key in keys] == [two.verdict(key) for key in keys]


def test_cache_build_where_processes_cannot_fork_builds_in_one(table_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # as on Windows
    code, out, err = run("cache", "build", "RI", "VT", "--jobs", "2")
    checker = Checker(REPO)
    questions = sum(checker.question_count(state) for state in ("RI", "VT"))
    assert code == 0 and f"2 state(s): {questions:,} questions" in out, (out, err)
    assert err.index("RI: ") < err.index("VT: ")  # in the order given: one process (two start the larger, VT)
    assert checker.answers is not None and checker.answers.count() == questions


def test_a_batch_after_cache_build_asks_the_engine_nothing(
    table_on: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's new questions have their findings recalled from a built table together: none goes
    to the engine, and the output is the engine's own, byte for byte."""
    run("cache", "build", "RI")
    tasks = sorted(Checker(REPO).lib.tasks)
    lines = ["state,task,credentials,supervision"] + [
        f"RI,{task},{('CMA', '', 'none')[n % 3]},{('', 'direct', 'general')[n % 3]}" for n, task in enumerate(tasks)
    ]
    src = tmp_path / "in.csv"
    src.write_text("\n".join(lines) + "\n")
    code, _, err = run("batch", str(src), "-o", str(tmp_path / "table.csv"))
    assert code in (0, 1) and " 0 questions evaluated" in err, err
    monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
    code, _, err = run("batch", str(src), "-o", str(tmp_path / "engine.csv"))
    assert f" {len(tasks)} questions evaluated" in err
    assert (tmp_path / "table.csv").read_bytes() == (tmp_path / "engine.csv").read_bytes()


def test_cache_info_and_clear(table_on: Path) -> None:
    code, out, _ = run("cache", "info")
    assert code == 0 and str(table_on) in out and "not made yet" in out
    run("cache", "build", "RI")
    code, out, _ = run("cache", "info")
    assert code == 0 and "822 questions (0 with batch columns, 0 with verdicts; 0 checks to print again)" in out
    assert any(table_on.glob("answers-*.sqlite"))
    run("check", "--state", "RI", "--task", "flu shot")
    roster = table_on.parent / "roster.csv"
    roster.write_text("state,task\nRI,vital_signs\nRI,flu shot\nRI,vital_signs\n")
    run("batch", str(roster), "-o", str(table_on.parent / "out.csv"))
    code, out, _ = run("cache", "info")
    assert code == 0 and "822 questions (2 with batch columns, 1 with verdicts; 1 check to print again)" in out
    code, out, _ = run("cache", "clear")
    assert code == 0 and out.startswith("removed ") and not any(table_on.glob("answers-*.sqlite"))


def test_cache_commands_say_so_when_the_cache_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
    for args in (("cache", "info"), ("cache", "build", "RI"), ("cache", "clear")):
        code, _, err = run(*args)
        assert code == 2 and err.strip().splitlines() == [err.strip()] and "turned off" in err, args


def test_cache_build_of_an_unknown_state_is_one_line(table_on: Path) -> None:
    code, _, err = run("cache", "build", "Atlantis")
    assert code == 2 and "STATES" in err and len(err.strip().splitlines()) == 1


def test_an_unusable_cache_directory_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache directory that cannot be made (a file is in the way): every answer as without a cache,
    no error, no traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    src = _varied_csv(tmp_path / "in.csv", 500)
    outputs = []
    for env in ({"SCOPECHECK_NO_CACHE": "1"}, {"SCOPECHECK_CACHE_DIR": str(blocker / "cache")}):
        monkeypatch.delenv("SCOPECHECK_NO_CACHE", raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code, out, err = run("check", "--state", "NY", "--task", "flu shot", "--credential", "CMA", "--format", "json")
        assert code == 1 and "Traceback" not in err
        batch_out = tmp_path / f"out-{len(outputs)}.csv"
        code, _, err = run("batch", str(src), "-o", str(batch_out), "--jobs", "2")
        assert code == 1 and "Traceback" not in err, err
        outputs.append((out, batch_out.read_bytes()))
    assert outputs[0] == outputs[1]


def test_a_server_writes_its_few_new_answers_within_seconds(table_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running process asks few new questions: they are written once the oldest has waited
    WRITE_AFTER seconds, not only every WRITE_EVERY answers or at exit."""
    from scopecheck.decide import answers

    clock = [1_000.0]
    monkeypatch.setattr(answers.time, "monotonic", lambda: clock[0])
    server = Checker(REPO)
    server.check("NY", "flu shot")
    reader = Checker(REPO)
    assert reader.answers is not None and reader.answers.count() == 0  # kept, not yet written
    clock[0] += answers.WRITE_AFTER
    server.check("CA", "flu shot")
    assert reader.answers.count() == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and modes")
def test_a_cache_directory_others_may_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever can write to the cache could change the answers read back: a directory others may
    write to is not used (the engine answers), and the cache commands say why on one line."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.delenv("SCOPECHECK_NO_CACHE", raising=False)
    monkeypatch.setenv("SCOPECHECK_CACHE_DIR", str(shared))
    checker = Checker(REPO)
    assert checker.answers is None
    assert checker.check("NY", "flu shot", credentials=["CMA"]).verdict == "prohibited"
    assert not any(shared.iterdir())  # nothing written there, nothing read
    code, _, err = run("cache", "info")
    assert code == 2 and "may write to it" in err and len(err.strip().splitlines()) == 1


def test_a_single_check_keeps_its_answer_for_the_next_run(table_on: Path) -> None:
    """`scopecheck check` is one question per process: its answer is written when the command ends,
    and the next process answers it from the table without the engine."""
    env = {**os.environ}
    done = subprocess.run(
        [sys.executable, "-m", "scopecheck", "check", "--state", "NY", "--task", "flu shot", "--credential", "CMA"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    again = Checker(REPO)
    assert again.answers is not None and again.answers.count() == 1
    assert again.check("NY", "flu shot", credentials=["CMA"]).verdict == "prohibited" and again.evaluations == 0


# ---- a check asked again in the same words is printed again, without loading the law

WATCH = """
import sys
from scopecheck.interfaces.cli import main
try:
    main(sys.argv[1:])
finally:
    print("law loaded" if "scopecheck.law.schema" in sys.modules else "law not loaded", file=sys.stderr)
"""


def _check(*args: str, data: Path = REPO) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", WATCH, "--data-dir", str(data), "check", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "args",
    [
        ("--state", "NY", "--task", "flu shot", "--credential", "CMA"),  # prohibited: exit 1
        ("--state", "CA", "--task", "give a flu shot", "--supervision", "direct", "--format", "json"),
        ("--state", "TX", "--task", "draw blood", "--strict"),
    ],
)
def test_a_check_asked_again_prints_the_same_bytes_without_loading_the_law(
    table_on: Path, args: tuple[str, ...]
) -> None:
    first, second = _check(*args), _check(*args)
    assert first.stderr.strip() == "law loaded" and second.stderr.strip() == "law not loaded"
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    code, out, _ = run("check", *args)  # the whole flow, in this process, with the cache off
    assert (code, out) == (first.returncode, first.stdout)


PYDANTIC = """
import sys
from scopecheck.interfaces.cli import main
try:
    main(sys.argv[1:])
finally:
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core") and "." in m), file=sys.stderr)
"""


def test_the_whole_flow_over_files_validated_before_imports_no_pydantic(table_on: Path) -> None:
    """pydantic (its models cost more than the rest of a cold start) checks a rule file once, when it
    is first read; a question never asked, over files read before, is answered by the whole flow from
    their kept copies without it: the bytes the whole flow prints with the cache off."""
    ask = [sys.executable, "-c", PYDANTIC, "check", "--state", "NY", "--setting", "clinic", "--task"]
    first = subprocess.run([*ask, "draw blood"], capture_output=True, text=True, check=False)
    assert "pydantic.main" in first.stderr  # the files validated: kept from now on
    for task in ("take vital signs", "remove sutures", "give a b12 shot"):
        later = subprocess.run([*ask, task], capture_output=True, text=True, check=False)
        assert later.stderr.strip() == "[]", later.stderr
        code, out, _ = run("check", "--state", "NY", "--setting", "clinic", "--task", task)
        assert (later.returncode, later.stdout) == (code, out)


MATCHERS = """
import sys
from scopecheck.decide import matcher
from scopecheck.interfaces.cli import main
made = []
built = matcher.TaskMatcher.__init__
def counted(self, *args, **kwargs):
    made.append(1)
    built(self, *args, **kwargs)
matcher.TaskMatcher.__init__ = counted
try:
    main(sys.argv[1:])
finally:
    print(f"matchers {len(made)}", file=sys.stderr)
"""


def test_the_whole_flow_reads_the_words_with_the_matcher_the_quick_path_built(table_on: Path) -> None:
    """`check` first reads the words over the kept catalogues (quick_check.py); when nothing is kept for
    the question, the whole flow answers with the same matcher, not a second one (two were built, the
    phrase index and the reader's model read twice), and prints what the whole flow prints."""
    ask = [sys.executable, "-c", MATCHERS, "check", "--state", "NY", "--setting", "clinic", "--task"]
    subprocess.run([*ask, "draw blood"], capture_output=True, text=True, check=False)  # NY's verdicts kept
    for task in ("take vital signs", "give a b12 shot"):
        later = subprocess.run([*ask, task], capture_output=True, text=True, check=False)
        assert later.stderr.strip() == "matchers 1", later.stderr
        code, out, _ = run("check", "--state", "NY", "--setting", "clinic", "--task", task)
        assert (later.returncode, later.stdout) == (code, out)


def test_a_check_in_other_words_for_the_same_question_is_printed_without_loading_the_law(table_on: Path) -> None:
    """The verdict kept for the question's key, headed for the new words (interfaces/quick_check.py):
    the bytes the whole flow prints. The state by its name, a credential in other words and another
    day in the same stretch of dates are the same question; words that are not one task, and facts a
    rule tests, go through the whole flow."""
    _check("--state", "NY", "--task", "flu shot", "--credential", "CMA", "--as-of", "2026-03-01")
    for asked in (
        ("--state", "NY", "--task", "give flu shots", "--credential", "CMA", "--as-of", "2026-03-01"),
        ("--state", "New York", "--task", "give flu shots", "--credential", "cma", "--as-of", "2026-03-02"),
        (
            "--state",
            "ny",
            "--task",
            "a flu shot",
            "--credential",
            "CMA (AAMA)",
            "--as-of",
            "2026-03-03",
            "--format",
            "json",
        ),
    ):
        other = _check(*asked)
        code, out, _ = run("check", *asked)  # the whole flow, with the cache off
        assert other.stderr.strip() == "law not loaded", asked
        assert (other.returncode, other.stdout) == (code, out) == (1, out), asked
        assert "give flu shots" in out or '"task_input": "a flu shot"' in out
    several = _check("--state", "NY", "--task", "injections", "--credential", "CMA", "--as-of", "2026-03-01")
    assert several.stderr.splitlines()[-1] == "law loaded"  # several tasks: settled by the whole flow
    assert _check("--state", "NY", "--task", "flu shots", "--as-of", "2026-03-01").stderr.strip() == "law loaded"
    typo = _check("--state", "NY", "--task", "flu shots", "--credential", "CMAA", "--as-of", "2026-03-01")
    assert typo.returncode == 2 and "unknown credential 'CMAA'" in typo.stderr  # the whole flow says it


def test_the_verdict_kept_for_a_question_is_what_the_whole_flow_prints_in_any_words_asking_it(
    table_on: Path, monkeypatch: pytest.MonkeyPatch, checker: Checker
) -> None:
    """Real phrasings (tests/data/phrasings.toml, every tenth that names one task), each in one of three
    states with different facts and one of two formats, in turn, so each pairing is asked some
    nine times: asked after the task's id (with the state's code, the facts' ids, another day of the
    same stretch), each is printed from what was kept (the law cannot be loaded) in other words for
    the state and facts, and the bytes and exit code are the whole flow's, with the cache off."""
    with (REPO / "tests" / "data" / "phrasings.toml").open("rb") as f:
        texts = [p["text"] for p in tomllib.load(f)["phrasings"][::10]]
    named = {t: checker.resolver.matcher.understand(t).task for t in texts}
    named = {t: task for t, task in named.items() if task}
    assert len(named) >= 50
    kept_as = [("CA",), ("NY", "--credential", "CMA_AAMA"), ("TX", "--supervision", "direct", "--supervisor", "pa")]
    asked_as = [("California",), ("N.Y.", "--credential", "certified medical assistant"), kept_as[2]]
    formats = [("--format", "text"), ("--format", "json")]
    pairings = list(itertools.product(range(len(kept_as)), formats))
    asks = [(pairings[i % len(pairings)], text) for i, text in enumerate(named)]
    days = ("2026-06-01", "2026-06-30")
    for code in ("CA", "NY", "TX"):  # the same stretch of dates: the same question
        plan = checker.plan(code)
        assert plan.window(date.fromisoformat(days[0])) == plan.window(date.fromisoformat(days[1]))
    for facts, task in dict.fromkeys((facts, named[text]) for (facts, _), text in asks):  # only those asked again
        state, *given = kept_as[facts]
        run("check", "--state", state, "--task", task, *given, "--as-of", days[0])
    from scopecheck.interfaces import cli

    def no_law(ctx: object) -> None:
        raise AssertionError("the law was loaded")

    kept = {}
    with monkeypatch.context() as patched:
        patched.setattr(cli, "checker", no_law)
        for (facts, fmt), text in asks:
            kept[text] = run("check", "--state", *asked_as[facts], "--task", text, *fmt, "--as-of", days[1])
    monkeypatch.setenv("SCOPECHECK_NO_CACHE", "1")
    for (facts, fmt), text in asks:
        code, out, _ = run("check", "--state", *asked_as[facts], "--task", text, *fmt, "--as-of", days[1])
        assert kept[text][:2] == (code, out), (asked_as[facts], fmt, text)


def test_a_state_nothing_was_kept_for_reads_no_task_words_before_the_whole_flow(
    table_on: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading task words without the law costs about 12 ms (the matcher's index); when nothing is kept
    for the state, the whole flow must not pay it as well."""
    from scopecheck.interfaces import quick_check

    assert run("check", "--state", "CA", "--task", "flu shot")[0] == 0

    read = []
    monkeypatch.setattr(quick_check._Catalogues, "vocabulary", property(lambda self: read.append(1)), raising=False)
    code, out, _ = run("check", "--state", "NV", "--task", "give a flu shot")
    assert code == 0 and out.startswith("CONDITIONAL: Give a vaccine (immunization) in Nevada") and not read
    code, out, _ = run("check", "--state", "CA", "--task", "give a flu shot")  # in CA they are read
    assert code == 0 and out.startswith("CONDITIONAL: Give a vaccine (immunization) in California") and read


def test_a_damaged_kept_verdict_or_index_is_answered_by_the_whole_flow_which_mends_it(table_on: Path) -> None:
    """A verdict body that is not what was written (its hash says so), even one that is valid JSON,
    and an index that cannot be read, are left to the whole flow, which writes them again: the next
    question in other words is printed from them."""
    _check("--state", "CA", "--task", "flu shot")
    (table,) = table_on.glob("answers-*.sqlite")
    for damage, words, fmt in (
        ("update verdicts set body = 'not json'", "give a flu shot", "text"),
        ('update verdicts set body = \'{"verdict": "allowed"}\'', "give a flu vaccine", "json"),
        ("update key_indexes set body = '{\"breakpoints\": 3}'", "flu vaccination", "text"),
    ):
        with contextlib.closing(sqlite3.connect(table)) as db, db:
            assert db.execute(damage).rowcount >= 1
        other = _check("--state", "CA", "--task", words, "--format", fmt)
        code, out, _ = run("check", "--state", "CA", "--task", words, "--format", fmt)
        assert other.stderr.strip() == "law loaded" and (other.returncode, other.stdout) == (code, out), damage
        mended = _check("--state", "CA", "--task", f"{words}, please", "--format", fmt)
        assert mended.stderr.strip() == "law not loaded", damage
        assert mended.stdout == run("check", "--state", "CA", "--task", f"{words}, please", "--format", fmt)[1]
    vocabulary = validated_copy(table_on, "Vocabulary", (REPO / "rules" / "vocabulary.toml").read_text())
    vocabulary.write_text("not json")  # the words cannot be read without the law: the whole flow reads them
    again = _check("--state", "CA", "--task", "vaccinate with a flu shot")
    code, out, _ = run("check", "--state", "CA", "--task", "vaccinate with a flu shot")
    assert again.stderr.strip() == "law loaded" and (again.returncode, again.stdout) == (code, out)


def test_the_resolver_over_the_validated_json_reads_every_word_as_over_the_schema(table_on: Path) -> None:
    """What quick_check reads words with (plain records from the cache) against the resolver over the
    validated models: every phrasing of two corpora (the same task, candidates, note or refusal), and
    every name and synonym of the state, credential, training and setting catalogues, with a typo
    each (the same id or the same error)."""
    from scopecheck.interfaces import quick_check

    checker = Checker(REPO)
    lib, resolver = checker.lib, checker.resolver
    assert lib.vocabulary and lib.tasks and lib.jurisdictions and lib.credentials and lib.trainings and lib.settings
    plain = quick_check.resolver_over_kept(REPO)  # each of those is loaded: its validated copy is kept
    assert plain is not None
    for name in ("phrasings.toml", "phrasings_holdout16.toml"):
        with (REPO / "tests" / "data" / name).open("rb") as f:
            for p in tomllib.load(f)["phrasings"]:
                assert _read(plain.matcher.understand, p["text"]) == _read(resolver.matcher.understand, p["text"])
    catalogues = {
        "jurisdiction": lib.jurisdictions.values(),
        "credentials": lib.credentials.values(),
        "trainings": lib.trainings.values(),
        "setting": lib.settings.values(),
    }
    for reader, entries in catalogues.items():
        words = [w for e in entries for w in (getattr(e, "code", ""), e.name, *e.synonyms) if w]
        for word in [*words, *(w[:-1] + "q" for w in words)]:
            asked = (word,) if reader in ("credentials", "trainings") else word
            assert _read(getattr(plain, reader), asked) == _read(getattr(resolver, reader), asked), (reader, word)


def _read(reader: Any, words: object) -> object:
    try:
        return reader(words)
    except UserError as error:
        return str(error)


def test_a_check_in_another_stretch_of_dates_or_on_edited_data_goes_through_the_whole_flow(
    table_on: Path, tmp_path: Path
) -> None:
    _check("--state", "NV", "--task", "flu shot", "--as-of", "2026-03-01")
    plan = Checker(REPO).plan("NV")
    assert plan.window(date(2026, 3, 1)) != plan.window(date(2010, 1, 1))  # NV's MA rules took effect in 2013
    assert _check("--state", "NV", "--task", "flu shot", "--as-of", "2010-01-01").stderr.strip() == "law loaded"
    _check("--state", "NY", "--task", "flu shot")
    copy = tmp_path / "data"
    shutil.copytree(REPO / "rules", copy / "rules")
    shutil.copytree(REPO / "states", copy / "states")
    state = copy / "states" / "NY.toml"
    state.write_text(state.read_text() + "\n# an analyst's note\n")
    assert _check("--state", "NY", "--task", "flu shot", data=copy).stderr.strip() == "law loaded"
    tables = sorted(table_on.glob("answers-*.sqlite"))
    not_data = tmp_path / "not-data"
    not_data.mkdir()
    refused = _check("--state", "NY", "--task", "flu shot", data=not_data)
    assert refused.returncode == 2 and "not a scopecheck data directory" in refused.stderr
    assert sorted(table_on.glob("answers-*.sqlite")) == tables  # no table for data that is not data


def test_with_a_decision_log_every_check_is_decided_and_logged(table_on: Path, tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", WATCH, "--decision-log", str(log), "check", "--state", "NY", "--task", "flu shot"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stderr.strip() == "law loaded"
    assert len(log.read_text().splitlines()) == 2


def _open_together(path: str, start: Any, number: int) -> None:
    """One of several processes that open a fresh table at the same moment and keep an answer."""
    table = AnswerTable(Path(path))
    start.wait()
    table.put((f"question {number}",), ())
    table.flush()
    os._exit(3 if table._broken else 0)


def test_processes_opening_a_fresh_table_at_once_all_keep_their_answers(table_on: Path) -> None:
    """Batch workers open the new table of a data snapshot together: making the file, its WAL mode
    and its tables must not fail in any of them (one that failed answered on without the table and
    kept nothing: a warm run then asked the engine again)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for attempt in range(20):
        path = table_on / f"answers-race-{attempt}.sqlite"
        table_on.mkdir(parents=True, exist_ok=True)
        start = context.Barrier(8)
        processes = [context.Process(target=_open_together, args=(str(path), start, n)) for n in range(8)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=30)
        assert [p.exitcode for p in processes] == [0] * 8, attempt
        assert AnswerTable(path).count() == 8, attempt


def test_questions_with_the_same_columns_share_one_set_in_a_cold_run(table_on: Path, tmp_path: Path) -> None:
    """A cold batch makes each question's columns afresh; once kept, every question with the same
    columns uses one dict (as a warm run reads them), so memory and formatting go by distinct sets."""
    from datetime import date

    rows = RowChecker(Checker(REPO), date(2026, 1, 1))
    varied = [Row(n, dict(zip(HEADER, line))) for n, line in enumerate(_varied_rows(1_500), 2)]
    for start in range(0, len(varied), 400):
        rows.check_all(varied[start : start + 400])
    kept = list(rows._by_question.values())
    distinct = {json.dumps(columns, sort_keys=True) for columns in kept}
    assert len(kept) > len(distinct) > 100, (len(kept), len(distinct))
    assert len({id(columns) for columns in kept}) == len(distinct)


def test_every_jurisdictions_key_index_is_the_same_read_back_from_its_json(checker: Checker) -> None:
    """What `check` keeps to make a key without the law (decide/keys.py) is the plan's own index."""
    from scopecheck.decide.keys import KeyIndex

    for code in checker.lib.encoded_states():
        keys = checker.plan(code).keys
        assert KeyIndex.from_json(json.loads(json.dumps(keys.to_json()))) == keys, code
        assert keys.relevance and all(task in checker.lib.tasks for task in keys.relevance), code


def test_words_that_name_another_state_are_asked_back_warm_or_cold(table_on: Path) -> None:
    """A tuned set's question (holdout12) names Florida: asked of Florida it is answered, and kept; asked
    of California it is asked back, by the whole flow and never from the verdict kept for the same task
    (the quick path reads the task words alone)."""
    words = "Can medical assistants start IVs in Florida?"
    assert _check("--state", "CA", "--task", "start an IV").returncode in (0, 1)  # California's iv_start kept
    florida = _check("--state", "FL", "--task", words)
    assert florida.returncode in (0, 1) and "Start an IV" in florida.stdout and "in Florida" in florida.stdout
    for _ in range(2):
        asked = _check("--state", "CA", "--task", words)
        assert asked.returncode == 2 and not asked.stdout, asked
        assert "the words name Florida (FL), not California (CA)" in asked.stderr, asked.stderr
