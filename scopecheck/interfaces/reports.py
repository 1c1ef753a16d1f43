"""Reports across jurisdictions: the coverage matrix and the one-task comparison.

Both ask the same Checker the same way `check` does; nothing here decides a verdict.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scopecheck.decide.checker import Checker
from scopecheck.decide.verdict import Verdict

LETTER = {"allowed": "A", "conditional": "C", "prohibited": "P", "unknown": "?"}
UNOFFICIAL = frozenset({"forum", "unofficial_copy"})


def key_point(v: Verdict) -> str:
    """The one thing a reader most needs: the failing requirement, the first condition, or the rule."""
    unmet = [r.removeprefix("Not met: ") for r in v.reasons if r.startswith("Not met: ")]
    if unmet:
        return unmet[0]
    if v.verdict == "conditional" and v.conditions:
        return v.conditions[0]
    return v.reasons[0] if v.reasons else ""


@dataclass
class Coverage:
    tasks: list[str]
    cells: dict[str, dict[str, Verdict]] = field(default_factory=dict)
    data_snapshot: str = ""
    rules_by_confidence: Counter[str] = field(default_factory=Counter)
    rules_by_basis: Counter[str] = field(default_factory=Counter)
    oldest_verified: date | None = None

    def verdict_counts(self) -> Counter[str]:
        return Counter(v.verdict for row in self.cells.values() for v in row.values())

    def confidence_counts(self) -> dict[str, Counter[str]]:
        """Per verdict: cells resting on high / medium / low confidence, and on unofficial sources only
        (every citation a forum post or an unofficial copy)."""
        out: dict[str, Counter[str]] = {k: Counter() for k in LETTER}
        for row in self.cells.values():
            for v in row.values():
                out[v.verdict][v.confidence] += 1
                if v.citations and all(c.kind in UNOFFICIAL for c in v.citations):
                    out[v.verdict]["unofficial"] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": next(iter(next(iter(self.cells.values())).values())).as_of.isoformat() if self.cells else None,
            "data_snapshot": self.data_snapshot,
            "tasks": self.tasks,
            "jurisdictions": [
                {
                    "code": code,
                    "cells": {
                        t: {
                            "verdict": v.verdict,
                            "confidence": v.confidence,
                            "rules": v.rules,
                            "citations": len(v.citations),
                        }
                        for t, v in row.items()
                    },
                }
                for code, row in self.cells.items()
            ],
            "totals": {
                "verdicts": dict(self.verdict_counts()),
                "verdicts_by_confidence": {k: dict(v) for k, v in self.confidence_counts().items()},
                "rules_by_confidence": dict(self.rules_by_confidence),
                "rules_by_basis": dict(self.rules_by_basis),
                "oldest_last_verified": self.oldest_verified.isoformat() if self.oldest_verified else None,
            },
        }


def coverage(checker: Checker, codes: list[str], tasks: list[str], as_of: date) -> Coverage:
    """Each jurisdiction x task verdict for a question that states nothing but the task."""
    report = Coverage(tasks=tasks, data_snapshot=checker.lib.snapshot)
    for code in codes:
        state = checker.lib.state(code)
        report.rules_by_confidence.update(r.confidence for r in state.rules)
        report.rules_by_basis.update(r.basis for r in state.rules)
        dates = [state.jurisdiction.last_verified, *(r.last_verified for r in state.rules if r.last_verified)]
        oldest = min(dates)
        report.oldest_verified = oldest if report.oldest_verified is None else min(report.oldest_verified, oldest)
        report.cells[code] = {t: checker.evaluate(checker.query(code, t, as_of=as_of)) for t in tasks}
    return report


def coverage_text(report: Coverage) -> str:
    width = 3
    legend = [f"{i + 1:>2} {t}" for i, t in enumerate(report.tasks)]
    header = "    " + "".join(f"{i + 1:>{width}}" for i in range(len(report.tasks)))
    lines = [
        "Verdict for each task when nothing but the task is stated:",
        "A allowed, C conditional, P prohibited, ? unknown; lower case = low confidence",
        "",
        header,
    ]
    for code, row in report.cells.items():
        cells = []
        for t in report.tasks:
            v = row[t]
            letter = LETTER[v.verdict]
            cells.append(f"{letter.lower() if v.confidence == 'low' else letter:>{width}}")
        lines.append(f"{code:<4}" + "".join(cells))
    counts = report.verdict_counts()
    lines += [
        "",
        "Tasks:",
        *legend,
        "",
        "Totals: " + ", ".join(f"{k} {counts[k]}" for k in LETTER),
        "Cells by verdict and confidence:",
        *(
            f"  {k:<12} "
            + ", ".join(
                f"{c} {n}"
                for c, n in (
                    ("high", cc.get("high", 0)),
                    ("medium", cc.get("medium", 0)),
                    ("low", cc.get("low", 0)),
                    ("on unofficial sources only", cc.get("unofficial", 0)),
                )
            )
            for k, cc in report.confidence_counts().items()
        ),
        "Rules by confidence: "
        + ", ".join(f"{k} {report.rules_by_confidence.get(k, 0)}" for k in ("high", "medium", "low")),
        "Rules by basis: " + ", ".join(f"{k} {report.rules_by_basis.get(k, 0)}" for k in ("read", "recalled")),
        f"Oldest last-verified date: {report.oldest_verified}",
        f"Data snapshot: {report.data_snapshot}",
    ]
    return "\n".join(lines)


def coverage_rows(report: Coverage) -> list[dict[str, Any]]:
    return [
        {
            "jurisdiction": code,
            "task": t,
            "verdict": v.verdict,
            "confidence": v.confidence,
            "rules": ";".join(v.rules),
            "citations": len(v.citations),
        }
        for code, row in report.cells.items()
        for t, v in row.items()
    ]


def compare_rows(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    return [
        {
            "jurisdiction": v.jurisdiction,
            "verdict": v.verdict,
            "confidence": v.confidence,
            "key_point": key_point(v),
            "citation": v.citations[0].cite if v.citations else "",
            "url": v.citations[0].url if v.citations else None,
            "rules": v.rules,
        }
        for v in verdicts
    ]


def compare_text(verdicts: list[Verdict]) -> str:
    lines = []
    for row in compare_rows(verdicts):
        point = row["key_point"]
        point = point if len(point) <= 90 else point[:87] + "..."
        lines.append(f"{row['jurisdiction']}  {row['verdict']:<11} {row['confidence']:<6} {point}  [{row['citation']}]")
    counts: Counter[str] = Counter(v.verdict for v in verdicts)
    lines.append("")
    lines.append(f"{len(verdicts)} jurisdictions: " + ", ".join(f"{k} {counts[k]}" for k in LETTER))
    return "\n".join(lines)
