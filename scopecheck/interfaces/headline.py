"""The first lines of a verdict's text: the answer and the question as asked, in the asker's words.

Apart from render.py (which needs the law loaded) so that `check` can print a verdict kept for the
task the words mean (interfaces/quick_check.py) with the same head as the whole flow prints, by the
same code, without importing the schema.
"""

from __future__ import annotations

import textwrap

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


def verdict_head(
    verdict: str, task_name: str, jurisdiction_name: str, task_input: str, task: str, task_note: str
) -> list[str]:
    """The answer, the task and state, the words asked when they are not the task's id, and how the
    words were understood."""
    asked = f'  (asked: "{task_input}")' if task_input != task else ""
    return [
        f"{HEADLINE[verdict]}: {task_name} in {jurisdiction_name}{asked}",
        f"  {MEANING[verdict]}",
        *(bullets([f"Understood as: {task_name.lower()}: {task_note}"], marker="  ") if task_note else []),
    ]
