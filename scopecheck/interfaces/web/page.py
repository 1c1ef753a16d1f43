"""The page: four tabs (ask about a task, a hire, a job posting, the map), rendered on the server
from Jinja2 templates with autoescaping, no JavaScript, nothing fetched from elsewhere.

Each route reads its form (forms.py), asks the Checker or the HR functions, and renders. The
map's categories come from category.py, as for the SVG API and the CLI.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from scopecheck.decide.checker import Checker
from scopecheck.decide.citing import KIND_NAMES
from scopecheck.decide.verdict import DISCLAIMER, Verdict
from scopecheck.errors import UserError
from scopecheck.hr.checks import check_hire, check_posting, hire_tasks
from scopecheck.hr.posting import PostingReader
from scopecheck.interfaces import render
from scopecheck.interfaces.category import CATEGORIES, LOW_CONFIDENCE_WORDS, tiles
from scopecheck.interfaces.links import check_url
from scopecheck.interfaces.web.forms import (
    HIRE_ROWS,
    NATIONAL,
    QUERY_ASKING,
    SUPERVISION_CHOICES,
    SUPERVISOR_CHOICES,
    Fields,
    Problem,
    credential_groups,
    credential_options,
    duty_problem,
    read_check,
    read_hire,
    training_options,
)
from scopecheck.interfaces.web.guard import MAX_BODY

HERE = Path(__file__).parent
PLAIN = {
    "allowed": "Yes: allowed",
    "conditional": "Only if the conditions below hold",
    "prohibited": "No: prohibited",
    "unknown": "Unknown: no law found that answers this",
}
TABS = (("/", "Ask about a task"), ("/hire", "A hire"), ("/posting", "A job posting"), ("/map", "Map"))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["kind_name"] = lambda kind: KIND_NAMES.get(kind, kind)
    env.filters["safe_url"] = render.safe_url
    env.globals.update(
        disclaimer=DISCLAIMER,
        plain=PLAIN,
        tabs=TABS,
        supervision_choices=SUPERVISION_CHOICES,
        supervisor_choices=SUPERVISOR_CHOICES,
    )
    return env


def _params(request: Request) -> list[tuple[str, str]]:
    return list(request.query_params.multi_items())


def add_pages(app: FastAPI, c: Checker, reader: PostingReader) -> None:
    """The page's routes: ask (/), hire, posting, map, and its one style sheet."""
    pages = _Pages(c, reader)
    css = (HERE / "static" / "style.css").read_bytes()

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    for method, path, endpoint in (
        ("GET", "/", pages.ask),
        ("GET", "/hire", pages.hire),
        ("GET", "/posting", pages.posting_form),
        ("POST", "/posting", pages.posting),
        ("GET", "/map", pages.map_page),
    ):
        app.add_api_route(path, endpoint, methods=[method], response_class=HTMLResponse, include_in_schema=False)


