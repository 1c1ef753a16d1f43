"""The page in a real headless Chromium (Playwright): the office manager's questions typed into the
forms, a phone-sized screen, and no console errors (a Content-Security-Policy violation is one).
Screenshots of every state go under the test's tmp_path. Skipped where no Chromium is installed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("jinja2", reason="the web extra is not installed: pip install '.[web,webtest]'")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)"
)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install '.[webtest]'")

from test_web import served  # noqa: E402
from test_web_page import matcher_checker  # noqa: E402

from scopecheck.interfaces.web.app import create_app  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Any]]:
    """(base URL, browser): one server with the matcher's stand-in, one Chromium, for the module."""
    with served(create_app(matcher_checker())) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, args=ARGS)
        try:
            yield base, browser
        finally:
            browser.close()


class Tab:
    """A browser page that records console errors and saves a screenshot of each state it reaches."""

    def __init__(self, browser: Any, base: str, shots: Path, viewport: dict[str, int] | None = None):
        self.page = browser.new_page(viewport=viewport or {"width": 1000, "height": 900})
        self.base, self.shots, self.errors = base, shots, []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def go(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(self.base + path)
        assert response.status == status, path
        if status != 200:  # the browser reports an error page's status as a console error
            self.errors = [e for e in self.errors if f"status of {status}" not in e]
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        assert not self.errors, self.errors  # CSP violations and failed loads show here

    def fits_a_phone(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= 390"))


def ask_ca_im(page: Any) -> None:
    page.select_option("#state", "CA")
    page.click("button[type=submit]")  # the state first: its own credentials and trainings are listed
    page.fill("#task", "intramuscular injection")
    page.check("input[name=training][value=training_injections_10h]")
    page.select_option("#supervision", "direct")
    page.select_option("#supervisor", "physician")
    page.select_option("#setting", "physician_office")
    page.fill("#as_of", "2026-11-26")
    page.click("button[type=submit]")


def test_the_full_check_form_for_a_trained_ma_in_california(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path)
    page = tab.go("/")
    tab.shot("check-empty")
    ask_ca_im(page)
    assert page.inner_text("#verdict") == "allowed"
    main = page.inner_text("main")
    assert "Intramuscular injection in California" in main and "2069" in main
    assert "(unofficial copy)" in main or "(statute" in main  # the source's kind beside each link
    assert "Confidence high: an official text" in main
    tab.shot("check-ca-allowed")


def test_washington_with_its_ma_c_gets_washingtons_answer(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path)
    page = tab.go("/")
    page.select_option("#state", "WA")
    page.fill("#task", "intramuscular injection")
    page.check("input[name=credential][value=CMA_AAMA]")
    page.click("button[type=submit]")
    assert page.locator("#verdict").count() == 0  # ticked before Washington's own were shown: asked to look
    assert "Washington has credentials of its own" in page.inner_text("main")
    tab.shot("check-wa-listed")
    page.uncheck("input[name=credential][value=CMA_AAMA]")
    page.check("input[name=credential][value=WA_MA_C]")
    page.click("button[type=submit]")
    assert page.inner_text("#verdict") == "conditional"
    main = page.inner_text("main")
    assert "Intramuscular injection in Washington" in main and "RCW 18.360" in main
    assert "WA-inj-01" in main and "must hold one of" not in main  # the MA-C path, not the national credential
    tab.shot("check-wa-ma-c")


def test_an_ambiguous_phrase_offers_choices_and_a_choice_answers(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path)
    page = tab.go("/")
    page.select_option("#state", "NY")
    page.fill("#task", "draw blood and give flu shots")
    page.click("button[type=submit]")
    choices = page.locator("#task-error a")  # likeliest first as the words read: either order
    assert sorted(choices.all_inner_texts()) == ["Give a vaccine (immunization)", "Venipuncture (draw blood)"]
    tab.shot("check-ambiguous")
    choices.get_by_text("Give a vaccine (immunization)").click()
    assert page.inner_text("#verdict") == "prohibited"
    assert "Give a vaccine (immunization) in New York" in page.inner_text("main")
    tab.shot("check-ambiguous-chosen")


def test_the_hire_tab_shows_what_would_unlock_an_expired_cma(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path)
    page = tab.go("/hire")
    page.select_option("#state", "NJ")
    page.select_option("#cred_1", "CMA_AAMA")
    page.fill("#issued_1", "2015-02-10")
    page.fill("#expires_1", "2020-02-29")
    page.fill("#duties", "IM injection\ntake vital signs")
    page.fill("#as_of", "2026-11-26")
    page.click("button[type=submit]")
    assert page.inner_text("#duty-1") == "prohibited"
    result = page.inner_text("section.result")
    assert "expired on 2020-02-29" in result and "What would make it lawful" in result
    assert "hold one of: " in page.inner_text("ul.unlock") and "Certified Medical Assistant (AAMA)" in result
    tab.shot("hire-expired-cma")


def test_the_map_says_more_than_yes_and_no_and_links_each_state(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path)
    page = tab.go("/map")
    page.fill("#task", "intramuscular injection")
    page.click("button[type=submit]")
    tiles = page.locator("svg a.tile")
    assert tiles.count() == 51
    classes = {c.split()[1] for c in tiles.evaluate_all("ts => ts.map(t => t.getAttribute('class'))")}
    assert len(classes) > 2 and {"prohibited", "unknown", "state_credential"} <= classes
    assert page.locator("svg a.tile.low").count() > 0 and "low confidence" in page.inner_text("ul.legend")
    tab.shot("map-im")
    page.locator('svg a.tile[href*="state=CA&"]').click()
    assert page.inner_text("#verdict") == "conditional"
    assert "Intramuscular injection in California" in page.inner_text("main")
    assert page.input_value("#task") == "Intramuscular injection"  # the name, not the id
    tab.shot("map-ca-answer")


def test_a_phone_screen_never_scrolls_sideways(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    tab = Tab(browser, base, tmp_path, viewport=PHONE)
    states = {
        "phone-check": "/",
        "phone-check-answer": "/?state=NJ&task=injection_intramuscular&credential=CMA_AAMA",
        "phone-check-error": "/?state=CA&task=flu+shoot",
        "phone-hire": "/hire?state=NJ&cred_1=CMA_AAMA&issued_1=2015-02-10&expires_1=2020-02-29"
        "&duties=injection_intramuscular&as_of=2026-11-26",
        "phone-map": "/map?task=injection_intramuscular",
        "phone-posting": "/posting",
    }
    for name, path in states.items():
        tab.go(path, 400 if name.endswith("error") else 200)
        tab.shot(name)
        assert tab.fits_a_phone(), name
    page = tab.page
    page.fill(
        "#text",
        "Medical Assistant, Albany, NY 12207\nGive flu shots and draw blood. "
        "https://careers.example.org/jobs/medical-assistant-" + "x" * 120,
    )
    page.click("button[type=submit]")
    assert "flu shots" in page.inner_text("mark")
    tab.shot("phone-posting-result")
    assert tab.fits_a_phone()
