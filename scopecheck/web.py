"""`scopecheck serve`: the same engine behind an HTTP API and one page (optional extra: `.[web]`).

The page is rendered on the server and needs no JavaScript: a form for the office manager's
question, a tab that reads a pasted job posting, and a map. Nothing is fetched from outside (the
CSS is inline), postings are never fetched from URLs, and request bodies are size-limited.
The API returns exactly the CLI's JSON.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs
from html import escape
from typing import Any

from fastapi import FastAPI, Query as Param, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import render
from .api import Checker
from .candidate import CandidateFile, status_on
from .category import tiles
from .errors import UserError
from .hr import check_hire, check_posting, hire_tasks
from .links import check_url
from .posting import PostingReader
from .reports import compare_rows
from .schema import Supervision, SupervisorType
from .verdict import DISCLAIMER, KIND_NAMES, Verdict

MAX_BODY = 256 * 1024
NATIONAL = ["CMA_AAMA", "RMA_AMT", "CCMA_NHA", "NCMA_NCCT", "CMAC_AMCA"]


class BodyLimit:
    """Refuse request bodies over MAX_BODY with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await JSONResponse({"error": f"request body over {self.limit} bytes"}, status_code=413)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await JSONResponse({"error": f"request body over {self.limit} bytes"}, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


class CheckBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=200, examples=["CA"])
    task: str = Field(min_length=1, max_length=500, examples=["flu shot"])
    credentials: list[str] | None = Field(default=None, max_length=50, description="complete list; null = unknown")
    trainings: list[str] | None = Field(default=None, max_length=50)
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = Field(default=None, max_length=200)
    as_of: date | None = None


class PostingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_BODY, description="the posting's text, Markdown or HTML (never a URL to fetch)")
    state: str | None = Field(default=None, max_length=200)
    as_of: date | None = None


class HireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=200)
    candidate: CandidateFile
    duties: list[str] | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=200)
    posting_text: str | None = Field(default=None, max_length=MAX_BODY)
    supervision: Supervision | None = None
    supervisor: SupervisorType | None = None
    setting: str | None = Field(default=None, max_length=200)
    as_of: date | None = None


