"""The task matcher on real phrasings (tests/data/phrasings.toml: 700+ wordings from job postings,
board FAQs, forum questions and the dossier, each hand-labelled with its acceptable task ids; the
source of every one is recorded). The bar (issue 13): no phrasing resolved to a task outside its
acceptable set; at least 90 % of the tuning set understood right; the rest asked back.

The corpus's "validation" split was used for tuning after its first measurement, and so was
tests/data/phrasings_holdout.toml (511 phrasings from 206 other sources) after its own. The second
holdout, tests/data/phrasings_holdout2.toml (578 phrasings from 197 sources neither used), was measured
blind once: 378 right + 8 asked back among acceptable tasks only (67 %), 46 answered as another task
(8 %), 85 asked back with the right task among others, 39 refused. It was then tuned on, like the others:
every corpus is now held to no phrasing answered as a different task, and above a floor of understood
(right, or asked back among acceptable tasks only) at what tuning reached. A blind figure needs a new set.

The third holdout (442 phrasings from 216 sources none of the others used) was measured blind once: 292 right
+ 15 asked back among acceptable tasks only, 32 resolved to another task. It was then split by source:
part A (tests/data/phrasings_holdout3a.toml, 192 phrasings) is tuned on and held here like the others;
part B (tests/data/phrasings_holdout3b.toml, 250 from 116 sources) stayed out of the tree until that
tuning was done, then was measured once: 170 right + 9 asked back among acceptable tasks only (72 %),
20 resolved to another task (8 %); before the tuning on A it was 168 + 9 (71 %), 19 (8 %). Tuning on one
set's wordings did not carry to the other's: see the closing note of issue 13. A second, independent
labelling of part B agrees with the first on 92 % of phrasings; 17 (6.8 %) were resolved to a task outside
both, so the errors were the matcher's, not the labels'. Part B's errors were then used to choose the words
of several senses the matcher checks (`senses` in rules/vocabulary.toml; its wrong answers 20 -> 7), so it
is no longer blind and is held where it now stands.

The fourth (tests/data/phrasings_holdout4.toml, 471 phrasings from 268 further sources) was measured blind,
counts only: 52 resolved to another task (11 %), 49 with the senses check. Its errors were then read and
the vocabulary given what they showed (veterinary work, self-administration, dose adjustment, cautery,
rectal medication, alcohol testing, sedation monitoring, and a few names): 37 wrong, 304 right. The fifth
(tests/data/phrasings_holdout5.toml, 357 from 234 further sources) was measured blind before and after
that: 46 -> 45 wrong (13 %); labelled a second time; then tuned on too (39). The sixth (phrasings_holdout6.toml,
364 from 209 further sources), kept out of the tree meanwhile, was measured blind at the start of that
work and after each step: 29, 28, 29, 28 wrong (8 %). Wordings tuned on one set again did not carry to
the next. The seventh (phrasings_holdout7.toml, 427 from 217 further sources, labelled twice) was
measured blind once, with the matcher unchanged since: 43 wrong (10 %), 35 by both labellers. The
eighth (phrasings_holdout8.toml, 504 from 303 further sources, labelled twice) was measured blind once
with the same matcher: 70 wrong (14 %), 64 by both labellers; then tuned on (59, 53 by both).
holdout6 and holdout7 were not tuned on (until stop 24, which read holdout6's wrong answers and changed
one thing from one of them: "per orders" is following another's word, not entering orders). The ninth (phrasings_holdout9.toml, 358 from 212 further
sources: job-posting duty lines, and the words of people asking what an MA may do) was measured blind
once after that tuning, and once with the matcher before it: 35 wrong (10 %) both times, 27 by both
labellers; changes were then made from its errors (32, 24 by both). The tenth
(phrasings_holdout10.toml, 348 from 191 further sources, the same two kinds) was measured blind once
after the first of those: 26 wrong (7.5 %; 25 with the matcher before this tuning), 20 by both
labellers; 25 (19) after the last. Not tuned on."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_cli import run

from scopecheck.decide.checker import Checker
from scopecheck.decide.matcher import TaskMatcher
from scopecheck.errors import AmbiguousTask, NotAnMATask, UserError

DATA = Path(__file__).parent / "data"


#: The sets tuned on first, each held to no phrasing answered as a different task.
EARLIER = ("phrasings.toml", "phrasings_holdout.toml", "phrasings_holdout2.toml", "phrasings_holdout3a.toml")
LATER = ("phrasings_holdout3b.toml", "phrasings_holdout4.toml", "phrasings_holdout5.toml", "phrasings_holdout6.toml")
HOLDOUT27 = ("phrasings_holdout27a.toml", "phrasings_holdout27b.toml")
HOLDOUT28 = ("phrasings_holdout28a.toml", "phrasings_holdout28b.toml")
HOLDOUT29 = ("phrasings_holdout29a.toml", "phrasings_holdout29b.toml")
HOLDOUT30 = ("phrasings_holdout30a.toml", "phrasings_holdout30b.toml", "phrasings_holdout30c.toml")
HOLDOUT31 = ("phrasings_holdout31a.toml", "phrasings_holdout31b.toml")
HOLDOUT32 = ("phrasings_holdout32a.toml", "phrasings_holdout32b.toml")
HOLDOUT33 = ("phrasings_holdout33a.toml", "phrasings_holdout33b.toml")
HOLDOUT34 = ("phrasings_holdout34a.toml", "phrasings_holdout34b.toml")
HOLDOUT35 = ("phrasings_holdout35a.toml", "phrasings_holdout35b.toml")
HOLDOUT36 = ("phrasings_holdout36a.toml", "phrasings_holdout36b.toml")
HOLDOUT37 = ("phrasings_holdout37a.toml", "phrasings_holdout37b.toml")
HOLDOUT38 = ("phrasings_holdout38a.toml", "phrasings_holdout38b.toml")
HOLDOUT39 = ("phrasings_holdout39a.toml", "phrasings_holdout39b.toml")
#: the sets never tuned on: their errors are not read while the matcher is changed, and the reader is not
#: trained on them (tests/test_reader.py holds the model to that)
_NEVER_TUNED_SETS = (
    "23 24 25 26 27a 28b 29b 30a 30b 31a 32b 33b 34b 35b 36b 37a 37b 38b 39a 39b 40 41 42 43 44 45 46 47 48 49 50 51"
)
NEVER_TUNED = tuple(f"phrasings_holdout{n}.toml" for n in _NEVER_TUNED_SETS.split())

#: every set before holdout30 but the first four and LATER (holdout30's sources are none of theirs)
BEFORE30 = (*(f"phrasings_holdout{n}.toml" for n in range(7, 27)), *HOLDOUT27, *HOLDOUT28, *HOLDOUT29)


#: the sets collected since holdout30, in the order they were collected (each a, then its b)
SINCE30 = (
    *HOLDOUT30,
    *HOLDOUT31,
    *HOLDOUT32,
    *HOLDOUT33,
    *HOLDOUT34,
    *HOLDOUT35,
    *HOLDOUT36,
    *HOLDOUT37,
    *HOLDOUT38,
    *HOLDOUT39,
    "phrasings_holdout40.toml",
    "phrasings_holdout41.toml",
    "phrasings_holdout42.toml",
    "phrasings_holdout43.toml",
    "phrasings_holdout44.toml",
    "phrasings_holdout45.toml",
    "phrasings_holdout46.toml",
    "phrasings_holdout47.toml",
    "phrasings_holdout48.toml",
    "phrasings_holdout49.toml",
    "phrasings_holdout50.toml",
    "phrasings_holdout51.toml",
)


def _collected_before(name: str) -> tuple[str, ...]:
    """Every set whose sources a later set's must not share: LATER, BEFORE30 and those since holdout30
    collected before `name` (a set's part b comes after its part a)."""
    return (*LATER, *BEFORE30, *SINCE30[: SINCE30.index(name)])


def _later(name: str, size: int, wrong: int, understood: int) -> tuple[str, int, tuple[str, ...], int, int]:
    """A row of the later holdouts' table for a set since holdout30: its sources checked against every set
    collected before it."""
    return (name, size, _collected_before(name), wrong, understood)


def corpus(name: str) -> dict:  # type: ignore[type-arg]
    with (DATA / name).open("rb") as f:
        return tomllib.load(f)


@functools.cache
def source_urls(name: str) -> frozenset[str]:
    """A corpus's source addresses, read once: each later holdout is checked against every set before it."""
    return frozenset(s["url"] for s in corpus(name)["sources"])


class Silent:
    """No second reading (decide/reader.py): never a doubt, no reading among the suggestions."""

    def doubt(self, text: str, task: str, set_apart: Collection[str] = ()) -> None:
        return None

    def likely_tasks(self, text: str) -> list[str]:
        return []

    def as_a_whole(self, text: str, tasks: Sequence[str]) -> tuple[tuple[str, ...], None]:
        return tuple(tasks), None


def with_reader(checker: Checker, reader: object) -> TaskMatcher:
    """A matcher of the checker's catalogue with this second reading (Silent: the phrases alone)."""
    matcher = TaskMatcher(checker.lib)
    matcher.__dict__["reader"] = reader  # the cached property, set
    return matcher


def judge(matcher: TaskMatcher, text: str, acceptable: set[str], language: str = "") -> str:
    """right / within (asked back among acceptable tasks only) / asked (right among the candidates) /
    wrong (a task outside the set, or 'not an MA task' for a real one) / refused. Words in another
    `language` (the corpus says which) are right refused as such, whatever task they name: task words are
    read in English only (decide/languages.py), and any answer to them is a guess."""
    u = matcher.understand(text)
    if language or u.language:
        return "right" if language and u.language else "wrong" if language else "refused"
    if u.not_ma:
        return "right" if acceptable == {"none"} else "wrong"
    if u.task:
        return "right" if u.task in acceptable else "wrong"
    if u.candidates:
        if acceptable == {"none"}:
            return "asked_none"
        if set(u.candidates) <= acceptable:
            return "within"
        return "asked" if acceptable & set(u.candidates) else "asked_wrong"
    if acceptable == {"none"}:
        return "right"
    suggested = {c.id for c in getattr(matcher.no_match(text, "task"), "candidates", [])}
    return "asked" if acceptable & suggested else "refused"


def tally(checker: Checker, name: str) -> Counter[str]:
    return Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", ""))
        for p in corpus(name)["phrasings"]
    )


def test_the_corpus_is_real_and_sourced() -> None:
    data = corpus("phrasings.toml")
    sources = {s["id"]: s for s in data["sources"]}
    assert len(data["phrasings"]) >= 400 and len(sources) >= 25
    assert all(s["url"].startswith("http") for s in sources.values())
    assert all(p["source"] in sources for p in data["phrasings"])
    assert sum(p["tasks"] == ["none"] for p in data["phrasings"]) >= 40


@pytest.mark.parametrize(
    "name", ["phrasings.toml", "phrasings_holdout.toml", "phrasings_holdout2.toml", "phrasings_holdout3a.toml"]
)
def test_no_phrasing_is_answered_as_a_different_task(checker: Checker, name: str) -> None:
    wrong = [
        p["text"]
        for p in corpus(name)["phrasings"]
        if judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", "")) == "wrong"
    ]
    assert wrong == []


def test_nine_in_ten_tuning_phrasings_understood_and_the_rest_asked_back(checker: Checker) -> None:
    phrasings = [p for p in corpus("phrasings.toml")["phrasings"] if p["split"] == "tune"]
    counts = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", "")) for p in phrasings
    )
    understood = counts["right"] + counts["within"]
    assert understood / len(phrasings) >= 0.90, counts
    # the issue's bar in full on this split since stop 31: the rest asked back with the right task among the
    # candidates (one asked without it until the whole's reading was asked too: "... the MA signs the order")
    assert counts["refused"] + counts["asked_wrong"] + counts["asked_none"] + counts["wrong"] == 0, counts
    every = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", ""))
        for p in corpus("phrasings.toml")["phrasings"]
    )
    # both splits: 644 of 707 until stop 29, whose reader is no longer trained on the validation split: 633;
    # 639 (90.4 %) with stop 30's (logistic regression's doubt beside naive Bayes's)
    assert every["right"] + every["within"] >= 639, every


@pytest.mark.parametrize(
    "name, split, right, understood",
    [
        # stop 23 asks back where the reader doubts the matcher's one task below 0.2 (was 0.01):
        # validation right 0.84 -> 0.83, understood 0.88 -> 0.87; holdout 0.78 -> 0.77; holdout2
        # 0.79 -> 0.78; holdout3a understood 0.79 -> 0.78; none of these had a wrong answer to take off
        # stop 26: 215 -> 216 of 239 understood ("surgical interventions" is the catalogue's surgical procedures)
        # stop 29: the reader had been trained on this split since stop 20; trained without it, 203 -> 191
        # right and 216 -> 205 understood (0.80 and 0.86): the split's first figures not trained on;
        # stop 30's reader (logistic regression's doubt beside naive Bayes's at 0.01, trained on the tuned
        # sets after holdout22 too): 191 -> 189 right, 205 -> 210 understood (0.79 and 0.88)
        ("phrasings.toml", "validation", 0.79, 0.87),
        ("phrasings_holdout.toml", None, 0.77, 0.81),
        # stop 24 asks back words that open with another role ("Can nurses ...?"): holdout2 right 0.78 ->
        # 0.77, holdout3a 0.75 -> 0.73 (each asked back with its task, so understood holds)
        ("phrasings_holdout2.toml", None, 0.77, 0.81),
        ("phrasings_holdout3a.toml", None, 0.73, 0.78),
    ],
)
def test_the_second_split_and_the_holdouts_stay_understood(
    checker: Checker, name: str, split: str | None, right: float, understood: float
) -> None:
    """Figures printed for the closing note (pytest -s -n0); each held at the right and understood rates
    tuning reached (rounded down), so a regression shows."""
    phrasings = [p for p in corpus(name)["phrasings"] if split is None or p["split"] == split]
    counts = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", "")) for p in phrasings
    )
    print(f"{name}{'/' + split if split else ''}: {len(phrasings)} phrasings {dict(counts)}")
    assert counts["right"] / len(phrasings) >= right, counts
    assert (counts["right"] + counts["within"]) / len(phrasings) >= understood, counts


