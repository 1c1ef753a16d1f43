"""What a verdict asks of an office, in one of six map categories; decided here once for the SVG
map, the page's map and its legend.

A `conditional` verdict is sorted by what its easiest open path still needs, read from the
deciding rules' requirements (the Checker's plan) that the verdict's conditions name as not stated:

* nothing beyond supervision, a supervisor, a setting or the practice's duties: `any_ma`,
  conditions any trained MA can meet;
* a national certification (a credential without a `jurisdiction` in rules/credentials.toml) or a
  training program: `national`;
* only a state's own credential, registration, license or permit: `state_credential`.

`allowed`, `prohibited` and `unknown` keep their names. Low confidence is not a category: it is
drawn over any of them (`low_confidence`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scopecheck.decide.checker import Checker
from scopecheck.decide.plan import Effective
from scopecheck.decide.verdict import Explainer, Verdict


@dataclass(frozen=True)
class Category:
    id: str
    letter: str
    colour: str  # white text on each passes WCAG AA; the letter carries it in grey print
    words: str


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in (
        Category("allowed", "A", "#116329", "allowed"),
        Category("any_ma", "C", "#0550ae", "allowed under conditions any trained MA can meet (supervision, orders)"),
        Category("national", "N", "#7d4e00", "needs a national certification or a training program"),
        Category("state_credential", "S", "#6639ba", "needs a state credential, registration or permit"),
        Category("prohibited", "P", "#a40e26", "prohibited"),
        Category("unknown", "?", "#57606a", "no law found (unknown)"),
    )
}
LOW_CONFIDENCE_WORDS = "low confidence: a lead to check, not an answer (hatched, dashed border, 'low')"
_RANK = {"any_ma": 1, "national": 2, "state_credential": 3}


def low_confidence(v: Verdict) -> bool:
    return v.confidence == "low"


def category(checker: Checker, v: Verdict) -> str:
    """The map category of one verdict (see the module docstring)."""
    if v.verdict != "conditional":
        return v.verdict
    plan = checker.plan(v.jurisdiction)
    explain = Explainer(checker.lib)
    paths = [plan.rule(r) for r in v.rules if plan.rule(r).rule.effect != "forbid"]
    needs = [_path_needs(checker, explain, p, v, several=len(paths) > 1) for p in paths]
    return min(needs, key=_RANK.__getitem__, default="any_ma")


def _path_needs(checker: Checker, explain: Explainer, path: Effective, v: Verdict, *, several: bool) -> str:
    """What one open path still needs: the requirements the verdict lists as conditions."""
    own = [
        c.removeprefix(f"under {path.id}: ") for c in v.conditions if not several or c.startswith(f"under {path.id}: ")
    ]
    unstated = [check for check, scope in path.checks if any(explain.requirement(path, check, scope) in c for c in own)]
    rank = "any_ma"
    if any(c.startswith("training:") and checker.lib.trainings[c.split(":", 1)[1]].program for c in unstated):
        rank = "national"
    if "credentials" in unstated:
        national = any(checker.lib.credentials[c].jurisdiction is None for c in path.requires.credentials)
        rank = max(rank, "national" if national else "state_credential", key=_RANK.__getitem__)
    return rank


@dataclass(frozen=True)
class Tile:
    """One jurisdiction on the map: its verdict, category and the address of its answer (or None)."""

    verdict: Verdict
    category: Category
    href: str | None


def tiles(checker: Checker, verdicts: list[Verdict], link: Callable[[Verdict], str] | None = None) -> list[Tile]:
    return [Tile(v, CATEGORIES[category(checker, v)], link(v) if link else None) for v in verdicts]
