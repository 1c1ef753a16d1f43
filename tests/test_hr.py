"""HR: candidates with dated credentials, hire verdicts with unlock, postings read and judged."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO
from test_cli import run

from scopecheck.decide.checker import Checker
from scopecheck.hr.candidate import load_candidate, renewal_expiry, status_on
from scopecheck.hr.checks import check_posting
from scopecheck.hr.posting import PostingReader

DATA = Path(__file__).parent / "data"


def read(checker: Checker, text: str, state: str | None = None):  # type: ignore[no-untyped-def]
    return PostingReader(checker.lib, checker.resolver).read(text, "posting.txt", state)


def test_cma_renewal_is_60_months_from_the_end_of_the_month() -> None:
    assert renewal_expiry(date(2010, 2, 10), 60) == date(2015, 2, 28)
    assert renewal_expiry(date(2022, 3, 15), 60) == date(2027, 3, 31)


def test_expired_cma_does_not_count_and_unlock_names_the_fix() -> None:
    code, out, _ = run(
        "hire",
        "--state",
        "NJ",
        "--candidate",
        str(DATA / "candidates" / "expired-cma.toml"),
        "--duty",
        "injection_intramuscular",
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
    )
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
        (
            'name = "x"\n[[credentials]]\nid = "CMA"\nissued = 2020-13-01\n',
            ".toml",
            "[issued] 2020-13-01 is not a date",
        ),
        ('{"credentials": [{"id": "CMAA"}]}', ".json", "unknown credential 'CMAA'"),
        ('{"credentials": [{"id": "CMA", "isued": "2020-01-01"}]}', ".json", "unknown key"),
        ('{"credentials": ', ".json", "not valid JSON"),
        ('{"credentials": [""]}', ".json", "at least 1 character"),
    ],
)
def test_bad_candidate_files_are_one_line_errors(tmp_path: Path, content: str, suffix: str, message: str) -> None:
    path = tmp_path / f"candidate{suffix}"
    path.write_text(content)
    code, _out, err = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "vitals")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ny_posting_with_injections_lists_the_duty_as_prohibited_citing_new_york(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Rochester, NY 14620\nAdminister injections as ordered by the physician.\nCMA required.",
        ),
    )
    duty = next(d for d in report.duties if d["task"] == "injection_intramuscular")
    assert duty["verdict"] == "prohibited"
    finding = next(f for f in report.findings if f.kind == "duty_out_of_scope")
    assert any("NYSED" in c["cite"] for c in finding.citations)
    assert report.required_credentials == ["CMA_AAMA"]


def test_telephone_triage_is_flagged_as_judgment_work(checker: Checker) -> None:
    report = check_posting(
        checker, read(checker, "Medical Assistant in Denver, CO\nPerform telephone triage for the clinic.")
    )
    assert [f.kind for f in report.findings if "triage" in f.text.lower()] == ["judgment_language"]


def test_iowa_xray_work_names_the_permit(checker: Checker) -> None:
    report = check_posting(checker, read(checker, "Medical Assistant - Cedar Rapids, Iowa\nX-ray work as needed."))
    finding = next(f for f in report.findings if "x ray" in f.message.lower() or "x-ray" in f.message.lower())
    assert (
        finding.kind == "missing_requirement"
        and "Iowa radiologic or limited radiologic technologist permit" in finding.message
    )


def test_negated_and_assisting_duties_are_not_the_mas(checker: Checker) -> None:
    posting = read(
        checker,
        "Medical Assistant, Austin, TX\nNo injections.\nAssists the provider with IV starts.\nTake vital signs.",
    )
    kinds = {d.task: d.kind for d in posting.duties}
    assert kinds == {"injection_intramuscular": "negated", "iv_start": "assisting", "vital_signs": "duty"}


def test_licensed_ma_demand_and_nurse_title_are_findings(checker: Checker) -> None:
    report = check_posting(
        checker, read(checker, "Office Nurse / Medical Assistant\nTampa, FL\nLicensed Medical Assistant required.")
    )
    kinds = {f.kind for f in report.findings}
    assert {"unsupported_demand", "protected_title"} <= kinds


def test_html_posting_is_stripped_and_nothing_is_fetched(checker: Checker) -> None:
    html = (
        '<html><head><script src="https://example.invalid/x.js"></script><style>p{}</style></head><body>'
        "<h1>Medical Assistant</h1><p>Seattle, WA 98101</p><ul><li>Draw blood</li><li>Give vaccines</li></ul>"
        '<img src="https://example.invalid/pixel.png"></body></html>'
    )
    posting = read(checker, html)
    assert posting.jurisdiction == "WA" and {d.task for d in posting.duties} == {"venipuncture", "immunization"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty posting"),
        ("\x00\x01binary", "binary file"),
        ("Asistente médico en algún lugar. Tomar signos vitales.", "cannot tell which state"),
    ],
)
def test_unusable_postings_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "posting.txt"
    path.write_bytes(text.encode("utf-8"))
    code, _out, err = run("posting", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_posting_markdown_report(tmp_path: Path) -> None:
    path = tmp_path / "job.txt"
    path.write_text("Medical Assistant, Albany, NY 12207\nGive flu shots.\n")
    code, out, _ = run("posting", str(path), "--format", "markdown")
    assert code == 1 and out.startswith("## Medical Assistant: New York") and "| immunization |" in out


def test_posting_markdown_never_passes_the_postings_words_on_as_markup(tmp_path: Path) -> None:
    """The report is for pasting into a ticket: an <img onerror>, a [link](javascript:) or a | in a
    duty line of the posting came out as live HTML, a link and a broken table."""
    path = tmp_path / "job`x.md"
    path.write_text(
        "Medical Assistant - Albany, NY\n\nDuties:\n- Vital signs | height/weight | draw blood\n"
        "- Administer vaccines <img src=x onerror=alert(1)> to children [more](javascript:alert(1)) **now**\n"
    )
    code, out, _ = run("posting", str(path), "--format", "markdown")
    assert code == 1 and "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert not re.search(r"(?<!\\)\]\(javascript", out) and "\\[more\\]" in out
    assert "job\\`x.md" in out  # the file's name too
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) > 2 and all(len(re.findall(r"(?<!\\)\|", row)) == 4 for row in rows), rows
    links = re.findall(r"\]\(<([^>]*)>\)", out)
    assert links and all(link.startswith(("https://", "http://")) for link in links)


def test_python_api_for_postings_and_hires() -> None:
    import scopecheck

    report = scopecheck.check_posting("Medical Assistant, Albany, NY 12207\nGive flu shots.", as_of=date(2026, 11, 26))
    assert report.jurisdiction == "NY" and report.findings[0].kind == "duty_out_of_scope"
    hire = scopecheck.check_hire(
        "NJ",
        {"credentials": [{"id": "CMA", "issued": "2015-02-10", "expires": "2020-02-29"}]},
        ["injection_intramuscular"],
        as_of=date(2026, 11, 26),
    )
    assert hire.duties[0]["verdict"] == "prohibited" and hire.duties[0]["unlock"]


# ---- issue 14: job postings as HR sees them


def duties_of(posting, kind: str = "duty") -> set[str]:  # type: ignore[no-untyped-def]
    return {d.task for d in posting.duties if d.kind == kind}


def test_benefits_health_eeo_schedule_and_qualifications_give_no_duties(checker: Checker) -> None:
    posting = read(
        checker,
        """Medical Assistant - Denver, CO