def test_the_blind_holdout_is_no_worse_than_measured(checker: Checker) -> None:
    """holdout3b: its one blind measure was right 170, within 9, wrong 20 of 250. Its errors then
    named the words of several senses that the matcher's `senses` check covers (wrong 20 -> 7), so it
    is no longer blind; it is held where it stands, so that a later change that makes it worse shows
    (4 since the reader's second reading, stop 20).
    The blind measure of that check is holdout4, kept out of the tree (README)."""
    data = corpus("phrasings_holdout3b.toml")
    others = frozenset().union(*map(source_urls, EARLIER))
    assert len(data["phrasings"]) == 250 and not others & {s["url"] for s in data["sources"]}
    counts = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", "")) for p in data["phrasings"]
    )
    print(f"phrasings_holdout3b.toml (blind): 250 phrasings {dict(counts)}")
    assert counts["wrong"] <= 4 and counts["right"] + counts["within"] >= 185, counts


@pytest.mark.parametrize(
    "name, size, before, wrong, understood",
    [
        ("phrasings_holdout4.toml", 471, ("phrasings_holdout3b.toml",), 13, 324),
        ("phrasings_holdout5.toml", 357, ("phrasings_holdout3b.toml", "phrasings_holdout4.toml"), 12, 229),
        ("phrasings_holdout6.toml", 364, LATER[:3], 5, 219),
        ("phrasings_holdout7.toml", 427, LATER[:4], 15, 258),
        ("phrasings_holdout8.toml", 504, (*LATER, "phrasings_holdout7.toml"), 11, 303),
        ("phrasings_holdout9.toml", 358, (*LATER, "phrasings_holdout7.toml", "phrasings_holdout8.toml"), 13, 243),
        (
            "phrasings_holdout10.toml",
            348,
            (*LATER, "phrasings_holdout7.toml", "phrasings_holdout8.toml", "phrasings_holdout9.toml"),
            6,
            253,
        ),
        (
            "phrasings_holdout11.toml",
            379,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10))),
            6,  # 5 until stop 30's reader was trained on the tuned sets after holdout22 too
            264,
        ),
        (
            "phrasings_holdout12.toml",
            377,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11))),
            5,
            256,
        ),
        (
            "phrasings_holdout13.toml",
            373,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12))),
            8,
            239,
        ),
        (
            "phrasings_holdout14.toml",
            371,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12, 13))),
            4,
            267,
        ),
        (
            "phrasings_holdout15.toml",
            377,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12, 13, 14))),
            7,  # 6 until stop 25 (a denied task is read: "Health aides should never give medical advice")
            233,
        ),
        (
            "phrasings_holdout16.toml",
            375,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12, 13, 14, 15))),
            13,
            252,
        ),
        (
            "phrasings_holdout17.toml",
            358,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12, 13, 14, 15, 16))),
            6,
            236,
        ),
        (
            "phrasings_holdout18.toml",
            336,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))),
            5,
            218,
        ),
        (
            "phrasings_holdout19.toml",
            199,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 19))),
            5,
            131,
        ),
        (
            "phrasings_holdout20.toml",
            293,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 20))),
            4,
            169,
        ),
        (
            "phrasings_holdout21.toml",
            295,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 21))),
            3,
            175,
        ),
        (
            "phrasings_holdout22.toml",
            260,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 22))),
            6,
            148,
        ),
        (
            "phrasings_holdout23.toml",
            216,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 23))),
            10,
            112,
        ),
        (
            "phrasings_holdout24.toml",
            296,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 24))),
            14,
            151,
        ),
        (
            "phrasings_holdout25.toml",
            290,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 25))),
            10,
            175,
        ),
        (
            "phrasings_holdout26.toml",
            191,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 26))),
            8,
            103,
        ),
        (
            "phrasings_holdout27a.toml",
            136,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 27))),
            3,
            88,  # 90 until stop 25: two words labelled no MA task deny a task, now asked back with it
        ),
        (
            "phrasings_holdout27b.toml",
            147,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 27)), "phrasings_holdout27a.toml"),
            7,
            80,
        ),
        (
            "phrasings_holdout28a.toml",
            137,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 27)), *HOLDOUT27),
            7,
            81,  # 82 until stop 29's reader, no longer trained on the issue's validation split
        ),
        (
            "phrasings_holdout28b.toml",
            139,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 27)), *HOLDOUT27, "phrasings_holdout28a.toml"),
            9,
            62,  # 64 until stop 25, as 27a
        ),
        (
            "phrasings_holdout29a.toml",
            108,
            (*LATER, *(f"phrasings_holdout{n}.toml" for n in range(7, 27)), *HOLDOUT27, *HOLDOUT28),
            1,  # 2 before the tuning on it (stop 24)
            66,
        ),
        (
            "phrasings_holdout29b.toml",
            150,
            (
                *LATER,
                *(f"phrasings_holdout{n}.toml" for n in range(7, 27)),
                *HOLDOUT27,
                *HOLDOUT28,
                "phrasings_holdout29a.toml",
            ),
            4,
            75,
        ),
        _later("phrasings_holdout30a.toml", 114, 3, 86),  # 2 wrong until stop 30's reader
        _later("phrasings_holdout30b.toml", 10, 0, 7),
        ("phrasings_holdout30c.toml", 122, (*LATER, *BEFORE30), 7, 74),  # two pages shared with 30a: collected at once
        _later("phrasings_holdout31a.toml", 123, 9, 68),  # 69 until stop 25, as 27a
        _later("phrasings_holdout31b.toml", 140, 10, 77),
        _later("phrasings_holdout32a.toml", 140, 6, 65),
        _later("phrasings_holdout32b.toml", 146, 5, 57),
        _later("phrasings_holdout33a.toml", 152, 6, 95),
        # 94 until stop 27 (a dental or veterinary role asked back, and this stop's words)
        _later("phrasings_holdout33b.toml", 180, 3, 97),
        # stop 29, the reader no longer trained on the issue's validation split: 34a, 36b, 37b and 39b one
        # fewer understood each, 35a one more wrong
        _later("phrasings_holdout34a.toml", 135, 2, 87),
        _later("phrasings_holdout34b.toml", 174, 7, 71),  # 70 blind
        # 2 wrong before a veterinary or dental role was asked back
        _later("phrasings_holdout35a.toml", 156, 2, 106),
        _later("phrasings_holdout35b.toml", 184, 7, 72),  # 6 wrong until stop 30's reader
        _later("phrasings_holdout36a.toml", 122, 4, 66),
        _later("phrasings_holdout36b.toml", 190, 5, 76),
        _later("phrasings_holdout37a.toml", 78, 1, 43),
        _later("phrasings_holdout37b.toml", 172, 4, 92),
        _later("phrasings_holdout38a.toml", 129, 2, 97),  # 90 blind
        _later("phrasings_holdout38b.toml", 166, 3, 82),
        _later("phrasings_holdout39a.toml", 78, 0, 56),
        _later("phrasings_holdout39b.toml", 172, 5, 78),
        _later("phrasings_holdout40.toml", 153, 5, 65),  # 2 wrong until stop 30's reader (understood 65 -> 77)
        _later("phrasings_holdout41.toml", 158, 6, 67),  # 5 wrong until stop 30's reader
        _later("phrasings_holdout42.toml", 169, 9, 77),
        _later("phrasings_holdout43.toml", 160, 2, 65),  # 1 wrong until stop 30's reader (understood 65 -> 69)
        _later("phrasings_holdout44.toml", 164, 9, 120),
        _later("phrasings_holdout45.toml", 177, 4, 81),  # 82 until stop 31 asked too what the whole reads as
        _later("phrasings_holdout46.toml", 159, 6, 97),
        _later("phrasings_holdout47.toml", 178, 5, 97),
        _later("phrasings_holdout48.toml", 173, 3, 82),
        _later("phrasings_holdout49.toml", 55, 1, 41),
        _later("phrasings_holdout50.toml", 73, 5, 39),
        _later("phrasings_holdout51.toml", 201, 1, 114),
    ],
)
def test_the_later_holdouts_stay_where_tuning_left_them(
    checker: Checker, name: str, size: int, before: tuple[str, ...], wrong: int, understood: int
) -> None:
    """holdout4: blind 52 wrong of 471 (49 with the senses check), tuned to 37 wrong, 304 right and 12
    asked back among acceptable tasks only. holdout5: blind 46 of 357, 45 after the tuning on holdout4,
    tuned to 39, 218 and 5. (Words that would also catch ordinary questions, "animal" in "animal bite
    wounds", "walker", "breath test", "numbing medication", were narrowed at the cost of one right
    answer each.) holdout6 and holdout7 were never tuned on: 28 of 364 and 43 of 427 (10 %) resolved to
    another task when measured blind, the figure of unseen wording. holdout8 was 70 of 504 (14 %) blind,
    then its errors were read (stop 14) and the matcher given what generalises (coordinated modifiers,
    a dental office as a place, anaesthetic jelly, a route through a peripheral IV, raising a wheal, laser
    surgery, "all" as no part of a phrase, losing weight as no weighing): 59, 295 understood. holdout9
    (job-posting duty lines and the words of people asking what an MA may do) was measured blind after
    that: 35 of 358 (10 %), the same as with the matcher before it. Its errors were then read and one
    change made that generalises (a procedure is scheduled; a second verb keeps its own act): 34; then
    two more (wiping down an exam table is cleaning the room; fitting and dispensing eyewear is no MA
    task): 32. holdout10 (the same two kinds of wording) was measured blind after the first of those:
    26 of 348 (7.5 %; 25 with the matcher before this stop's tuning), and 25 after the last, counts
    only; not tuned on. holdout11 (the same two kinds) was measured blind at stop 15: 39 of 379
    (10.3 %); its errors were read and what generalises given to the matcher (a "non-" prefix denies a
    phrase, denied work gives way to the task named besides, a room named only as a place, "interpret"
    between languages, a named route over a drug's name, "animals"): 28. Those changes also moved sets
    never tuned on: holdout5 39 -> 38, holdout6 28 -> 27, holdout8 59 -> 57, holdout9 32 -> 31;
    holdout10, the validation set, stayed at 25 (24 after a later change from holdout8's errors).
    holdout12 (the same two kinds), measured blind after all of that: 40 of 377 (10.6 %; 43 with the
    matcher before this stop's changes); then tuned on (electrodes of a sleep study, an injectable
    medicine, cleaning a procedure's instruments, a pet, "interpret" referrals): 32, and holdout7, never
    tuned on, 41 -> 40. holdout13 (the same two kinds), measured blind at the end of stop 15: 39 of
    373 (10.5 %), the same as with stop 14's matcher; then tuned on at stop 16 (a pronoun is no part of a
    phrase, "pre-"/"post-" before a phrase, calling in a medicine, abnormal lab results, booking surgery,
    sterilizing dental instruments, the British "surgery", a biopsy's result, "prior auth"): 23 (21 after the
    later changes), and
    holdout6 and holdout7, never tuned on, 27 -> 26 and 40 -> 38. holdout4 38: its "prior auth
    coordination" is labelled "none", though "prior authorization" is the catalogue's own phrase for
    verifying insurance (and, later, 37: its "ear wax removal by endoscopic micro-suction" is labelled
    "none", where phrasings_holdout.toml labels micro-suction ear lavage). holdout14 (the same two
    kinds), measured blind after that: 28 of 371 (7.5 %; 29 with stop 15's matcher); then tuned on (a cue read in one sense: "interpret" a test, "orally"
    a medicine, hair removal by laser, results that are not normal; a patient under sedation; IV
    medications prepared; d/c; a drug's order written): 9. Sets never tuned on moved with it: holdout6
    26 -> 25, holdout7 38 -> 37, holdout8 55 -> 53, holdout10 24 -> 22. Then the errors left in the
    sets tuned on (holdout5, 8, 9, 11, 12, 13) were read once more (fluoride varnish is a topical that
    primary care applies; a title is who, not what; "diagnosis" as a noun beside a task; impressions
    and orthopedic braces; counting controlled substances; rescue breathing; therapeutic ultrasound;
    the bladder; testing specimens): holdout5 37 -> 28, holdout8 53 -> 49, holdout9 29 -> 25,
    holdout11 27 -> 22, holdout12 32 -> 25, and holdout6, never tuned on, 25 -> 23. holdout15 (the same
    two kinds; mostly non-US and near-miss roles, the US pages being used up), measured blind after
    all of that: 35 of 377 (9.3 %; 37 before the second reading, 39 with stop 15's matcher); then tuned
    on (ear wax found is not ear wax removed; a specimen's temperature; a drug given IV; counselling;
    "help diagnose"; a good faith exam; pill boxes; translating between languages): 22, and holdout10,
    never tuned on, 22 -> 21. holdout16 (the same two kinds), measured blind after all of that: 44 of
    375 (11.7 %), against 45 with stop 15's matcher: the tuning on three sets carried one answer to
    a fourth. Then tuned on (a phrase right after "before", "after" or "prior to" says when another
    is done; "taught"; teaching about surgery; IUD removal; a care plan followed; an accurate EKG
    reading; later a catheter cared for, not placed): 33, and holdout6, never tuned on, 23 -> 22. holdout4 38: its "do not use this [inhaler]
    for 4 hours before your appointment" is labelled "none", and is now read as the inhaler alone.
    holdout17 (the same two kinds), measured blind after that: 32 of 358 (8.9 %), with the matcher
    before the holdout16 tuning and with stop 15's alike: the tuning of this stop carried nothing to
    it. Then tuned on (performing, not assisting, minor surgery; arterial
    blood; otoscopy; a urine collection for alcohol testing; interpreters of languages; electrodes for
    brain waves; training patients): 18. holdout18 (the same two kinds), measured blind after that: 27
    of 336 (8.0 %), against 29 with stop 15's matcher; then tuned on ("during" joins
    "before", "after" and "prior to"; "suture/staple removal"; a suture line; an impression as an
    opinion; sedation assessed or watched, not given): 22. holdout19 (the same two kinds, small: the
    search's pages are used up), measured blind at the very end: 13 of 199 (6.5 %), against 14 with
    stop 15's matcher. Not tuned on. Stop 17 read the sets' remaining errors (the short ones of
    holdout6, 7 and 10 too, so those are no longer wholly unseen) and kept what carries: work no MA task
    covers named as an example of a task ("IV medications, such as chemotherapy": holdout9 23,
    holdout18 21) and a drug's "prescribing information" (holdout7 36). holdout19, measured after each
    change, stayed at 13; a rule that took four off the read sets ("before" or "prior to" after words
    no phrase names) added one there and was reverted. Stop 19 tuned on holdout19 and on half a of
    holdout20 (a "reader" reads a test; titrating is a dose decision; "per the physician's instruction"
    is no teaching; a suture site is wound care; an alcohol swab is skin prep; vaccines and allergy serum
    by name; filling a prescription, unless at a pharmacy; anaesthetics named alone are asked back;
    removing "catheters" is either catheter's; "vs." between words is "versus"): holdout19 13 -> 7.
    That cost holdout6, never tuned on, one wrong (22 -> 23: its "normal vs. abnormal" was read as
    vital signs beside "intake", asked back; now "intake" alone answers) and one understood (221 ->
    220: "the removed catheter" is now asked back, IV or urinary). holdout20 (the same two kinds),
    measured blind before any of it: 22 of 293 (7.5 %); its half a 9 -> 7 once tuned on, its half b,
    not yet read, 13 of 146 before and after. Then half b was tuned on too (a refill named alone is asked
    back, called in or approved, unless it is called in, sent or faxed; "give patient their" and
    "educate the patient on their", whose "their" matching drops, read every "give the patient ..." as
    giving results, and `rules validate` now refuses such a phrase; a medicine handed out is dispensed;
    titrating a sedation agent is giving it; test strips; a bladder instillation; a test's purpose "to
    diagnose" is no diagnosing): holdout20 14. Asking back about refills took one or two right answers
    each from holdout4, 5, 6 and 18 and gave wrong ones back across the sets (holdout5 27 -> 25, holdout7
    36 -> 34). holdout21 (the same two kinds), measured blind after all of that: 23 of 295 (7.8 %),
    against 24 with stop 18's matcher, and 162 right against 156. Then tuned on ("per <whose>
    instructions" is following them; work done under a local anaesthetic; pre-certification; treating
    patients with a named treatment is that treatment; receiving orders; spore tests and a steriliser's
    log, British spellings; what sutures are used for; influenza shots; dispensing advice; hyperbaric
    oxygen): 13, and across the sets (holdout4 37 -> 36, holdout5 25 -> 24); holdout17 gave one right
    answer ("received an order to administer a B12 shot" is now asked back: an order received, or the
    shot). holdout22 (the same two kinds), measured blind after all of that: 23 of 260 (8.8 %), against
    24 with stop 18's matcher, and 139 right against 137. Then tuned on (an injection "to numb"; a biopsy
    site is a wound; verbal medication orders; a foot's cast or mould for orthotics; recording the
    physician's interpretation is records; an analyzer, a lab test of either complexity; a patient's
    measurements; self-administration taught is education; transcribing orders): 17. holdout23 (the same
    two kinds), measured blind at the end of stop 19: 23 of 216 (10.6 %), 115 right, exactly what stop
    18's matcher gives: the stop's tuning carried nothing to it. Not tuned on.

    Stop 20 gave the matcher a second reading of the words as a whole (decide/reader.py: naive Bayes
    trained on the labelled sets up to holdout22): where it all but rules out the phrase's task, the
    matcher asks back instead of answering. Trained on these sets, it is in-sample on them, so their
    figures fell far (holdout8 46 -> 17, holdout4 36 -> 18) at a cost of 0-5 right answers each, asked
    back with the right task first; the honest figures are the leave-one-set-out ones
    (tests/test_reader.py) and holdout23 (not trained on; 23 -> 15 wrong, 115 -> 111 right) and holdout24
    (the same two kinds, measured blind once before and once after: 31 -> 22 of 296, 154 -> 141 right;
    142 once each word counted once). holdout25 (the same two kinds), collected after the reader was
    built and measured blind once with each matcher: 23 (7.9 %) with the phrases alone, 13 (4.5 %) with
    the reader; 175 -> 159 right, 8 -> 16 asked back among acceptable tasks only. holdout26 (the same two
    kinds, English only: half b's sources in other languages were left out), collected at the end of
    stop 20 and measured the same way: 18 (9.4 %) -> 8 (4.2 %), 107 -> 102 right.
    Not tuned on, neither trained on. holdout27 (the same two kinds, two files), collected at stop 22
    and measured blind once with stop 21's matcher: half a 3 of 136 (2.2 %), 92 understood; half b 11
    of 147 (7.5 %), 80 understood. Half b was then tuned on (a patient's own use in reflexive words,
    animal patients, ordering blood work, pre-packaged, an insurance card): 8 and 85; half a, never
    read, stayed 3 and 92. Neither is trained on. holdout28 (the same two kinds, two files, from
    less-known sources: 5,585 addresses excluded), measured blind once after that tuning: half a 10 of
    137 (7.3 %), 82 understood; half b 13 of 139 (9.4 %), 68 understood. Half a was then tuned on
    (teaching the use of an orthotic device, entering injections into a registry, Rotarix; a drug the
    words deny settles no route): 8 and 85;
    half b, never read, stayed 13 and 68. Neither is trained on. holdout29 (the same two kinds, two
    files; 5,729 addresses excluded), measured blind once with that matcher: half a 3 of 108 (2.8 %), 66
    understood; half b 6 of 150 (4.0 %), 85 understood. Neither is tuned on nor trained on.
    holdout30 (three parts: duty lines, askers' words (only 10: the search's askers' pages are nearly all
    used), duty lines from less-read places; 5,862 addresses excluded), measured blind once at stop 24
    with stop 23's matcher: a 2 of 114 (1.8 %), 86 understood; b 0 of 10, 7; c 9 of 122 (7.4 %), 72.
    Then holdout29a and holdout30c were tuned on (blood from an artery is arterial puncture; brain-wave
    and EEG-electrode work is no MA task; passing suturing material to the surgeon is assisting): 29a 1
    and 66, 30c 7 and 74; the sets never tuned on (holdout23-26, 27a, 28b, 29b, 30a, 30b) unchanged.
    holdout31 (two parts: duty lines, mostly of near-miss roles; people's words about what staff may do
    or did; 6,056 addresses excluded), measured blind once at the end of stop 24 with its matcher and
    with stop 23's, the same counts: a 9 of 123 (7.3 %), 69 understood; b 12 of 140 (8.6 %), 75. Of
    the 21, one is another MA task; 11 answer words labelled no MA task, 9 refuse as no MA task words
    labelled a task. Then b was tuned on (a dose that "will be adjusted" is a practitioner's
    decision; a suture remover removes sutures): 10 and 77.
    Stop 23 then raised the reader's doubt (DOUBT_BELOW) from 0.01 to 0.2: the matcher asks back, with
    both readings, where the reader finds its one task less than 20 % likely and another reading
    ahead. Chosen on the sets the reader was not trained on (holdout23-28, their wrong answers 88 -> 68,
    understood 886 -> 858) and leave-one-set-out on those it was (tests/test_reader.py), and seen,
    counts only, on holdout29 (wrong 9 -> 6, understood 151 -> 140): about three answers asked back
    for each wrong one taken off, the right task among the readings offered. Each set's figures in the
    table are those after it (they were: holdout4 18 wrong, holdout6 9, holdout11 10, holdout24 21,
    holdout28b 13). Each is held there; none shares a source with an earlier set.
    Stop 25 reads words that name tasks only to deny the act ("MAs may not start an IV", "we cannot
    draw blood from minors") as asking about those tasks; they had been refused, the denied task
    suggested first. A task set apart ("without interpretation of results", "non-medical records") is
    still not read. On the ten sets never tuned on: wrong 65 -> 65, right 795 -> 802, understood 933 ->
    943 (holdout23 +2, 24 +3, 25 +1, 26 +3, 29b +6; 27a -2, 28b -2, 31a -1: words labelled no MA task
    that deny a task are now asked back with it, as holdout's "An MA does not have prescriptive
    authority to order vaccines" is, not refused). On the sets tuned on: wrong 176 -> 177, right 6,144 ->
    6,226. Then a verb's phrase is read in the passive ("blood is drawn", "have my ears irrigated"): never
    tuned on, right 802 -> 803, wrong 65; tuned on, right 6,226 -> 6,243, wrong 177.
    holdout32 (two parts: duty lines from less-read places, the MA-specific pages being nearly all used;
    people's words about what staff may do or did; 6,208 addresses excluded), measured blind once
    after all of that, with stop 25's matcher and with stop 24's: a 6 of 140 wrong (4.3 %), 65
    understood (stop 24's 6 and 63); b 5 of 146 (3.4 %), 57 (stop 24's 4 and 53). Of the 11, 3 are
    another MA task, 6 answer words labelled no MA task, 2 refuse as no MA task words labelled a task.
    a was then tuned on: "submit" a refill is sending it on; its other errors are labels the second
    labeller does not share (3 of 6), a cast removed (the catalogue's "cast removal" is casting, both
    labellers say no MA task), or drugs given through a PICC line, still refused as an invasive line.
    b is never to be tuned on. Then two generic words side by side ("inject medications", "injections
    of medication") name the tasks both fit, no longer every task either fits: never tuned on, within
    160 -> 162, wrong 70; tuned on, within 551 -> 559, wrong 183; postings unchanged.
    holdout33 (the same two kinds; 6,389 addresses excluded), measured blind once at stop 26, with stop
    25's matcher and with stop 26's first two changes, the same counts: a 9 of 152 wrong (5.9 %), 92
    understood; b 3 of 180 (1.7 %), 94, all three words labelled no MA task that are answered. a was
    then tuned on: answering questions about a treatment plan is not deciding it, evaluating test
    results is interpreting them, not telling them (7), and graphing or charting measures is keeping the
    record (6). b is never to be tuned on.
    holdout34 (the same two kinds; 6,616 addresses excluded), measured blind once at stop 27 with stop
    26's matcher: a 5 of 135 wrong (3.7 %), 82 understood; b 7 of 174 (4.0 %), 70; none of the twelve
    another MA task (ten answer words labelled no MA task, two refuse words labelled a task). a was then
    tuned on: work set apart by "non-" is no answer, words of the trade (PIV, "vein puncture",
    mesotherapy, "push meds"), parents and caregivers taught, a test that aids a diagnosis, results
    reported to a doctor, creams beside serums (2, 88). b is never to be tuned on.
    holdout35 (the same two kinds; 6,797 addresses excluded), collected after those changes and measured
    blind once with stop 26's matcher and with stop 27's, the same counts: a 3 of 156 wrong (1.9 %), 100
    understood; b 6 of 184 (3.3 %), 72; one of the nine another MA task. a was then tuned on: fetal
    monitoring is no MA task, a med pass, vision and hearing checks, cervical smears, oral glucose, TBST
    (2, 106). b is never to be tuned on.
    holdout36 (the same two kinds, from less usual settings; 6,966 addresses excluded), collected after
    every other change of stop 27 and measured blind once with stop 26's matcher and stop 27's: a 8 of
    122 wrong (6.6 %), 61 understood with either; b 5 of 190 (2.6 %), 75 with stop 26's, 77 with stop
    27's. a was then tuned on: a UK cannula, arranging a patient's transport, the care a patient needs
    decided, a research trial's data (4, 66). b is never to be tuned on.
    holdout37 (the same two kinds; 7,149 addresses excluded), collected after every change of stop 27 and
    measured blind once with stop 26's matcher and stop 27's, the same counts: a 1 of 78 wrong (1.3 %), 43
    understood; b 4 of 172 (2.3 %), 93. Neither was tuned on at stop 27.
    holdout38 (the same two kinds, mostly from pages outside the US; 7,296 addresses excluded), collected
    at stop 28 and measured blind once with stop 27's matcher: a 2 of 129 wrong (1.6 %), 90 understood;
    b 3 of 166 (1.8 %), 82. b is never to be tuned on. a was then tuned on (a British flu jab, ocular
    medications, education and guidance given, medicines kept in stock, a patient's information entered):
    2, 97. holdout39 (the same two kinds; 7,432 addresses excluded), collected after stop 28's changes
    and measured blind once with stop 27's matcher and stop 28's (again after its last two words, alike): a 0 of 78 wrong, 56 understood with
    either; b 5 of 172 (2.9 %), 78 with stop 27's, 79 with stop 28's. Neither was tuned on at stop 28.
    holdout40 (people's words only, the duty lines of the web being used up; 7,547 addresses excluded),
    collected at the end of stop 28 and measured blind once with stop 27's matcher and stop 28's, the
    same counts: 2 of 153 wrong (1.3 %), 65 understood. Never to be tuned on. holdout41 (people's words only;
    7,618 addresses excluded), collected at the start of stop 29 and measured blind once with stop 28's
    matcher and stop 29's first changes, the same counts: 5 of 158 wrong (3.2 %), 67 understood. Never to
    be tuned on. holdout42 (office staff's, managers' and students' own words; 7,721 addresses excluded),
    collected in the middle of stop 29 and measured blind once with stop 28's matcher (10 of 169 wrong,
    5.9 %) and stop 29's at the time (9, 5.3 %), 77 understood with either. Never to be tuned on.
    holdout43 (patients' reviews and complaints, legal Q&A, advice columns; 7,806 addresses excluded),
    collected at the end of stop 29 and measured blind once with stop 28's matcher and stop 29's, the same
    counts: 1 of 160 wrong (0.6 %), 65 understood. Never to be tuned on. holdout44 (what institutions write
    of staff's work: policies, delegation protocols, checklists, syllabi, exam outlines, board guidance;
    7,798 addresses excluded), collected in the middle of stop 30 and measured blind once with stop 29's
    matcher and stop 30's: 9 of 164 wrong (5.5 %) with either, 111 and 120 understood. Never to be tuned on.
    holdout45 (people's own words: blogs of patients, parents and staff, UK GP-surgery blogs, forums, advice
    letters), holdout46 (job postings' and role profiles' duty lines, mostly eye care, patient care and
    phlebotomy, orthopaedic and UK general practice) and holdout47 (clinics' patient-facing pages: what to
    expect, preparation and aftercare, refill policies), collected at once near the end of stop 30 (7,900
    addresses excluded) and measured blind once with stop 29's matcher and stop 30's: 45, 4 of 177 wrong
    (2.3 %) with either, 67 -> 82 understood; 46, 6 of 159 (3.8 %) with either, 97 with either; 47, 7 -> 5
    of 178 (3.9 % -> 2.8 %), 95 -> 97. The reader trained on them too was measured once and not kept (on
    the sets never tuned on, 116 -> 125 wrong). Never to be tuned on. holdout48 (people's own words again:
    forum and Q&A threads, blogs of patients, parents, students and nurses, reader letters; many UK pages)
    and holdout49 (specialty practices' job postings: family planning and OB/GYN, from a job board's public
    source, and orthopaedics), collected at once in stop 31 (8,216 addresses excluded) and measured blind
    once with stop 30's matcher and stop 31's, the same wrong and understood: 48, 3 of 173 wrong (1.7 %),
    82 understood; 49, 1 of 55 (1.8 %), 41 (with stop 31's, one more asked back with the right task).
    holdout50 (job postings' duty lines from postings kept in public repositories: a job board's source,
    clinics' site sources, saved copies; mostly family planning and front office), collected later in stop
    31 (8,319 addresses excluded) and measured blind once with stop 30's matcher and stop 31's: 5 of 73
    wrong (6.8 %) with either, 39 understood. Never to be tuned on. holdout51 (people's own words asking or
    telling what staff may do: forums and Q&A, employers' and practice managers' words, patients' and
    parents' blogs), collected in stop 32 (8,753 addresses excluded) and measured blind once with stop 31's
    matcher and stop 32's: 1 of 201 wrong (0.5 %) with either, 114 understood. Never to be tuned on."""
    data = corpus(name)
    others = frozenset().union(*map(source_urls, (*EARLIER, *before)))
    assert len(data["phrasings"]) == size and not others & {s["url"] for s in data["sources"]}
    counts = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["tasks"]), p.get("language", "")) for p in data["phrasings"]
    )
    print(f"{name} (tuned): {size} phrasings {dict(counts)}")
    assert counts["wrong"] <= wrong and counts["right"] + counts["within"] >= understood, counts


