"""How long the matcher takes to read task words it has not read before: every phrasing of the corpora.

    python benchmarks/understand.py              # best of 3
    python benchmarks/understand.py --repeat 5

A batch of distinct questions, the API and a cold `check` read each new wording once (then it is
remembered), so this is the matcher's share of their cost: the phrase index, frames, senses, the
reader's second reading, the language and role checks. Prints the time per wording; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import time
import tomllib
from pathlib import Path

from scopecheck.decide.checker import Checker
from scopecheck.errors import UserError

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is printed")
    args = ap.parse_args()
    texts = [
        p["text"]
        for path in sorted((REPO / "tests" / "data").glob("phrasings*.toml"))
        for p in tomllib.loads(path.read_text(encoding="utf-8"))["phrasings"]
    ]
    matcher = Checker(REPO).resolver.matcher
    matcher.understand("flu shot")  # the index, the reader and the word lists are built before timing
    runs = []
    for _ in range(args.repeat):
        matcher._understood.clear()  # each run reads every wording afresh
        start = time.perf_counter()
        for text in texts:
            with contextlib.suppress(UserError):  # over-long words are refused before reading: still counted
                matcher.understand(text)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    print(
        f"matcher, words not read before (Python {platform.python_version()}): {len(texts):,} wordings in "
        f"{best:.2f} s, {best / len(texts) * 1e6:.0f} us each (best of {args.repeat})"
    )


if __name__ == "__main__":
    main()