Responsibilities:
- Take vital signs and room patients.
Benefits and Perks:
- Free virtual primary care: 80 free labs, free x-rays, and physical tests
- Tuition reimbursement for phlebotomy courses
Schedule: Full-time, 40 hours per week
Immunization Requirements:
- Hepatitis B vaccination records and titers
- Tuberculosis PPD Skin Test that is no older than 12 months
All employees must provide proof of flu vaccination as a condition of employment.
A drug screen is required prior to hire.
Qualifications:
- Experience performing venipuncture preferred
- Knowledge of EKG and injections
About Us:
We believe in a culture where every patient receives injections of kindness.
We are an equal opportunity employer; all qualified applicants receive consideration without regard to disability.
""",
    )
    assert duties_of(posting) == {"vital_signs", "patient_history"}


def test_usajobs_overview_fields_are_not_duties(checker: Checker) -> None:
    posting = read(
        checker,
        "Health Technician\nDepartment of Veterans Affairs\nOverview\nHelp\nAppointment type\nPermanent\n"
        "Work schedule\nFull-time\nDrug test\nYes\nDuties\nHelp\nTakes vital signs and draws blood.\n"
        "Requirements\nConditions of Employment\nMust pass a pre-employment TB test and flu vaccination.",
        "TX",
    )
    assert duties_of(posting) == {"vital_signs", "venipuncture"}


def test_html_definition_lists_and_table_cells_do_not_glue(checker: Checker) -> None:
    markup = (
        "<html><body><h1>Medical Assistant</h1><p>Austin, TX</p><dl><dt>Duties</dt><dd>Take vital signs</dd>"
        "<dd>No IV starts</dd></dl><table><tr><td>Draw blood</td><td>Injections are not part of this role</td></tr>"
        "</table><section>Greet patients</section><aside>Schedule appointments</aside></body></html>"
    )
    posting = read(checker, markup)
    kinds = {d.task: d.kind for d in posting.duties}
    assert kinds["iv_start"] == "negated" and kinds["injection_intramuscular"] == "negated"
    assert {"vital_signs", "venipuncture", "front_desk", "schedule_appointments"} <= duties_of(posting)


@pytest.mark.parametrize(
    "sentence",
    [
        "The MA is prohibited from giving injections.",
        "Clinical duties excluding injections.",
        "MAs can't give injections here.",
        "You won't give injections.",
        "Injections are not part of this role.",
        "Medical assistants may not give injections.",
    ],
)
def test_negated_duties_in_postings(checker: Checker, sentence: str) -> None:
    posting = read(checker, f"Medical Assistant, Austin, TX\n{sentence}\nTake vital signs.")
    assert {d.task: d.kind for d in posting.duties}["injection_intramuscular"] == "negated"
    assert duties_of(posting) == {"vital_signs"}


def test_assisting_with_lasers_and_injections_is_not_doing_them_but_performing_ultrasounds_is(checker: Checker) -> None:
    posting = read(checker, "Medical Assistant, Austin, TX\nAssist in lasers and injections.\nPerform ultrasounds.")
    assert not {"laser_procedure", "injection_intramuscular"} & duties_of(posting)
    assert "injection_intramuscular" in duties_of(posting, "assisting")
    assert "ultrasound_perform" in duties_of(posting)


def test_assisting_with_routine_work_is_the_mas_duty(checker: Checker) -> None:
    posting = read(
        checker,
        "Medical Assistant, Helena, MT\nResponsible for greeting and assisting patients, monitoring the "
        "clinic, and maintaining medical records.\nSupporting nurses by performing basic patient care "
        "tasks like taking vital signs, drawing blood.",
    )
    assert {"front_desk", "maintain_records", "vital_signs", "venipuncture"} <= duties_of(posting)


@pytest.mark.parametrize(
    "sentence, required",
    [
        ("Our training provides a pathway to becoming a Certified Medical Assistant!", None),
        ("CMA certification preferred.", False),
        ("CMA certification is beneficial.", False),
        ("A Patient Care Tech may be enrolled in the CMA course.", False),
        ("CMA required.", True),
    ],
)
def test_a_cma_named_is_not_always_a_required_cma(checker: Checker, sentence: str, required: bool | None) -> None:
    posting = read(checker, f"Medical Assistant, Austin, TX\n{sentence}")
    found = [d for d in posting.demands if "CMA_AAMA" in d.credentials]
    assert ([d.required for d in found] or [None]) == [required]


def test_one_of_cma_rma_ccma_or_ncma_is_any_of(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker, "Medical Assistant, Albany, NY 12207\nTake vital signs.\nOne of CMA, RMA, CCMA or NCMA required."
        ),
        date(2026, 11, 26),
    )
    assert report.required_credentials == []
    assert report.required_any_of == [["CCMA_NHA", "CMA_AAMA", "NCMA_NCCT", "RMA_AMT"]]


def test_a_one_of_the_following_list_is_one_any_of_demand(checker: Checker) -> None:
    posting = read(
        checker,
        "Medical Assistant, Richmond, VA 23220\nRequired Licensing & Certifications:\n"
        "Active Medical Assisting certification from one of the following (required within 12 months):\n"
        "Certified Medical Assistant (CMA)\nRegistered Medical Assistant (RMA)\n"
        "Nationally Certified Medical Assistant (NCMA)\n"
        "Nationally Registered Certified Medical Assistant (NRCMA)\nBLS required.",
    )
    [demand] = [d for d in posting.demands if d.credentials]
    assert demand.any_of and demand.required
    assert set(demand.credentials) == {"CMA_AAMA", "RMA_AMT", "NCMA_NCCT", "NRCMA_NAHP"}


@pytest.mark.parametrize(
    "sentence, credential",
    [
        ("Certified Ophthalmic Assistant (COA) required.", "COA_JCAHPO"),
        ("NRCMA certification required.", "NRCMA_NAHP"),
        ("Certification from the National Healthcareer Association (NHA) required.", "CCMA_NHA"),
        ("Must hold CPT (NHA) certification.", "CPT_NHA"),
        ("PBT (ASCP) certification required.", "PBT_ASCP"),
        ("Certified EKG Technician (CET) required.", "CET_NHA"),
        ("Certified Professional Coder (CPC) required.", "CPC_AAPC"),
        ("CCS (AHIMA) certification required.", "CCS_AHIMA"),
        ("Certified Nursing Assistant certification required.", "CNA"),
        ("Active LPN license required.", "LPN"),
        ("Current EMT certification required.", "EMT"),
        ("Nationally Certified Medical Assistant (NCMA) required.", "NCMA_NCCT"),
    ],
)
def test_credentials_postings_name(checker: Checker, sentence: str, credential: str) -> None:
    posting = read(checker, f"Medical Assistant, Austin, TX\n{sentence}")
    assert [c for d in posting.demands for c in d.credentials] == [credential]


def test_a_credential_the_posting_redefines_is_not_the_ma_credential(checker: Checker) -> None:
    posting = read(
        checker, "Certified Medication Aide (CMA)\nMacon, GA\nThe CMA administers prescribed drugs. CMA required."
    )
    assert not any("CMA_AAMA" in d.credentials for d in posting.demands) and posting.title_id is None


def test_supervision_rn_nursing_superior_manager_and_autonomy_are_read(checker: Checker) -> None:
    rn = read(
        checker, "Medical Assistant, Austin, TX\nAdministers injections under the direction of a nursing superior."
    )
    assert rn.supervisors == ["rn"] and rn.supervisor == "rn"
    manager = read(
        checker,
        "Medical Assistant, Chicago, IL\nThis position works under the supervision of the Health Center Manager.",
    )
    assert manager.supervisors == ["manager"] and manager.supervisor is None
    listed = read(
        checker,
        "Medical Assistant, St Paul, MN\nUnder direct supervision of licensed nurse practitioner, "
        "physician’s assistant, physician, or registered nurse.",
    )
    assert listed.supervisors == ["np", "pa", "physician", "rn"]
    ours = read(checker, "Medical Assistant, Raleigh, NC\nJoin our practice under the supervision of our physicians.")
    assert ours.supervisors == ["physician"]
    alone = read(checker, "Medical Assistant, Nashville, TN\nOften working autonomously with our patients.")
    assert alone.autonomous and alone.autonomy == "none"


def test_pennsylvania_rn_directed_injections_are_a_supervision_warning(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Philadelphia, PA 19107\nAdministers injections "
            "under the direction of a nursing superior.",
        ),
        date(2026, 11, 26),
    )
    finding = next(f for f in report.findings if f.kind == "supervision")
    assert finding.severity == "warning" and "registered nurse" in finding.message and "Pennsylvania" in finding.message
    assert report.worst != "error"


def test_a_manager_named_alone_and_autonomous_work_are_findings(checker: Checker) -> None:
    manager = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Chicago, IL\nTake vital signs.\nThis position works "
            "under the supervision of the Health Center Manager.",
        ),
        date(2026, 11, 26),
    )
    assert any(f.kind == "supervision" and "manager" in f.message for f in manager.findings)
    alone = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Nashville, TN\nLaboratory duties and instrument "
            "sterilization, often working autonomously with our patients.",
        ),
        date(2026, 11, 26),
    )
    assert any(f.kind == "supervision" and "autonomously" in f.message for f in alone.findings)


@pytest.mark.parametrize(
    "text, title, title_id",
    [
        (
            "Title: Medical Assistant (MA), LPN, or RN – Little Canada, MN\nTake vital signs.",
            "Medical Assistant (MA), LPN, or RN",
            "medical_assistant",
        ),
        ("We are seeking a caring Medical Assistant to join our team in Austin, TX.\nTake vital signs.", None, None),
        (
            "Health Assistant\nAustin, TX\nLike a medical assistant, you will take vital signs.",
            "Health Assistant",
            None,
        ),
        (
            "NCMA - Medical Office\nAustin, TX\nTake vital signs.",
            "NCMA - Medical Office",
            "national_certified_medical_assistant",
        ),
    ],
)
def test_titles(checker: Checker, text: str, title: str | None, title_id: str | None) -> None:
    posting = read(checker, text)
    assert (posting.title, posting.title_id) == (title, title_id)


@pytest.mark.parametrize(
    "words, title_id, credentials",
    [
        ("NCMA", "national_certified_medical_assistant", ["NCMA_NCCT"]),
        ("National Certified Medical Assistant", "national_certified_medical_assistant", ["NCMA_NCCT"]),
        ("CCMA", "certified_clinical_medical_assistant", ["CCMA_NHA"]),
        ("Healthcare Administrator", "healthcare_administrator", []),
        ("Clinical Supervisor", "clinical_supervisor", []),
        ("Director of Medical Services", "director_medical_services", []),
        ("Medical Billing and Coding Specialist", "medical_billing_coding_specialist", []),
    ],
)
def test_titles_in_the_catalogue(checker: Checker, words: str, title_id: str, credentials: list[str]) -> None:
    assert checker.resolver.title(words) == title_id
    assert list(checker.lib.titles[title_id].credentials) == credentials


def test_a_nurse_hired_as_a_nurse_is_not_a_protected_title(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Title: Medical Assistant (MA), Licensed Practical Nurse (LPN), or "
            "Registered Nurse (RN) – St Paul, MN\nTake vital signs.",
        ),
        date(2026, 11, 26),
    )
    kinds = {f.kind for f in report.findings}
    assert "protected_title" not in kinds and "mixed_role" in kinds


@pytest.mark.parametrize(
    "sentence",
    [
        "Handles fee assessment and insurance coverage questions.",
        "Enters diagnosis codes for billing.",
        "Interpret medical records requests from patients.",
        "Performs pupil assessment with a penlight.",
        "Provide additional education after clinician or RN assessment.",
        "Arranges interpretation services for patients.",
        "Recognizes and reports abnormal laboratory values to the physician.",
        "Assists medical staff with services for the diagnosing or treatment of patients.",
    ],
)
def test_words_that_are_not_judgment_work(checker: Checker, sentence: str) -> None:
    report = check_posting(checker, read(checker, f"Medical Assistant, Austin, TX\n{sentence}"), date(2026, 11, 26))
    assert not [f for f in report.findings if f.kind == "judgment_language"]
    assert report.worst != "error"


@pytest.mark.parametrize(
    "sentence",
    [
        "Interview and screen patients.",
        "Provides basic telephone screening.",
        "Manage patients with medical emergencies per protocol.",
        "Order diagnostic tests as needed.",
        "Conduct patient assessment.",
    ],
)
def test_words_that_are_judgment_work(checker: Checker, sentence: str) -> None:
    report = check_posting(checker, read(checker, f"Medical Assistant, Austin, TX\n{sentence}"), date(2026, 11, 26))
    assert [f.kind for f in report.findings if f.kind == "judgment_language"]
    assert report.worst == "warning"  # wording, not a duty the law names: a warning


def test_washington_no_certification_needed_with_blood_draws_is_a_finding(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(checker, "Medical Assistant - Seattle, WA 98101\nPerform blood draws.\nNo certification needed!"),
        date(2026, 11, 26),
    )
    kinds = {f.kind: f for f in report.findings}
    assert (
        "missing_requirement" in kinds
        and "Washington Medical Assistant-Phlebotomist" in kinds["missing_requirement"].message
    )
    assert kinds["state_credential"].severity == "warning"


def test_washington_doh_ma_license_is_the_state_credential(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Title: CMA - Certified Medical Assistant\nLocation: Tacoma, WA\n"
            "Responsibilities:\n- Perform phlebotomy, EKGs, administer injections.\n"
            "Qualifications:\n- Active Washington DOH MA license",
        ),
        date(2026, 11, 26),
    )
    assert report.required_credentials == ["WA_MA_C"]
    assert not {"state_credential", "duty_out_of_scope", "missing_requirement", "unsupported_demand"} & {
        f.kind for f in report.findings
    }


@pytest.mark.parametrize(
    "text, state",
    [
        (
            "Medical Assistant\nRichmond, VA 23220\nNCMA (not accepted in the state of South Carolina)\n"
            "NRCMA certifications are not accepted in the state of South Carolina",
            "VA",
        ),
        ("MICHIGAN CIVIL SERVICE COMMISSION\nCORRECTIONS MEDICAL ASSISTANT", "MI"),
        ("Para-Medical Assistant I\nState of Hawai'i", "HI"),
        ("Patient Care Associate\nLocation: Bronx, Ny (10461)", "NY"),
    ],
)
def test_the_jobs_state(checker: Checker, text: str, state: str) -> None:
    assert read(checker, text).jurisdiction == state


def test_a_spanish_posting_is_read(checker: Checker) -> None:
    posting = read(
        checker,
        "Asistente Médico - Houston, TX\nFunciones: tomar signos vitales, aplicar inyecciones, "
        "extracción de sangre y programar citas.",
    )
    assert {"vital_signs", "injection_intramuscular", "venipuncture", "schedule_appointments"} <= duties_of(posting)


def test_a_posting_not_understood_is_said_so(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Asistente Médico - Houston, TX\nEl asistente participa en la prestación "
            "de atención al paciente y ofrece un servicio al cliente de calidad en "
            "la clínica, con los médicos y el personal de la clínica.",
        ),
        date(2026, 11, 26),
    )
    assert [f.kind for f in report.findings] == ["not_understood"]
    english = check_posting(
        checker, read(checker, "Medical Assistant, Austin, TX\nJoin our friendly team!"), date(2026, 11, 26)
    )
    assert [f.kind for f in english.findings] == ["no_duties"]


def test_work_no_ma_task_covers_is_a_finding(checker: Checker) -> None:
    report = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Columbia, SC\nPerforms professional dental hygiene "
            "treatments.\nThe MA may not suture wounds.",
        ),
        date(2026, 11, 26),
    )
    assert [f.kind for f in report.findings] == ["not_an_ma_task"]


def test_work_the_catalogue_has_no_task_for_is_not_judged_never_forbidden(checker: Checker) -> None:
    """Duty lines of real postings (phrasings.toml's 'manet-cando', holdout11's audiology assistant):
    keeping stock and otoscopy are work MAs may well do that no task of the catalogue covers. A posting
    that gives them is told scopecheck does not judge them (info), not that an MA may not be given them."""
    report = check_posting(
        checker,
        read(
            checker,
            "Medical Assistant, Columbia, SC\nPerform inventory control and ordering supplies\n"
            "Perform nondiagnostic otoscopy.\nPerforms professional dental hygiene treatments.",
        ),
        date(2026, 11, 26),
    )
    found = [(f.kind, f.severity, f.message.split("'")[1]) for f in report.findings]
    assert found == [
        ("unknown_duty", "info", "inventory"),
        ("unknown_duty", "info", "otoscopy"),
        ("not_an_ma_task", "warning", "dental hygiene"),  # the dental board's work: an MA may not be given it
    ], found
    assert all("may not be given" not in f.message for f in report.findings if f.kind == "unknown_duty")


# ---- hire: what binds the candidate


def test_hire_shows_the_conditions_that_bind_the_candidate(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text('{"name": "No Cred", "credentials": []}')
    _code, out, _ = run(
        "hire",
        "--state",
        "SC",
        "--candidate",
        str(path),
        "--duty",
        "medication_oral",
        "--as-of",
        "2025-11-26",
        "--format",
        "json",
    )
    duty = json.loads(out)["duties"][0]
    assert duty["verdict"] == "conditional"
    assert any("before July 15, 2020" in b for b in duty["binding"])
    _code, out, _ = run(
        "hire", "--state", "SC", "--candidate", str(path), "--duty", "medication_oral", "--as-of", "2025-11-26"
    )
    assert "binds the candidate" in out and "before July 15, 2020" in out


def test_hire_on_a_low_confidence_rule_says_so(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text('{"name": "No Cred", "credentials": []}')
    _code, out, _ = run(
        "hire",
        "--state",
        "NV",
        "--candidate",
        str(path),
        "--duty",
        "venipuncture",
        "--supervisor",
        "physician",
        "--supervision",
        "direct",
        "--as-of",
        "2026-11-26",
        "--format",
        "json",
    )
    data = json.loads(out)
    duty = data["duties"][0]
    assert duty["verdict"] == "allowed" and duty["confidence"] == "low"
    assert any("phlebotomist" in b for b in duty["binding"])
    assert any("low-confidence" in w for w in data["warnings"])
    _code, out, _ = run(
        "hire",
        "--state",
        "NV",
        "--candidate",
        str(path),
        "--duty",
        "venipuncture",
        "--supervisor",
        "physician",
        "--supervision",
        "direct",
        "--as-of",
        "2026-11-26",
    )
    assert "confidence: low" in out and "phlebotomist" in out


def test_hire_uses_a_titles_implied_credentials_and_warns_on_another_states(tmp_path: Path) -> None:
    unstated = tmp_path / "unstated.json"
    unstated.write_text('{"name": "Jo"}')
    _code, out, _ = run(
        "hire",
        "--state",
        "NJ",
        "--candidate",
        str(unstated),
        "--title",
        "Certified Medical Assistant",
        "--as-of",
        "2026-11-26",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert data["candidate"]["credentials_counted"] == ["CMA_AAMA"] and any("implies" in w for w in data["warnings"])
    other = tmp_path / "wa.json"
    other.write_text('{"name": "Jo", "credentials": ["MA-C"]}')
    _code, out, _ = run("hire", "--state", "OR", "--candidate", str(other), "--duty", "vitals", "--format", "json")
    assert any("WA credential" in w and "Oregon" in w for w in json.loads(out)["warnings"])


def test_hire_accepts_specialty_certificates(tmp_path: Path, checker: Checker) -> None:
    path = tmp_path / "phleb.json"
    path.write_text('{"name": "Jo", "credentials": ["CPT (NHA)", "PBT (ASCP)", "CET", "CPC", "COA"]}')
    status = status_on(checker.lib, checker.resolver, load_candidate(path), date(2026, 11, 26), "phleb.json")
    assert status.credentials == {"CPT_NHA", "PBT_ASCP", "CET_NHA", "CPC_AAPC", "COA_JCAHPO"}


def test_cli_hire_with_a_9999_issue_date_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"credentials": [{"id": "CMA", "issued": "9999-06-01"}]}))
    code, _out, err = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "vitals")
    assert code == 2 and "not a plausible issue date" in err and "Traceback" not in err


def test_what_a_posting_says_to_no_reader_is_not_read_as_a_duty(tmp_path: Path) -> None:
    """An HTML comment in Markdown (not shown when rendered) and a web address's words were read as
    duties: "MA will administer vaccines and start IVs" in a comment gave New York errors, and the
    "vs=28" of a tracking address gave vital signs."""
    md = tmp_path / "job.md"
    md.write_text(
        "<!-- internal note: MA will administer vaccines and start IVs -->\n# Medical Assistant - Albany, NY\n\n"
        "- Take vital signs\n- Schedule appointments\n"
    )
    code, out, _ = run("posting", str(md), "--format", "json")
    assert code == 0 and [d["task"] for d in json.loads(out)["duties"]] == ["vital_signs", "schedule_appointments"]
    txt = tmp_path / "job.txt"
    txt.write_text(
        "Medical Assistant, Newark, NJ\nApply at http://jobs.example/ma/?utm_medium=feed&vs=28&iv=1\nGreets patients.\n"
    )
    code, out, _ = run("posting", str(txt), "--format", "json")
    assert code == 0 and [d["task"] for d in json.loads(out)["duties"]] == ["front_desk"], out


def test_a_duty_is_quoted_in_the_postings_own_words(checker: Checker) -> None:
    """A duty named by a frame alone ("Schedules new and return appointments") was quoted in the
    matcher's stems, 'schedul', in the report and the page's highlight."""
    text = (REPO / "tests" / "data" / "postings" / "06-WA-ofm-class-spec-543.txt").read_text(encoding="utf-8")
    duties = PostingReader(checker.lib, checker.resolver).read(text, "06-WA", "WA").duties
    scheduling = [d for d in duties if d.task == "schedule_appointments"]
    words = [(set(re.findall(r"\w+", d.text.casefold())), re.findall(r"\w+", d.matched.casefold())) for d in scheduling]
    assert scheduling and all(set(quoted) <= said for said, quoted in words), scheduling


def test_medication_given_with_no_route_is_read_and_weighed_by_its_routes(tmp_path: Path) -> None:
    """ "Administer medications" named no one task and was dropped unsaid, in 8 of 22 real postings;
    in New York every route but eye or ear drops is prohibited for an MA."""
    path = tmp_path / "job.txt"
    path.write_text(
        "Medical Assistant\nDuties:\n- Administer medications as directed by the provider.\n- Take vital signs.\n"
    )
    code, out, _ = run("posting", str(path), "--state", "NY", "--format", "json")
    report = json.loads(out)
    duty = next(d for d in report["duties"] if d["kind"] == "no_route")
    assert duty["matched"] == "administer medications" and "injection_intramuscular" in duty["routes"]
    found = [f for f in report["findings"] if f["kind"] == "unstated_route"]
    assert code == 0 and len(found) == 1 and found[0]["severity"] == "warning" and found[0]["citations"]
    assert "give oral medication" in found[0]["message"] and "eye or ear drops" not in found[0]["message"]
    code, out, _ = run("posting", str(path), "--state", "CA", "--format", "json")
    assert code == 0 and not [f for f in json.loads(out)["findings"] if f["kind"] == "unstated_route"]


@pytest.mark.parametrize(
    "sentence, tasks",
    [  # 78-NJ (validation2; blind, it gave an IV start and an interpretation, both errors in New Jersey)
        (
            "Draws intravenous or capillary blood from newborn through geriatric aged patients",
            ["venipuncture", "capillary_puncture"],
        ),
        (
            "Compiles EKG reports for physician interpretation (including associated billing charges).",
            ["billing_coding"],
        ),
        # a phrasing corpus's posting line: venous blood was lost to the capillary blood beside it
        (
            "obtains venous and capillary blood specimens needed for laboratory tests",
            ["venipuncture", "capillary_puncture"],
        ),
    ],
)
def test_words_that_share_a_noun_or_name_anothers_reading(checker: Checker, sentence: str, tasks: list[str]) -> None:
    duties = PostingReader(checker.lib, checker.resolver).duties(sentence)
    assert [d.task for d in duties if d.kind == "duty"] == tasks, duties


@pytest.mark.parametrize(
    "title, what",
    [("Veterinary Assistant", "veterinary work"), ("Dental Assistant", "dental work"), ("Vet Tech", "veterinary work")],
)
def test_a_posting_for_a_role_outside_ma_law_says_so_and_judges_no_duty_under_it(
    tmp_path: Path, title: str, what: str
) -> None:
    """A veterinary assistant's "Administer animal vaccinations" and "Triage all patients" were judged
    as an MA's in New York and Texas (errors); dental postings were warned only where a line said
    "dental"."""
    path = tmp_path / "job.txt"
    path.write_text(f"{title}\nDuties:\n- Administer vaccinations and oral medications.\n- Triage all patients.\n")
    code, out, _ = run("posting", str(path), "--state", "NY", "--format", "json")
    report = json.loads(out)
    assert code == 0 and [f["kind"] for f in report["findings"]] == ["not_an_ma_task"]
    assert what in report["findings"][0]["message"] and report["duties"]
    assert all(d["verdict"] is None for d in report["duties"])
    path.write_text("Medical Assistant\nDuties:\n- Administer vaccinations.\n")  # an MA's posting: judged
    code, out, _ = run("posting", str(path), "--state", "NY", "--format", "json")
    assert code == 1 and "duty_out_of_scope" in [f["kind"] for f in json.loads(out)["findings"]]


def test_terminal_control_characters_from_outside_are_printed_inert(tmp_path: Path) -> None:
    """An ESC ] ... BEL sequence in a posting's title set the reader's terminal title; a colour code
    in a candidate's name coloured the rest of the report."""
    posting = tmp_path / "job.txt"
    posting.write_text("Medical Assistant \x1b]0;PWNED\x07 Albany, NY\nTake vital signs \x1b[31mnow\x1b[0m.\n")
    candidate = tmp_path / "c.json"
    candidate.write_text(json.dumps({"name": "Jane \x1b[2J\x9b Doe", "credentials": ["CMA"]}))
    for fmt in ("text", "markdown"):
        code, out, _ = run("posting", str(posting), "--format", fmt)
        shown = out.replace("\\]", "]")  # Markdown escapes the bracket
        assert code == 0 and "\x1b" not in out and "\x07" not in out and "\ufffd]0;PWNED\ufffd" in shown
    code, out, _ = run("hire", "--state", "CA", "--candidate", str(candidate), "--duty", "vitals")
    assert out.startswith("Jane \ufffd") and "\x1b" not in out and "\x9b" not in out
    code, out, _ = run("posting", str(posting), "--format", "json")  # JSON escapes them itself
    assert "\\u001b]0;PWNED\\u0007" in out


