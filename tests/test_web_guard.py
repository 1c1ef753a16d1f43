"""What guards the server, whatever the route: security headers on every response, strict JSON,
the body's limits (declared, chunked, slow), the health endpoint, extreme dates that used to be
500s, `serve` off loopback, and the Dockerfile that deploys it."""

from __future__ import annotations

import json
import re
import select
import socket
import time
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("jinja2", reason="the web extra is not installed: pip install '.[web,webtest]'")
pytest.importorskip("httpx", reason="the test client needs httpx: pip install '.[webtest]'")

from conftest import REPO
from fastapi.testclient import TestClient
from test_cli import run
from test_web import served

from scopecheck.decide.checker import Checker
from scopecheck.interfaces.web.app import MAX_BODY, create_app
from scopecheck.interfaces.web.guard import SECURITY_HEADERS, server_options

CLIENT = TestClient(create_app(Checker()), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/hire",
        "/posting",
        "/map?task=vitals",
        "/?state=CA&task=vitals",
        "/static/style.css",
        "/api/check?state=CA&task=vitals",
        "/api/map.svg?task=vitals",
        "/healthz",
        "/openapi.json",
        "/no-such-page",
        "/api/check?state=ZZ&task=vitals",
        "/api/check",
    ],
)
def test_security_headers_on_every_response(path: str) -> None:
    response = CLIENT.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    csp = response.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "script-src" not in csp  # scripts fall back to 'self'; the page has none
    if response.headers["content-type"].startswith("text/html"):
        assert "<script" not in response.text and "<style" not in response.text and " style=" not in response.text


def test_refusals_carry_the_headers_too() -> None:
    too_big = CLIENT.post(
        "/api/check", content=b"{" + b" " * (MAX_BODY + 10) + b"}", headers={"content-type": "application/json"}
    )
    assert too_big.status_code == 413 and too_big.headers["x-frame-options"] == "DENY"


def test_health() -> None:
    response = CLIENT.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "states": 51}


@pytest.mark.parametrize(
    "body",
    [
        '{"state": "CA", "task": "vitals", "credentials": [NaN]}',
        '{"state": NaN, "task": "vitals"}',
        '{"state": "CA", "task": "vitals", "supervision": Infinity}',
        '{"state": "CA", "task": "vitals", "as_of": -Infinity}',
        '{"state": "CA", "task": "\\ud800"}',
        '{"state": "\\udfff", "task": "vitals"}',
        '{"state": "CA", "task": "vitals", "credentials": ["\\ud800"]}',
        '{"state": "CA", "task": "vitals", "\\ud800": 1}',
        '{"state": "CA", "task": "flu shot", "as_of": 1e999}',
        '{"state": -1e999, "task": "vitals"}',
        "1e999",
        '{"state": "NY", "task": "vitals", "state": "CA"}',
    ],
    ids=[
        "nan-in-list",
        "nan",
        "infinity",
        "minus-infinity",
        "surrogate-task",
        "surrogate-state",
        "surrogate-list",
        "surrogate-key",
        "overflowing-number",  # a float of Infinity, which the 422 that echoes it could not write (a 500)
        "minus-overflowing-number",
        "overflowing-body",
        "key-twice",  # the last silently won: asked about California
    ],
)
def test_json_that_is_not_json_is_4xx_not_500(body: str) -> None:
    response = CLIENT.post("/api/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_a_credential_issued_or_expiring_in_9999() -> None:
    def hire(cred: dict[str, str], as_of: str | None = None) -> Any:
        return CLIENT.post(
            "/api/hire",
            json={"state": "CA", "as_of": as_of, "duties": ["vitals"], "candidate": {"credentials": [cred]}},
        )

    issued = hire({"id": "CMA", "issued": "9999-06-01"})
    assert issued.status_code == 400 and "credentials[0].issued" in issued.json()["error"]
    assert hire({"id": "CMA", "issued": "9999-06-01"}, "9999-12-31").status_code == 400
    # An expiry of 9999-12-31 (HR systems' "never expires") is an answer, not an error.
    never = hire({"id": "CMA", "issued": "2020-01-01", "expires": "9999-12-31"}, "9999-12-31")
    assert never.status_code == 200 and never.json()["candidate"]["credentials_counted"] == ["CMA_AAMA"]


def test_a_chunked_body_over_the_limit_is_413_and_a_slow_one_408() -> None:
    import httpx

    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 8192

    with served(create_app(Checker(REPO), body_timeout=0.5)) as base:
        with httpx.Client(base_url=base, timeout=10) as client:
            response = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
            assert response.request.headers.get("transfer-encoding") == "chunked"
            assert response.status_code == 413 and "over" in response.json()["error"]
            fine = client.post(
                "/api/check",
                content=iter([b'{"state": "CA", ', b'"task": "vitals"}']),
                headers={"content-type": "application/json"},
            )
            assert fine.status_code == 200
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"state": '
            )
            start = time.monotonic()
            reply = sock.recv(4096)
            assert reply.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 4


