"""`scopecheck serve`: the same engine behind an HTTP API and one page (optional extra: `.[web]`).

The API returns exactly the CLI's JSON. The page (page.py, templates/) is rendered on the
server and needs no JavaScript. What guards both (body limits, security headers, strict JSON) is
guard.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi import Query as Param
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from scopecheck.decide.checker import Asking, Checker
from scopecheck.decide.verdict import DISCLAIMER, Verdict
from scopecheck.errors import LISTED_BY, AmbiguousTask, Candidate, NotAnMATask, OtherLanguage, UserError
from scopecheck.hr.candidate import CandidateFile, Day, status_on
from scopecheck.hr.checks import MAX_DUTIES, check_hire, check_posting, hire_tasks
from scopecheck.hr.posting import PostingReader
from scopecheck.interfaces import render
from scopecheck.interfaces.category import tiles
from scopecheck.interfaces.links import check_url
from scopecheck.interfaces.reports import compare_rows
from scopecheck.interfaces.web.forms import BODY_ASKING, QUERY_ASKING
from scopecheck.interfaces.web.guard import BODY_TIMEOUT, MAX_BODY, BodyLimit, SecurityHeaders, StrictJSONRoute
from scopecheck.interfaces.web.page import add_pages
from scopecheck.law.plain import json_values
from scopecheck.law.terms import Supervision, SupervisorType

__all__ = ["MAX_BODY", "create_app"]


class CheckBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=200, examples=["CA"])
    task: str = Field(min_length=1, max_length=500, examples=["flu shot"])
    credentials: list[str] | None = Field(default=None, max_length=50, description="complete list; null = unknown")
    trainings: list[str] | None = Field(default=None, max_length=50)
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = Field(default=None, max_length=200)
    as_of: Day | None = None


class PostingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(
        min_length=1, max_length=MAX_BODY, description="the posting's text, Markdown or HTML (never a URL to fetch)"
    )
    state: str | None = Field(default=None, max_length=200)
    as_of: Day | None = None


class HireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=200)
    candidate: CandidateFile
    duties: list[str] | None = Field(default=None, max_length=MAX_DUTIES)
    title: str | None = Field(default=None, max_length=200)
    posting_text: str | None = Field(default=None, max_length=MAX_BODY)
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = Field(default=None, max_length=200)
    as_of: Day | None = None


def create_app(checker: Checker | None = None, *, body_timeout: float = BODY_TIMEOUT) -> FastAPI:
    """The API and the page over one shared Checker (thread-safe: decide/checker.py)."""
    c = checker or Checker()
    app = _guarded_app(body_timeout)
    reader = PostingReader(c.lib, c.resolver)
    _add_check_routes(app, c)
    _add_compare_routes(app, c)
    _add_hr_routes(app, c, reader)
    _add_catalogue_routes(app, c)
    add_pages(app, c, reader)
    return app


def _guarded_app(body_timeout: float) -> FastAPI:
    """An app with the guards on (guard.py) and user errors as 400, an ambiguous task as 422."""
    # No /docs or /redoc: they load script from a CDN, which the page's policy (and promise) forbids.
    app = FastAPI(
        title="scopecheck",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        description="US state scope-of-practice law for medical assistants, as cited verdicts. " + DISCLAIMER,
    )
    app.router.route_class = StrictJSONRoute
    app.add_middleware(BodyLimit, timeout=body_timeout)
    app.add_middleware(SecurityHeaders)  # outermost: on every response, the limits' refusals too

    @app.exception_handler(UserError)
    async def user_error(_request: Request, exc: UserError) -> JSONResponse:
        if isinstance(exc, AmbiguousTask):
            return JSONResponse(
                {"error": str(exc), "candidates": _tasks_json(exc.candidates)},
                status_code=422,
            )
        if isinstance(exc, NotAnMATask) and exc.besides:  # the MA tasks also named, each to ask alone
            return JSONResponse({"error": api_message(exc), "besides": _tasks_json(exc.besides)}, status_code=400)
        if isinstance(exc, OtherLanguage):  # the language, and the tasks its words may name, to ask in English
            said = {"error": api_message(exc), "language": exc.language, "named": _tasks_json(exc.named)}
            return JSONResponse(said, status_code=400)
        return JSONResponse({"error": api_message(exc)}, status_code=400)

    return app


#: The API's own lists of names, where an error points to one (the CLI's commands are no use to a client).
API_LISTS = {name: f"GET /api/{name}" for name in LISTED_BY}  # one route for each list the CLI prints


def _tasks_json(tasks: list[Candidate]) -> list[dict[str, str]]:
    """Tasks in an error's JSON: the ids to ask with, and their names."""
    return [{"id": c.id, "name": c.name} for c in tasks]


def api_message(exc: UserError) -> str:
    """The error's message, pointing to the API's list of the names it needs, not the CLI's command."""
    return f"{exc.message}; see {API_LISTS[exc.see]}" if exc.see else str(exc)


def _add_catalogue_route(app: FastAPI, name: str, entries: Callable[[], Iterable[object]]) -> None:
    """GET /api/<name>: a catalogue's ids and the plain words each accepts (an error may point here)."""

    @app.get(f"/api/{name}", summary=f"The {name}: ids and the plain words each accepts")
    def listed() -> list[dict[str, Any]]:
        return [json_values(e) for e in entries()]


def verdict_response(v: Verdict) -> Response:
    """The CLI's JSON of a verdict (Verdict.as_json), serialized in one step: FastAPI's generic
    encoding of a returned dict cost ~70 us a request, most of the route's own time."""
    return Response(v.json_text, media_type="application/json")