@pytest.mark.parametrize("key", ["credentials", "trainings"])
def test_a_candidate_holding_none_and_something_is_refused_as_check_refuses_it(tmp_path: Path, key: str) -> None:
    """["CMA", "none"] was read as holding a CMA, 'none' dropped unsaid; `check` refuses the same."""
    held = ["CMA", "none"] if key == "credentials" else ["training_injections_10h", "none"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"name": "J", key: held}))
    code, out, err = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "flu shot")
    assert code == 2 and not out and f"{key}: 'none' cannot be combined" in err and err.count("\n") == 1, err


def test_another_states_credential_is_not_counted_where_it_does_not_count(tmp_path: Path) -> None:
    """Washington's MA-C in California: "Credentials that count: WA_MA_C" above the warning that it
    does not count there, and `counts: true` in the JSON."""
    path = tmp_path / "wa.json"
    path.write_text('{"name": "A", "credentials": ["MA-C"]}')
    _, out, _ = run("hire", "--state", "CA", "--candidate", str(path), "--duty", "ekg", "--format", "json")
    candidate = json.loads(out)["candidate"]
    assert candidate["credentials_counted"] == [] and [c["counts"] for c in candidate["credentials"]] == [False]
    assert any("does not count in California" in w for w in json.loads(out)["warnings"])
    _, out, _ = run("hire", "--state", "WA", "--candidate", str(path), "--duty", "ekg", "--format", "json")
    assert json.loads(out)["candidate"]["credentials_counted"] == ["WA_MA_C"]


