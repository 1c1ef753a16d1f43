"""The matcher's second reading (scopecheck/decide/reader.py): naive Bayes and logistic regression over
the hand-labelled phrasing corpora of tests/data. Where they rule out the task a phrase names, the
matcher asks back, offering both readings, instead of answering; it never answers on the reader's word
alone.

The reader is trained on the sets up to holdout22 and, since stop 30, the tuned sets after it (27b,
28a, 29a, 30c, 31b, 32a to 36a, 38a), so on those it is in-sample. Its honest figures are on sets it
did not see: each of those sets left out in turn (below), and the sets never tuned on (test_phrasings.py)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_cli import run
from test_phrasings import DATA, NEVER_TUNED, Silent, corpus, judge, with_reader

from scopecheck.decide.checker import Checker
from scopecheck.decide.reader import Reader, corpus_examples, model_json, train
from scopecheck.law.snapshot import READER_MODEL

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / READER_MODEL
MEASURED = NEVER_TUNED  # never trained on: holdout23 to 26 measured the reader first (stop 20)
#: the training sets are left out a quarter at a time (every fourth by name): each fold trains logistic
#: regression, a few seconds (until stop 30, one set at a time, 24 folds)
FOLDS = 4


def _model() -> dict:  # type: ignore[type-arg]
    return json.loads(MODEL.read_text(encoding="utf-8"))


def test_the_committed_model_is_what_its_corpora_train(checker: Checker) -> None:
    """Retraining on the corpora the model names gives the file byte for byte: it is not stale, and
    nothing in it was made by hand. The sets that measure it are not among them, nor the issue corpus's
    validation split (trained on until stop 29, which made that split's figure 216 of 239 understood,
    205 once it was not)."""
    model = _model()
    examples, hashes = corpus_examples([DATA / name for name in model["trained_on"]], checker.lib.tasks)
    assert hashes == model["trained_on"], "a corpus changed since: scopecheck rules train-reader"
    assert model_json(train(examples, hashes)) == MODEL.read_text(encoding="utf-8")
    assert not set(MEASURED) & set(model["trained_on"]) and len(examples) > 10300


def test_a_corpus_validation_split_is_never_trained_on(checker: Checker) -> None:
    """The issue corpus keeps a validation split to measure the matcher blind. From stop 20 to stop 28 the
    reader was trained on it too, so its figure (216 of 239 understood) was not blind; 205 once it was not
    (stop 29). Training reads only the tune split of a corpus that has one."""
    phrasings = corpus("phrasings.toml")["phrasings"]
    examples, _ = corpus_examples([DATA / "phrasings.toml"], checker.lib.tasks)
    tune = [p for p in phrasings if p["split"] == "tune"]
    assert len(examples) == len(tune) < len(phrasings)
    trained = {text for text, _ in examples}
    assert all(p["text"] not in trained for p in phrasings if p["split"] == "validation")


def test_on_sets_it_was_not_trained_on_it_takes_wrong_answers_off_at_a_small_cost(checker: Checker) -> None:
    """Each training set left out in turn (a quarter of them at a time since stop 30), the reader trained
    on the others: the matcher's answers on it, without and with the second reading. Measured at stop 20, of 9,060 phrasings: 429 -> 263
    answered as another task (-39 %); 6,024 -> 5,732 right (-4.8 %), each right answer lost asked back
    with the right task first, so right or asked back among acceptable tasks only went 6,295 -> 6,127
    (-2.7 %); of the wrong answers taken off, 33 are asked back without the right task. And where
    nothing fits (1,278 phrasings), the suggestions with the reader's reading (when at least half
    likely) second after a denied task: the right task first 558 -> 805 (44 % -> 63 %), among the
    four 929 -> 1,050 (73 % -> 82 %). Stop 23 raised the doubt that asks back from 0.01 to 0.2, and of
    9,059 phrasings: 429 -> 198 wrong (-54 %), 6,030 -> 5,385 right (-10.7 %), right or asked back among
    acceptable tasks only 6,304 -> 5,916 (-6.2 %); the suggestions first 555 -> 800, among 926 -> 1,047.
    Stop 25 suggests every reading at least 10 % likely where together they are at least half likely, not
    only a best reading at least half likely: where nothing fits (1,282), the right task among the
    suggestions 1,054 -> 1,074 (without the reader 933), first 806 -> 803; refused 240 -> 219.
    Stop 30 leaves the sets out a quarter at a time (each fold now trains logistic regression too) and
    adds its doubt (another task weighed first) to naive Bayes's, whose own went back to 0.01. Of 8,821
    phrasings, without the reader / naive Bayes alone at 0.2 / both: wrong 416 / 180 / 170; right or asked
    back among acceptable tasks only 6,263 / 5,838 / 5,907; the suggestions (naive Bayes's, unchanged)
    first 471 / 651 / 651, among 791 / 906 / 906. Then trained on the tuned sets after holdout22 too
    (10,309 phrasings, 35 sets; on the sets never tuned on, wrong 113 -> 107, understood 2,038 -> 2,045):
    without the reader / with it, wrong 524 / 205, understood 7,236 / 6,865, first 548 / 774, among 924 /
    1,068. Stop 31 suggests what both models read together (their geometric mean, at least 30 % together):
    first 774 -> 829, among 1,068 -> 1,079 (of 1,304 where nothing fits); answers unchanged."""
    names = list(_model()["trained_on"])
    per_file = {name: corpus_examples([DATA / name], checker.lib.tasks)[0] for name in names}
    plain, left_out = with_reader(checker, Silent()), with_reader(checker, None)
    left_out.__dict__["_misspelt"] = plain._misspelt  # the same phrases: the same misspellings (difflib is slow)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for fold in range(FOLDS):
        held = names[fold::FOLDS]
        rest = [x for name in names if name not in held for x in per_file[name]]
        left_out.__dict__["reader"] = Reader(train(rest, {}))
        left_out._understood.clear()  # what it read with the last reader
        left_out._nearest.clear()
        for text, tasks in (x for name in held for x in per_file[name]):
            without, understood = judge(plain, text, set(tasks)), plain.understand(text)
            before[without] += 1
            nothing_fits = not (understood.task or understood.candidates or understood.not_ma)
            # the reader changes only an answer of one task, and the suggestions where nothing fits
            after[judge(left_out, text, set(tasks)) if understood.task or nothing_fits else without] += 1
            acceptable = set(tasks) - {"none"}
            if acceptable and nothing_fits:
                for matcher, tally in ((plain, before), (left_out, after)):
                    suggested = [c.id for c in matcher.no_match(text, "--task").candidates]
                    tally["suggested first"] += bool(suggested) and suggested[0] in acceptable
                    tally["suggested among"] += bool(acceptable & set(suggested))
                before["nothing fits"] += 1
    print(f"left out in turn: without the reader {dict(before)}; with it {dict(after)}")
    assert before["wrong"] - after["wrong"] >= 319, (before, after)  # 223 since stop 24 (the role check
    # takes a few of the same off before the reader: without it 419 wrong, not 429); 236 at stop 30 with
    # naive Bayes alone in four folds, 246 with logistic regression's doubt too; 319 on the 35 sets
    # the cost: right answers asked back (650 until stop 30; 914 on the 35 sets, 6,726 -> 5,812, of which
    # 543 asked back among acceptable tasks only, so understood falls less)
    assert before["right"] - after["right"] <= 914, (before, after)
    understood = [c["right"] + c["within"] for c in (before, after)]
    # 425 with naive Bayes alone in four folds, 356 with both; 371 on the 35 sets
    assert understood[0] - understood[1] <= 371, (before, after)
    # 180 on 24 sets; 226 on 35 with naive Bayes's suggestions alone (stop 30); 281 with both models' (stop
    # 31), then 276 once "taking blood" was read as "take blood" (three phrasings suggested first, now answered)
    assert after["suggested first"] - before["suggested first"] >= 276, (before, after)
    # 121 before stop 25; 136 -> 134 at stop 28, the matcher without the reader now suggesting the right task
    # for two more ("Give You the Jab?", "Review demographic sheets") and four more understood outright;
    # 128 at stop 29, the issue corpus's validation split no longer trained on nor left out in turn
    # (8,821 phrasings: wrong 416 -> 188, right 5,831 -> 5,183, suggested first 473 -> 676, among 793 -> 921);
    # 115 in four folds (stop 30), 144 on the 35 sets; 155 with both models' reading (stop 31), 152 once
    # "taking" was read as "take"
    assert after["suggested among"] - before["suggested among"] >= 152, (before, after)


def test_words_read_otherwise_as_a_whole_are_asked_back_with_both_readings(checker: Checker) -> None:
    """From the tuned sets' errors: "Document Immunizations" is records, not giving a vaccine."""
    u = checker.resolver.matcher.understand("Document Immunizations")
    assert u.task is None and u.candidates == ("immunization", "maintain_records")
    code, out, err = run("check", "--state", "CA", "--task", "Document Immunizations")
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "read as a whole reads as maintain medical records" in err
    assert "say which: immunization (Give a vaccine (immunization)); maintain_records" in err


def test_a_reading_in_doubt_alone_is_asked_back_even_where_it_would_be_the_only_answer(checker: Checker) -> None:
    """One candidate is never settled as "every candidate gets the same answer": the reader reads
    "assist with e-prescribing" as no MA task. (Its label is order entry: a right answer this asks back.
    So is "clean wounds from animal bites", held as wound care in test_phrasings.py until stop 20: the
    reader reads "animal" as a veterinary page's.)"""
    u = checker.resolver.matcher.understand("assist with e-prescribing")
    assert u.task is None and u.candidates == ("cpoe_order_entry",)
    assert checker.resolver.matcher.understand("clean wounds from animal bites").candidates == ("wound_care",)
    code, out, err = run("check", "--state", "CA", "--task", "assist with e-prescribing")
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "does not read as that task or any MA task; if it is meant, say so: cpoe_order_entry" in err


@pytest.mark.parametrize("words", ["stapling a wound closed", "Removing dead tissue from wounds"])
def test_a_reading_in_doubt_with_two_tasks_is_asked_back_by_every_entry_point(words: str, tmp_path: Path) -> None:
    """Real phrasings (holdout10, holdout16; labelled 'none' and wound care) the reader doubts: the
    phrase reads wound care, the whole removing staples. In California both get the same answer, and
    `check` and the API gave it ("CONDITIONAL: wound care ... each gets this same answer here", for
    stapling a wound closed, which is neither) while the page and a hire asked back. A reading in
    doubt is asked back everywhere: the words may mean neither task."""
    code, out, err = run("check", "--state", "CA", "--task", words)
    assert code == 2 and not out and "read as a whole reads as remove sutures or staples" in err, err
    api, page, (code, err) = _asked_in_california(words, tmp_path)
    assert api.status_code == 422 and [c["id"] for c in api.json()["candidates"]] == ["wound_care", "suture_removal"]
    assert 'id="verdict"' not in page
    assert code == 2 and "read as a whole reads as remove sutures or staples" in err, err


def _asked_in_california(words: str, tmp_path: Path) -> tuple[Any, str, tuple[int, str]]:
    """The words asked in California of the API, the page and a hire (a candidate with no credential):
    the API's response, the page's text, and the hire's exit code and stderr."""
    from fastapi.testclient import TestClient

    from scopecheck.interfaces.web.app import create_app

    client = TestClient(create_app(Checker(REPO)))
    api = client.get("/api/check", params={"state": "CA", "task": words})
    page = client.get("/", params={"state": "CA", "task": words, "listed": "CA"}).text
    candidate = tmp_path / "c.json"
    candidate.write_text('{"credentials": []}')
    code, _, err = run("hire", "--state", "CA", "--candidate", str(candidate), "--duty", words)
    return api, page, (code, err)


@pytest.mark.parametrize(
    "words, read_as",
    [
        ("provide samples of prescription drugs to patients", "dispense_medication"),  # holdout10
        # holdout34a ("applying" a label is near enough to the drug to be read as giving it)
        ("counting out the drug and applying the label", "dispense_medication"),
    ],
)
def test_an_ask_back_offers_too_the_task_the_words_read_as_as_a_whole(
    checker: Checker, words: str, read_as: str
) -> None:
    """From the tuned sets' ask-backs without the right task (143 of them at stop 30): "drugs" beside a word
    of giving names giving medication by each route, and the phrases alone ask back among those; both models
    read the words as dispensing, which is asked too (last: no phrase named it). Never an answer: the asker
    chooses."""
    alone = with_reader(checker, Silent()).understand(words)
    assert alone.task is None and read_as not in alone.candidates and "medication_oral" in alone.candidates
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and set(u.candidates[:-1]) == set(alone.candidates) and u.candidates[-1] == read_as
    code, out, err = run("check", "--state", "CA", "--task", words)
    asked_too = f"; {read_as} ({checker.lib.tasks[read_as].name})"
    assert code == 2 and not out and err.count("\n") == 1 and err.rstrip().endswith(asked_too), err


@pytest.mark.parametrize(
    "words",
    [
        "The sclerosant is injected into the spider vein.",  # holdout17
        "The PRP is injected into the scalp in the areas where hair loss is occurring",  # holdout17
    ],
)
def test_words_of_no_ma_task_that_name_several_tasks_are_asked_back_where_each_gets_one_answer(
    checker: Checker, words: str
) -> None:
    """From the tuned sets, labelled no MA task: "injected" names an injection by each route, and in most
    states each gets the same answer, which `check` gave ("CONDITIONAL ... each gets this same answer
    here") to work no MA does. Both models read the words as no MA task: they are asked back, the
    routes offered, in every state."""
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and set(u.candidates) == set(with_reader(checker, Silent()).understand(words).candidates)
    assert "injection_intramuscular" in u.candidates
    for state in ("CA", "TX", "NY"):
        code, out, err = run("check", "--state", state, "--task", words)
        assert code == 2 and not out and err.count("\n") == 1, err
        assert "names more than one task, but read as a whole does not read as any MA task; say which" in err, err


def test_words_of_no_ma_task_are_asked_back_by_every_entry_point(tmp_path: Path) -> None:
    """The page, the API and a hire ask them back too: a question in doubt is never settled by facts."""
    words = "The sclerosant is injected into the spider vein."
    api, page, (code, err) = _asked_in_california(words, tmp_path)
    assert api.status_code == 422 and "injection_intramuscular" in [c["id"] for c in api.json()["candidates"]]
    assert 'id="verdict"' not in page and "does not read as any MA task" in page
    assert code == 2 and "does not read as any MA task" in err, err
    rows = tmp_path / "rows.csv"
    rows.write_text(f'state,task\nCA,"{words}"\n')
    code, out, err = run("batch", str(rows))
    assert "does not read as any MA task" in out and ",error," in out, out


@pytest.mark.parametrize(
    "words, task",
    [
        ("You may be expected to hand instruments to the provider as needed.", "assist_exam"),  # holdout
        ("assembly and filing of prior authorizations and appeals", "insurance_verification"),  # holdout
    ],
)
def test_the_tasks_the_phrases_name_are_offered_likeliest_first(checker: Checker, words: str, task: str) -> None:
    """Where the phrases name several tasks, the likeliest as the words read comes first: the first asked,
    and the one an answer settled by facts names ("each gets this same answer here"). The phrases alone
    put another first; left out in turn, the labelled task came first in 54 % -> 83 % of ask-backs that
    name it among others (stop 31)."""
    assert with_reader(checker, Silent()).understand(words).candidates[0] != task
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and u.candidates[0] == task
    settled = checker.check("CA", words)
    assert settled.task == task and "each gets this same answer" in settled.task_note


@pytest.mark.parametrize("words", ["thank you", "please", "hello there", "the weather today"])
def test_words_of_no_task_get_no_reading_among_the_suggestions(checker: Checker, words: str) -> None:
    """The reader always has a likeliest task; its readings are suggested only when together at least
    30 % likely (half until stop 31). Naive Bayes alone read each of these as tasks at 4-16 %; they were
    suggested before the threshold. Both models together read each as no task first, and no task above 9 %."""
    assert checker.resolver.matcher.no_match(words, "--task").candidates == []


def test_where_nothing_fits_the_reading_of_the_whole_is_suggested(checker: Checker) -> None:
    suggested = [c.id for c in checker.resolver.matcher.no_match("something about shots", "--task").candidates]
    assert suggested[0] == "immunization"  # read as a whole (94 %); no phrase names the task


def test_a_task_the_reader_was_never_trained_on_is_never_doubted(checker: Checker) -> None:
    """A task added to the catalogue after the model was made has no phrasings in it: its words are
    answered by the matcher alone, not asked back for want of a reading."""
    model = _model()
    classes = model["classes"]
    gone = classes.pop("maintain_records")
    model["classes"], model["totals"] = dict(classes), {t: n for t, n in model["totals"].items() if t in classes}
    order = list(_model()["classes"])
    for key in ("words", "weights"):
        model[key] = {
            w: [
                x
                for i in range(0, len(f), 2)
                if order[f[i]] in classes
                for x in (list(classes).index(order[f[i]]), f[i + 1])
            ]
            for w, f in model[key].items()
        }
    model["bias"] = [b for t, b in zip(order, model["bias"]) if t in classes]
    assert gone and with_reader(checker, Reader(model)).understand("Document Immunizations").candidates == ()
    assert (
        with_reader(checker, Reader(model)).understand("update the chart after each visit").task == "maintain_records"
    )


@pytest.mark.parametrize("words", ["opioids", "raise a wheal", "Botox", "flu shot please please please"])
def test_words_that_are_the_phrase_alone_are_never_doubted(checker: Checker, words: str) -> None:
    """Nothing besides the phrase: the catalogue's sense, whatever the corpora's other wordings. A word
    said again counts once (three times "please" read as allergy shots when each counted)."""
    assert checker.resolver.matcher.understand(words).task


def test_the_api_answers_a_reading_in_doubt_with_422_and_both_candidates() -> None:
    from fastapi.testclient import TestClient

    from scopecheck.interfaces.web.app import create_app

    client = TestClient(create_app(Checker(REPO)))
    r = client.get("/api/check", params={"state": "CA", "task": "Document Immunizations"})
    assert r.status_code == 422
    assert [c["id"] for c in r.json()["candidates"]] == ["immunization", "maintain_records"]


def test_training_on_what_is_not_a_corpus_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[phrasings]]\ntext = "draw blood"\n', encoding="utf-8")
    code, _, err = run("rules", "train-reader", str(bad), "-o", str(tmp_path / "m.json"))
    assert code == 2 and err.count("\n") == 1 and "bad.toml: not a phrasing corpus" in err, err
    bad.write_text('[[phrasings]]\ntext = "draw blood"\ntasks = ["phlebotomy"]\n', encoding="utf-8")
    code, _, err = run("rules", "train-reader", str(bad), "-o", str(tmp_path / "m.json"))
    assert code == 2 and err.count("\n") == 1 and "phrasing 1: task ids not in the catalogue: ['phlebotomy']" in err
    bad.write_text('[[phrasings]]\ntext = 5\ntasks = ["venipuncture"]\n', encoding="utf-8")  # was read as "5"
    code, _, err = run("rules", "train-reader", str(bad), "-o", str(tmp_path / "m.json"))
    assert code == 2 and err.count("\n") == 1 and "5 is not text" in err, err
    good = tmp_path / "good.toml"
    good.write_text('[[phrasings]]\ntext = "draw blood"\ntasks = ["venipuncture"]\n', encoding="utf-8")
    (tmp_path / "other").mkdir()
    same_name = tmp_path / "other" / "good.toml"  # the model names its corpora by file name: recorded as one
    same_name.write_text('[[phrasings]]\ntext = "take vitals"\ntasks = ["vital_signs"]\n', encoding="utf-8")
    for second in (good, same_name):  # the same file twice was trained on twice
        code, _, err = run("rules", "train-reader", str(good), str(second), "-o", str(tmp_path / "m.json"))
        assert code == 2 and "a corpus named good.toml is given already" in err, err
    assert not (tmp_path / "m.json").exists()


