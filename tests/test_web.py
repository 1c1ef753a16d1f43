"""The web extra: the API through the framework's test client, property-based API tests from the
OpenAPI document (schemathesis), and a real browser on the page (skipped without one)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

fastapi = pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("httpx", reason="the test client needs httpx: pip install '.[webtest]'")

from conftest import REPO  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from test_cli import run  # noqa: E402

from scopecheck.decide.checker import Checker  # noqa: E402
from scopecheck.interfaces.web.app import MAX_BODY, create_app  # noqa: E402

APP = create_app(Checker())
CLIENT = TestClient(APP)


def test_get_check_returns_the_same_json_as_the_cli() -> None:
    api = CLIENT.get("/api/check", params={"state": "CA", "task": "flu shot"})
    assert api.status_code == 200
    _code, out, _ = run("check", "--state", "CA", "--task", "flu shot", "--format", "json")
    assert api.json() == json.loads(out)


def test_post_check_and_repeated_credentials() -> None:
    body = {"state": "New York", "task": "flu shot", "credentials": ["CMA"], "supervision": "direct"}
    data = CLIENT.post("/api/check", json=body).json()
    assert data["verdict"] == "prohibited" and any("NYSED" in c["cite"] for c in data["citations"])
    got = CLIENT.get(
        "/api/check", params=[("state", "CA"), ("task", "x-ray"), ("credential", "CA_XRAY_LIMITED_PERMIT")]
    )
    assert got.json()["verdict"] == "allowed"


@pytest.mark.parametrize(
    "method, url, kwargs, status, words",
    [
        ("get", "/api/check", {"params": {"state": "ZZ", "task": "vitals"}}, 400, "state: unknown state 'ZZ'"),
        ("get", "/api/check", {"params": {"state": "CA", "task": "flu shoot"}}, 400, "nearest: immunization"),
        # the API's own names for what is wrong, not the CLI's options
        ("get", "/api/check", {"params": {"state": "CA", "task": "the of and"}}, 400, "\"task: '"),
        ("get", "/api/check", {"params": {"state": "CA", "task": "vitals", "credential": "zz"}}, 400, '"credential: '),
        ("post", "/api/check", {"json": {"state": "CA", "task": "vitals", "trainings": ["yoga"]}}, 400, '"trainings: '),
        ("get", "/api/compare", {"params": {"task": "the of and"}}, 400, "\"task: '"),
        # and its own lists of names, not the CLI's commands
        ("get", "/api/check", {"params": {"state": "Puerto Rico", "task": "vitals"}}, 400, '; see GET /api/states"'),
        ("get", "/api/check", {"params": {"state": "CA", "task": "xyzzy"}}, 400, '; see GET /api/tasks"'),
        ("get", "/api/check", {"params": {"state": "CA", "task": "vitals", "setting": "moon"}}, 400, "/api/settings"),
        ("get", "/api/check", {"params": {"task": "vitals"}}, 422, "state"),
        (
            "get",
            "/api/check",
            {"params": {"state": "CA", "task": "vitals", "supervision": "close"}},
            422,
            "supervision",
        ),
        ("post", "/api/check", {"json": {"state": "CA", "task": "vitals", "supervison": "direct"}}, 422, "supervison"),
        (
            "post",
            "/api/posting",
            {"json": {"text": "Medical Assistant\nTake vital signs"}},
            400,
            "cannot tell which state",
        ),
        (
            "post",
            "/api/hire",
            {"json": {"state": "CA", "candidate": {"credentials": ["CMAA"]}, "duties": ["vitals"]}},
            400,
            "CMAA",
        ),
        (
            "post",
            "/api/check",
            {"content": b"{" + b" " * (MAX_BODY + 10) + b"}", "headers": {"content-type": "application/json"}},
            413,
            "over",
        ),
    ],
)
def test_bad_input_is_4xx_naming_the_field(method: str, url: str, kwargs: dict, status: int, words: str) -> None:  # type: ignore[type-arg]
    response = getattr(CLIENT, method)(url, **kwargs)
    assert response.status_code == status, response.text
    assert words in response.text


def test_posting_hire_states_tasks_compare_and_map() -> None:
    posting = CLIENT.post("/api/posting", json={"text": "Medical Assistant, Albany, NY 12207\nGive flu shots."}).json()
    assert posting["jurisdiction"] == "NY" and posting["findings"][0]["kind"] == "duty_out_of_scope"
    hire = CLIENT.post(
        "/api/hire",
        json={
            "state": "NJ",
            "as_of": "2026-11-26",
            "duties": ["injection_intramuscular"],
            "candidate": {"credentials": [{"id": "CMA", "issued": "2015-02-10", "expires": "2020-02-29"}]},
        },
    ).json()
    assert hire["duties"][0]["verdict"] == "prohibited" and hire["duties"][0]["unlock"]
    states = CLIENT.get("/api/states").json()
    assert len(states) == 51 and all(s["encoded"] for s in states)
    assert any(t["id"] == "immunization" for t in CLIENT.get("/api/tasks").json())
    compare = CLIENT.get("/api/compare", params={"task": "injection_intramuscular"}).json()
    assert {r["jurisdiction"]: r["verdict"] for r in compare}["NY"] == "prohibited" and len(compare) == 51
    svg = CLIENT.get("/api/map.svg", params={"task": "injection_intramuscular"})
    assert svg.headers["content-type"].startswith("image/svg+xml") and ">NY<" in svg.text


def test_posting_errors_name_the_apis_field_not_the_clis_option(tmp_path: Path) -> None:
    """The API's field is `state`; --state is the CLI's option, and the CLI keeps saying it."""
    unknown = CLIENT.post("/api/posting", json={"text": "Duties: draw blood.", "state": "XX"})
    assert unknown.status_code == 400 and unknown.json()["error"].startswith("state: ")
    missing = CLIENT.post("/api/posting", json={"text": "Duties: draw blood."})
    assert missing.status_code == 400 and "give state XX" in missing.json()["error"]
    assert "--state" not in unknown.text + missing.text
    given = CLIENT.post("/api/posting", json={"text": "Duties: draw blood.", "state": "CA"}).json()
    assert given["jurisdiction_evidence"] == "state"
    (tmp_path / "p.txt").write_text("Duties: draw blood.")
    code, _, err = run("posting", str(tmp_path / "p.txt"), "--state", "XX")
    assert code == 2 and err.startswith("scopecheck: error: --state: ")


def test_openapi_document_and_page() -> None:
    spec = CLIENT.get("/openapi.json").json()
    assert {"/api/check", "/api/posting", "/api/hire", "/api/states", "/api/tasks", "/api/compare"} <= set(
        spec["paths"]
    )
    page = CLIENT.get("/", params=[("state", "NY"), ("task", "flu shot"), ("credential", "CMA_AAMA")]).text
    assert page.index('id="verdict"') < page.index("<form")  # the verdict comes first
    assert (
        ">prohibited<" in page
        and "nysed.gov" in page
        and "<script" not in page
        and "http://" not in page.split("<main>")[0]
    )
    posting = CLIENT.post("/posting", data={"text": "Medical Assistant, Albany, NY\nGive flu shots.", "state": ""}).text
    assert "<mark>flu shots</mark>" in posting


def test_compare_svg_from_the_cli_draws_categories_and_links() -> None:
    from xml.etree import ElementTree as ET

    code, out, _ = run("compare", "--task", "injection_intramuscular", "--format", "svg")
    svg = ET.fromstring(out)
    ns = {"s": "http://www.w3.org/2000/svg"}
    tiles = {t.findall("s:text", ns)[0].text: t for t in svg if "tile" in (t.get("class") or "")}
    assert len(tiles) == 51 and all(t.tag.endswith("}g") for t in tiles.values())  # no page to link to
    for state in ("NY", "CT"):
        assert "prohibited" in tiles[state].get("class") and tiles[state].findall("s:text", ns)[1].text == "P"
    assert "state_credential" in tiles["WA"].get("class") and "national" in tiles["NJ"].get("class")
    code, out, _ = run(
        "compare", "--task", "injection_intramuscular", "--format", "svg", "--link-base", "http://127.0.0.1:8000/"
    )
    linked = [t for t in ET.fromstring(out) if t.tag.endswith("}a")]
    assert len(linked) == 51
    assert "http://127.0.0.1:8000/?state=CA&task=injection_intramuscular" in {t.get("href") for t in linked}
    code, _, err = run("compare", "--task", "injection_intramuscular", "--format", "svg", "--link-base", "javascript:x")
    assert code == 2 and "--link-base" in err


@pytest.mark.parametrize("credential", ["cma\x0b", "cma\x00", "cma\x1b", "cma\ufffe"])
def test_a_map_asked_with_control_characters_is_still_an_svg_a_parser_reads(credential: str) -> None:
    """The title repeats the credential as asked; XML cannot hold a control character even escaped,
    so it is replaced, and the rest of the words stay."""
    from xml.etree import ElementTree as ET

    svg = CLIENT.get("/api/map.svg", params={"task": "flu shot", "credential": credential})
    assert svg.status_code == 200
    title = ET.fromstring(svg.content).find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text is not None and title.text.endswith("an MA holding cma\ufffd")


schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed: pip install '.[webtest]'")
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_answers_500(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, (case, response.text[:300])


@contextlib.contextmanager
def served(app: object, **options: Any) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, in a thread, with `scopecheck serve`'s
    settings (its HTTP parser too) unless `options` replace them; yields its base URL."""
    import uvicorn

    from scopecheck.interfaces.web.guard import server_options

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **{**server_options(), **options})  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_cold_server_under_16_threads_gives_every_serial_answer() -> None:
    """1,200 distinct questions at once at a cold `scopecheck serve` (uvicorn's thread pool, one shared
    Checker): every answer 200 and equal to the serial answer of a separate cold app."""
    import httpx
    from test_reliability import varied_queries

    queries = varied_queries(Checker(REPO), 1_200, seed=5)

    def params(q: Any) -> list[tuple[str, str]]:
        out = [("state", q.jurisdiction), ("task", q.task), ("as_of", q.as_of.isoformat())]
        if q.credentials is not None:
            out += [("credential", c) for c in sorted(q.credentials)] or [("credential", "none")]
        if q.trainings is not None:
            out += [("training", t) for t in sorted(q.trainings)] or [("training", "none")]
        out += [
            (k, v)
            for k, v in (("supervision", q.supervision), ("supervisor", q.supervisor), ("setting", q.setting))
            if v
        ]
        return out

    serial_client = TestClient(create_app(Checker(REPO)))
    serial = [serial_client.get("/api/check", params=params(q)) for q in queries]
    assert all(r.status_code == 200 for r in serial), next(r.text for r in serial if r.status_code != 200)
    latencies: list[float] = []
    with served(create_app(Checker(REPO))) as base, ThreadPoolExecutor(max_workers=16) as pool:
        local = threading.local()

        def ask(q: Any) -> httpx.Response:
            client = getattr(local, "client", None) or httpx.Client(base_url=base, timeout=30)
            local.client = client
            start = time.perf_counter()
            response = client.get("/api/check", params=params(q))
            latencies.append(time.perf_counter() - start)
            return response

        answers = list(pool.map(ask, queries))
    errors = [r.status_code for r in answers if r.status_code >= 500]
    wrong = [i for i, (a, b) in enumerate(zip(answers, serial)) if a.status_code != 200 or a.json() != b.json()]
    latencies.sort()
    figures = (
        f"{len(answers)} requests, {len(wrong)} wrong, {len(errors)} 5xx, "
        f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
    )
    print(figures)
    assert not errors and not wrong, figures