def create_app(checker: Checker | None = None) -> FastAPI:
    c = checker or Checker()
    app = FastAPI(title="scopecheck", version="0.1.0",
                  description="US state scope-of-practice law for medical assistants, as cited verdicts. " + DISCLAIMER)
    app.add_middleware(BodyLimit)
    reader = PostingReader(c.lib, c.resolver)

    @app.exception_handler(UserError)
    async def user_error(_request: Request, exc: UserError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    def verdict_for(body: CheckBody) -> Verdict:
        code = c.jurisdiction(body.state, field="state")
        return c.evaluate(c.query(code, body.task, credentials=body.credentials, trainings=body.trainings,
                                  supervision=body.supervision, supervisor=body.supervisor, setting=body.setting,
                                  as_of=body.as_of))

    @app.get("/api/check", summary="May an MA do this task here? (the CLI's check --format json)")
    def get_check(state: str = Param(min_length=1, max_length=200), task: str = Param(min_length=1, max_length=500),
                  credential: list[str] | None = Param(default=None), training: list[str] | None = Param(default=None),
                  supervision: Supervision | None = None, supervisor: SupervisorType | None = None,
                  setting: str | None = Param(default=None, max_length=200), as_of: date | None = None) -> dict[str, Any]:
        body = CheckBody(state=state, task=task, credentials=credential, trainings=training, supervision=supervision,
                         supervisor=supervisor, setting=setting, as_of=as_of)
        return render.verdict_json(verdict_for(body))

    @app.post("/api/check", summary="The same question as a JSON body")
    def post_check(body: CheckBody) -> dict[str, Any]:
        return render.verdict_json(verdict_for(body))

    @app.post("/api/posting", summary="Check a job posting's text (never fetched from a URL)")
    def post_posting(body: PostingBody) -> dict[str, Any]:
        report = check_posting(c, reader.read(body.text, "posting", body.state), body.as_of)
        return report.to_json()

    @app.post("/api/hire", summary="A candidate against duties, a title or a posting")
    def post_hire(body: HireBody) -> dict[str, Any]:
        code = c.jurisdiction(body.state, field="state")
        tasks = hire_tasks(c, code, duties=body.duties, title=body.title, posting_text=body.posting_text,
                           source="posting_text", names=("duties", "title", "posting_text"))
        status = status_on(c.lib, c.resolver, body.candidate, body.as_of or date.today(), "candidate")
        return check_hire(c, code, status, tasks, supervision=body.supervision, supervisor=body.supervisor,
                          setting=c.resolver.setting(body.setting, field="setting")).to_json()

    @app.get("/api/states", summary="The jurisdictions and whether each is encoded")
    def get_states() -> list[dict[str, Any]]:
        encoded = set(c.lib.encoded_states())
        return [{"code": code, "name": j.name, "encoded": code in encoded} for code, j in sorted(c.lib.jurisdictions.items())]

    @app.get("/api/tasks", summary="Task ids and the plain words each accepts")
    def get_tasks() -> list[dict[str, Any]]:
        return [t.model_dump(mode="json") for t in c.lib.tasks.values()]

    def compare_verdicts(task: str, credential: list[str] | None, states: str | None) -> list[Verdict]:
        codes = ([c.jurisdiction(s.strip(), field="states") for s in states.split(",") if s.strip()]
                 if states else c.lib.encoded_states())
        return [c.evaluate(c.query(code, task, credentials=credential)) for code in codes if code in c.lib.encoded_states()]

    @app.get("/api/compare", summary="One task across jurisdictions (the CLI's compare --format json)")
    def get_compare(task: str = Param(min_length=1, max_length=500), credential: list[str] | None = Param(default=None),
                    states: str | None = Param(default=None, max_length=400)) -> list[dict[str, Any]]:
        return compare_rows(compare_verdicts(task, credential, states))

    @app.get("/api/map.svg", summary="A tile-grid map of one task's verdicts", response_class=Response)
    def get_map(task: str = Param(min_length=1, max_length=500), credential: list[str] | None = Param(default=None)) -> Response:
        verdicts = compare_verdicts(task, credential, None)
        drawn = tiles(c, verdicts, lambda v: check_url(v, {"credentials": credential}))
        return Response(render.svg_map(drawn, render.map_title(verdicts, credential)), media_type="image/svg+xml")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(_page(c, reader, dict(request.query_params), request.query_params.getlist("credential")))

    @app.post("/posting", response_class=HTMLResponse, include_in_schema=False)
    async def posting_page(request: Request) -> HTMLResponse:
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))  # urlencoded: no extra dependency
        text, state = (form.get("text") or [""])[0], (form.get("state") or [""])[0] or None
        return HTMLResponse(_page(c, reader, {"tab": "posting"}, [], posting=(text, state)))

    return app


# ---- the page

STYLE = """
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#ffffff;--accent:#0969da}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;
max-width:56rem;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0}a{color:var(--accent)}
nav a{display:inline-block;padding:.4rem .8rem;border:1px solid var(--line);border-radius:6px 6px 0 0;margin-right:.2rem;
text-decoration:none}nav a[aria-current=page]{border-bottom-color:var(--bg);font-weight:bold}
form,section.result{border:1px solid var(--line);border-radius:0 6px 6px 6px;padding:1rem;margin-bottom:1rem}
label{display:block;font-weight:600;margin-top:.6rem}input[type=text],select,textarea{width:100%;padding:.5rem;font:inherit;
border:1px solid var(--muted);border-radius:6px}fieldset{border:1px solid var(--line);border-radius:6px;margin-top:.6rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#1f6feb;border:0;border-radius:6px}
button:focus,a:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fb8500;outline-offset:2px}
.verdict{font-size:1.6rem;font-weight:800;padding:.5rem 1rem;border-radius:6px;color:#fff;display:inline-block}
.allowed{background:#116329}.conditional{background:#7d4e00}.prohibited{background:#a40e26}.unknown{background:#57606a}
.error{background:#a40e26}.warning{background:#7d4e00}.info{background:#57606a}
.tag{color:#fff;border-radius:4px;padding:0 .4rem;font-size:.85rem}mark{background:#fff3b0;padding:0 .1rem}
.muted{color:var(--muted);font-size:.9rem}svg{max-width:100%;height:auto}
"""


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _options(items: list[tuple[str, str]], selected: str | None) -> str:
    return "".join(f'<option value="{_esc(v)}"{" selected" if v == selected else ""}>{_esc(label)}</option>' for v, label in items)


