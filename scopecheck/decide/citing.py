"""How a source is named beside a verdict: its citation, its kind in words, and its link.

Apart from verdict.py (pydantic and the schema) so that a verdict read back as plain data is
printed by the same code (interfaces/printed.py).
"""

from __future__ import annotations

import functools
from typing import Any

KIND_NAMES: dict[str, str] = {
    "statute": "statute",
    "regulation": "regulation",
    "board_guidance": "board guidance",
    "ag_opinion": "attorney general opinion",
    "court": "court decision",
    "bill": "bill (not law)",
    "secondary": "secondary source",
    "advocacy": "advocacy source",
    "news": "news",
    "forum": "forum post",
    "unofficial_copy": "unofficial copy",
}


def citation_text(c: Any) -> str:
    """`cite [kind] <url>`: the kind of source beside every link, so a forum copy is never mistaken for
    law. `c`: a Citation, or one read back from a verdict's JSON."""
    return _cited(c.cite, c.url, c.kind, c.official)


@functools.lru_cache(maxsize=4_096)  # one string per cited source (a few hundred), not one per verdict that cites it
def _cited(cite: str, url: str | None, kind: str, official: bool) -> str:
    named = KIND_NAMES.get(kind, kind) + (", official text" if official else "")
    return f"{cite} [{named}]" + (f" <{url}>" if url else "")
