"""Real phrasings as `check` answers them in every encoded jurisdiction, judged by verdict, not task.

    python benchmarks/phrasing_verdicts.py                                   # the six sets no one tuned on
    python benchmarks/phrasing_verdicts.py phrasings_holdout29a.toml phrasings_holdout29b.toml
    python benchmarks/phrasing_verdicts.py --doubt 0.01 phrasings_holdout29b.toml   # the reader's old threshold

tests/test_phrasings.py judges the matcher: the task its words are read as. A user gets a verdict, and
`check` settles words that fit several tasks when every one gets the same answer in the state asked. So
each phrasing of the corpora named (tests/data) is asked in each jurisdiction, and each answer counted
as: the right task; another task whose verdict one of the labelled tasks also gets there (no wrong
legal answer); a verdict none of them gets (a wrong legal answer); an answer to words labelled as no MA
task; or asked back or refused (exit 2). Prints the counts per corpus and in all; asserts nothing.
Takes a few seconds (the words are read once; each question is a memo hit after the first).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NEVER_TUNED = [
    "phrasings_holdout23.toml",
    "phrasings_holdout24.toml",
    "phrasings_holdout25.toml",
    "phrasings_holdout26.toml",
    "phrasings_holdout27a.toml",
    "phrasings_holdout28b.toml",
]
KINDS = ("right task", "another task, same verdict", "WRONG VERDICT", "no MA task, answered", "asked or refused")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", default=NEVER_TUNED, help="corpus files in tests/data")
    ap.add_argument("--doubt", type=float, help="the reader's DOUBT_BELOW instead of the shipped one")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    import scopecheck.decide.reader as reader
    from scopecheck.decide.checker import Checker

    if args.doubt is not None:
        reader.DOUBT_BELOW = args.doubt
    checker = Checker(answer_table=False)  # a changed threshold must not read answers kept without it
    print(f"doubt below {reader.DOUBT_BELOW:g}; {len(checker.lib.encoded_states())} jurisdictions")
    total: Counter[str] = Counter()
    for name in args.corpora:
        phrasings = tomllib.loads((REPO / "tests" / "data" / name).read_text())["phrasings"]
        counts = answer_counts(checker, phrasings)
        total += counts
        print(_line(f"{name} ({len(phrasings)} phrasings)", counts))
    if len(args.corpora) > 1:
        print(_line("all", total))


def answer_counts(checker: Any, phrasings: list[dict[str, Any]]) -> Counter[str]:
    """How `check` answers each phrasing in each encoded jurisdiction, as KINDS (tests/test_phrasings.py
    holds the figures)."""
    from scopecheck.errors import UserError

    counts: Counter[str] = Counter()
    for p in phrasings:
        labels = [t for t in p["tasks"] if t != "none"]
        for state in checker.lib.encoded_states():
            try:
                verdict = checker.check(state, p["text"])
            except UserError:
                counts["asked or refused"] += 1
                continue
            if not labels:
                counts["no MA task, answered"] += 1
            elif verdict.task in labels:
                counts["right task"] += 1
            else:
                labelled = {checker.check(state, t).verdict for t in labels}
                counts["another task, same verdict" if verdict.verdict in labelled else "WRONG VERDICT"] += 1
    return counts


def _line(label: str, counts: Counter[str]) -> str:
    n = sum(counts.values()) or 1
    return f"{label:<44} " + "   ".join(f"{k} {counts[k]:,} ({counts[k] / n:.1%})" for k in KINDS)


if __name__ == "__main__":
    main()