def _add_check_routes(app: FastAPI, c: Checker) -> None:
    """/api/check (GET and POST): the CLI's check. The routes are `async`: once a state is compiled an
    answer takes microseconds (a memo hit), so the hop to a worker thread cost more than the work
    (benchmarks/api.py: ~2,400 -> ~3,000 requests/s on 2 cores). The first question on a state
    compiles it (~20 ms) on the event loop; the Checker's lock keeps that safe."""

    def verdict_for(body: CheckBody, asking: Asking) -> Verdict:
        return c.evaluate(
            c.query(
                body.state,
                body.task,
                credentials=body.credentials,
                trainings=body.trainings,
                supervision=body.supervision,
                supervisor=body.supervisor,
                setting=body.setting,
                as_of=body.as_of,
                asking=asking,
            )
        )

    @app.get(
        "/api/check",
        summary="May an MA do this task here? (the CLI's check --format json)",
        response_class=JSONResponse,
    )
    async def get_check(
        state: str = Param(min_length=1, max_length=200),
        task: str = Param(min_length=1, max_length=500),
        credential: list[str] | None = Param(default=None),
        training: list[str] | None = Param(default=None),
        supervision: Supervision | None = None,
        supervisor: SupervisorType | None = None,
        setting: str | None = Param(default=None, max_length=200),
        as_of: Day | None = None,
    ) -> Response:
        body = CheckBody(
            state=state,
            task=task,
            credentials=credential,
            trainings=training,
            supervision=supervision,
            supervisor=supervisor,
            setting=setting,
            as_of=as_of,
        )
        return verdict_response(verdict_for(body, QUERY_ASKING))

    @app.post("/api/check", summary="The same question as a JSON body", response_class=JSONResponse)
    async def post_check(body: CheckBody) -> Response:
        return verdict_response(verdict_for(body, BODY_ASKING))


def _add_compare_routes(app: FastAPI, c: Checker) -> None:
    """/api/compare and /api/map.svg: one task across jurisdictions, as rows or as a map."""

    def compare_verdicts(task: str, credential: list[str] | None, states: str | None) -> list[Verdict]:
        codes = c.jurisdictions(None if states is None else states.split(","), field="states")
        c.one_state(None, task, field="task")
        return [c.evaluate(c.query(code, task, credentials=credential, asking=QUERY_ASKING)) for code in codes]

    @app.get("/api/compare", summary="One task across jurisdictions (the CLI's compare --format json)")
    def get_compare(
        task: str = Param(min_length=1, max_length=500),
        credential: list[str] | None = Param(default=None),
        states: str | None = Param(default=None, max_length=400),
    ) -> list[dict[str, Any]]:
        return compare_rows(compare_verdicts(task, credential, states))

    @app.get(
        "/api/map.svg",
        summary="A tile-grid map of one task's verdicts; each tile links to the page's answer",
        response_class=Response,
    )
    def get_map(
        task: str = Param(min_length=1, max_length=500), credential: list[str] | None = Param(default=None)
    ) -> Response:
        verdicts = compare_verdicts(task, credential, None)
        drawn = tiles(c, verdicts, lambda v: check_url(v, {"credentials": credential}))
        return Response(render.svg_map(drawn, render.map_title(verdicts, credential)), media_type="image/svg+xml")


def _add_hr_routes(app: FastAPI, c: Checker, reader: PostingReader) -> None:
    """/api/posting and /api/hire: the CLI's posting and hire commands."""

    @app.post("/api/posting", summary="Check a job posting's text (never fetched from a URL)")
    def post_posting(body: PostingBody) -> dict[str, Any]:
        report = check_posting(c, reader.read(body.text, "posting", body.state, state_field="state"), body.as_of)
        return report.to_json()

    @app.post("/api/hire", summary="A candidate against duties, a title or a posting")
    def post_hire(body: HireBody) -> dict[str, Any]:
        code = c.jurisdiction(body.state, field="state")
        tasks = hire_tasks(
            c,
            code,
            duties=body.duties,
            title=body.title,
            posting_text=body.posting_text,
            source="posting_text",
            names=("duties", "title", "posting_text"),
        )
        status = status_on(c.lib, c.resolver, body.candidate, body.as_of or date.today(), "candidate")
        return check_hire(
            c,
            code,
            status,
            tasks,
            supervision=body.supervision,
            supervisor=body.supervisor,
            setting=c.resolver.setting(body.setting, field="setting"),
        ).to_json()


def _add_catalogue_routes(app: FastAPI, c: Checker) -> None:
    """/api/states and /api/tasks: what can be asked; /healthz: the data loads."""

    @app.get("/healthz", summary="Liveness: the data loads", tags=["health"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "states": len(c.lib.encoded_states())}

    @app.get("/api/states", summary="The jurisdictions and whether each is encoded")
    def get_states() -> list[dict[str, Any]]:
        encoded = set(c.lib.encoded_states())
        return [
            {"code": code, "name": j.name, "encoded": code in encoded}
            for code, j in sorted(c.lib.jurisdictions.items())
        ]

    catalogues: dict[str, Callable[[], Iterable[object]]] = {
        "tasks": lambda: c.lib.tasks.values(),
        "credentials": lambda: c.lib.credentials.values(),  # the CLI's tasks --credentials, and so on
        "settings": lambda: c.lib.settings.values(),
        "trainings": lambda: c.lib.trainings.values(),
    }
    for name, entries in catalogues.items():
        _add_catalogue_route(app, name, entries)
