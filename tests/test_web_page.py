"""The page through the framework's test client: every form field's bad value gets a message beside
the field (never a 500), suggestions and ambiguous words as links that re-ask, escaping, the hire
tab and the map's categories. The real browser is test_web_browser.py; the guards test_web_guard.py."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("jinja2", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("httpx", reason="the test client needs httpx: pip install '.[webtest]'")

from fastapi.testclient import TestClient

from scopecheck.decide.checker import Checker
from scopecheck.interfaces.category import CATEGORIES, category
from scopecheck.interfaces.render import safe_url
from scopecheck.interfaces.web.app import create_app


def matcher_checker() -> Checker:
    """The checker the page tests use (the real matcher since it landed)."""
    return Checker()


CHECKER = matcher_checker()
CLIENT = TestClient(create_app(CHECKER), raise_server_exceptions=False)


def error_beside(html: str, name: str) -> str:
    """The text of the message shown beside field `name` (empty if none)."""
    m = re.search(rf'<p class="field-error" id="{re.escape(name)}-error"[^>]*>(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", m.group(1))) if m else ""


def links_beside(html: str, name: str) -> list[tuple[str, str]]:
    m = re.search(rf'<p class="field-error" id="{re.escape(name)}-error"[^>]*>(.*?)</p>', html, re.S)
    return (
        [(unescape(h), unescape(t)) for h, t in re.findall(r'<a href="([^"]*)">([^<]*)</a>', m.group(1))] if m else []
    )


ID_LIKE = re.compile(r"\b\w+_\w+\b|--\w")  # task/credential ids have underscores; flags start with --

CHECK = "/"
BAD_FIELDS: list[tuple[str, dict[str, Any], str, str]] = [
    # (path, params, field, words in the message)
    (CHECK, {"state": "ZZ", "task": "vitals"}, "state", "No state matches 'ZZ'"),
    (CHECK, {"task": "vitals"}, "state", "Choose a state"),
    (CHECK, {"state": "CA", "task": "flu shoot"}, "task", "Did you mean"),
    (CHECK, {"state": "CA", "task": "", "listed": "CA"}, "task", "Say which task"),
    (CHECK, {"state": "CA", "task": "x" * 600}, "task", "Too long"),
    (CHECK, {"state": "CA", "task": "suture a wound"}, "task", "not a medical assistant's task"),
    (CHECK, {"state": "CA", "task": "vitals", "credential": "CMAA"}, "credential", "No credential matches 'CMAA'"),
    (CHECK, {"state": "CA", "task": "vitals", "credential": ["none", "CMA_AAMA"]}, "credential", "cannot be combined"),
    (CHECK, {"state": "CA", "task": "vitals", "training": "juggling"}, "training", "No training matches"),
    (CHECK, {"state": "CA", "task": "vitals", "supervision": "close"}, "supervision", "not one of the choices"),
    (CHECK, {"state": "CA", "task": "vitals", "supervisor": "janitor"}, "supervisor", "not one of the choices"),
    (CHECK, {"state": "CA", "task": "vitals", "setting": "moon base"}, "setting", "No setting matches"),
    (CHECK, {"state": "CA", "task": "vitals", "as_of": "2026-13-45"}, "as_of", "is not a date"),
    ("/hire", {"duties": "vitals"}, "state", "Choose the state"),
    ("/hire", {"state": "NJ", "cred_1": "CMAA", "duties": "vitals"}, "cred_1", "No credential matches 'CMAA'"),
    (
        "/hire",
        {"state": "NJ", "cred_1": "CMA_AAMA", "issued_1": "last spring", "duties": "vitals"},
        "issued_1",
        "is not a date",
    ),
    (
        "/hire",
        {"state": "NJ", "cred_2": "CMA_AAMA", "expires_2": "2020-02-30", "duties": "vitals"},
        "expires_2",
        "is not a date",
    ),
    (
        "/hire",
        {"state": "NJ", "cred_1": "CMA_AAMA", "issued_1": "2021-01-01", "expires_1": "2020-01-01", "duties": "vitals"},
        "cred_1",
        "is before issued",
    ),
    (
        "/hire",
        {"state": "NJ", "cred_1": "CMA_AAMA", "issued_1": "9999-06-01", "duties": "vitals"},
        "cred_1",
        "not a plausible issue date",
    ),
    ("/hire", {"state": "NJ", "issued_3": "2020-01-01", "duties": "vitals"}, "cred_3", "Choose the credential"),
    (
        "/hire",
        {"state": "NJ", "cred_1": "CMA_AAMA", "holds_none": "yes", "duties": "vitals"},
        "holds_none",
        "cannot hold none",
    ),
    ("/hire", {"state": "NJ", "training": "juggling", "duties": "vitals"}, "training", "No training matches"),
    ("/hire", {"state": "NJ", "duties": "vitals\nflu shoot"}, "duties", "Did you mean"),
    ("/hire", {"state": "NJ"}, "duties", "Say her duties"),
    ("/hire", {"state": "NJ", "duties": "vitals", "title": "medical_assistant"}, "duties", "not both"),
    ("/hire", {"state": "NJ", "title": "ma_instructor"}, "title", "no clinical duties"),
    ("/hire", {"state": "NJ", "duties": "vitals", "supervision": "close"}, "supervision", "not one of the choices"),
    ("/hire", {"state": "NJ", "duties": "vitals", "supervisor": "janitor"}, "supervisor", "not one of the choices"),
    ("/hire", {"state": "NJ", "duties": "vitals", "setting": "moon base"}, "setting", "No setting matches"),
    ("/hire", {"state": "NJ", "duties": "vitals", "as_of": "yesterday"}, "as_of", "is not a date"),
    ("/map", {"task": "flu shoot"}, "task", "Did you mean"),
    ("/map", {"task": ""}, "task", "Say which task"),
    ("/map", {"task": "vitals", "credential": "CMAA"}, "credential", "No credential matches"),
]


@pytest.mark.parametrize(
    "path, params, name, words",
    BAD_FIELDS,
    ids=[f"{p.strip('/') or 'check'}-{n}-{i}" for i, (p, _, n, _) in enumerate(BAD_FIELDS)],
)
def test_every_bad_field_gets_a_message_beside_it(path: str, params: dict[str, Any], name: str, words: str) -> None:
    response = CLIENT.get(path, params=params)
    assert response.status_code == 400, response.text[-2000:]
    message = error_beside(response.text, name)
    assert words in message, message or response.text[-2000:]
    assert not ID_LIKE.search(message), message  # names, never ids or flags
    assert f'aria-describedby="{name}-error"' in response.text
    assert 'id="verdict"' not in response.text


POSTING_BAD = [
    ({"text": "", "state": ""}, "text", "Paste the posting"),
    ({"text": "Medical Assistant\nTake vital signs", "state": ""}, "state", "does not say which state"),
    ({"text": "Medical Assistant\nTake vital signs", "state": "Atlantis"}, "state", "No state matches"),
    ({"text": "<p> </p>", "state": "NY"}, "text", "Empty posting"),
    ({"text": "MA\x00\x01", "state": "NY"}, "text", "A binary file"),
]


@pytest.mark.parametrize(
    "form, name, words", POSTING_BAD, ids=[f"posting-{n}-{i}" for i, (_, n, _) in enumerate(POSTING_BAD)]
)
def test_posting_form_bad_fields(form: dict[str, str], name: str, words: str) -> None:
    response = CLIENT.post("/posting", data=form)
    assert response.status_code == 400
    assert words in error_beside(response.text, name)


def test_the_posting_forms_state_is_chosen_from_its_list_never_from_a_link() -> None:
    """The posting is POSTed: a "did you mean" link (GET /posting?text=...&state=CA) showed an empty
    form, the text lost, and carried the whole posting in its address."""
    response = CLIENT.post("/posting", data={"text": "Duties: draw blood, give flu shots.", "state": "Californa"})
    assert response.status_code == 400 and links_beside(response.text, "state") == []
    assert error_beside(response.text, "state").strip() == "No state matches 'Californa': choose it from the list."
    assert "draw blood, give flu shots." in unescape(response.text)  # the text is kept in the form


def test_suggestions_are_links_that_re_ask_with_the_id() -> None:
    html = CLIENT.get("/", params={"state": "CA", "task": "flu shoot", "supervision": "direct"}).text
    links = {text: href for href, text in links_beside(html, "task")}
    assert "Give a vaccine (immunization)" in links
    query = parse_qs(urlsplit(links["Give a vaccine (immunization)"]).query)
    assert query["task"] == ["immunization"] and query["supervision"] == ["direct"] and query["state"] == ["CA"]
    answer = CLIENT.get(links["Give a vaccine (immunization)"])
    assert answer.status_code == 200 and 'id="verdict"' in answer.text


def test_an_ambiguous_phrase_is_answered_with_choices_then_an_answer() -> None:
    words = "draw blood and give flu shots"  # two tasks, with different answers in New York
    page = CLIENT.get("/", params={"state": "NY", "task": words, "listed": "NY"})
    assert page.status_code == 200  # a question back, not an error
    choices = {t: link for link, t in links_beside(page.text, "task")}  # likeliest first: either order
    assert set(choices) == {"Venipuncture (draw blood)", "Give a vaccine (immunization)"}
    answer = CLIENT.get(choices["Give a vaccine (immunization)"]).text
    assert 'id="verdict"' in answer and "Give a vaccine (immunization) in New York" in answer
    # a hire's duty words are settled for the candidate, as `check` settles them: asked back where the
    # tasks they fit get different answers here, the choice a link that replaces that line only
    hire = CLIENT.get("/hire", params={"state": "NY", "duties": f"vitals\n{words}", "holds_none": "yes"})
    assert hire.status_code == 200 and "more than one task" in error_beside(hire.text, "duties")
    chosen = [parse_qs(urlsplit(link).query)["duties"] for link, _ in links_beside(hire.text, "duties")]
    assert sorted(chosen) == [["vitals\nimmunization"], ["vitals\nvenipuncture"]]
    same = {"state": "NJ", "duties": "vitals\nsubq or im shots", "holds_none": "yes"}  # every route: one answer
    api = CLIENT.post(
        "/api/hire", json={"state": "NJ", "candidate": {"credentials": ["none"]}, "duties": same["duties"].split("\n")}
    )
    page = CLIENT.get("/hire", params=same)
    assert api.status_code == 200 and page.status_code == 200 and not error_beside(page.text, "duties")
    assert page.text.count('<article class="duty">') == len(api.json()["duties"]) == 2
    api = CLIENT.get("/api/check", params={"state": "NY", "task": words})
    assert api.status_code == 422 and {c["id"] for c in api.json()["candidates"]} == {"venipuncture", "immunization"}


@pytest.mark.parametrize("state", ["CA", "NY", "WA"])
def test_words_of_several_tasks_get_on_the_page_what_the_api_gives(state: str) -> None:
    """The words "give injections" fit three routes: where all three get the same answer the API answers (with
    a note), and the page must give that answer too, not ask back; where they differ (Washington),
    both ask the same question."""
    api = CLIENT.get("/api/check", params={"state": state, "task": "give injections"})
    page = CLIENT.get("/", params={"state": state, "task": "give injections", "listed": state})
    if api.status_code == 200:
        verdict = api.json()
        assert "each gets this same answer here" in verdict["task_note"]
        assert 'id="verdict"' in page.text and f">{verdict['verdict']}<" in page.text, error_beside(page.text, "task")
        assert unescape(page.text).count(verdict["task_note"]) == 1  # the CLI's "Understood as" line
    else:
        assert api.status_code == 422 and 'id="verdict"' not in page.text
        assert [t for _, t in links_beside(page.text, "task")] == [c["name"] for c in api.json()["candidates"]]


def test_a_reading_in_doubt_says_why_and_offers_the_phrase_task() -> None:
    """The matcher's second reading (decide/reader.py) reads "assist with e-prescribing" as no MA task:
    the page says so and offers the task the phrase names, never "more than one task"."""
    page = CLIENT.get("/", params={"state": "CA", "task": "assist with e-prescribing", "listed": "CA"})
    assert page.status_code == 200 and 'id="verdict"' not in page.text
    said = error_beside(page.text, "task")
    assert "does not read as that task or any MA task. Is it this task?" in said and "more than one" not in said
    assert [t for _, t in links_beside(page.text, "task")] == ["Enter orders in CPOE"]


def test_ticked_credentials_wait_until_the_states_own_are_shown() -> None:
    params = {"state": "WA", "task": "intramuscular injection", "credential": "CMA_AAMA"}
    first = CLIENT.get("/", params={**params, "listed": ""}).text
    assert 'id="verdict"' not in first and "Washington has credentials of its own" in first
    assert 'value="WA_MA_C"' in first and 'name="listed" value="WA"' in first
    second = CLIENT.get("/", params={**params, "credential": "WA_MA_C", "listed": "WA"}).text
    assert 'id="verdict">conditional<' in second
    state_only = CLIENT.get("/", params={"state": "WA", "listed": ""})
    assert state_only.status_code == 200 and "Now say the task" in state_only.text


def test_the_page_explains_empty_fields_and_complete_lists() -> None:
    html = CLIENT.get("/").text
    assert "Leave a field empty when you do not know it" in html and "complete list" in html
    for name in ("state", "task", "credential", "training", "supervision", "supervisor", "setting", "as_of"):
        assert f'name="{name}"' in html


def test_every_value_echoed_is_escaped() -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    for path, params in (
        ("/", {"state": "CA", "task": evil}),
        ("/map", {"task": evil}),
        ("/hire", {"state": "CA", "duties": evil}),
        ("/", {"state": evil, "task": "vitals"}),
    ):
        html = CLIENT.get(path, params=params).text
        assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    posted = CLIENT.post(
        "/posting", data={"text": evil + "\nMedical Assistant, Albany, NY\nGive flu shots.", "state": ""}
    ).text
    assert "<script" not in posted and "<mark>flu shots</mark>" in posted
    chosen = CLIENT.post("/posting", data={"text": "Medical Assistant\nGive flu shots.", "state": "NY"}).text
    assert "State from: the state chosen below" in chosen and "--" not in chosen.split("<main>")[1]


def test_only_http_links_leave_the_page() -> None:
    assert safe_url("https://example.org/x") and safe_url("http://example.org") and safe_url("/?state=CA")
    for bad in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "ftp://x",
        "http:evil",
        None,
        "",
    ):
        assert safe_url(bad) is None, bad
    html = CLIENT.get("/", params={"state": "NY", "task": "flu shot"}).text
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("http://", "https://", "/", "data:,")) for h in hrefs)


def test_map_categories_and_links() -> None:
    c = CHECKER
    expected = {
        "NY": "prohibited",
        "AL": "unknown",
        "AK": "any_ma",
        "CA": "national",
        "NJ": "national",
        "AZ": "national",
        "WA": "state_credential",
        "ND": "state_credential",
    }
    for code, cat in expected.items():
        assert category(c, c.check(code, "injection_intramuscular")) == cat, code
    trained = c.check(
        "CA",
        "injection_intramuscular",
        trainings=["training_injections_10h"],
        supervision="direct",
        supervisor="physician",
        setting="physician_office",
    )
    assert category(c, trained) == "allowed"
    assert category(c, c.check("WA", "injection_intramuscular", credentials=["WA_MA_C"])) == "any_ma"
    html = CLIENT.get("/map", params={"task": "intramuscular injection"}).text
    tiles = re.findall(r'<a href="([^"]*)" class="tile ([a-z_]+)( low)?">', html)
    assert len(tiles) == 51 and len({t[1] for t in tiles}) >= 5 and any(t[2] for t in tiles)
    for cat in CATEGORIES.values():
        assert cat.words in html  # the legend, in words
    href = unescape(next(h for h, cat, _ in tiles if "state=WA" in h))
    assert cat_of(href) == "WA" and 'id="verdict"' in CLIENT.get(href).text
    svg = CLIENT.get("/api/map.svg", params={"task": "injection_intramuscular", "credential": "CMA_AAMA"}).text
    assert 'href="/?state=NJ&amp;task=injection_intramuscular&amp;credential=CMA_AAMA"' in svg


def cat_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["state"][0]


def test_the_hire_tab_shows_the_unlock_for_an_expired_cma() -> None:
    html = CLIENT.get(
        "/hire",
        params={
            "state": "NJ",
            "cred_1": "CMA_AAMA",
            "issued_1": "2015-02-10",
            "expires_1": "2020-02-29",
            "duties": "IM injection\nvital signs",
            "as_of": "2026-11-26",
        },
    ).text
    assert "expired on 2020-02-29" in html and 'id="duty-1">prohibited<' in html
    assert "What would make it lawful" in html and "Certified Medical Assistant (AAMA)" in html
    assert "Confidence" in html and "(regulation" in html


def test_the_answer_shows_the_states_pending_law() -> None:
    page = CLIENT.get("/", params={"state": "NY", "task": "flu shot", "listed": "NY"}).text
    assert "Pending law in New York" in page and "S.5340" in page
    assert "Pending law" not in CLIENT.get("/", params={"state": "RI", "task": "flu shot", "listed": "RI"}).text


def test_the_hire_tab_checks_every_duty_the_api_would_and_says_when_there_are_too_many() -> None:
    """61 duties: the page checked the first 60 and dropped the 61st unseen; the API checks all."""
    duties = ["ekg"] * 60 + ["start an iv"]
    page = CLIENT.get("/hire", params={"state": "CA", "duties": "\n".join(duties), "holds_none": "yes"})
    api = CLIENT.post("/api/hire", json={"state": "CA", "candidate": {"credentials": ["none"]}, "duties": duties})
    assert page.status_code == 200 and api.status_code == 200
    assert page.text.count('<article class="duty">') == len(api.json()["duties"]) == 61
    assert "Start an IV" in page.text and api.json()["duties"][-1]["task"] == "iv_start"
    many = CLIENT.get("/hire", params={"state": "CA", "duties": "\n".join(["ekg"] * 101), "holds_none": "yes"})
    assert many.status_code == 400 and "Too many duties: at most 100" in error_beside(many.text, "duties")
    too_many = CLIENT.post(
        "/api/hire", json={"state": "CA", "candidate": {"credentials": ["none"]}, "duties": ["ekg"] * 101}
    )
    assert too_many.status_code == 422


def test_work_no_ma_task_covers_named_beside_an_ma_task_offers_that_task_alone() -> None:
    """No answer for 'monitor sedation and give nitrous oxide' (monitoring a sedated patient is no MA task),
    and the task also named is a link that asks it alone; the API lists it as `besides`."""
    words = "monitor sedation and give nitrous oxide"
    page = CLIENT.get("/", params={"state": "CA", "task": words})
    assert page.status_code == 400 and "not a medical assistant's task" in error_beside(page.text, "task")
    choices = links_beside(page.text, "task")
    assert [t for _, t in choices] == ["Give an anesthetic or sedative agent"]
    assert parse_qs(urlsplit(choices[0][0]).query)["task"] == ["anesthesia_sedation_agent"]
    answer = CLIENT.get(choices[0][0])
    assert answer.status_code == 200 and 'id="verdict"' in answer.text
    api = CLIENT.get("/api/check", params={"state": "CA", "task": words})
    assert api.status_code == 400 and api.json()["besides"] == [
        {"id": "anesthesia_sedation_agent", "name": "Give an anesthetic or sedative agent"}
    ]
    alone = CLIENT.get("/api/check", params={"state": "CA", "task": "suture a wound"})
    assert alone.status_code == 400 and "besides" not in alone.json()