@pytest.mark.parametrize(
    "name, size, agree, outside_both",
    [
        ("phrasings.toml", 707, 644, 0),
        ("phrasings_holdout3b.toml", 250, 225, 3),
        ("phrasings_holdout5.toml", 357, 307, 9),
        ("phrasings_holdout7.toml", 427, 379, 13),
        ("phrasings_holdout8.toml", 504, 439, 13),
        ("phrasings_holdout9.toml", 358, 300, 11),
        ("phrasings_holdout10.toml", 348, 305, 4),
        ("phrasings_holdout11.toml", 379, 328, 7),
        ("phrasings_holdout12.toml", 377, 342, 8),
        ("phrasings_holdout13.toml", 373, 323, 7),
        ("phrasings_holdout14.toml", 371, 337, 4),
        ("phrasings_holdout15.toml", 377, 322, 8),
        ("phrasings_holdout16.toml", 375, 328, 12),
        ("phrasings_holdout17.toml", 358, 319, 8),
        ("phrasings_holdout18.toml", 336, 297, 5),
        ("phrasings_holdout19.toml", 199, 174, 3),
        ("phrasings_holdout20.toml", 293, 269, 4),
        ("phrasings_holdout21.toml", 295, 276, 8),
        ("phrasings_holdout22.toml", 260, 220, 4),
        ("phrasings_holdout23.toml", 216, 186, 11),
        ("phrasings_holdout24.toml", 296, 258, 20),
        ("phrasings_holdout25.toml", 290, 273, 12),
        ("phrasings_holdout26.toml", 191, 160, 4),
        ("phrasings_holdout27a.toml", 136, 117, 2),
        ("phrasings_holdout27b.toml", 147, 122, 4),
        ("phrasings_holdout28a.toml", 137, 119, 7),
        ("phrasings_holdout28b.toml", 139, 118, 10),
        ("phrasings_holdout29a.toml", 108, 98, 1),
        ("phrasings_holdout29b.toml", 150, 131, 4),
        ("phrasings_holdout30a.toml", 114, 102, 3),  # 1 until stop 30
        ("phrasings_holdout30b.toml", 10, 7, 0),
        ("phrasings_holdout30c.toml", 122, 102, 5),
        ("phrasings_holdout31a.toml", 123, 105, 6),
        ("phrasings_holdout31b.toml", 140, 125, 6),
        ("phrasings_holdout32a.toml", 140, 116, 3),
        ("phrasings_holdout32b.toml", 146, 126, 4),
        ("phrasings_holdout33a.toml", 152, 144, 4),
        ("phrasings_holdout33b.toml", 180, 164, 3),
        ("phrasings_holdout34a.toml", 135, 113, 1),
        ("phrasings_holdout34b.toml", 174, 149, 3),
        ("phrasings_holdout35a.toml", 156, 147, 2),
        ("phrasings_holdout35b.toml", 184, 138, 2),
        ("phrasings_holdout36a.toml", 122, 108, 3),
        ("phrasings_holdout36b.toml", 190, 149, 2),
        ("phrasings_holdout37a.toml", 78, 68, 1),
        ("phrasings_holdout37b.toml", 172, 142, 3),
        ("phrasings_holdout38a.toml", 129, 118, 1),
        ("phrasings_holdout38b.toml", 166, 151, 2),
        ("phrasings_holdout39a.toml", 78, 73, 0),
        ("phrasings_holdout39b.toml", 172, 148, 4),
        ("phrasings_holdout40.toml", 153, 135, 3),  # 2 until stop 30
        ("phrasings_holdout41.toml", 158, 136, 6),  # 5 until stop 30
        ("phrasings_holdout42.toml", 169, 154, 9),
        ("phrasings_holdout43.toml", 160, 134, 2),  # 1 until stop 30
        ("phrasings_holdout44.toml", 164, 157, 9),
        ("phrasings_holdout45.toml", 177, 152, 4),
        ("phrasings_holdout46.toml", 159, 143, 6),
        ("phrasings_holdout47.toml", 178, 162, 3),
        ("phrasings_holdout48.toml", 173, 155, 3),
        ("phrasings_holdout49.toml", 55, 50, 1),
        ("phrasings_holdout50.toml", 73, 59, 3),
        ("phrasings_holdout51.toml", 201, 168, 1),
    ],
)
def test_the_holdout_errors_are_not_label_noise(
    checker: Checker, name: str, size: int, agree: int, outside_both: int
) -> None:
    """A second, independent labeller (`second`) agrees with the first on 92 % of holdout3b's label sets
    and 86 % of holdout5's; the phrasings resolved to a task outside both are the matcher's own errors.
    holdout3b: 17 of 250 when measured blind, 5 once the `senses` check was built from them. holdout5:
    32 of 357 after the tuning on holdout4 (its second labelling came after its blind measure), 25 once
    tuned on. holdout7: 89 % agree; 35 of 427 outside both when measured blind (not tuned on). holdout8:
    87 % agree (97 % share an id); 64 of 504 outside both when measured blind, 53 once tuned on. holdout9: 84 % agree (93 % share an
    id); 27 of 358 outside both when measured blind, 24 after the changes made from its errors.
    holdout10: 88 % agree (93 % share an id); 20 of 348 outside both when measured blind, 19 after
    those changes (not tuned on). holdout11: 87 % agree (94 % share an id); 33 of 379 outside both
    when measured blind, 22 once tuned on. holdout12: 91 % agree (96 % share an id); 35 of 377
    outside both when measured blind (38 with the matcher before stop 15's changes), 27 once tuned
    on. holdout13: 87 % agree (94 % share an id); 33 of 373 outside both when measured blind, with
    stop 15's matcher and with stop 14's alike; 15 once tuned on (stop 16). holdout14: 91 % agree (96 %
    share an id); 25 of 371 outside both when measured blind, 6 once tuned on. holdout15: 85 % agree
    (94 % share an id); 28 of 377 outside both when measured blind, 15 once tuned on. holdout16: 87 %
    agree (94 % share an id); 33 of 375 outside both when measured blind (34 with stop 15's matcher),
    22 once tuned on. holdout17: 89 % agree (95 % share an id); 30 of 358 outside both when measured
    blind, with stop 16's and stop 15's matchers alike; 16 once tuned on. holdout18: 88 % agree (94 %
    share an id); 20 of 336 outside both when measured blind (23 with stop 15's matcher), 15 once
    tuned on. holdout19: 87 % agree (96 % share an id); 10 of 199 outside both when measured blind (11
    with stop 15's matcher); 4 once tuned on (stop 19). holdout20: 92 % agree (98 % share an id); 19 of
    293 outside both when measured blind, 17 after the tuning on its half a, 12 once tuned on. holdout21:
    94 % agree (99 % share an id); 23 of 295 outside both when measured blind (24 with stop 18's
    matcher); 13 once tuned on. holdout22: 85 % agree (95 % share an id); 19 of 260 outside both when
    measured blind (20 with stop 18's matcher); 14 once tuned on. holdout23: 86 % agree (96 % share an
    id); 19 of 216 outside both when measured blind, with stop 18's matcher alike; not tuned on.
    holdout27a: 86 % agree (93 % share an id); 2 of 136 outside both when measured blind; not tuned
    on. holdout27b: 83 % agree (90 % share an id); 7 of 147 outside both when measured blind, 4 once
    tuned on. holdout28a: 87 % agree (95 % share an id); 9 of 137 outside both when measured blind, 7
    once tuned on. holdout28b: 85 % agree (90 % share an id); 10 of 139 outside both when measured blind; not tuned
    on. holdout29a: 91 % agree (96 % share an id); 2 of 108 outside both with the reader's doubt at 0.2
    (stop 23), not tuned on. holdout29b: 87 % agree (98 % share an id); 4 of 150 outside both, likewise.
    holdout30a: 89 % agree (93 % share an id); 1 of 114 outside both when measured blind (stop 24), not
    tuned on. holdout30b: 7 of 10 agree, all share an id; none outside both. holdout30c: 84 % agree (90 %
    share an id); 7 of 122 outside both when measured blind, 5 once tuned on. holdout29a: 1 once tuned
    on (stop 24). holdout31a: 85 % agree (92 % share an id); 6 of 123 outside both when measured blind,
    not tuned on. holdout31b: 89 % agree (95 % share an id); 8 of 140 outside both when measured blind,
    6 once tuned on. holdout32a: 83 % agree (93 % share an id); 3 of 140 outside both when measured
    blind (stop 25), then tuned on. holdout32b: 86 % agree (97 % share an id); 4 of 146 outside both
    when measured blind, not tuned on. holdout33a: 95 % agree (97 % share an id); 7 of 152 outside both
    when measured blind (stop 26), 4 once tuned on. holdout33b: 91 % agree (97 % share an id); 3 of 180
    outside both when measured blind, not tuned on. holdout34a: 84 % agree (94 % share an id); 4 of 135
    outside both when measured blind (stop 27), 1 once tuned on. holdout34b: 86 % agree (92 % share an
    id); 3 of 174 outside both when measured blind, not tuned on. holdout35a: 94 % agree (97 % share an
    id); 3 of 156 outside both when measured blind (stop 27), 2 once tuned on. holdout35b: 75 % agree
    (91 % share an id); 2 of 184 outside both when measured blind, not tuned on. holdout36a: 89 % agree
    (96 % share an id); 7 of 122 outside both when measured blind (stop 27), 3 once tuned on.
    holdout36b: 78 % agree (89 % share an id); 2 of 190 outside both when measured blind, not tuned on.
    holdout37a: 87 % agree (96 % share an id); 1 of 78 outside both when measured blind. holdout37b: 83 %
    agree (91 % share an id); 3 of 172. Neither tuned on. holdout38a: 91 % agree (97 % share an id); 1 of
    129 outside both when measured blind (stop 28), 1 once tuned on. holdout38b: 91 % agree (96 % share an
    id); 2 of 166, not tuned on. holdout39a: 94 % agree (99 % share an id); none of 78 outside both when
    measured blind (stop 28). holdout39b: 86 % agree (95 % share an id); 4 of 172. Neither tuned on.
    holdout40: 88 % agree (93 % share an id); 2 of 153 outside both when measured blind, not tuned on.
    holdout41: 86 % agree (96 % share an id); 5 of 158 outside both when measured blind, not tuned on.
    holdout42: 91 % agree (98 % share an id); 9 of 169 outside both when measured blind, not tuned on.
    holdout43: 84 % agree (95 % share an id); 1 of 160 outside both when measured blind, not tuned on.
    holdout44: 96 % agree (all share an id); 9 of 164 outside both when measured blind, not tuned on.
    holdout45: 86 % agree (97 % share an id); 4 of 177 outside both when measured blind. holdout46: 90 % agree
    (98 % share an id); 6 of 159. holdout47: 91 % agree (96 % share an id); 5 of 178 with stop 29's
    matcher, 3 with stop 30's. None of the three tuned on. holdout48: 90 % agree (98 % share an id); 3 of
    173 outside both with stop 30's matcher and stop 31's. holdout49: 91 % agree (96 % share an id); 1 of 55.
    holdout50: 81 % agree (92 % share an id); 3 of 73. None of the three tuned on. holdout51: 84 % agree
    (96 % share an id); 1 of 201 outside both with stop 31's matcher and stop 32's. Not tuned on.
    The issue's own corpus, labelled a second time at stop 29 after 28 stops tuned on its tune split: 91 %
    agree (95 % share an id); none of 707 outside both. Held there. Stop 30's reader (logistic regression's
    doubt beside naive Bayes's, trained on the tuned sets after holdout22 too): two more outside both in
    holdout30a, one more in 40, 41 and 43, fewer in others: on every set never tuned on, 85 -> 76 of 3,845
    (wrong on first labels 115 -> 107)."""
    phrasings = corpus(name)["phrasings"]
    assert len(phrasings) == size
    same = sum(set(p["tasks"]) == set(p["second"]) for p in phrasings)
    both = [
        p["text"]
        for p in phrasings
        if all(
            judge(checker.resolver.matcher, p["text"], set(p[k]), p.get("language", "")) == "wrong"
            for k in ("tasks", "second")
        )
    ]
    print(f"{name}: labellers agree on {same}/{size}; resolved outside both labels: {len(both)}")
    # a set never tuned on is measured by counts: its texts are not shown, even when this fails
    assert same >= agree and len(both) <= outside_both, len(both) if name in NEVER_TUNED else both


