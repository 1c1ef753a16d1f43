"""Where the data lives and which data it is: the data directory and its snapshot id.

Apart from the library so that a command can name the data's snapshot (and find what it already
answered for it) without importing the schema or loading a rule.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from scopecheck.version import __version__

#: The matcher's second reading of task words (decide/reader.py), trained from labelled phrasings.
READER_MODEL = "rules/reader.json"


def default_data_dir() -> Path:
    env = os.environ.get("SCOPECHECK_DATA_DIR")
    if env:
        return Path(env)
    packaged = Path(__file__).resolve().parent.parent / "_data"
    if (packaged / "states").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent


def data_snapshot(root: Path) -> str:
    """A short stable id of the data: the package version and a hash of every file under rules/ and
    states/ (cases included, and the matcher's reader model). Same data, same id, in any process; one
    edited character, a new id."""
    digest = hashlib.sha256()
    for folder in ("rules", "states"):
        for path in sorted(p for p in (root / folder).rglob("*") if p.suffix in (".toml", ".json")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}-{digest.hexdigest()[:12]}"
