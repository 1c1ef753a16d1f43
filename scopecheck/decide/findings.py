"""What the engine found about each rule, in the plan's terms and not the engine's.

The engine layer (compiler + engine) translates its own hits into Findings; the verdict fold reads
only these. Swapping durable_rules for another engine means producing the same Findings, nothing
above this line changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["met", "unmet", "unknown"]

#: The requirement name of the finding that a rule applies to the question (task and date).
APPLIES = "applies"


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact about one rule: it applies (`requirement` APPLIES), or a requirement's status."""

    rule: str
    requirement: str
    status: Status = "met"


class Findings:
    """All findings for one question, indexed: which rules apply, and each requirement's status."""

    __slots__ = ("_status", "applied")

    def __init__(self, found: tuple[Finding, ...]):
        self.applied: list[str] = []
        self._status: dict[tuple[str, str], Status] = {}
        for f in found:
            if f.requirement == APPLIES:
                self.applied.append(f.rule)
            else:
                self._status[f.rule, f.requirement] = f.status

    def status(self, rule: str, requirement: str) -> Status | None:
        """met / unmet / unknown, or None when the engine reported nothing for it."""
        return self._status.get((rule, requirement))