def test_the_issues_bar_on_the_second_labelling_of_its_corpus(checker: Checker) -> None:
    """The issue's bar, judged on the independent second labelling of its corpus (stop 29) instead of the
    first, which 28 stops tuned on: 11 of 707 phrasings are answered outside it (1.6 %; none outside both,
    see the label-noise test), and 638 are understood (90.2 %; 644 on the first labels); 10 and 629 once
    the reader was no longer trained on the validation split (stop 29); 11 and 630 with stop 30's reader
    (logistic regression's doubt beside naive Bayes's). Held there, so that the figure on labels the
    matcher was never fitted to is checked too, not only the first's."""
    phrasings = corpus("phrasings.toml")["phrasings"]
    counts = Counter(
        judge(checker.resolver.matcher, p["text"], set(p["second"]), p.get("language", "")) for p in phrasings
    )
    print(f"phrasings.toml on its second labelling: {dict(counts)}")
    assert counts["wrong"] <= 11 and counts["right"] + counts["within"] >= 630, counts


@pytest.mark.parametrize(
    "words, task",
    [
        ("Botox injections", "cosmetic_injection"),
        ("Dysport injections", "cosmetic_injection"),
        ("check a TB skin test after 48 hours", "interpret_results"),
        ("show a patient how to use an inhaler", "patient_education"),
        ("take blood pressures", "vital_signs"),
        ("subq injections", "injection_subcutaneous"),
        ("subq injection", "injection_subcutaneous"),
        ("call in a refill", "prescription_refill_call_in"),
        ("flush out ear wax", "ear_lavage"),
        ("testosterone injections", "medication_controlled_substance"),
    ],
)
def test_the_phrasings_the_issue_names(checker: Checker, words: str, task: str) -> None:
    assert checker.resolver.task(words) == task


