"""How a verdict is printed, in what needs no law loaded: its text (the head says the answer and the
question in the asker's words) and the JSON every command prints.

Apart from render.py (which needs the law) so that `check` can print a verdict kept for the question
the words ask (interfaces/quick_check.py) exactly as the whole flow prints it, by the same code, without
importing the schema.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from scopecheck.decide.citing import citation_text

HEADLINE = {
    "allowed": "ALLOWED",
    "conditional": "CONDITIONAL",
    "prohibited": "PROHIBITED",
    "unknown": "UNKNOWN",
}
MEANING = {
    "allowed": "a rule permits it and every requirement it names is met",
    "conditional": "permitted only if the conditions below hold",
    "prohibited": "the law forbids it, or a requirement is not met",
    "unknown": "the data has no rule for this; see the guidance",
}


def bullets(items: list[str], width: int = 96, marker: str = "  - ") -> list[str]:
    out = []
    for item in items:
        out += textwrap.wrap(
            item,
            width=width,
            initial_indent=marker,
            subsequent_indent=" " * len(marker),
            break_long_words=False,
            break_on_hyphens=False,
        )
    return out


def verdict_text(v: Any) -> str:
    """A verdict as text for people: of a Verdict, or of its JSON read back as records. The head says
    the answer, the task and state, the words asked when they are not the task's id, and how the words
    were understood; the rest depends on the question only."""
    asked = f'  (asked: "{v.task_input}")' if v.task_input != v.task else ""
    lines = [
        f"{HEADLINE[v.verdict]}: {v.task_name} in {v.jurisdiction_name}{asked}",
        f"  {MEANING[v.verdict]}",
        *(bullets([f"Understood as: {v.task_name.lower()}: {v.task_note}"], marker="  ") if v.task_note else []),
        "",
        "Why:",
        *bullets(v.reasons),
    ]
    if v.conditions:
        lines += ["", "Conditions (not stated in the question; each must hold):", *bullets(v.conditions)]
    if v.unlock:
        lines += ["", "What would make it lawful (any one line):", *bullets(v.unlock)]
    if v.obligations:
        lines += ["", "Also required of the practice (not checked):", *bullets(v.obligations)]
    if v.guidance:
        lines += ["", "Guidance (the state's delegation doctrine):", *bullets([v.guidance])]
    lines += ["", "Law:"]
    lines += bullets([citation_text(c) for c in v.citations])
    rules = ", ".join(v.rules) if v.rules else "none"
    verified = f"last verified {v.last_verified}" if v.last_verified else "not verified"
    lines += [
        "",
        f"Rules: {rules} | confidence: {v.confidence} | {verified} | as of {v.as_of} | data {v.data_snapshot}",
        f"Confidence {v.confidence_meaning}.",
        v.disclaimer,
    ]
    return "\n".join(lines)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
