"""A verdict is a pure function of (question, data): the same answer cold or warm, in any order, in
any thread, in any process. These tests fire many varied questions and compare every answer with
the serial answer of a fresh checker."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from conftest import REPO

from scopecheck.decide.checker import Checker
from scopecheck.decide.query import Query

SUPERVISION = [None, "none", "general", "direct", "personal"]
SUPERVISORS = [None, "physician", "pa", "np", "rn", "other"]


def varied_queries(checker: Checker, n: int, seed: int) -> list[Query]:
    """n questions over every jurisdiction, task, date window and fact the rules test."""
    rng = random.Random(seed)
    lib = checker.lib
    codes = lib.encoded_states()
    tasks = sorted(lib.tasks)
    creds = sorted(lib.credentials)
    trainings = sorted(lib.trainings)
    settings = sorted(lib.settings)
    out = []
    for _ in range(n):
        cred = rng.choice([None, frozenset(), frozenset(rng.sample(creds, rng.randint(1, 2)))])
        train = rng.choice([None, frozenset(), frozenset(rng.sample(trainings, 1))])
        out.append(
            Query(
                jurisdiction=rng.choice(codes),
                task=rng.choice(tasks),
                task_input="",
                credentials=cred,
                trainings=train,
                supervision=rng.choice(SUPERVISION),
                supervisor=rng.choice(SUPERVISORS),
                setting=rng.choice([None, *settings]),
                as_of=date(2019, 1, 1) + timedelta(days=rng.randint(0, 3650)),
            )
        )
    return out


def answer(checker: Checker, q: Query) -> str:
    return json.dumps(checker.evaluate(q).as_json(), sort_keys=True)


def test_fresh_and_warm_checkers_agree_on_10000_questions_in_shuffled_order() -> None:
    warm = Checker(REPO)
    queries = varied_queries(warm, 10_000, seed=7)
    serial = [answer(warm, q) for q in queries]
    order = list(range(len(queries)))
    random.Random(11).shuffle(order)
    fresh = Checker(REPO)
    shuffled = {i: answer(fresh, queries[i]) for i in order}
    differ = [i for i in range(len(queries)) if shuffled[i] != serial[i]]
    assert differ == [], f"{len(differ)} of {len(queries)} answers depend on history, e.g. {queries[differ[0]]}"


def test_a_cold_checker_under_8_threads_gives_the_serial_answers() -> None:
    queries = varied_queries(Checker(REPO), 3_000, seed=3)
    reference = Checker(REPO)
    serial = [answer(reference, q) for q in queries]
    cold = Checker(REPO)  # nothing registered yet: registration itself races
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda q: answer(cold, q), queries))
    wrong = [i for i, (a, b) in enumerate(zip(concurrent, serial)) if a != b]
    assert wrong == [], f"{len(wrong)} wrong answers of {len(queries)} under concurrency"


def _as_dict(text: str) -> dict[str, Any]:
    return json.loads(text)  # type: ignore[no-any-return]


def test_identical_questions_are_evaluated_once_however_many_rows() -> None:
    """The verdict memo is bounded (and evicts), but the engine's answers are kept per distinct
    question: 6,000 distinct questions asked 3 times each through a 1,000-entry memo cost 6,000
    engine evaluations, not 18,000."""
    c = Checker(REPO, memo_size=1_000)
    queries = varied_queries(c, 6_000, seed=9)
    distinct = {c.normalized_key(q) for q in queries}
    for _ in range(3):
        answers = [answer(c, q) for q in queries]
    assert c.evaluations == len(distinct)
    fresh = Checker(REPO)
    assert answers[:500] == [answer(fresh, q) for q in queries[:500]]