def test_a_controlled_substance_by_injection_says_why_the_stricter_task_decides(checker: Checker) -> None:
    v = checker.check("CA", "testosterone injections")
    assert v.task == "medication_controlled_substance"
    assert "testosterone" in v.task_note and "more specific" in v.task_note


def test_two_tasks_with_different_answers_are_asked_back_and_equal_answers_are_given(checker: Checker) -> None:
    with pytest.raises(AmbiguousTask) as asked:
        checker.check("NY", "draw blood and give flu shots")
    assert {c.id for c in asked.value.candidates} == {"venipuncture", "immunization"}
    same = checker.check("CA", "give injections")  # every route answers the same in California
    routes = {"injection_intramuscular", "injection_subcutaneous", "injection_intradermal"}
    assert same.task in routes and "each gets this same answer" in same.task_note


@pytest.mark.parametrize(
    "words, understood",
    [
        # holdout19: "vs." between words is "versus", not vital signs
        ("the nurses determine which calls are emergency vs. simply troubling", None),
        # holdout14: the two tasks it names, with "vs." as "versus" between them
        ("a new busy UroGyn practice that prefers to straight-cath all patients vs. clean catch", "urinary_catheter"),
        ("Orthostatic VS.", "vital_signs"),  # phrasings.toml: vital signs as an abbreviation stay so
        ("take VS. record weight", ("vital_signs", "height_weight")),  # after a verb that takes them
        # holdout19: removing "catheters" is an IV catheter's removal or a urinary catheter's
        ("Inserting, removing, or providing care for catheters", ("urinary_catheter", "iv_removal")),
        ("remove the foley catheter", "urinary_catheter"),  # a named catheter stays settled
        ("d/c IV", "iv_removal"),
        # holdout20: "give patient their" (results) lost its "their", and read any "give the patient ..." as results
        ("To do this I give the patient a drop of flucaine in each eye.", None),
        # holdout21: "per <whose> instructions" is following them, not teaching; instructions given still are
        ("Ostomy Care as per RN's instructions", None),
        ("give discharge instructions", "patient_education"),
    ],
)
def test_versus_a_frame_that_keeps_other_readings_open_and_a_whole_frame_word(
    checker: Checker, words: str, understood: str | tuple[str, ...] | None
) -> None:
    u = checker.resolver.matcher.understand(words)
    if understood is None:
        assert u.task is None and "vital_signs" not in u.candidates
    elif isinstance(understood, tuple):
        assert u.task is None and set(u.candidates) == set(understood)
    else:
        assert u.task == understood


@pytest.mark.parametrize(
    "words",
    [
        "suture a wound",
        "prescribe antibiotics",
        "dental cleaning",
        "diagnose the patient",
        "suture and dressing change",
        "suturing or staple removal",
        "dispensing eyeglasses",
        "Administer anesthesia to animals",  # the animals are the work's own: no MA's
        "vet tech",  # a veterinary role named alone
        "determine appropriate medication",  # what is appropriate, decided with no patient assessed: prescribing
        "dental assistant",
        "Dental assistants also take and develop dental radiographs",  # the work is dental: the dental board's
        # keeping medicines in stock is no giving of them (stop 28: had been asked among the routes)
        "Maintain medication stocks",  # holdout22
        "Inventory of medications has to be done each shift too",  # holdout38a
        "Can we maintain stock bottles of OTC medications such as Tylenol and Pepto Bismol",  # holdout31b: oral
        "assist people with self-medication",  # holdout36a: the patient's own use, as "self-medicate" is
    ],
)
def test_what_no_ma_task_covers_is_said_plainly(checker: Checker, words: str) -> None:
    with pytest.raises(NotAnMATask, match="not a medical-assistant task"):
        checker.resolver.task(words)


@pytest.mark.parametrize(
    "words, what",
    [
        # the issue's corpus (tune split) and holdout12: preparing a medicine, not surgery
        ("Prepare, label, dilute and mix allergy extracts and immunotherapy doses", "preparing a medication"),
        ("compounding of medications", "preparing a medication"),
        ("administer experimental drugs or chemotherapy agents", "giving chemotherapy"),  # the issue's corpus
    ],
)
def test_the_reason_given_for_work_no_ma_task_covers_is_true_of_the_words(
    checker: Checker, words: str, what: str
) -> None:
    """Until stop 29 these words were filed under 'surgery or an invasive procedure no delegate performs',
    and every answer to them said so: a false reason (and a posting that had the MA 'perform compounding'
    or 'administer chemotherapy' was told so, with 'may not be given'). Mixing allergen extracts or
    compounding is preparing a medicine, and chemotherapy is given, not operated: work the catalogue does
    not cover, so scopecheck does not judge it."""
    with pytest.raises(NotAnMATask) as raised:
        checker.resolver.task(words)
    assert raised.value.what.startswith(what) and "surgery" not in str(raised.value), raised.value


@pytest.mark.parametrize(
    "words, besides",
    [
        ("suture a wound", []),
        ("monitor sedation and give nitrous oxide", ["anesthesia_sedation_agent"]),
        (
            "give injections and prescribe antibiotics",
            ["injection_intramuscular", "injection_subcutaneous", "injection_intradermal"],
        ),
    ],
)
def test_work_no_ma_task_covers_is_no_answer_and_names_what_else_is_asked(
    checker: Checker, words: str, besides: list[str]
) -> None:
    """Work no MA task covers named beside an MA task: still no answer (the question is not one task),
    and the one line says which MA tasks the words also name, to be asked alone."""
    with pytest.raises(NotAnMATask) as error:
        checker.check("CA", words)
    assert [c.id for c in error.value.besides] == besides
    message = str(error.value)
    assert "\n" not in message and ("also names" in message) == bool(besides)
    assert all(checker.check("CA", task).task == task for task in besides)  # each can be asked alone


@pytest.mark.parametrize(
    "words", ["", "   ", "x" * 10_000, "the of and to", "\U0001f489\U0001f489", "poner inyecciones a los pacientes"]
)
def test_bad_task_words_are_one_line_errors_never_a_guess(checker: Checker, words: str) -> None:
    with pytest.raises(UserError) as error:
        checker.resolver.task(words)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("words", ["the of and to", "can I?", "What is it?"])
def test_words_that_say_nothing_of_the_work_suggest_nothing(checker: Checker, words: str) -> None:
    """Only function words: no nearest tasks ("of" is in many task names, and was read as a hint)."""
    with pytest.raises(UserError, match="has no words to read as a task"):
        checker.resolver.task(words)


@pytest.mark.parametrize(
    "names, first, among",
    [
        # sets never tuned on, this included: before, 29 % and 53 % of 186 (holdout19, blind: 6 and 13 of
        # 30); stop 17 53 % and 71 %; stop 18 (a frame's task next after the closest) 53 % and 74 %, holdout19
        # 15 and 21 both times; stop 19 52 % and 75 % of 185. Stop 20: the reader's reading second (after a
        # denied task), and the reader is trained on these sets, so in-sample: 95 % and 97 % of 183. Its
        # honest figures, each set left out of its training in turn, are in tests/test_reader.py
        (("phrasings_holdout6.toml", "phrasings_holdout7.toml", "phrasings_holdout10.toml"), 0.93, 0.96),
        (None, 0.88, 0.96),  # every set tuned on: before, 31 % and 52 % of 897; stop 17 42 % and 69 %, stop 18 72 %,
        # stop 19 (holdout19 among them) 43 % and 73 % of 920; stop 20, in-sample for the reader, 89 % and 97 % of 1,095
    ],
)
def test_when_nothing_fits_the_nearest_tasks_hold_the_right_one(
    checker: Checker, names: tuple[str, ...] | None, first: float, among: float
) -> None:
    """For real phrasings the matcher cannot place (neither a task nor a question back), the tasks it
    suggests instead: the right one first, and among the (at most four) suggested, in these shares.
    The suggestions weigh each word by how few tasks' phrases use it."""
    m = checker.resolver.matcher
    never_tuned = (
        "phrasings_holdout6.toml",
        "phrasings_holdout7.toml",
        "phrasings_holdout10.toml",
        "phrasings_holdout23.toml",
        "phrasings_holdout24.toml",
        "phrasings_holdout25.toml",
        "phrasings_holdout26.toml",
        "phrasings_holdout27a.toml",
        "phrasings_holdout28a.toml",  # its wrong answers were read (stop 22), not its refusals
        "phrasings_holdout28b.toml",
        "phrasings_holdout29a.toml",  # its wrong answers were read (stop 24), not its refusals
        "phrasings_holdout29b.toml",
        *HOLDOUT30,  # holdout30c's wrong answers were read (stop 24), not its refusals
        *HOLDOUT31,  # holdout31b's wrong answers were read (stop 24), not its refusals
        *HOLDOUT32,  # holdout32a's wrong answers were read (stop 25), not its refusals
        *HOLDOUT33,  # holdout33a's wrong answers were read (stop 26), not its refusals
        *HOLDOUT34,  # holdout34a's wrong answers and refusals were read (stop 27)
        *HOLDOUT35,  # holdout35a's, likewise
        *HOLDOUT36,  # holdout36a's, likewise
        *HOLDOUT37,  # not read
        *HOLDOUT38,  # holdout38a's wrong answers and refusals were read (stop 28)
        *HOLDOUT39,  # not read
        "phrasings_holdout40.toml",  # not read
        "phrasings_holdout41.toml",  # not read
        "phrasings_holdout42.toml",  # not read
        "phrasings_holdout43.toml",  # not read
        "phrasings_holdout44.toml",  # not read
        "phrasings_holdout45.toml",  # not read
        "phrasings_holdout46.toml",  # not read
        "phrasings_holdout47.toml",  # not read
        "phrasings_holdout48.toml",  # not read
        "phrasings_holdout49.toml",  # not read
        "phrasings_holdout50.toml",  # not read
        "phrasings_holdout51.toml",  # not read
    )
    names = names or tuple(p.name for p in sorted(DATA.glob("phrasings*.toml")) if p.name not in never_tuned)
    refused = []
    for name in names:
        for p in corpus(name)["phrasings"]:
            acceptable = set(p["tasks"]) - {"none"} if not p.get("language") else set()  # refused as such
            understood = m.understand(p["text"])
            if acceptable and not (understood.task or understood.candidates or understood.not_ma):
                refused.append((acceptable, [c.id for c in m.no_match(p["text"], "--task").candidates]))
    right_first = sum(bool(best) and best[0] in acceptable for acceptable, best in refused)
    right_among = sum(bool(acceptable & set(best)) for acceptable, best in refused)
    print(f"{len(refused)} refused: the first suggestion right {right_first}, among them {right_among}")
    assert len(refused) >= 50
    assert right_first / len(refused) >= first and right_among / len(refused) >= among


SUGGESTED = """
import json, sys
from scopecheck.decide.checker import Checker
from scopecheck.decide.matcher import TaskMatcher
matcher = Checker(answer_table=False).resolver.matcher
print(json.dumps([matcher._nearest_tasks(t) for t in json.loads(sys.argv[1])]))
"""


