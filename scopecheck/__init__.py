"""scopecheck: US state scope-of-practice law for medical assistants, as cited verdicts.

The public API (the package's facade; ARCHITECTURE.md shows the layers behind it):

    from scopecheck import check, check_posting, check_hire
    verdict = check("CA", "flu shot", supervision="direct")
    verdict.verdict, verdict.conditions, verdict.citations
    check_posting("Medical Assistant, Albany, NY\\nGive flu shots.").findings
    check_hire("NJ", {"credentials": [{"id": "CMA", "expires": "2020-02-29"}]}, ["injection_intramuscular"]).duties
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from scopecheck.errors import RuleFileError, UserError
from scopecheck.version import __version__

if TYPE_CHECKING:
    from scopecheck.decide.checker import Checker, check
    from scopecheck.decide.query import Query
    from scopecheck.decide.verdict import Verdict
    from scopecheck.hr.checks import HireReport, PostingReport

_LAZY = {
    "Checker": "decide.checker",
    "check": "decide.checker",
    "default_checker": "decide.checker",
    "Query": "decide.query",
    "Verdict": "decide.verdict",
}


def __getattr__(name: str) -> Any:
    """The API on first use, so that `scopecheck --help` and `import scopecheck.errors` stay light."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'scopecheck' has no attribute {name!r}")


__all__ = [
    "Checker",
    "Query",
    "RuleFileError",
    "UserError",
    "Verdict",
    "__version__",
    "check",
    "check_hire",
    "check_posting",
]


def check_posting(text: str, state: str | None = None, *, as_of: date | str | None = None) -> PostingReport:
    """Read a posting's text (plain, Markdown or HTML) and judge each duty; see `scopecheck posting`."""
    from scopecheck.decide import arguments as arg
    from scopecheck.decide.checker import default_checker
    from scopecheck.hr.checks import check_posting as judge
    from scopecheck.hr.posting import PostingReader

    c = default_checker()
    words, code, on = arg.text(text, "text", limit=None), arg.optional_text(state, "state"), arg.day(as_of)
    return judge(c, PostingReader(c.lib, c.resolver).read(words, "text", code, state_field="state"), on)


def check_hire(
    state: str,
    candidate: dict[str, Any],
    duties: list[str],
    *,
    as_of: date | str | None = None,
    supervision: Any = None,
    supervisor: Any = None,
    setting: str | None = None,
) -> HireReport:
    """A candidate (the candidate-file structure as a dict) against duties; see `scopecheck hire`."""
    from scopecheck.decide import arguments as arg
    from scopecheck.decide.checker import default_checker
    from scopecheck.hr.candidate import candidate_from, status_on
    from scopecheck.hr.checks import check_hire as judge
    from scopecheck.hr.checks import hire_tasks

    c = default_checker()
    code = c.jurisdiction(arg.text(state, "state"), field="state")
    duty_words = arg.words(duties, "duties")
    if not duty_words:
        raise UserError("duties: give at least one duty")
    on = arg.day(as_of) or date.today()
    status = status_on(c.lib, c.resolver, candidate_from(candidate, "candidate"), on, "candidate")
    tasks = hire_tasks(c, code, duties=duty_words, names=("duties", "title", "posting_text"))
    return judge(
        c,
        code,
        status,
        tasks,
        supervision=arg.supervision(supervision),
        supervisor=arg.supervisor(supervisor),
        setting=c.resolver.setting(arg.optional_text(setting, "setting"), field="setting"),
    )