class _Pages:
    """One method per page: read the form, ask the Checker or the HR checks, render the template."""

    def __init__(self, c: Checker, reader: PostingReader):
        self.c, self.reader, self.env = c, reader, environment()
        self.states = sorted(
            ((code, j.name) for code, j in c.lib.jurisdictions.items() if code in c.lib.encoded_states()),
            key=lambda kv: kv[1],
        )
        self.settings = [(s.id, s.name) for s in c.lib.settings.values()]
        self.task_words = sorted({w for t in c.lib.tasks.values() for w in (t.name, *t.synonyms[:3])})

    def page(self, template: str, tab: str, errors: dict[str, Problem] | None = None, **context: Any) -> HTMLResponse:
        """A rendered page: 400 when a field is wrong, 200 when the form only asks a question back."""
        html = self.env.get_template(template).render(
            tab=tab,
            states=self.states,
            settings=self.settings,
            task_words=self.task_words,
            errors=errors or {},
            **context,
        )
        questions_only = all(p.question for p in (errors or {}).values())
        return HTMLResponse(html, status_code=200 if questions_only else 400)

    def ask(self, request: Request) -> HTMLResponse:
        c = self.c
        form = read_check(c, "/", _params(request))
        result = None
        if form.ready:
            assert form.state and form.task_words
            try:
                result = verdict_view(
                    c.evaluate(
                        c.query(
                            form.state,
                            form.task_words,
                            credentials=form.credentials,
                            trainings=form.trainings,
                            supervision=form.supervision,
                            supervisor=form.supervisor,
                            setting=form.setting,
                            as_of=form.as_of,
                            asking=QUERY_ASKING,
                        )
                    )
                )
            except UserError as exc:  # the matcher may still decline the words
                form.fields.fail("task", exc)
        return self.page(
            "check.html",
            "/",
            form.fields.errors,
            form=form,
            result=result,
            credentials=credential_options(c, form.state, form.credentials),
            trainings=training_options(c, form.state, form.trainings),
            none_credentials=form.credentials == frozenset(),
            none_trainings=form.trainings == frozenset(),
            state_name=c.lib.jurisdictions[form.state].name if form.state else None,
            watch=c.lib.state(result["jurisdiction"]).watch if result else (),
        )

    def hire(self, request: Request) -> HTMLResponse:
        c = self.c
        form = read_hire(c, "/hire", _params(request))
        report = None
        if form.ready:
            assert form.state and form.status
            try:
                tasks = hire_tasks(
                    c, form.state, duties=form.duties or None, title=form.title, names=("duties", "title", "posting")
                )
                checked = check_hire(
                    c,
                    form.state,
                    form.status,
                    tasks,
                    supervision=form.supervision,
                    supervisor=form.supervisor,
                    setting=form.setting,
                )
                report = hire_view(c, checked.to_json())
            except UserError as exc:  # a duty's words, settled for this candidate, may still ask back
                if form.title:
                    form.fields.fail("title", exc)
                else:
                    duty_problem(form.fields, form, exc)
        return self.page(
            "hire.html",
            "/hire",
            form.fields.errors,
            form=form,
            report=report,
            rows=HIRE_ROWS,
            groups=credential_groups(c),
            trainings=training_options(c, None, None),
            ticked_trainings=frozenset(form.fields.many("training")),
            titles=[(t.id, t.name) for t in c.lib.titles.values()],
        )

    def posting_form(self) -> HTMLResponse:
        return self.page("posting.html", "/posting", text="", state="", report=None)

    async def posting(self, request: Request) -> HTMLResponse:
        body = (await request.body()).decode("utf-8", errors="replace")
        f = Fields("/posting", parse_qsl(body, keep_blank_values=True))  # urlencoded: no extra dependency
        text, state = f.one("text", limit=MAX_BODY), f.one("state")
        if not text.strip():
            f.errors["text"] = Problem("Paste the posting's text.")
        if state:
            try:
                state = self.c.jurisdiction(state, field="state")
            except UserError:  # no "did you mean" links: this page is a POST (the text is no query
                # string to re-ask with), and its state a list to choose from
                f.errors["state"] = Problem(f"No state matches '{state}': choose it from the list.")
        report = self._posting_report(f, text, state) if not f.errors else None
        return self.page("posting.html", "/posting", f.errors, text=text, state=state, report=report)

    def _posting_report(self, f: Fields, text: str, state: str) -> dict[str, Any] | None:
        """The posting read and checked, or None with the field that stopped it marked."""
        try:
            read = self.reader.read(text, "posting", state or None, state_field="the state chosen below")
        except UserError as exc:  # binary, or nothing left once the HTML is stripped
            why = str(exc).removeprefix("posting: ")
            f.errors["text"] = Problem(why[:1].upper() + why[1:] + ".")
            return None
        if read.jurisdiction is None:
            why = f" ({read.jurisdiction_evidence})" if read.jurisdiction_evidence else ""
            f.errors["state"] = Problem(f"The posting does not say which state the job is in{why}: choose it.")
            return None
        try:
            return posting_view(self.c, check_posting(self.c, read))
        except UserError as exc:
            f.fail("state", exc)
            return None

    def map_page(self, request: Request) -> HTMLResponse:
        c = self.c
        f = Fields("/map", _params(request))
        words, task, svg, rows = f.one("task"), None, None, []
        credentials = f.many("credential")
        facts: dict[str, Any] = {}
        if words:
            try:
                task = c.resolver.task(words, field="task")
                words = c.lib.tasks[task].name if words == task else words
                facts["credentials"] = c.resolver.credentials(credentials or None, field="credential")
            except UserError as exc:
                f.fail("credential" if task else "task", exc)
        elif f.has("task"):
            f.errors["task"] = Problem("Say which task to map.")
        if task and not f.errors:
            verdicts = [
                c.evaluate(c.query(code, task, credentials=facts["credentials"], asking=QUERY_ASKING))
                for code in c.lib.encoded_states()
            ]
            drawn = tiles(c, verdicts, lambda v: check_url(v, facts))
            svg = Markup(render.svg_map(drawn, render.map_title(verdicts, credentials or None)))
            rows = [(cat, [t for t in drawn if t.category.id == cat.id]) for cat in CATEGORIES.values()]
        national = [(i, c.lib.credentials[i].name, i in (facts.get("credentials") or ())) for i in NATIONAL]
        return self.page(
            "map.html",
            "/map",
            f.errors,
            words=words,
            svg=svg,
            rows=rows,
            categories=CATEGORIES,
            low_words=LOW_CONFIDENCE_WORDS,
            credentials=national,
        )


# ---- what the templates show


def verdict_view(v: Verdict) -> dict[str, Any]:
    """A verdict as the templates show it: the CLI's JSON, plus the asked words when they differ."""
    view = v.as_json()
    view["asked"] = v.task_input if v.task_input != v.task else None
    return view


def hire_view(c: Checker, report: dict[str, Any]) -> dict[str, Any]:
    """The hire report's JSON, with credential names for the ids that count."""
    for d in report["duties"]:
        d["asked"] = d["asked"] if d["asked"] != d["task"] else None
    counted = report["candidate"]["credentials_counted"]
    report["counted_names"] = None if counted is None else [c.lib.credentials[i].name for i in counted]
    return report


def posting_view(c: Checker, report: Any) -> dict[str, Any]:
    """The posting report's JSON, each finding's text cut into (words, marked) pieces for <mark>."""
    data: dict[str, Any] = report.to_json()
    for finding in data["findings"]:
        matched = [d["matched"] for d in data["duties"] if d["text"] == finding["text"]]
        finding["pieces"] = highlight(finding["text"], matched)
    for duty in data["duties"]:
        duty["task_name"] = c.lib.tasks[duty["task"]].name
    return data


def highlight(sentence: str, words: list[str]) -> list[tuple[str, bool]]:
    """The sentence as pieces, the first occurrence of each matched phrase (longest first) marked."""
    spans: list[tuple[int, int]] = []
    for w in sorted(set(words), key=len, reverse=True):
        pattern = r"\b" + r"\W+".join(re.escape(part) for part in w.split()) + r"\w*"
        for m in re.finditer(pattern, sentence, flags=re.I):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
                break
    pieces, at = [], 0
    for a, b in sorted(spans):
        pieces += [(sentence[at:a], False), (sentence[a:b], True)]
        at = b
    pieces.append((sentence[at:], False))
    return [p for p in pieces if p[0]]
