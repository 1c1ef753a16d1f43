"""HR: candidates with dated credentials, hire verdicts with unlock, postings read and judged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_cli import run

from scopecheck.api import Checker
from scopecheck.candidate import load_candidate, renewal_expiry, status_on
from scopecheck.hr import check_posting
from scopecheck.posting import PostingReader

DATA = Path(__file__).parent / "data"


def read(checker: Checker, text: str, state: str | None = None):  # type: ignore[no-untyped-def]
    return PostingReader(checker.lib, checker.resolver).read(text, "posting.txt", state)


def test_cma_renewal_is_60_months_from_the_end_of_the_month() -> None:
    assert renewal_expiry(date(2010, 2, 10), 60) == date(2015, 2, 28)
    assert renewal_expiry(date(2022, 3, 15), 60) == date(2027, 3, 31)


def test_expired_cma_does_not_count_and_unlock_names_the_fix() -> None:
    code, out, _ = run("hire", "--state", "NJ", "--candidate", str(DATA / "candidates" / "expired-cma.toml"),
                       "--duty", "injection_intramuscular", "--format", "json", "--as-of", "2026-11-26")
    data = json.loads(out)
    assert code == 1
    assert data["candidate"]["credentials_counted"] == []
    assert any("expired on 2020-02-29" in w for w in data["warnings"])
    duty = data["duties"][0]
    assert duty["verdict"] == "prohibited"
    assert duty["unlock"] and "Certified Medical Assistant (AAMA)" in duty["unlock"][0]
    assert any("N.J.A.C. 13:35-6.4" in c["cite"] for c in duty["citations"])


def test_current_credentials_count_and_near_expiry_is_warned(checker: Checker) -> None:
    candidate = load_candidate(DATA / "candidates" / "current-rma.json")
    status = status_on(checker.lib, checker.resolver, candidate, date(2026, 11, 26), "current-rma.json")
    assert status.credentials == {"RMA_AMT", "CMA_AAMA"}
    assert any("Registered Medical Assistant" in w and "within 90 days" in w for w in status.warnings)
    cma = next(d for d in status.details if d["id"] == "CMA_AAMA")
    assert cma["expires"] == date(2027, 3, 31) and cma["expiry_computed"]


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ('name = "x"\n[[credentials]]\nid = "CMA"\nissued = 2020-13-01\n', ".toml", "TOML syntax"),
        ('{"credentials": [{"id": "CMAA"}]}', ".json", "unknown credential 'CMAA'"),
        ('{"credentials": [{"id": "CMA", "isued": "2020-01-01"}]}', ".json", "unknown key"),
        ('{"credentials": ', ".json", "not valid JSON"),
        ('{"credentials": [""]}', ".json", "at least 1 character"),
    ],
)
def test_bad_candidate_files_are_one_line_errors(tmp_path: Path, content: str, suffix: str, message: str) -> None:
    path = tmp_path / f"candidate{suffix}"
    path.write_text(content)
    code, out, err = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "vitals")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ny_posting_with_injections_lists_the_duty_as_prohibited_citing_new_york(checker: Checker) -> None:
    report = check_posting(checker, read(checker, "Medical Assistant, Rochester, NY 14620\n"
                                                  "Administer injections as ordered by the physician.\n"
                                                  "CMA required."))
    duty = next(d for d in report.duties if d["task"] == "injection_intramuscular")
    assert duty["verdict"] == "prohibited"
    finding = next(f for f in report.findings if f.kind == "duty_out_of_scope")
    assert any("NYSED" in c["cite"] for c in finding.citations)
    assert report.required_credentials == ["CMA_AAMA"]


def test_telephone_triage_is_flagged_as_judgment_work(checker: Checker) -> None:
    report = check_posting(checker, read(checker, "Medical Assistant in Denver, CO\nPerform telephone triage for the clinic."))
    assert [f.kind for f in report.findings if "triage" in f.text.lower()] == ["judgment_language"]


def test_iowa_xray_work_names_the_permit(checker: Checker) -> None:
    report = check_posting(checker, read(checker, "Medical Assistant - Cedar Rapids, Iowa\nX-ray work as needed."))
    finding = next(f for f in report.findings if "x ray" in f.message.lower() or "x-ray" in f.message.lower())
    assert finding.kind == "missing_requirement" and "Iowa radiologic or limited radiologic technologist permit" in finding.message


def test_negated_and_assisting_duties_are_not_the_mas(checker: Checker) -> None:
    posting = read(checker, "Medical Assistant, Austin, TX\nNo injections.\nAssists the provider with IV starts.\n"
                            "Take vital signs.")
    kinds = {d.task: d.kind for d in posting.duties}
    assert kinds == {"injection_intramuscular": "negated", "iv_start": "assisting", "vital_signs": "duty"}


def test_licensed_ma_demand_and_nurse_title_are_findings(checker: Checker) -> None:
    report = check_posting(checker, read(checker, "Office Nurse / Medical Assistant\nTampa, FL\n"
                                                  "Licensed Medical Assistant required."))
    kinds = {f.kind for f in report.findings}
    assert {"unsupported_demand", "protected_title"} <= kinds


def test_html_posting_is_stripped_and_nothing_is_fetched(checker: Checker) -> None:
    html = ('<html><head><script src="https://example.invalid/x.js"></script><style>p{}</style></head><body>'
            '<h1>Medical Assistant</h1><p>Seattle, WA 98101</p><ul><li>Draw blood</li><li>Give vaccines</li></ul>'
            '<img src="https://example.invalid/pixel.png"></body></html>')
    posting = read(checker, html)
    assert posting.jurisdiction == "WA" and {d.task for d in posting.duties} == {"venipuncture", "immunization"}


@pytest.mark.parametrize(
    "text, message",
    [("", "empty posting"), ("\x00\x01binary", "binary file"),
     ("Asistente médico en algún lugar. Tomar signos vitales.", "cannot tell which state")],
)
def test_unusable_postings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "posting.txt"
    path.write_bytes(text.encode("utf-8"))
    code, out, err = run("posting", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_posting_markdown_report(tmp_path: Path) -> None:
    path = tmp_path / "job.txt"
    path.write_text("Medical Assistant, Albany, NY 12207\nGive flu shots.\n")
    code, out, _ = run("posting", str(path), "--format", "markdown")
    assert code == 1 and out.startswith("## Medical Assistant: New York") and "| immunization |" in out


def test_python_api_for_postings_and_hires() -> None:
    import scopecheck

    report = scopecheck.check_posting("Medical Assistant, Albany, NY 12207\nGive flu shots.", as_of=date(2026, 11, 26))
    assert report.jurisdiction == "NY" and report.findings[0].kind == "duty_out_of_scope"
    hire = scopecheck.check_hire("NJ", {"credentials": [{"id": "CMA", "issued": "2015-02-10", "expires": "2020-02-29"}]},
                                 ["injection_intramuscular"], as_of=date(2026, 11, 26))
    assert hire.duties[0]["verdict"] == "prohibited" and hire.duties[0]["unlock"]


def test_cli_hire_with_a_9999_issue_date_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"credentials": [{"id": "CMA", "issued": "9999-06-01"}]}))
    code, out, err = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "vitals")
    assert code == 2 and "not a plausible issue date" in err and "Traceback" not in err