def test_a_hires_duty_words_mean_what_they_mean_in_a_check(tmp_path: Path) -> None:
    """ "give injections" fits three routes: `check` answers where all three get the same answer, and
    a hire asked it back everywhere (the CLI, the API, the page and the library alike)."""
    import scopecheck

    path = tmp_path / "a.json"
    path.write_text('{"name": "A", "credentials": ["CMA"]}')
    code, out, _ = run(
        "hire", "--state", "CA", "--candidate", str(path), "--duty", "give injections", "--format", "json"
    )
    duty = json.loads(out)["duties"][0]
    checked = json.loads(
        run("check", "--state", "CA", "--task", "give injections", "--credential", "CMA", "--format", "json")[1]
    )
    assert code == 0 and (duty["task"], duty["verdict"]) == (checked["task"], checked["verdict"])
    assert "each gets this same answer here" in duty["task_note"]
    assert (
        scopecheck.check_hire("CA", {"credentials": ["CMA"]}, ["injections"]).duties[0]["verdict"] == checked["verdict"]
    )
    words = "draw blood and give flu shots"  # in New York the two get different answers: asked back
    code, out, err = run("hire", "--state", "NY", "--candidate", str(path), "--duty", words)
    assert (
        code == 2 and not out and err.startswith(f"scopecheck: error: --duty: '{words}' could mean more than one task")
    )


def test_a_duty_whose_words_name_another_state_is_asked_back(tmp_path: Path) -> None:
    """A duty typed as a question is (a tuned set's words naming Florida, holdout12): asked of a hire in
    California, which state's law is meant is not guessed; in Florida it is answered. A posting's lines are
    not checked so (a posting names its own state's certificates)."""
    candidate = tmp_path / "c.json"
    candidate.write_text('{"credentials": []}')
    words = "Can medical assistants start IVs in Florida?"
    code, out, err = run("hire", "--state", "CA", "--candidate", str(candidate), "--duty", words)
    assert code == 2 and not out and err.count("\n") == 1, err
    assert "--duty: the words name Florida (FL), not California (CA)" in err, err
    code, out, err = run("hire", "--state", "FL", "--candidate", str(candidate), "--duty", words)
    assert code in (0, 1) and "Start an IV" in out, (code, out, err)
