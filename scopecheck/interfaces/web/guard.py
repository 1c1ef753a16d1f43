"""What protects the web server, whatever the route: body size and read-time limits, security
headers on every response, strict JSON (no NaN, no Infinity, no lone surrogates), and the
server's own timeouts."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scopecheck import safejson

MAX_BODY = 256 * 1024
BODY_TIMEOUT = 15.0  # seconds to wait for each part of a request body (a slow upload is refused)

#: The page runs no script and loads nothing from elsewhere: say so to the browser.
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


MAX_HEAD = 16 * 1024  # bytes of request line and headers; more is refused with 400, whichever parser reads them
HEAD_TOO_LONG = f"request line and headers over {MAX_HEAD} bytes"


def server_options() -> dict[str, Any]:
    """uvicorn's settings for `scopecheck serve`: idle connections and oversized or slow headers
    do not hold the server (the body's limits are BodyLimit's). Requests are parsed by httptools
    where it is installed (the web extra installs it): uvicorn's pure-Python h11 parser held the
    API near 2,800 requests/s on 2 cores, httptools near 3,900 (benchmarks/api.py)."""
    options: dict[str, Any] = {
        "timeout_keep_alive": 5,
        "h11_max_incomplete_event_size": MAX_HEAD,
        "limit_concurrency": 200,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
    }
    protocol = head_limited_httptools()
    if protocol is not None:
        options["http"] = protocol
    return options


def head_limited_httptools() -> type[asyncio.Protocol] | None:
    """uvicorn's httptools protocol, refusing with 400 a request whose line and headers pass
    MAX_HEAD bytes, as h11 does (httptools itself gathers a header of any size); None without
    httptools."""
    try:
        import httptools
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return None

    class HeadLimitedHttpTools(HttpToolsProtocol):
        """Two counts, either over MAX_HEAD refuses: the bytes of whole chunks read while a head was
        incomplete and that completed no head (what httptools may be holding), and the parsed line and
        headers. A chunk that completes a head may hold a whole request, body and all: not counted."""

        in_head, heads, pending, parsed = True, 0, 0, 0

        def data_received(self, data: bytes) -> None:
            was_in_head, heads = self.in_head, self.heads
            super().data_received(data)
            if was_in_head and self.heads == heads and not self.transport.is_closing():
                self.pending += len(data)
                if self.pending > MAX_HEAD:
                    self.send_400_response(HEAD_TOO_LONG)

        def _parsed(self, size: int) -> None:
            self.parsed += size
            if self.parsed > MAX_HEAD:
                raise httptools.HttpParserError(HEAD_TOO_LONG)  # uvicorn answers a parser error with 400

        def on_url(self, url: bytes) -> None:
            self._parsed(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._parsed(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self.in_head, self.pending, self.parsed = False, 0, 0
            self.heads += 1
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self.in_head = True
            super().on_message_complete()

    return HeadLimitedHttpTools


class SecurityHeaders:
    """Add SECURITY_HEADERS to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.decode("latin-1").lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether they declare a length or come
    chunked, and bodies whose next part takes longer than `timeout` seconds with 408.

    The refusal is sent from here, and the application is then told the client has gone: a
    framework that turns any error while reading a body into its own 400 never gets to answer."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT):
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await _refuse(413, f"request body over {self.limit} bytes", scope, receive, send)
            return
        seen, complete, started, refused = 0, False, False, False
        gone: Message = {"type": "http.disconnect"}

        async def refuse(status: int, error: str) -> Message:
            nonlocal refused
            if not started:
                refused = True
                await _refuse(status, error, scope, receive, send)
            return gone

        async def limited() -> Message:
            nonlocal seen, complete
            if refused:
                return gone
            if complete:  # the body is in: what follows is a wait for disconnect, not an upload
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                return await refuse(408, f"request body not received within {self.timeout:g} seconds")
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if seen > self.limit:
                    return await refuse(413, f"request body over {self.limit} bytes")
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:  # the application's own answer to a body it never got: dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited, guarded)


async def _refuse(status: int, error: str, scope: Scope, receive: Receive, send: Send) -> None:
    """JSON for the API; for the page, a page that says it (a form's answer, not a JSON document)."""
    headers = {"connection": "close"}
    if str(scope.get("path", "")).startswith("/api/"):
        await JSONResponse({"error": error}, status_code=status, headers=headers)(scope, receive, send)
        return
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scopecheck: not sent</title></head>'
        f"<body><h1>Not sent</h1><p>The form could not be sent: {html.escape(error)}. Shorten the text "
        '(a job posting is a page or two), then <a href="/">start again</a>.</p></body></html>'
    )
    await HTMLResponse(body, status_code=status, headers=headers)(scope, receive, send)


class StrictJSONRequest(Request):
    """JSON as RFC 8259 has it, read by safejson.loads as batch lines and candidate files are: NaN,
    Infinity, a number that overflows to it (1e999), a lone surrogate, a key given twice and deep
    nesting are refused as malformed JSON (422) instead of travelling on to break an answer (an
    error that echoes Infinity could not be written) or to be silently half-read."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = (await self.body()).decode("utf-8")
            try:
                self._json = safejson.loads(body)
            except safejson.JsonProblem as exc:
                raise json.JSONDecodeError(str(exc), body, 0) from None
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