def _head_reply(base: str, pieces: list[bytes]) -> bytes:
    """Send a request head piece by piece, stopping once the server answers; its first bytes."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        for piece in pieces:
            if select.select([sock], [], [], 0.05)[0]:
                break
            try:
                sock.sendall(piece)
            except OSError:
                break
        return sock.recv(64)


@pytest.mark.parametrize("parser", ["shipped", "h11"])
def test_a_request_head_over_16_kb_is_refused_by_either_parser(parser: str) -> None:
    """httptools (the web extra's parser, 2,800 -> 3,900 requests/s) gathers a header of any size:
    one endless header value grew the server's memory until the client stopped. Refused with 400
    as h11 refuses it, whether the head comes as many headers or as one that never ends."""
    options = {} if parser == "shipped" else {"http": "h11"}
    if parser == "shipped":
        pytest.importorskip("httptools", reason="the web extra installs httptools")
        assert server_options()["http"].__name__ == "HeadLimitedHttpTools"
    start = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    with served(create_app(Checker(REPO)), **options) as base:
        many = [start] + [b"X-Pad-%d: %s\r\n" % (i, b"a" * 2000) for i in range(40)] + [b"\r\n"]
        endless = [start + b"X-Pad: "] + [b"a" * 4000] * 200
        for pieces in (many, endless):
            assert _head_reply(base, pieces).startswith(b"HTTP/1.1 400"), parser
        # A head just under the limit, sent in pieces, is answered.
        fine = [start] + [b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(14)] + [b"\r\n"]
        assert _head_reply(base, fine).startswith(b"HTTP/1.1 200"), parser
        # So is a whole request read in one piece, a body far over 16 kB in it (a first version
        # counted that piece as head, and refused every posting of more than a few paragraphs).
        body = json.dumps({"text": "Medical assistant: take vital signs, draw blood. " * 600, "state": "CA"}).encode()
        head = b"POST /api/posting HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        whole = head + b"Content-Length: %d\r\n\r\n" % len(body) + body
        assert _head_reply(base, [whole]).startswith(b"HTTP/1.1 200"), parser


def test_serve_warns_once_off_loopback_and_sets_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    code, _, err = run("serve", "--host", "0.0.0.0")
    assert code == 0 and len(err.strip().splitlines()) == 1 and "no authentication" in err
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["timeout_keep_alive"] == 5
    assert calls[-1]["h11_max_incomplete_event_size"] == 16 * 1024
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        code, _, err = run("serve", "--host", host)
        assert code == 0 and "authentication" not in err, host
    code, _, err = run("serve", "--host", "example.org")
    assert "no authentication" in err


def test_dockerfile_builds_with_a_compiler_and_runs_without(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "Dockerfile").read_text()
    lines = re.sub(r"\\\n", " ", text).splitlines()
    stages: dict[str, list[str]] = {}
    current = ""
    for line in (x.strip() for x in lines):
        if not line or line.startswith("#"):
            continue
        m = re.match(r"FROM\s+\S+\s+AS\s+(\w+)$", line, re.I)
        if m:
            current = m.group(1)
            stages[current] = []
        else:
            stages[current].append(line)
    assert list(stages) == ["builder", "runtime"]
    builder, runtime = "\n".join(stages["builder"]), "\n".join(stages["runtime"])
    assert "build-essential" in builder and "pip install '.[web]'" in builder
    for data in ("states/", "rules/"):
        assert re.search(rf"^COPY {data} ", builder, re.M) and (REPO / data).is_dir()
    assert "build-essential" not in runtime and "gcc" not in runtime and "COPY --from=builder" in runtime
    assert "EXPOSE 8000" in runtime and re.search(r"^HEALTHCHECK .*/healthz", runtime, re.M)
    assert re.search(r"^USER \w+", runtime, re.M)
    cmd = json.loads(next(x for x in stages["runtime"] if x.startswith("CMD ")).removeprefix("CMD "))
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert cmd[0] == "scopecheck" and run(*cmd[1:])[0] == 0
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8000
    ignored = (REPO / ".dockerignore").read_text().split()
    assert "states" not in ignored and "rules" not in ignored


@pytest.mark.parametrize("as_of", ["0", "86400", "20260101", "2026W011"])
def test_a_day_is_yyyy_mm_dd_in_the_api_never_seconds_since_1970(as_of: str) -> None:
    """The API read as_of=0 as 1970-01-01 (pydantic's lax dates), where the page and the CLI refuse it."""
    asked = CLIENT.get("/api/check", params={"state": "CA", "task": "flu shot", "as_of": as_of})
    assert asked.status_code == 422 and asked.json()["detail"][0]["loc"] == ["query", "as_of"]
    body = {"state": "CA", "task": "flu shot", "as_of": int(as_of) if as_of.isdigit() else as_of}
    assert CLIENT.post("/api/check", json=body).status_code == 422
    page = CLIENT.get("/", params={"state": "CA", "task": "flu shot", "as_of": as_of})
    assert page.status_code == 400 and 'id="verdict"' not in page.text


def test_a_posting_too_large_to_send_from_the_page_gets_a_page_saying_so() -> None:
    """32,548 characters, mostly Japanese, are 292 kB once the form encodes them: over the body limit.
    The page answered with the API's JSON; the API still answers JSON."""
    from urllib.parse import urlencode

    text = "Asistente médico en California: extraer sangre. " + "職務内容：採血、予防接種。" * 2500
    body = urlencode({"text": text})
    assert len(body) > MAX_BODY
    page = CLIENT.post("/posting", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "The form could not be sent: request body over 262144 bytes" in page.text
    api = CLIENT.post("/api/check", content=b"{" + b" " * MAX_BODY + b"}", headers={"content-type": "application/json"})
    assert api.status_code == 413 and api.json() == {"error": f"request body over {MAX_BODY} bytes"}
