"""Coverage and compare over all jurisdictions: the done-when of the all-states work."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from test_cli import run

from scopecheck.decide.checker import Checker
from scopecheck.interfaces.reports import coverage


def test_every_task_answers_with_a_citation_and_unknown_only_where_high_risk_silence(checker: Checker) -> None:
    """Every cell cites its law; `unknown` only for a high-risk task no permit or forbid names there."""
    codes = checker.lib.encoded_states()
    assert len(codes) == 51
    report = coverage(checker, codes, list(checker.lib.tasks), date(2026, 11, 26))
    uncited = [(code, t) for code, row in report.cells.items() for t, v in row.items() if not v.citations]
    assert uncited == []
    for code, row in report.cells.items():
        plan = checker.plan(code)
        for t, v in row.items():
            # A forbid scoped to settings (forbid_in_settings) does not decide a question that states no
            # setting: README "Verdict precedence" 3. First such rule on a high-risk task: TX-iv-02
            # (HB 3749, elective IV therapy in med spas / IV businesses; law re-read, group g3).
            deciding = [
                r
                for r in plan.rules
                if r.applies(t, date(2026, 11, 26))
                and r.rule.effect != "defer"
                and not (r.rule.effect == "forbid" and r.rule.forbid_in_settings)
            ]
            if v.verdict == "unknown":
                assert not checker.lib.tasks[t].delegable and not deciding, (code, t)
                assert v.confidence != "high" and v.guidance, (code, t)


def test_a_high_risk_defer_never_yields_anything_but_unknown_when_nothing_fails(checker: Checker) -> None:
    """Silence is not permission: wherever only `defer` rules cover a high-risk task, a question that
    states nothing, or states facts that meet every requirement, is `unknown`, never conditional."""
    seen = 0
    for code in checker.lib.encoded_states():
        plan = checker.plan(code)
        for task in (t for t, entry in checker.lib.tasks.items() if not entry.delegable):
            rules = [r for r in plan.rules if r.applies(task, date(2026, 11, 26))]
            if rules and all(r.rule.effect == "defer" for r in rules):
                seen += 1
                bare = checker.evaluate(checker.query(code, task, as_of=date(2026, 11, 26)))
                full = checker.evaluate(
                    checker.query(code, task, supervision="personal", supervisor="physician", as_of=date(2026, 11, 26))
                )
                assert bare.verdict == "unknown", (code, task, bare.verdict)
                assert full.verdict in ("unknown", "prohibited"), (code, task, full.verdict)
    assert seen >= 100


def test_clerical_tasks_are_allowed_without_supervision_where_no_state_rule_says_otherwise(checker: Checker) -> None:
    clerical = [t for t, entry in checker.lib.tasks.items() if entry.risk == "clerical"]
    assert len(clerical) >= 5
    for code in checker.lib.encoded_states():
        state = checker.lib.state(code)
        for task in clerical:
            contrary = [r for r in state.rules if task in r.tasks and r.effect == "forbid"]
            v = checker.evaluate(
                checker.query(code, task, supervision="none", credentials=["none"], as_of=date(2026, 11, 26))
            )
            assert v.verdict == ("prohibited" if contrary else "allowed"), (code, task, v.verdict)


def test_xray_names_a_credential_requirement_where_the_state_licenses_operators(checker: Checker) -> None:
    """Where every x-ray path names an operator credential, an MA holding none is prohibited, and
    the reason names the credential."""
    licensing = 0
    for code in checker.lib.encoded_states():
        plan = checker.plan(code)
        permits = [
            r for r in plan.rules if r.applies("xray_operation", date(2026, 11, 26)) and r.rule.effect == "permit"
        ]
        if permits and all(p.requires.credentials for p in permits):
            licensing += 1
            v = checker.evaluate(checker.query(code, "xray_operation", credentials=["none"], as_of=date(2026, 11, 26)))
            assert v.verdict == "prohibited", code
            assert any("must hold one of" in r for r in v.reasons), code
    assert licensing >= 35


def test_compare_im_injection_prints_51_cited_lines_with_ny_and_ct_prohibited() -> None:
    code, out, _ = run("compare", "--task", "injection_intramuscular", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 51 and all(r["citation"] for r in rows)
    by_state = {r["jurisdiction"]: r["verdict"] for r in rows}
    assert by_state["NY"] == "prohibited" and by_state["CT"] == "prohibited"
    assert code == 1
    code, text, _ = run("compare", "--task", "injection_intramuscular")
    assert len([line for line in text.splitlines() if line[:2].isupper() and "[" in line]) == 51


def test_compare_csv_and_subset() -> None:
    _code, out, _ = run("compare", "--task", "flu shot", "--credential", "CMA", "--states", "CA,NY", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["jurisdiction"] for r in rows] == ["CA", "NY"]
    assert rows[1]["verdict"] == "prohibited"


def test_coverage_formats() -> None:
    code, out, _ = run("rules", "coverage", "--format", "json")
    data = json.loads(out)
    n_tasks = len(data["tasks"])
    assert code == 0 and len(data["jurisdictions"]) == 51 and n_tasks >= 53
    by_conf = data["totals"]["verdicts_by_confidence"]
    assert sum(sum(v for k, v in c.items() if k != "unofficial") for c in by_conf.values()) == 51 * n_tasks
    assert "high" not in by_conf["unknown"]
    assert set(data["totals"]["rules_by_confidence"]) <= {"high", "medium", "low"}
    code, out, _ = run("rules", "coverage", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 51 * n_tasks
    code, out, _ = run("rules", "coverage", "--core", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 51 * 23
    code, out, _ = run("rules", "coverage")
    assert "Oldest last-verified date" in out and "on unofficial sources only" in out


def test_dated_changes_give_different_answers_before_and_after(checker: Checker) -> None:
    def verdict(state: str, task: str, on: str, **facts: object) -> str:
        return checker.evaluate(checker.query(state, task, as_of=date.fromisoformat(on), **facts)).verdict  # type: ignore[arg-type]

    assert verdict("SD", "injection_intramuscular", "2020-06-01", credentials=["CMA_AAMA"]) == "prohibited"
    assert verdict("SD", "injection_intramuscular", "2022-06-01", credentials=["CMA_AAMA"]) == "unknown"  # silent since
    assert verdict("SC", "injection_intramuscular", "2026-01-01", credentials=["none"]) != verdict(
        "SC", "injection_intramuscular", "2026-08-01", credentials=["none"]
    )  # the grace period ended
    # 2026-12-06 law re-read (g2): MI-xray-01 now checks MCL 333.16215(1)'s "qualified by education, training, or
    # experience" (training_documented), so an MA with no training at all is prohibited on both days; state it as met
    assert verdict("MI", "xray_operation", "2024-03-12", trainings=["training_documented"]) != verdict(
        "MI", "xray_operation", "2024-03-13", trainings=["training_documented"]
    )
    assert verdict("IL", "injection_intramuscular", "2026-06-01") in ("conditional", "unknown")
    # Law re-read (2026-12-06): the Illinois Medical Practice Act's scheduled 2027 repeal is a prediction, not
    # encoded (watch IL-MPA-SUNSET-2027), so the same rules answer before and after January 1, 2027.
    assert list(checker.evaluate(checker.query("IL", "injection_intramuscular", as_of=date(2026, 6, 1))).rules) == list(
        checker.evaluate(checker.query("IL", "injection_intramuscular", as_of=date(2027, 2, 1))).rules
    )
    assert verdict("CT", "immunization", "2022-09-30") == "prohibited"
    assert verdict("CT", "immunization", "2022-10-01") != "prohibited"
    assert verdict("WA", "iv_start", "2023-01-01", credentials=["WA_MA_C"]) == "prohibited"
    assert verdict("WA", "iv_start", "2024-01-01", credentials=["WA_MA_C"]) != "prohibited"
