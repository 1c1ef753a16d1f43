"""Addresses of answers on the page: one definition for the map's tiles (CLI, API and page) and the
page's own links. The query-string names are the check form's field names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import urlencode

from scopecheck.decide.verdict import Verdict


def query_string(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode([(k, v) for k, v in pairs if v])


def check_url(v: Verdict, facts: Mapping[str, object] | None = None) -> str:
    """The page's check URL for the verdict's state and task, with the facts the verdict assumed
    (Checker.query keywords: credentials, trainings, supervision, supervisor, setting, as_of)."""
    facts = facts or {}
    pairs = [("state", v.jurisdiction), ("task", v.task)]
    for key, name in (("credentials", "credential"), ("trainings", "training")):
        values = facts.get(key)
        if values is not None:
            pairs += [(name, str(x)) for x in sorted(values)] or [(name, "none")]  # type: ignore[call-overload]
    for key in ("supervision", "supervisor", "setting"):
        if facts.get(key):
            pairs.append((key, str(facts[key])))
    as_of = facts.get("as_of")
    if isinstance(as_of, date):
        pairs.append(("as_of", as_of.isoformat()))
    return "/?" + query_string(pairs)
