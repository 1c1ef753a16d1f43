"""The Python API (`scopecheck.check`, `check_posting`, `check_hire`) on arguments we did not write:
each wrong type or value is a UserError naming the argument as the function calls it (a hunt of
2026-12-07 found frozensets of words taken for resolved ids, numbers read as seconds since 1970,
strings read letter by letter, pydantic dumps and bare TypeErrors)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

import scopecheck
from scopecheck import UserError, check, check_hire, check_posting

IM = "injection_intramuscular"
EXPIRED = {"credentials": [{"id": "CMA", "expires": "2020-02-29"}]}

BAD: dict[str, tuple[Callable[[], Any], str]] = {
    "frozenset with a typo": (
        lambda: check("NJ", IM, credentials=frozenset({"CMAA"})),
        "credentials: unknown credential 'CMAA'",
    ),
    "as_of seconds": (
        lambda: check("CT", "immunization", as_of=86400),
        "as_of: a date or 'YYYY-MM-DD' is needed, not int",
    ),
    "as_of digits": (lambda: check("CT", "immunization", as_of="86400"), "as_of: '86400' is not a date"),
    "as_of zero": (lambda: check("CT", "immunization", as_of=0), "as_of:"),
    "as_of empty": (lambda: check("CT", "immunization", as_of=""), "as_of:"),
    "as_of bytes": (lambda: check("CT", "immunization", as_of=b"2020-01-01"), "as_of:"),
    "posting as_of seconds": (
        lambda: check_posting("Medical Assistant, Hartford, CT\nGive flu shots.", as_of=86400),
        "as_of:",
    ),
    "hire as_of datetime": (lambda: check_hire("NJ", EXPIRED, [IM], as_of=datetime(2020, 1, 1, 9)), "as_of:"),
    "candidate key": (lambda: check_hire("NJ", {"credential": ["CMA"]}, [IM]), "candidate: [credential] unknown key"),
    "candidate None": (lambda: check_hire("NJ", None, [IM]), "candidate: a candidate is an object"),  # type: ignore[arg-type]
    "candidate bad date": (
        lambda: check_hire("NJ", {"credentials": [{"id": "CMA", "expires": "2020-02-30"}]}, [IM]),
        "candidate: [credentials.0.expires]",
    ),
    "supervision case": (lambda: check("CA", IM, supervision="Direct"), "supervision: 'Direct' is not one of"),  # type: ignore[arg-type]
    "supervisor": (lambda: check("CA", IM, supervisor="MD"), "supervisor: 'MD' is not one of"),  # type: ignore[arg-type]
    "state None": (lambda: check(None, "vital_signs"), "state: text (str) is needed"),  # type: ignore[arg-type]
    "task bytes": (lambda: check("CA", b"ekg"), "task: text (str) is needed"),  # type: ignore[arg-type]
    "posting bytes": (lambda: check_posting(b"Give flu shots."), "text: text (str) is needed"),  # type: ignore[arg-type]
    "credentials str": (lambda: check("NJ", IM, credentials="CMA"), "credentials: a list of words (str) is needed"),
    "credentials dict": (
        lambda: check("NJ", IM, credentials={"CMA": False}),
        "credentials: a list of words (str) is needed",
    ),
    "duties str": (lambda: check_hire("NJ", {}, "flu shot"), "duties: a list of words (str) is needed"),  # type: ignore[arg-type]
    "duties empty": (lambda: check_hire("NJ", {}, []), "duties: give at least one duty"),
    "state name": (lambda: check("ZZ", "ekg"), "state: unknown state 'ZZ'"),
    "posting state": (lambda: check_posting("Medical Assistant\nGive flu shots."), "give state XX"),
    "state huge": (lambda: check("C" * 1_000_000, "ekg"), "state: at most 200 characters"),
    # a Checker of one's own checks its arguments as check() does (its check took them unchecked: a
    # string of credentials read letter by letter, a level no rule knows, a number for a day)
    "Checker credentials str": (
        lambda: scopecheck.Checker().check("NJ", IM, credentials="CMA"),
        "credentials: a list of words (str) is needed",
    ),
    "Checker supervision case": (
        lambda: scopecheck.Checker().check("CA", IM, supervision="Direct"),  # type: ignore[arg-type]
        "supervision: 'Direct' is not one of",
    ),
    "Checker as_of seconds": (
        lambda: scopecheck.Checker().check("CT", "immunization", as_of=86400),  # type: ignore[arg-type]
        "as_of: a date or 'YYYY-MM-DD' is needed, not int",
    ),
    "Checker state None": (lambda: scopecheck.Checker().check(None, "ekg"), "state: text (str) is needed"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_argument_is_a_user_error_naming_it(case: str) -> None:
    call, said = BAD[case]
    with pytest.raises(UserError) as raised:
        call()
    assert said in str(raised.value) and "\n" not in str(raised.value) and "--" not in str(raised.value)


def test_words_in_any_collection_get_the_same_answer_and_dates_in_both_forms() -> None:
    """A frozenset of words was taken for resolved ids: "CMA" matched nothing, and NJ said prohibited."""
    answers = {check("NJ", IM, credentials=kind(["CMA"])).verdict for kind in (list, tuple, set, frozenset)}
    assert answers == {"conditional"}
    assert (
        check("CT", "immunization", as_of="2020-01-01").as_of
        == check("CT", "immunization", as_of=date(2020, 1, 1)).as_of
    )
    hire = check_hire("NJ", EXPIRED, [IM], as_of="2020-01-01")  # was a TypeError comparing a date with a str
    assert (
        hire.candidate["credentials_counted"] == ["CMA_AAMA"]
        and scopecheck.check_hire("NJ", EXPIRED, [IM], as_of=date(2020, 1, 1)).to_json() == hire.to_json()
    )


def test_a_checker_is_made_from_a_path_as_text_and_refuses_a_memo_of_nothing(tmp_path: Any) -> None:
    """`Checker(memo_size=0)` was a KeyError at its first question; `Checker("/some/dir")` a TypeError."""
    from conftest import REPO

    for size in (0, -1):
        with pytest.raises(UserError, match="memo_size: a whole number of questions, at least 1"):
            scopecheck.Checker(memo_size=size)
    assert scopecheck.Checker(str(REPO)).check("CA", "ekg").verdict == check("CA", "ekg").verdict
    with pytest.raises(UserError, match="not a scopecheck data directory"):
        scopecheck.Checker(str(tmp_path))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"supervision": "Direct"}, "supervision: 'Direct' is not one of none, general, direct, personal"),
        ({"supervisor": 3}, "supervisor: 3 is not one of"),
        ({"as_of": 20260101}, "as_of: a date or 'YYYY-MM-DD' is needed, not int"),
        ({"as_of": "2026-02-30"}, "as_of: "),
        ({"as_of": None}, "as_of: a date or 'YYYY-MM-DD' is needed, not None"),
        ({"credentials": "CMA"}, r"credentials: a list of words \(str\) is needed, not one str"),
        ({"trainings": [1]}, r"trainings\[0\]: text \(str\) is needed, not int"),
        ({"task": None}, r"task: text \(str\) is needed, not NoneType"),
        ({"setting": 5}, r"setting: text \(str\) is needed, not int"),
    ],
)
def test_a_query_built_by_hand_with_a_wrong_value_is_a_user_error_naming_it(
    fields: dict[str, object], message: str
) -> None:
    """The Query the API exports is checked as the checker's own arguments are: a wrong value was a
    pydantic dump, and a frozen dataclass would take it silently (a level no rule knows, a number of
    a day)."""
    asked: dict[str, object] = {"jurisdiction": "CA", "task": "ekg", "as_of": date(2026, 1, 1), **fields}
    with pytest.raises(UserError, match=message):
        scopecheck.Query(**asked)  # type: ignore[arg-type]


def test_a_query_built_by_hand_takes_a_day_as_text_and_lists_as_sets() -> None:
    by_hand = scopecheck.Query(jurisdiction="CA", task="ekg", as_of="2026-01-01", credentials=["CMA_AAMA"])  # type: ignore[arg-type]
    assert by_hand.as_of == date(2026, 1, 1) and by_hand.credentials == frozenset({"CMA_AAMA"})
    assert scopecheck.Checker().evaluate(by_hand).verdict == check("CA", "ekg", credentials=["CMA_AAMA"]).verdict


def test_a_query_built_by_hand_naming_what_the_data_lacks_is_a_user_error() -> None:
    """`Checker().evaluate(Query(jurisdiction="CA", task="bogus", ...))` was a bare KeyError."""
    c = scopecheck.Checker()
    with pytest.raises(UserError, match="task: 'bogus' is not a task id of the catalogue"):
        c.evaluate(scopecheck.Query(jurisdiction="CA", task="bogus", as_of=date(2026, 1, 1)))
    with pytest.raises(UserError, match="jurisdiction: 'ZZ' is not a jurisdiction code"):
        c.evaluate(scopecheck.Query(jurisdiction="ZZ", task="ekg", as_of=date(2026, 1, 1)))
    assert c.evaluate(scopecheck.Query(jurisdiction="CA", task="ekg", as_of=date(2026, 1, 1))).verdict