def test_a_cold_server_reads_real_words_under_16_threads_as_it_does_serially() -> None:
    """Words, not ids: 400 real phrasings (tests/data/phrasings_holdout25.toml and ...24.toml) asked at
    once of a cold server, so the matcher's memos, its reader (loaded on first need) and the reader's
    and the misspellings' per-word memos are filled by racing threads. Every answer (a verdict, a
    question back with its candidates, a suggestion) equals a separate cold app's serial answer."""
    import tomllib

    import httpx

    texts = []
    for name in ("phrasings_holdout25.toml", "phrasings_holdout24.toml"):
        with (REPO / "tests" / "data" / name).open("rb") as f:
            texts += [p["text"] for p in tomllib.load(f)["phrasings"]]
    texts = texts[:400]
    serial_client = TestClient(create_app(Checker(REPO)))
    serial = [serial_client.get("/api/check", params={"state": "NY", "task": t}) for t in texts]
    codes = {r.status_code for r in serial}
    assert {200, 422} <= codes and codes <= {200, 400, 422}, codes  # answers and questions back, never a crash
    with served(create_app(Checker(REPO))) as base, ThreadPoolExecutor(max_workers=16) as pool:
        local = threading.local()

        def ask(text: str) -> httpx.Response:
            client = getattr(local, "client", None) or httpx.Client(base_url=base, timeout=30)
            local.client = client
            return client.get("/api/check", params={"state": "NY", "task": text})

        answers = list(pool.map(ask, texts))
    wrong = [t for t, a, b in zip(texts, answers, serial) if (a.status_code, a.json()) != (b.status_code, b.json())]
    assert not wrong, wrong[:3]


@pytest.mark.parametrize(
    "name, an_id", [("credentials", "CMA_AAMA"), ("settings", "urgent_care"), ("trainings", "training_injections_10h")]
)
def test_every_list_an_error_points_to_is_served(name: str, an_id: str) -> None:
    """The CLI's `tasks --credentials` (--settings, --trainings) as routes: an error pointing to one finds it."""
    listed = CLIENT.get(f"/api/{name}")
    assert listed.status_code == 200 and an_id in {e["id"] for e in listed.json()}
