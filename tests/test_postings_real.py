"""Real public postings and job-class specifications (tests/data/postings/, each with its source and
a hand-marked ground truth): the reader finds the marked duties, and each posting produces the
findings reviewed for it."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from scopecheck.api import Checker
from scopecheck.errors import UserError
from scopecheck.hr import check_posting
from scopecheck.posting import PostingReader

POSTINGS = Path(__file__).parent / "data" / "postings"
TRUTH = sorted(POSTINGS.glob("*.toml"))

# Finding kinds each posting must produce, reviewed against the state's rules (2026-11-26).
EXPECTED = {
    "01-CA-calhr-medical-assistant-7374": {"missing_requirement"},  # CA's 10-hour trainings not required
    "02-CA-santa-cruz-lead-medical-assistant": set(),
    "03-PA-philadelphia-medical-assistant-4b02": {"unknown_duty"},  # gram stains: no PA rule
    "04-IA-iowa-state-univ-class-7911": {"missing_requirement"},  # x-ray work needs the Iowa permit
    # injections: since the 2026-12-06 law re-read (g2) MD-inj-01 checks COMAR 10.32.12.03's "trained" condition
    # (training_documented), which the posting does not require
    "05-MD-usm-medical-assistant-n05mdu": {"missing_requirement"},
    "06-WA-ofm-class-spec-543": {"missing_requirement", "unknown_duty", "judgment_language"},
    # 2026-12-06 law re-read (g2): MI rules now check MCL 333.16215(1)'s "qualified by education, training, or
    # experience" (training_documented), which the posting does not require
    "07-MI-corrections-medical-assistant": {"missing_requirement"},
    "08-VA-bsmh-medical-assistant-careerbuilder": {"unknown_duty"},  # oral medication: VA names no rule
    "09-NY-bronx-patient-care-associate": set(),
    "10-MA-optum-ma-apprenticeship-worcester": set(),
}


def source_of(truth: Path) -> Path:
    return next(p for p in POSTINGS.glob(truth.stem + ".*") if p.suffix != ".toml")


def load(truth: Path) -> dict:  # type: ignore[type-arg]
    with truth.open("rb") as f:
        return tomllib.load(f)


def us_postings(checker: Checker) -> list[Path]:
    return [t for t in TRUTH if load(t)["state"] in checker.lib.jurisdictions]


def test_enough_real_postings_from_enough_states(checker: Checker) -> None:
    us = us_postings(checker)
    assert len(us) >= 50 and len({load(t)["state"] for t in us}) >= 25
    assert all(load(t)["source_url"].startswith("http") for t in TRUTH)
    assert {load(t).get("split", "tune") for t in TRUTH} == {"tune", "validation"}


REVIEWED = [t for t in TRUTH if t.stem in EXPECTED or t.stem.startswith(("11-", "12-"))]


@pytest.mark.parametrize("truth", REVIEWED, ids=[t.stem for t in REVIEWED])
def test_real_posting_findings(checker: Checker, truth: Path) -> None:
    gt = load(truth)
    reader = PostingReader(checker.lib, checker.resolver)
    text = source_of(truth).read_text(encoding="utf-8")
    if gt["state"] not in checker.lib.jurisdictions:  # a territory: out of scope, said clearly
        with pytest.raises(UserError, match="cannot tell which state"):
            check_posting(checker, reader.read(text, truth.stem))
        return
    report = check_posting(checker, reader.read(text, truth.stem, gt["state"]), date(2026, 11, 26))
    assert {f.kind for f in report.findings} == EXPECTED[truth.stem]
    assert all(f.citations for f in report.findings if f.kind in ("duty_out_of_scope", "missing_requirement"))
    for negated in gt.get("not_duties", []):
        assert not any(d["kind"] == "duty" and d["text"] == negated["text"] for d in report.duties)


def duty_figures(checker: Checker, split: str) -> tuple[int, int, int]:
    """(marked, found, right) duties over the postings of one split, against the hand-marked truth."""
    reader = PostingReader(checker.lib, checker.resolver)
    marked = found = hit = 0
    for truth in TRUTH:
        gt = load(truth)
        if gt.get("split", "tune") != split:
            continue
        state = gt["state"] if gt["state"] in checker.lib.jurisdictions else "CA"
        posting = reader.read(source_of(truth).read_text(encoding="utf-8"), truth.stem, state)
        labels = {d["task"] for d in gt.get("duties", [])}
        tasks = {d.task for d in posting.duties if d.kind == "duty"}
        marked, found, hit = marked + len(labels), found + len(tasks), hit + len(labels & tasks)
    return marked, found, hit


@pytest.mark.parametrize("split, recall, precision", [("tune", 0.72, 0.72), ("validation", 0.65, 0.80)])
def test_reader_finds_the_marked_duties(checker: Checker, split: str, recall: float, precision: float) -> None:
    """Recall and precision of duty-finding per split, printed for the closing note (pytest -s). The
    floors are today's measured figures, so a regression fails; issue 14's bar is recall >= 0.85 and
    precision >= 0.90 on the validation split, never tuned on."""
    marked, found, hit = duty_figures(checker, split)
    print(f"{split}: recall {hit}/{marked} = {hit / marked:.2f}, precision {hit}/{found} = {hit / found:.2f}")
    assert hit / marked >= recall and hit / found >= precision
