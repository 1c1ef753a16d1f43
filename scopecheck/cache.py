"""Where scopecheck keeps what it can compute again: the user's cache directory (platformdirs).

Two caches live there: the engine's answers per data snapshot (decide/answers.py) and each rule file
as validated (law/tomlfile.py). Both are keyed by `code_fingerprint()`, so another version, or one
edited module, never reads what different code wrote. SCOPECHECK_CACHE_DIR moves the directory;
SCOPECHECK_NO_CACHE=1 turns both off. A cache is an optimisation only: whatever goes wrong in one
is ignored, and the work is done again. What is read back from it decides answers, so only a
directory this user alone may write to is used, and nothing there is ever executed (JSON and SQLite,
never pickle).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import stat
import sys
from pathlib import Path


def cache_root() -> Path | None:
    """Where the caches live, or None when the user turned them off (usable_root() says whether it
    may be used)."""
    if os.environ.get("SCOPECHECK_NO_CACHE", "").strip() not in ("", "0"):
        return None
    moved = os.environ.get("SCOPECHECK_CACHE_DIR", "").strip()
    if moved:
        return Path(moved)
    import platformdirs

    return Path(platformdirs.user_cache_dir("scopecheck", appauthor=False))


def usable_root() -> Path | None:
    """cache_root() when it is this user's alone (made, mode 0700, when missing); None when it is
    turned off, cannot be made, or another user owns it or may write to it: anyone who can write
    there could change the answers read back."""
    root = cache_root()
    return root if root is not None and _private(str(root)) else None


@functools.lru_cache(maxsize=16)
def _private(where: str) -> bool:
    path = Path(where)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        status = path.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(status.st_mode):
        return False
    getuid = getattr(os, "getuid", None)  # POSIX; elsewhere the user's profile is already private
    return getuid is None or (status.st_uid == getuid() and not status.st_mode & 0o022)


@functools.cache
def code_fingerprint() -> str:
    """A hash of every module of this package (its name, size and modification time, as Python's own
    .pyc check does: a few stat calls, not reading 400 kB at every start), the Python version and the
    installed pydantic (found, not imported: a command answered from the cache never imports it):
    the code that reads rule files and turns them into verdicts. Any change is new."""
    digest = hashlib.sha256(f"{sys.version}\0".encode())
    for library in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(library)
        where = spec.origin if spec is not None and spec.origin else ""
        status = os.stat(where) if where else None
        digest.update(f"{where}\0{status and status.st_size}\0{status and status.st_mtime_ns}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, subfolders, files in os.walk(package):
        subfolders.sort()
        for name in sorted(f for f in files if f.endswith(".py")):
            status = os.stat(os.path.join(folder, name))
            where = os.path.relpath(os.path.join(folder, name), package)
            digest.update(f"{where}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def table_path(root: Path, snapshot: str) -> Path:
    """The answer table of a data snapshot and this code (decide/answers.py)."""
    return root / f"answers-{snapshot}-{code_fingerprint()}.sqlite"


def validated_path(root: Path, name: str) -> Path:
    """A rule file kept as validated by this code (law/tomlfile.py)."""
    return root / f"validated-{code_fingerprint()}" / name


def validated_copy(root: Path, kind: str, text: str) -> Path:
    """Where the text of a rule file, validated as the schema model named `kind`, is kept as JSON:
    found by law/tomlfile.py, and read without the schema by interfaces/quick_check.py."""
    digest = hashlib.sha256(kind.encode() + b"\0" + text.encode("utf-8")).hexdigest()[:32]
    return validated_path(root, f"{digest}.json")


def write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a reader in another process never sees half); errors ignored."""
    import tempfile  # not at import: it costs more than the rest of a warm start's file reads

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(name, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(name)


def cache_files(root: Path) -> tuple[list[Path], list[Path]]:
    """What scopecheck wrote under `root`, and nothing else that may live there: the answer tables
    (each with SQLite's -wal and -shm files beside it) and the validated rule files."""
    if not root.is_dir():
        return [], []
    tables = sorted(p for p in root.glob("answers-*.sqlite*") if p.is_file())
    validated = sorted(p for d in root.glob("validated-*") if d.is_dir() for p in d.iterdir() if p.is_file())
    return tables, validated


def prune(root: Path, keep: int) -> None:
    """Keep the `keep` most recently used answer tables under `root` (each with its -wal and -shm), and
    the validated rule files of their code and of this code; remove the rest (other versions, code
    since edited). Other processes may be pruning, or reading, too: a file gone meanwhile is simply
    not there, and a reader whose copy is gone validates the file again."""
    tables, _ = cache_files(root)
    used = {}
    for table in (p for p in tables if p.suffix == ".sqlite"):
        with contextlib.suppress(OSError):
            used[table] = table.stat().st_mtime
    ranked = sorted(used, key=used.__getitem__, reverse=True)
    for old in ranked[keep:]:
        for part in (old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")):
            with contextlib.suppress(OSError):
                part.unlink()
    codes = {code_fingerprint(), *(table.stem.rsplit("-", 1)[-1] for table in ranked[:keep])}
    for folder in root.glob("validated-*"):
        if folder.is_dir() and folder.name.removeprefix("validated-") not in codes:
            for path in folder.iterdir():
                with contextlib.suppress(OSError):
                    path.unlink()
            with contextlib.suppress(OSError):
                folder.rmdir()


def clear(root: Path) -> tuple[int, int]:
    """Remove what cache_files() lists, and the emptied validated-* folders: (files, bytes) removed."""
    files = removed = 0
    tables, validated = cache_files(root)
    for path in tables + validated:
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            path.unlink()
            files, removed = files + 1, removed + size
    for folder in root.glob("validated-*"):
        with contextlib.suppress(OSError):
            folder.rmdir()
    return files, removed