def _verdict_html(v: Verdict) -> str:
    plain = {"allowed": "Yes: allowed", "conditional": "Only if the conditions below hold",
             "prohibited": "No: prohibited", "unknown": "Unknown: no rule covers this"}[v.verdict]
    parts = [f'<section class="result" aria-live="polite"><p><span class="verdict {v.verdict}" id="verdict">'
             f'{_esc(v.verdict)}</span> {_esc(plain)}</p>',
             f"<p><strong>{_esc(v.task_name)}</strong> in <strong>{_esc(v.jurisdiction_name)}</strong> "
             f'(asked: "{_esc(v.task_input)}")</p>']
    if v.conditions:
        parts.append("<h2>Conditions</h2><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in v.conditions) + "</ul>")
    if v.unlock:
        parts.append("<h2>What would make it lawful</h2><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in v.unlock) + "</ul>")
    parts.append("<h2>Why</h2><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in v.reasons) + "</ul>")
    if v.obligations:
        parts.append("<h2>Also required of the practice</h2><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in v.obligations) + "</ul>")
    if v.guidance:
        parts.append(f"<h2>Guidance</h2><p>{_esc(v.guidance)}</p>")
    law = "".join(f'<li><a href="{_esc(x.url)}" rel="noopener noreferrer">{_esc(x.cite)}</a> '
                  f'<span class="kind">({_esc(KIND_NAMES.get(x.kind, x.kind))})</span></li>' if x.url
                  else f'<li>{_esc(x.cite)} <span class="kind">({_esc(KIND_NAMES.get(x.kind, x.kind))})</span></li>'
                  for x in v.citations)
    parts.append(f"<h2>The law</h2><ul>{law}</ul>")
    verified = f"last verified {v.last_verified}" if v.last_verified else "not verified"
    parts.append(f"<p><strong>Confidence</strong> {_esc(v.confidence_meaning)}.</p>")
    parts.append(f'<p class="muted">Rules: {_esc(", ".join(v.rules) or "none")} · {_esc(verified)} · '
                 f"as of {_esc(v.as_of)}</p></section>")
    return "".join(parts)


def _highlight(sentence: str, words: list[str]) -> str:
    out = _esc(sentence)
    for w in sorted(set(words), key=len, reverse=True):
        pattern = r"\b" + r"\W+".join(re.escape(_esc(part)) for part in w.split()) + r"\w*"
        out = re.sub(pattern, lambda m: f"<mark>{m.group(0)}</mark>", out, count=1, flags=re.I)
    return out


def _posting_html(report: Any) -> str:
    rows = []
    for f in report.findings:
        matched = [d["matched"] for d in report.duties if d["text"] == f.text]
        law = "; ".join(f'<a href="{_esc(x["url"])}" rel="noopener noreferrer">{_esc(x["cite"])}</a>' if x["url"]
                        else _esc(x["cite"]) for x in f.citations[:2])
        rows.append(f'<li><span class="tag {f.severity}">{_esc(f.severity)}</span> <strong>{_esc(f.kind)}</strong>: '
                    f"{_esc(f.message)}<br><q>{_highlight(f.text, matched)}</q>" + (f"<br>Law: {law}" if law else "") + "</li>")
    duties = "".join(f"<li>{_esc(d['task'])}: <mark>{_esc(d['matched'])}</mark> — {_esc(d['verdict'] or d['kind'])}</li>"
                     for d in report.duties)
    return (f'<section class="result" aria-live="polite"><h2>{_esc(report.title or "Job posting")} in '
            f"{_esc(report.jurisdiction_name)}</h2><p class=muted>State from: {_esc(report.jurisdiction_evidence)}</p>"
            f"<h3>Findings ({len(report.findings)})</h3><ul>{''.join(rows) or '<li>none</li>'}</ul>"
            f"<h3>Duties found</h3><ul>{duties or '<li>none recognized</li>'}</ul></section>")


def _page(c: Checker, reader: PostingReader, params: dict[str, str], credentials: list[str],
          posting: tuple[str, str | None] | None = None) -> str:
    tab = "posting" if posting is not None or params.get("tab") == "posting" else ("map" if params.get("tab") == "map" else "check")
    states = [("", "Choose a state")] + [(code, j.name) for code, j in sorted(c.lib.jurisdictions.items(), key=lambda kv: kv[1].name)]
    result = ""
    if tab == "check" and params.get("state") and params.get("task"):
        try:
            body = CheckBody(state=params["state"], task=params["task"], credentials=credentials or None,
                             supervision=params.get("supervision") or None,  # type: ignore[arg-type]
                             supervisor=params.get("supervisor") or None)  # type: ignore[arg-type]
            code = c.jurisdiction(body.state, field="state")
            result = _verdict_html(c.evaluate(c.query(code, body.task, credentials=body.credentials,
                                                      supervision=body.supervision, supervisor=body.supervisor)))
        except (UserError, ValueError) as exc:
            result = f'<section class="result" role="alert"><p>{_esc(exc)}</p></section>'
    if posting is not None:
        try:
            result = _posting_html(check_posting(c, reader.read(posting[0], "posting", posting[1])))
        except UserError as exc:
            result = f'<section class="result" role="alert"><p>{_esc(exc)}</p></section>'
    if tab == "map" and params.get("task"):
        try:
            task = c.resolver.task(params["task"], field="task")
            verdicts = [c.evaluate(c.query(code, task)) for code in c.lib.encoded_states()]
            drawn = tiles(c, verdicts, check_url)
            result = f'<section class="result">{render.svg_map(drawn, render.map_title(verdicts, None))}</section>'
        except UserError as exc:
            result = f'<section class="result" role="alert"><p>{_esc(exc)}</p></section>'
    sup = [("", "Not stated"), ("none", "None"), ("general", "General: reachable, not on site"),
           ("direct", "Direct: on the premises"), ("personal", "Personal: in the room")]
    who = [("", "Not stated"), ("physician", "Physician"), ("podiatrist", "Podiatrist"), ("pa", "Physician assistant"),
           ("np", "Nurse practitioner"), ("rn", "Registered nurse"), ("other", "Other")]
    creds = "".join(f'<label><input type="checkbox" name="credential" value="{x}"{" checked" if x in credentials else ""}> '
                    f"{_esc(c.lib.credentials[x].name)}</label>" for x in NATIONAL)
    tasks = "".join(f'<option value="{_esc(s)}">' for t in c.lib.tasks.values() for s in t.synonyms[:3])
    forms = {
        "check": f"""<form method="get" action="/" aria-label="Ask about a task">
<label for="state">State</label><select id="state" name="state" required>{_options(states, params.get("state"))}</select>
<label for="task">Task, in your own words</label><input id="task" name="task" type="text" list="tasks" required
 placeholder="flu shot, draw blood, take an x-ray" value="{_esc(params.get("task", ""))}"><datalist id="tasks">{tasks}</datalist>
<fieldset><legend>The MA's credentials (leave all unticked if unknown)</legend>{creds}</fieldset>
<label for="supervision">Supervision</label><select id="supervision" name="supervision">{_options(sup, params.get("supervision"))}</select>
<label for="supervisor">Supervised by</label><select id="supervisor" name="supervisor">{_options(who, params.get("supervisor"))}</select>
<button type="submit">Check</button></form>""",
        "posting": f"""<form method="post" action="/posting" aria-label="Check a job posting">
<label for="text">Paste the job posting</label><textarea id="text" name="text" rows="12" required>{_esc(posting[0] if posting else "")}</textarea>
<label for="pstate">State (if the posting does not say)</label><select id="pstate" name="state">{_options(states, posting[1] if posting else None)}</select>
<button type="submit">Check the posting</button></form>""",
        "map": f"""<form method="get" action="/" aria-label="Map a task"><input type="hidden" name="tab" value="map">
<label for="mtask">Task</label><input id="mtask" name="task" type="text" list="tasks" required value="{_esc(params.get("task", ""))}">
<datalist id="tasks">{tasks}</datalist><button type="submit">Show the map</button></form>""",
    }
    nav = "".join(f'<a href="/?tab={t}"{" aria-current=page" if t == tab else ""}>{label}</a>'
                  for t, label in (("check", "Ask about a task"), ("posting", "Check a job posting"), ("map", "Map")))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>scopecheck: what may a medical assistant do?</title>
<style>{STYLE}</style></head><body><header><h1>What may a medical assistant do here?</h1>
<p class="muted">Cited state law for all 50 states and DC. {_esc(DISCLAIMER)}</p></header>
<nav aria-label="Tabs">{nav}</nav><main>{result}{forms[tab]}</main></body></html>"""