def test_the_nearest_tasks_are_the_same_in_every_process() -> None:
    """Real phrasings whose suggestions tie in score (their order once followed the process's hash seed,
    through a set's order in a float sum): the same list, in the same order, under any seed."""
    texts = [
        "the pharmacy can often contact your doctor's office on your behalf to request a new prescription authorization",
        "Collecting and preparing specimens like blood and urine for lab analysis",
        "Verifying financial records and collecting patient charges while filing and expediting third-party claims",
        "Reviews medical records for up-to-date immunizations, problem list and other required documentation.",
        "Your pharmacy will then contact our office for authorization of the medication requested.",
        "OB-GYN nurses also take specimens and samples in order to assist in various gynecological exams",
    ]
    runs = {
        subprocess.run(
            [sys.executable, "-c", SUGGESTED, json.dumps(texts)],
            env={**os.environ, "PYTHONHASHSEED": seed, "SCOPECHECK_NO_CACHE": "1"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1, runs


@pytest.mark.parametrize(
    "words, task",
    [
        ("clean and dress animal bite wounds", "wound_care"),
        ("apply topical numbing medication before the injection", "medication_topical"),
        ("suture or staple removal", "suture_removal"),  # suture removal or staple removal
        ("sutures and staples removal", "suture_removal"),
        ("test the autoclave in dental offices", "room_sterilization"),  # a place, not dental work
        ("wiping down exam tables between patients", "room_sterilization"),  # not assisting the exam
        ("the medical assistant will take inventory of your medical history", "patient_history"),  # holdout20
    ],
)
def test_a_word_of_work_no_ma_task_covers_does_not_swallow_an_ordinary_task(
    checker: Checker, words: str, task: str
) -> None:
    """The not-MA words for veterinary work are phrases ("restraining animals"), not a bare "animal"
    that ordinary questions also contain; a numbing *shot* is an anaesthetic injection, numbing
    medication may be a cream. A not-MA word coordinated with another word before a task phrase's head
    names that task when the two make one of its phrases ("suture or staple removal"); "suture and
    dressing change" is still suturing."""
    assert checker.resolver.matcher.understand(words).task == task


@pytest.mark.parametrize(
    "words, task",
    [
        ("pend all orders", "cpoe_order_entry"),  # "all" is no part of a phrase
        ("laser surgery", "laser_procedure"),  # not assisting with minor surgery
        ("local anesthetic jelly before a catheter", "medication_topical"),  # put on, not injected
        ("raise a wheal", "injection_intradermal"),  # reading one is interpreting
        ("give the antibiotic through a peripheral IV", "iv_medication"),  # not starting the IV
    ],
)
def test_the_words_around_a_phrase_that_change_the_task_decide(checker: Checker, words: str, task: str) -> None:
    """The phrase's task: answered, or first of the readings asked back when the words as a whole read
    otherwise too (stop 23: the jelly "before a catheter" also reads as the catheter), never the task
    the phrase alone would name."""
    u = checker.resolver.matcher.understand(words)
    assert u.task == task or (u.task is None and u.doubt and u.candidates[0] == task), u


def test_scheduling_a_procedure_is_scheduling_and_a_second_verb_keeps_its_own_act(checker: Checker) -> None:
    """A frame word reaches the task after it ("schedule a Pap smear" is scheduling), but not across
    a conjunction and a verb of doing ("schedule and perform x-rays" names two acts: asked back in a
    question, two duties in a posting)."""
    m = checker.resolver.matcher
    assert m.understand("calls to schedule a Pap smear").task == "schedule_appointments"
    both = m.understand("schedule and perform x-rays")
    assert both.task is None and set(both.candidates) == {"schedule_appointments", "xray_operation"}
    duties = m.mentions("Schedule and administer vaccines", items=True)
    assert [d.task for d in duties] == ["schedule_appointments", "immunization"]
    duties = m.mentions("schedule patients and take vital signs", items=True)  # the frame's words named once
    assert [d.task for d in duties] == ["schedule_appointments", "vital_signs"]


@pytest.mark.parametrize(
    "words, task",
    [
        ("enter lab results into the EHR", "maintain_records"),  # entering results is not giving them
        ("Score patient sleep testing results", "interpret_results"),  # scoring a study is reading it
        ("non-sterile dressing changes", "wound_care"),  # the prefix denies "sterile", not the task
        ("pure tone screening", "vision_hearing_screening"),  # audiology's own name for a hearing screen
        ("start an IV", "iv_start"),
        ("clean and stock exam rooms", "room_sterilization"),
        # from holdout12's errors (measured blind first: 40 of 377)
        ("Cleans and decontaminates surgical instruments, procedure trays", "room_sterilization"),
        ("clean and assist with minor surgery", "assist_minor_surgery"),  # a second verb keeps its own act
        ("apply EKG electrodes", "ekg"),
        ("administering injectables", "cosmetic_injection"),
        ("greeting pet owners when they enter the office", "front_desk"),  # the owners are people
        # work no MA task covers, listed as a case of the task named before it (holdout9 and holdout18)
        ("Administering IV medications, such as chemotherapy and antibiotics", "iv_medication"),
        ("Inserting and maintaining IV lines, including central lines and PICC lines", "iv_start"),
    ],
)
def test_words_from_blind_sets_errors_that_generalise(checker: Checker, words: str, task: str) -> None:
    """holdout11 and holdout12 were measured blind, then their errors read for what carries beyond
    their own words."""
    assert checker.resolver.matcher.understand(words).task == task


@pytest.mark.parametrize(
    "words, task",
    [
        # real phrasings (holdout11 twice, holdout14): each names its task, and says another role does it
        ("the nurse came in and started to take my IV out", "iv_removal"),  # "started to" is not starting an IV
        ("Can nurses remove stitches?", "suture_removal"),
        ("EMTs check vital signs", "vital_signs"),
        # a veterinary role named anywhere beside a task (holdout5; had been refused as veterinary work)
        ("The Veterinary Assistant cleans, maintains, and sterilizes instruments and equipment.", "room_sterilization"),
        # and a dental one (holdout12 had been refused as dental work; holdout2 answered as an MA's)
        (
            "A dental hygienist, registered dental assistant, or dental assistant may start an intravenous line",
            "iv_start",
        ),
        ("Can a licensed dental hygienist administer local anesthesia?", "anesthetic_injection"),
        (
            "Dental Hygienists Do Not Need An Anesthesia Monitor When Administering Nitrous Oxide",
            "anesthesia_sedation_agent",
        ),
    ],
)
def test_words_about_another_role_are_asked_back_with_their_task_never_answered(
    checker: Checker, words: str, task: str
) -> None:
    """A question that opens with another role ("Can nurses ...?") asks what that role may do; an MA's
    verdict would answer another question. The task the words name is offered, to be asked of an MA."""
    understood = checker.resolver.matcher.understand(words)
    assert understood.task is None and "scopecheck answers what a medical assistant may do" in understood.doubt
    assert understood.candidates == (task,)
    with pytest.raises(AmbiguousTask) as asked:
        checker.check("CA", words)
    assert "\n" not in str(asked.value) and not asked.value.settled_by_facts


@pytest.mark.parametrize(
    "words, task",
    [
        ("Can an MA remove stitches?", "suture_removal"),  # the MA is named: the question is an MA's
        ("Physicians may delegate injections to medical assistants", None),
        ("physician orders for labs", None),  # a compound: the orders, not the physician, are the subject
        ("RN-supervised flu shots", "immunization"),
        ("nurse visit for a flu shot", "immunization"),
    ],
)
def test_a_role_named_beside_an_ma_or_as_a_modifier_is_no_other_role(
    checker: Checker, words: str, task: str | None
) -> None:
    assert "medical assistant may do" not in checker.resolver.matcher.understand(words).doubt
    if task:
        assert checker.resolver.matcher.understand(words).task == task


def test_a_prefix_or_a_negation_denies_only_what_it_touches(checker: Checker) -> None:
    """ "non-medical records" are not medical records; work denied in a question ("do not diagnose")
    is not what it asks when it names a task besides; a route named ("topical") is not overruled by
    the drug's name (lidocaine): both are offered."""
    m = checker.resolver.matcher
    assert m.understand("maintains simple non-medical records").task is None
    screeners = m.understand(
        "screeners do not diagnose hearing deficiencies, but they do give parents the test results"
    )
    assert screeners.not_ma is None and "give_normal_results" in (screeners.task, *screeners.candidates)
    assert m.understand("diagnose the patient").not_ma  # not denied: still no MA task
    topical = m.understand("Topical anesthetics, such as lidocaine, can be applied for superficial numbing")
    assert topical.task is None and {"medication_topical", "anesthetic_injection"} <= set(topical.candidates)
    assert "veterinary" in m.understand("Vet techs can draw blood from an animal").not_ma


@pytest.mark.parametrize(
    "words, task",
    [  # from holdout3a, holdout17 and holdout2: refused until stop 25, the denied task suggested first
        ("a Medical Assistant (MA) is not legally permitted to start an IV in Florida", "iv_start"),
        ("we cannot draw blood from minors (under eighteen) who are not accompanied by a parent", "venipuncture"),
        ("Medical Assistant's can not inject Botox!", "cosmetic_injection"),  # precedence as if not denied
    ],
)
def test_words_that_name_a_task_only_to_deny_it_ask_about_that_task(checker: Checker, words: str, task: str) -> None:
    """What an MA may not do is still the task asked about: it is answered, and the answer says the
    words deny it. A task the words set apart is not what they are about, and is not read."""
    u = checker.resolver.matcher.understand(words)
    assert u.task == task and "the words deny it" in u.note
    code, out, err = run("check", "--state", "FL", "--task", words)
    assert code == 0 and "the words deny it" in out, err


def test_denied_words_that_fit_several_tasks_with_one_answer_say_both(checker: Checker) -> None:
    """holdout2's "Medical Assistants Not Qualified To Give Shots": every route gets one answer in CA, so
    it is answered, and the note keeps that the words deny it beside the tasks they fit."""
    note = checker.check("CA", "Medical Assistants Not Qualified To Give Shots").task_note
    assert "the words deny it ('not')" in note and "the words fit several tasks" in note, note


@pytest.mark.parametrize(
    "words",
    [  # phrasings.toml (validation), holdout14 and holdout2: asked back with oral, topical, inhaled and eye
        # or ear medication among the choices until stop 25
        "Inject medications, unless permitted by state law",
        "Giving injections of medication",
        "medication injections",
    ],
)
def test_two_generic_words_side_by_side_name_the_tasks_both_fit(checker: Checker, words: str) -> None:
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and set(u.candidates) == {"injection_intramuscular", "injection_subcutaneous"}, u


@pytest.mark.parametrize(
    "words",
    [
        "Dopplar after training (without interpretation of results)",  # holdout13: set apart, not denied
        "Prepares and maintains simple non-medical records and reports as required.",  # holdout11
        "I can’t even legally buy Botox in my state without a doctor",  # holdout2: a product bought
    ],
)
def test_a_task_set_apart_or_a_product_bought_is_not_read(checker: Checker, words: str) -> None:
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and not u.candidates


@pytest.mark.parametrize(
    "words, task",
    [
        ("Reporting results to doctors and medical offices", None),  # holdout34a, labelled no MA task
        ("report lab results to the provider", None),
        ("give test results to patients as directed by the physician", "give_normal_results"),
    ],
)
def test_results_sent_to_a_clinician_are_not_told_to_the_patient(
    checker: Checker, words: str, task: str | None
) -> None:
    u = checker.resolver.matcher.understand(words)
    assert u.task == task and "give_normal_results" not in u.candidates, u


@pytest.mark.parametrize(
    "words",
    [
        "Distributes and monitors campers medications",  # holdout18
        "some CNAs may also distribute medication",  # holdout14
        "issuing medicines",  # holdout7: had been asked among the routes, without dispensing
        "the distribution of nonprescription medications",  # holdout27b, likewise
    ],
)
def test_medicines_distributed_or_issued_are_handed_out(checker: Checker, words: str) -> None:
    """Handed out to be taken: dispensed, or (in a school's or a camp's words) given by mouth."""
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and "dispense_medication" in u.candidates, u
    assert set(u.candidates) <= {
        "dispense_medication",
        "medication_oral",
        "medication_topical",
        "medication_inhaled",
    }, u


def test_fetal_monitoring_is_no_ma_task_but_its_results_read_are_reading(checker: Checker) -> None:
    """holdout35a (labelled no MA task by both labellers) had been answered as performing an ultrasound;
    holdout21's words about its results are still reading results."""
    m = checker.resolver.matcher
    assert m.understand("Apply toco (belt) and ultrasonic transducer on the uterus").not_ma.startswith(
        "fetal monitoring"
    )
    assert m.understand("do not interpret the results of the fetal nonstress test").task == "interpret_results"


def test_a_med_pass_is_medicines_handed_round_by_mouth(checker: Checker) -> None:
    """holdout9, 22, 27b, 33a, 35a: a "med pass" had been asked among every route."""
    u = checker.resolver.matcher.understand("Performs medication pass as needed, in a timely and correct manner.")
    assert u.task is None and set(u.candidates) == {"dispense_medication", "medication_oral"}, u


@pytest.mark.parametrize(
    "misspelt, spelt",
    [
        ("inject any type of anastetic", "inject any type of anesthetic"),  # holdout10
        ("give anesthestic injections", "give anesthetic injections"),
        ("anastesia", "anesthesia"),
    ],
)
def test_common_misspellings_of_anaesthetic_read_as_the_word(checker: Checker, misspelt: str, spelt: str) -> None:
    """holdout10's "anastetic" had been read as an injection of any route, the anaesthetic unseen."""
    m = checker.resolver.matcher
    u = m.understand(misspelt)
    # the same tasks (their order is the likeliest first as the words read, and the words differ)
    assert (u.task, set(u.candidates)) == (m.understand(spelt).task, set(m.understand(spelt).candidates))
    assert "anesthetic_injection" in (u.candidates or (u.task,))


def test_a_numbing_medicine_is_injected_or_put_on(checker: Checker) -> None:
    """holdout5: a numbing medicine is a local anaesthetic injected or a medicine put on the skin (it had
    been asked among every route of medicine, without the anaesthetic)."""
    u = checker.resolver.matcher.understand("Numbing medicine is needed for the insertion of sutures and staples")
    assert u.task is None and "anesthetic_injection" in u.candidates and "medication_oral" not in u.candidates, u


def test_a_test_done_as_an_aid_to_the_diagnosis_is_the_test(checker: Checker) -> None:
    """holdout34a: the diagnosis a test serves is not the act (it had been refused as diagnosing)."""
    words = "complete the spirometry test and to provide a report as an aid to the diagnosis and management"
    u = checker.resolver.matcher.understand(words)
    assert u.not_ma is None and (u.task or u.candidates[0]) == "spirometry", u


@pytest.mark.parametrize(
    "words, nearest",
    [
        ("non-surgical procedures", None),  # near holdout34a's "non-surgical cosmetic procedures"
        # holdout7, labelled either kind of refill: had been refused as prescribing
        ("Can RNs/CMAs Without Prescriptive Authority Process Refills?", "refill_approval"),
    ],
)
def test_work_no_ma_task_covers_set_apart_is_not_the_answer(checker: Checker, words: str, nearest: str | None) -> None:
    """Work set apart by "non-" or "without" is not what the words are about: no answer that it is
    not an MA task, whether or not a task is named beside it; the nearest tasks are offered."""
    matcher = checker.resolver.matcher
    u = matcher.understand(words)
    assert u.not_ma is None and u.task is None and not u.candidates
    assert nearest is None or nearest in [c.id for c in matcher.no_match(words, "--task").candidates]


@pytest.mark.parametrize(
    "words, task",
    [
        # a task said in the passive: the object, at most one "is"/"get"..., then the participle ("blood is
        # drawn" is drawing blood); from holdout17, 18, 19 and 21, nothing fitted until stop 25
        ("Your blood is drawn — typically from your arm — and put into a centrifuge", "venipuncture"),
        ("ears are flushed for various reasons", "ear_lavage"),
        ("I had to get my blood drawn this morning", "venipuncture"),
        ("have my ears irrigated to eliminate wax build-up", "ear_lavage"),
        # a short verb that did not double its consonant ends in e: "taking" is "take" (holdout14, holdout22:
        # nothing fitted until stop 31, "tak" was not "take"); "filing" keeps its sense, the act, not "files"
        ("taking blood", "venipuncture"),
        ("all you do is draw person after person taking their blood", "venipuncture"),
        ("takes X‑rays of patients and develops, mounts, and files film and plates", "xray_operation"),
        # "verified" is "verify", as "verifies" is (holdout8; the stem made it "verifi")
        ("Insurance is verified with the payer.", "insurance_verification"),
        # a phrase in a clause of when another task is done only says when (phrasings.toml, validation);
        # holdout17's "or when" joins another case, not a clause of when the first is done
        ("check patients in when they arrive for an appointment", "front_desk"),
        (
            "A test result that has not been clinically reviewed or when the patient asks staff to interpret the result.",
            "interpret_results",
        ),
        # "IV push medications": the generic word is the noun the task's phrase names, out of the negation's
        # reach by itself; it was read as any medicine by any route beside the denied IV push (holdout31b)
        ("Are there any states that do not allow RN students to give IV push medications?", "iv_medication"),
        ("I know that many states do not allow LPNs to give IV push meds", "iv_medication"),
        # results evaluated were read as results told (holdout33a, tuned on)
        ("evaluate test results", "interpret_results"),
        # graphing or charting measures is putting them in the record (holdout33a, holdout21)
        ("A person in this field may graph temperatures and other vital sign data", "maintain_records"),
        ("helping to chart vital signs, medications, and other crucial patient information", "maintain_records"),
        # the record of the work, not the work (holdout4, holdout18)
        ("Keeps records of medication given.", "maintain_records"),
        (
            "Maintains records of all medications, injuries, accidents as required by the Department of Health",
            "maintain_records",
        ),
        # the patient's medicines reviewed or listed are their history; they were asked back among the routes
        # of giving a medicine, none of them right (holdout13, holdout14, holdout18, holdout12)
        ("reviewing medications", "patient_history"),
        ("develop a list of current medications", "patient_history"),
        ("All current medications and allergies are reviewed", "patient_history"),
        # an injection named by what it prevents, what it is for, or its route
        ("pharmacy technician should be allowed to do flu injections given the proper training", "immunization"),
        ("hep B injection", "immunization"),  # named "shot" or "vaccine" it was, "injection" not
        ("fat-dissolving injections", "cosmetic_injection"),  # holdout18
        ("wrinkle injections", "cosmetic_injection"),  # holdout11
        ("the injection of medication or substances for cosmetic purposes", "cosmetic_injection"),  # holdout10
        ("administer medication by intravenous bolus", "iv_medication"),  # "IV push" was, "intravenous push" not
        ("give a fluid bolus", "iv_fluids"),
        # a drug's schedule, not an appointment or an IV: holdout10's "schedule III, IV, and V medications"
        # was asked among scheduling and every route
        ("schedule IV controlled substances", "medication_controlled_substance"),
        ("schedule a patient for an IV", "schedule_appointments"),
        ("schedule 5 patients", "schedule_appointments"),
        # the MA's role in work no MA performs is assisting with it (holdout12; had been refused as surgery)
        ("Define the medical assistant's role in minor surgical procedures.", "assist_minor_surgery"),
    ],
)
def test_what_the_words_say_of_the_act_names_the_task(checker: Checker, words: str, task: str) -> None:
    """Words around a task's phrase that say how it is said (the passive, stop 25), or what is done with
    it, when, or to what (stop 26)."""
    assert checker.resolver.matcher.understand(words).task == task


@pytest.mark.parametrize(
    "words, tasks",
    [
        ("Secondary I.V. Lines", {"iv_medication"}),  # holdout
        ("start and maintain I.V. therapy", {"iv_start"}),  # holdout13
        ("Hang I.V.’s premixed with medication", {"iv_fluids", "iv_medication"}),  # holdout14
        ("P.P.D. reading", {"interpret_results"}),
        ("give I.M. and S.Q. injections", {"injection_intramuscular", "injection_subcutaneous"}),
    ],
)
def test_initials_written_with_stops_are_the_abbreviation(checker: Checker, words: str, tasks: set[str]) -> None:
    u = checker.resolver.matcher.understand(words)
    assert ({u.task} if u.task else set(u.candidates)) == tasks, u


def test_initials_with_stops_keep_a_postings_list_items_apart(checker: Checker) -> None:
    """The list items are counted over the same words the matcher reads: "I.V.s" is one word in both."""
    mentions = checker.resolver.matcher.mentions("Draw blood, start I.V.s, give I.M. injections", items=True)
    assert [m.task for m in mentions] == ["venipuncture", "iv_start", "injection_intramuscular"]


def test_answering_questions_about_a_treatment_plan_is_not_deciding_it(checker: Checker) -> None:
    """holdout33a (tuned on): read as the practice of medicine, it gave no answer for the duties named
    beside it."""
    words = (
        "Greeting patients, explaining their medical condition and answering any questions about their treatment plan"
    )
    u = checker.resolver.matcher.understand(words)
    assert u.not_ma is None and set(u.candidates) == {"front_desk", "patient_education"}, u


def test_a_medicine_given_and_then_something_reviewed_is_still_given(checker: Checker) -> None:
    """A review after the medicine is given is no review of the patient's medicines."""
    u = checker.resolver.matcher.understand("administer medications and review")
    assert {"medication_oral", "medication_topical"} <= set(u.candidates) and "patient_history" not in u.candidates, u


@pytest.mark.parametrize(
    "words, task",
    [
        ("They may also prick finger instead of inserting needle.", "capillary_puncture"),  # holdout8
        ("Treat bedsores", "wound_care"),  # holdout14: asked back alone, the reader doubting "treat"
        ("they are not qualified to perform LHR", "laser_procedure"),  # holdout13: laser hair removal
        ("Palpation: bimanual exam and rectovaginal exam", "pelvic_exam_perform"),  # holdout7
        # stop 27, from holdout34a's refusals and questions (its first four had no right answer)
        ("DC PIVs", "iv_removal"),  # a peripheral IV discontinued
        ("Remove the PIV.", "iv_removal"),  # holdout5
        ("performing the skin/vein puncture", "venipuncture"),
        ("Mesotherapy (injection of chemicals to reduce or stimulate tissues)", "cosmetic_injection"),
        ("As a student, I was allowed to push meds except IV narcs.", "iv_medication"),  # holdout8: "push meds"
        ("We teach caregivers step-by-step techniques", "patient_education"),  # holdout18
        ("teach parents how to care for their child in person", "patient_education"),
        ("apply numbing cream before cosmetic procedures", "medication_topical"),  # skin care is not; numbing is
        # stop 27, from holdout35a's questions and refusals, and the tuned sets' like them
        ("Vision Check Procedure", "vision_hearing_screening"),
        ("have their hearing checked", "vision_hearing_screening"),  # holdout10
        ("Auditory check (via whisper test or audiometric evaluation)", "vision_hearing_screening"),  # holdout22
        ("I do cervical smears", "pelvic_exam_perform"),  # holdout22: the UK's cervical screening is the Pap test
        ("Administer oral glucose or sugar solutions.", "medication_oral"),
        ("Removal of cannula", "iv_removal"),  # holdout36a: the UK's word for a peripheral IV
        ("insert a cannula", "iv_start"),
        # care decided where the patient is assessed is triage (holdout36a; had been refused as prescribing)
        (
            "Performing initial assessments of patients' health conditions and determining appropriate care or referral.",
            "triage",
        ),
        # who prescribes is named, not prescribing (holdout3b; had been refused as prescribing)
        (
            "Only physicians, nurse practitioners, or physician assistants with prescribing authority may actually dispense medications.",
            "dispense_medication",
        ),
        # holdout12: the MAR had been asked among the routes of medicine
        ("making sure the Medication Administration Record (MAR) is documented accurately", "maintain_records"),
        ("update the eMAR", "maintain_records"),
        # holdout3b, stop 29: "sample drugs" as "drug samples" (had been asked among the routes of medicine; asked
        # back now only as it asks it of physicians)
        ("Many physicians offer their patients sample drugs.", "dispense_medication"),
    ],
)
def test_words_of_the_trade_for_a_task_name_it(checker: Checker, words: str, task: str) -> None:
    """Each was refused, nothing known in the words."""
    u = checker.resolver.matcher.understand(words)
    assert u.task == task or task in u.candidates, u


@pytest.mark.parametrize(
    "words, task",
    [
        # stop 28, from holdout38a's questions and the tuned sets' like them
        ("a system where HCAs administer seasonal flu jabs", "immunization"),  # holdout13: the British "jab"
        ("Once competent under trust governance, they will administer ocular medications.", "medication_eye_ear"),
        ("Planning, preparing and/or providing education on health and wellness.", "patient_education"),  # holdout18
        ("Enter patient information into a database", "maintain_records"),  # holdout38a
        ("providing guidance on feeding techniques", "patient_education"),  # holdout38a
        # medicines taught, not given (holdout16, holdout15: had been asked among the routes of medicine)
        ("Medication education, like the correct way to take a prescribed medication", "patient_education"),
        (
            "Provide guidance to patients/customers on dosage, side effects, interactions, and storage of medicines.",
            "patient_education",
        ),
        # holdout17: a patient's details written down
        (
            "Nursing assistants may also be responsible for documenting patient information and reporting any changes to the nursing staff.",
            "maintain_records",
        ),
        # stop 29: the medicines a patient now takes, asked and recorded, are the history (had been asked among
        # the routes of medicine, or among them and the front desk)
        (
            "Persons to be tested are asked to complete a form and are asked to record medications they are currently taken.",
            "patient_history",
        ),  # holdout36a
        (
            "Review patient medical history and current medication with patient prior to treatment.",
            "patient_history",
        ),  # holdout12
        # holdout3b, stop 29: helping a patient understand a medication regimen is teaching (had been asked among
        # the routes of medicine)
        (
            "Helping patients understand their medical condition, medication regimen, and side effects",
            "patient_education",
        ),
        # holdout8 and holdout12, stop 29: the MAR by its initials is the medication administration record
        ("Document on MARS when medication has or has not been given.", "maintain_records"),
        ("Document in the MAR, per facility protocol.", "maintain_records"),
    ],
)
def test_words_of_the_trade_name_the_one_task(checker: Checker, words: str, task: str) -> None:
    """Each was refused, or asked back among a family ("ocular medications": every route of medicine),
    the word that names the task unknown: the British "jab", a vaccine's brand, "ocular", education given."""
    assert checker.resolver.matcher.understand(words).task == task


def test_a_joint_injection_is_no_ma_task_in_the_plural_too(checker: Checker) -> None:
    """Work no MA task covers is matched as written, so its plurals are listed: "Joint Injections"
    (holdout15) was asked among the routes of injection, the singular refused as no MA task."""
    m = checker.resolver.matcher
    assert m.understand("Joint Injections").not_ma == m.understand("joint injection").not_ma is not None
    assert m.understand("intra-articular injection").not_ma is not None
    assert m.understand("assist with joint injections").task == "assist_minor_surgery"


def test_surgical_interventions_are_surgical_procedures(checker: Checker) -> None:
    """phrasings.toml (validation): assisting with them was refused, nothing known in the words (the
    words in full are asked back since stop 30's reader: test_words_the_reader_doubts_...)."""
    m = checker.resolver.matcher
    assert m.understand("assist with surgical interventions").task == "assist_minor_surgery"
    assert m.understand("perform surgical interventions").not_ma == m.understand("perform surgical procedures").not_ma


@pytest.mark.parametrize(
    "words, task",
    [
        # test_what_the_words_say_of_the_act_names_the_task until stop 30
        ("Updating Medication and Allergy Lists", "patient_history"),  # holdout12: read as records
        ("administer injections, such as hepatitis B", "immunization"),  # holdout2: read as subcutaneous
        ("administer schedule IV drugs", "medication_controlled_substance"),  # read as IV medication
        # test_words_of_the_trade_name_the_one_task until stop 30: the brand unknown to the weighing, it
        # read it as no MA task; reminder calls likewise
        ("nasal administration of Fluenz Tetra", "immunization"),
        ("conducting reminder calls", "schedule_appointments"),
        # test_surgical_interventions_are_surgical_procedures: read as no MA task
        (
            "Assist with surgical interventions (for example, sebaceous cyst removal, toe nail removal, colposcopy, cryosurgery)",
            "assist_minor_surgery",
        ),
        # test_examining_or_analysing_a_specimen_...: read as a vaccine given
        ("generate the CDC vaccine card", "maintain_records"),
        # test_senses.py, a sense with its confirming words, until stop 30: read as no MA task, as the
        # labelled corpora read oxygen given (holdout8, holdout33a) and cardiac monitors (holdout4, holdout12)
        ("give oxygen by nasal cannula", "medication_inhaled"),
        ("hook the patient up to a cardiac monitor", "ekg"),
    ],
)
def test_words_the_reader_doubts_are_asked_back_with_the_phrases_task_first(
    checker: Checker, words: str, task: str
) -> None:
    """Stop 30's reader weighs the words against one another (logistic regression, reader.py): on the sets
    it was not trained on it asks back more wrong answers and fewer right ones than naive Bayes alone,
    but it asks back these, which the phrases alone answer right. Asked back, the phrase's task first;
    never answered as another task."""
    u = checker.resolver.matcher.understand(words)
    assert u.task is None and u.candidates[0] == task and "read as a whole" in u.doubt, u
    assert with_reader(checker, Silent()).understand(words).task == task


def test_a_task_set_apart_is_not_the_words_other_reading(checker: Checker) -> None:
    """The reader weighs words and cannot see "except": a reading of the words as the task they set
    apart is no reading of them. (phrasings.toml, validation; it was asked back with topical medicine.)"""
    u = checker.resolver.matcher.understand("Administer an anesthetic agent, except topical numbing agents")
    assert u.task is None and u.candidates == ("anesthesia_sedation_agent", "anesthetic_injection"), u
    assert u.candidates == checker.resolver.matcher.understand("Administer an anesthetic agent").candidates


@pytest.mark.parametrize(
    "words, not_task",
    [
        ("interpret verbal communications", "interpret_results"),  # between languages, not a test
        ("An ice pack is applied to the treatment area prior to the injections", "room_sterilization"),  # only a place
        ("Apply electrodes and sensors in accordance with set procedures.", "ekg"),  # a sleep study's
        ("Can the school nurse delegate administration of injectable glucagon?", "cosmetic_injection"),
        ("Interpret patient referrals.", "interpret_results"),
        ("He has to assist in analyzing and interpreting the data for the trial.", "interpret_results"),  # holdout36a
        ("Prepare anesthetic according to pet's weight and needs.", "height_weight"),  # veterinary work
        ("administer skin-enhancing treatments such as creams and serums", "medication_topical"),  # holdout34a
        ("recommend skin care creams and serums", "medication_topical"),
        # a patient's transport arranged is no appointment (holdout36a)
        (
            "Responsibilities for arranging return transport for patients requiring hospital transport services",
            "schedule_appointments",
        ),
        (
            "Perform cannulation of peripheral access sites (arterial-venous fistulas and arterial-venous grafts)",
            "iv_start",
        ),
        ("apply oxygen via nasal cannula", "iv_start"),
    ],
)
def test_a_word_in_its_other_sense_is_not_read_as_the_task(checker: Checker, words: str, not_task: str) -> None:
    understood = checker.resolver.matcher.understand(words)
    assert understood.task != not_task and not_task not in understood.candidates


def test_a_drugs_prescribing_information_is_not_prescribing(checker: Checker) -> None:
    """holdout7's words: the FDA label of a drug ("prescribing information") names no act; prescribing does."""
    m = checker.resolver.matcher
    assert not m.understand("Label samples with prescribing information").not_ma
    assert m.understand("prescribing medication").not_ma


def test_examining_or_analysing_a_specimen_is_laboratory_work_not_collecting_it(checker: Checker) -> None:
    """From holdout8's errors (its own words): examining a specimen, or running analyses on samples, is
    a lab test (waived or moderate: asked back), not collecting it; a sample taken for testing is
    still collected."""
    m = checker.resolver.matcher
    for words in ("Examining specimens for the presence of specified cells", "run analyses on blood samples"):
        u = m.understand(words)
        assert u.task is None and {"moderate_complexity_lab_tests", "waived_lab_tests"} <= set(u.candidates), words
    assert m.understand("collect and process specimens").task == "specimen_collection"
    taken = m.understand("take the samples for testing such as blood, liquid or specimens")
    assert "specimen_collection" in (taken.task, *taken.candidates)
    assert m.understand("Interpret formulary coverage").task != "interpret_results"  # a document's terms


def _phrasing_verdicts() -> Any:
    """benchmarks/phrasing_verdicts.py, the one piece of code that prints and holds these figures."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import phrasing_verdicts
    finally:
        sys.path.pop(0)
    return phrasing_verdicts


@pytest.mark.parametrize(
    "names, wrong_verdicts, none_answered, right",
    [
        # the six sets no one tuned on and the reader was not trained on (the script's default: 1,268
        # phrasings, 64,668 answers or questions back); with the reader's doubt at 0.01 (stop 22):
        # 758, 2,036 and 25,725
        # 758, 2,036 and 25,725; at 0.2, 471, 1,526 and 23,379; then words that open with another role
        # asked back (stop 24)
        # none answered 1,322 until stop 30's reader (right 23,082, wrong 270); 245 wrong since stop 31 asks
        # too what the whole reads as (right 22,939)
        # right held at 22,522 until stop 31 put the likeliest of the phrases' tasks first
        # right held at 22,753 until stop 32 read a medicine named with no word of giving as no task
        # 22,759 until words that name another state than the one asked were asked back (three phrasings name one)
        (None, 245, 1230, 22608),  # 1,373 answered until stop 31 asked words of no task back (right 22,746)
        # holdout29, blind (258 phrasings, 13,158): at 0.01, 53, 306 and 5,738; at 0.2, 52, 204 and 4,922;
        # with half a tuned on and the role asked back (stop 24)
        # right held at 4,769 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout29a.toml", "phrasings_holdout29b.toml"), 43, 102, 5589),  # 52 and 153 until stop 31
        # holdout30a and b, blind (124 phrasings, 6,324), never tuned on: 0, 120 and 3,199; with the role
        # asked back, 3,148 right
        # stop 30's reader: 51, 69 and 3,046 (one phrasing now answered with a verdict its labels do not get)
        # right held at 3,046 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT30[:2], 51, 102, 3088),  # 120 answered until stop 31
        # holdout31a, blind (123 phrasings, 6,273), never tuned on; mostly near-miss roles' duties
        # right held at 2,384 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT31[:1], 26, 102, 2586),  # 255 answered held until stop 31
        # holdout32b, blind (146 phrasings, 7,446), never tuned on; people's words about what staff may do
        # right held at 1,682 until stop 31 put the likeliest of the phrases' tasks first
        # 2,133 until words that name another state than the one asked were asked back (one phrasing names one)
        (HOLDOUT32[1:], 26, 102, 2083),  # 74 wrong verdicts and 148 answered held until stop 31
        # holdout33b, blind (180 phrasings, 9,180), never tuned on; the same kind of words
        # right 3,421 until stop 27; stop 30's reader: 26, 169 and 3,478; 3,469 once the whole is asked too
        # right held at 3,469 until stop 31 put the likeliest of the phrases' tasks first
        # right held at 3,565 until stop 32 read a medicine named with no word of giving as no task
        (HOLDOUT33[1:], 26, 102, 3636),  # 266 answered held until stop 31
        # holdout34b, blind (174 phrasings, 8,874), never tuned on: 0, 352 and 2,185 with stop 26's matcher;
        # right 2,236 once a dental or veterinary role is asked back (stop 27)
        # right held at 2,236 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT34[1:], 0, 199, 2738),  # 352 answered held until stop 31
        # holdout35b, blind (184 phrasings, 9,384), never tuned on: 21, 391 and 2,532 (stop 26's matcher
        # and stop 27's alike)
        # stop 30's reader: 72, 391 and 2,634 (one more wrong); 391 answered until stop 31
        # right held at 2,532 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT35[1:], 72, 301, 2690),  # 2,684 until stop 32 read a medicine with no word of giving as no task
        # holdout36b, blind (190 phrasings, 9,690), never tuned on: 46, 295 and 2,536 with stop 26's matcher,
        # 2,542 with stop 27's
        # right held at 2,542 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT36[1:], 22, 296, 2643),  # 46 and 346 held until stop 31; stop 30's reader: 22, 346 and 2,593
        # holdout37b, blind (172 phrasings, 8,772), never tuned on: 2, 102 and 3,306 with stop 26's matcher and
        # stop 27's alike
        # 3,306 until stop 29's reader, not trained on the issue's validation; 102 answered until stop 31
        # right held at 3,255 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT37[1:], 2, 51, 3350),
        # holdout38b, blind (166 phrasings, 8,466), never tuned on: 0, 51 and 2,233 with stop 27's matcher
        # right held at 2,233 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT38[1:], 0, 51, 2605),  # 2,589 until stop 32 read a medicine with no word of giving as no task
        # holdout39b, blind (172 phrasings, 8,772), never tuned on: 63, 255 and 2,465 with stop 27's matcher,
        # 2,516 with stop 28's
        # right held at 2,465 until stop 31 put the likeliest of the phrases' tasks first
        (HOLDOUT39[1:], 0, 153, 2721),  # 63 and 255 held until stop 31; 2,516 until stop 29's reader, likewise
        # holdout40, blind (153 phrasings, 7,803), never tuned on: 21, 51 and 1,984 with stop 27's matcher
        # and stop 28's alike
        # right held at 1,984 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout40.toml",), 72, 153, 2240),  # stop 30's reader: 72, 153 and 2,239
        # holdout41, blind (158 phrasings, 8,058), never tuned on: 97, 102 and 1,966 with stop 28's matcher
        # and stop 29's first changes alike
        # right held at 1,966 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout41.toml",), 97, 153, 1970),  # stop 30's reader: 97, 153 and 2,017
        # holdout42, blind (169 phrasings, 8,619), never tuned on: 202, 102 and 2,316 with stop 28's matcher;
        # 151 wrong verdicts with stop 29's at the time
        # stop 30's reader: 100, 51 and 2,571; stop 31: 50 wrong, and 102 answered until it asked words of no
        # task back
        # right held at 2,316 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout42.toml",), 50, 51, 2766),
        # holdout43, blind (160 phrasings, 8,160), never tuned on: 116, 46 and 1,631 with stop 28's matcher and
        # stop 29's alike
        # right held at 1,631 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout43.toml",), 50, 0, 1733),  # 116 and 46 until stop 31, 95 and 46 at its start
        # holdout44, blind (164 phrasings, 8,364), never tuned on: 0, 0 and 3,512 with stop 29's matcher, 3,920
        # with stop 30's
        # right held at 3,919 until stop 31 put the likeliest of the phrases' tasks first
        # 4,016 until words that name another state than the one asked were asked back
        (("phrasings_holdout44.toml",), 0, 0, 3992),  # 3,920 until stop 31 asked words of no task back
        # holdout45 to 47, blind (9,027, 8,109 and 9,078), never tuned on, with stop 29's matcher and stop 30's:
        # 53 -> 72, 51 and 1,503 -> 1,860; 51, 151 and 3,360 -> 3,207; 123, 153 -> 51 and 2,743 -> 2,947
        # stop 31 asks too what the words as a whole read as: 1,860 -> 1,810 right, wrong verdicts unchanged
        # right held at 1,759 until stop 31 put the likeliest of the phrases' tasks first
        # right held at 1,758 until stop 32 read a medicine named with no word of giving as no task
        (("phrasings_holdout45.toml",), 51, 51, 1774),  # 72 and 1,810 until words of no task were asked back
        # right held at 3,207 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout46.toml",), 51, 102, 3301),  # 151 answered until stop 31
        # right held at 2,947 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout47.toml",), 102, 51, 3044),  # 123 wrong verdicts until stop 31
        # holdout48 and 49, blind (8,823 and 2,805), never tuned on: 57, 97 and 1,908; 48, 45 and 773, with
        # stop 30's matcher and stop 31's alike
        (("phrasings_holdout48.toml",), 57, 52, 1908),  # 97 answered until words of no task were asked back
        (("phrasings_holdout49.toml",), 0, 0, 773),  # 48 and 45 until words of no task were asked back
        # holdout50, blind (3,723), never tuned on: 0, 0 and 558 with stop 30's matcher and stop 31's alike
        # right held at 558 until stop 31 put the likeliest of the phrases' tasks first
        (("phrasings_holdout50.toml",), 0, 0, 608),
        # holdout51, blind (10,251), never tuned on: 29, 0 and 3,787 with stop 31's matcher and stop 32's alike;
        # 8 and 3,636 once words that name another state than the one asked were asked back
        (("phrasings_holdout51.toml",), 8, 0, 3636),
    ],
)
def test_unseen_words_rarely_get_a_verdict_no_labelled_task_gets(
    checker: Checker, names: tuple[str, ...] | None, wrong_verdicts: int, none_answered: int, right: int
) -> None:
    """Judged as a user meets it: each phrasing asked with `check` in every encoded jurisdiction. A wrong
    task whose verdict a labelled task also gets there is no wrong legal answer, and words that fit
    several tasks are settled when all get the same answer; a verdict none of the labelled tasks gets,
    or an answer to words labelled as no MA task, is. Held where stop 23's doubt (0.2) put them, and
    stop 24's question back where the words open with another role (a nurse, an EMT, a pharmacist): about
    four right answers asked back for each answer taken off from words labelled as no MA task."""
    script = _phrasing_verdicts()
    names = names or tuple(script.NEVER_TUNED)
    counts: Counter[str] = Counter()
    for name in names:
        counts += script.answer_counts(checker, corpus(name)["phrasings"])
    print(f"{', '.join(names)}: {dict(counts)}")
    assert counts["WRONG VERDICT"] <= wrong_verdicts, counts
    assert counts["no MA task, answered"] <= none_answered, counts
    assert counts["right task"] >= right, counts


def test_a_word_that_sets_apart_but_is_no_negation_trigger_is_a_defect(tmp_path: Path) -> None:
    """`negation.excluding` names triggers; a word that is none of them would silently never count."""
    from test_rule_files import _validate_edited

    code, out = _validate_edited(
        tmp_path, "vocabulary.toml", 'excluding = ["without"', 'excluding = ["sans"', "--no-examples"
    )
    assert code == 2 and "'sans' is no `before` or `after` trigger" in out, out