def test_rules_validate_names_a_missing_or_stale_reader(tmp_path: Path) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "states", tmp_path / "states")
    model = _model()
    model["classes"] = {"no_such_task": 1, **model["classes"]}
    model["totals"] = {"no_such_task": 0, **model["totals"]}
    model["bias"] = [0.0, *model["bias"]]  # one for each class, or the model is not one (a defect too)
    (tmp_path / READER_MODEL).write_text(json.dumps(model), encoding="utf-8")
    code, _, err = run("--data-dir", str(tmp_path), "rules", "validate", "--no-examples")
    assert code == 2 and "reader.json: classes not in the task catalogue: no_such_task" in err, err
    (tmp_path / READER_MODEL).unlink()
    code, _, err = run("--data-dir", str(tmp_path), "rules", "validate", "--no-examples")
    assert code == 2 and "reader.json: missing" in err, err


@pytest.mark.parametrize("content", [None, "{not json", '{"alpha": 0.03}'])
def test_a_check_whose_words_need_the_reader_names_a_missing_or_broken_one(tmp_path: Path, content: str | None) -> None:
    """Never a traceback, never an answer without the second reading: one line naming the file."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "states", tmp_path / "states")
    (tmp_path / READER_MODEL).unlink()
    if content is not None:
        (tmp_path / READER_MODEL).write_text(content, encoding="utf-8")
    code, out, err = run("--data-dir", str(tmp_path), "check", "--state", "CA", "--task", "Document Immunizations")
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "reader.json: not a reader model" in err and "scopecheck rules train-reader" in err


@pytest.mark.parametrize("where, bad", [(1, "0.5"), (0, 999), (0, 1.5)])
def test_a_model_whose_weights_are_not_numbers_of_its_classes_is_named_before_any_question(
    tmp_path: Path, where: int, bad: object
) -> None:
    """A weight that is text, or that names no class, was met only when a question's words had it (a
    traceback mid-answer); it is now checked when the model is read: one line naming the file."""
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "states", tmp_path / "states")
    model = _model()
    model["weights"]["immunization"][where] = bad
    (tmp_path / READER_MODEL).write_text(json.dumps(model), encoding="utf-8")
    code, out, err = run("--data-dir", str(tmp_path), "check", "--state", "CA", "--task", "Document Immunizations")
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "reader.json: not a reader model" in err and "'immunization'" in err


#: Ways people ask whether an MA may do something; the words between say nothing of which work.
QUESTION_FRAMES = (
    "are MAs allowed to {}?",
    "Is a medical assistant allowed to {}?",
    "Can an MA legally {}?",
    "Are medical assistants permitted to {}?",
    "May a medical assistant {}?",
    "Is it within an MA's scope of practice to {}?",
    "can my MA {}",
    "Is it legal for a medical assistant to {}?",
)


def test_a_duty_answered_right_is_answered_alike_when_asked_as_a_question(checker: Checker) -> None:
    """The tuned sets' short duty lines that begin with a verb ("draw blood", "remove sutures") and are
    answered right, each asked inside eight question frames. The words of asking say nothing of the work:
    where they are all the words besides a task's phrase, the reader is not asked for its reading of the
    whole (until stop 32 it read "scope of practice" as starting an IV, and "allowed" as entering orders:
    3,975 of 4,320 right, 194 asked back with the right task among others, none wrong)."""
    m = checker.resolver.matcher
    duties = [
        (p["text"].strip().rstrip("."), set(p["tasks"]))
        for name in _model()["trained_on"]
        for p in corpus(name)["phrasings"]
        if p.get("split") != "validation" and p["tasks"] != ["none"]
    ]
    duties = [
        (text, tasks)
        for text, tasks in duties
        if 2 <= len(text.split()) <= 6
        and text[0].islower()
        and not text.split()[0].endswith(("ing", "s"))
        and judge(m, text, tasks) == "right"
    ]
    counts = Counter(judge(m, frame.format(text), tasks) for text, tasks in duties for frame in QUESTION_FRAMES)
    print(f"{len(duties)} duties in {len(QUESTION_FRAMES)} frames: {dict(counts)}")
    assert counts["wrong"] == 0 and counts["right"] >= 4086, counts  # 123 asked back with it among others
