"""Read a TOML data file into a schema model, reporting every defect with file, key and line.

tomllib gives no positions for keys, so `key_lines` scans the text once and maps each key path
(as pydantic reports it: `("rules", 3, "requires", "supervison")`) to the line that defines it.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from scopecheck.cache import usable_root, validated_copy, write_atomically
from scopecheck.errors import Defect, RuleFileError
from scopecheck.law.plain import build, json_values, validate

if TYPE_CHECKING:
    from pydantic import ValidationError

M = TypeVar("M")

_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)\s*=')
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('"') for part in key.split("."))


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each key path in a TOML text to its 1-based line number (tables and keys)."""
    lines: dict[tuple[str | int, ...], int] = {}
    counters: dict[tuple[str, ...], int] = {}
    current: tuple[str | int, ...] = ()
    in_multiline = False
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
            was = in_multiline
            in_multiline = not in_multiline
            if was:
                continue
        elif in_multiline:
            continue
        header = _HEADER.match(raw)
        if header and not _KEY.match(raw):
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                counters[names] = counters.get(names, -1) + 1
            path: list[str | int] = []
            for i, name in enumerate(names):
                path.append(name)
                if names[: i + 1] in counters:
                    path.append(counters[names[: i + 1]])
            current = tuple(path)
            lines.setdefault(current, number)
            continue
        key = _KEY.match(raw)
        if key:
            lines.setdefault(current + _split_key(key.group(1)), number)
    return lines


def locate(lines: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    """The line of the longest prefix of `loc` that the file defines."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; a syntax error or unreadable file becomes a located defect."""
    text = read_text(path)
    return parse_toml(path, text), text


def read_text(path: Path) -> str:
    """A data file's text; an unreadable file becomes a defect naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError([Defect(path, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise RuleFileError([Defect(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise RuleFileError([Defect(path, f"cannot read: {exc.strerror}")]) from None


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """`text` (of `path`) as TOML; a syntax error becomes a located defect."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        bad_day = _bad_day(text, line)
        if bad_day:  # TOML reads 2026-13-01 as no value at all: "Expected newline or end of document"
            raise RuleFileError([Defect(path, bad_day, line=line)]) from None
        if text.startswith("\ufeff"):
            message += " (the file starts with a byte-order mark: save it as UTF-8 without one)"
        raise RuleFileError([Defect(path, f"TOML syntax: {message}", line=line)]) from None
    except RecursionError:
        raise RuleFileError([Defect(path, "TOML nested too deeply to read")]) from None
    except ValueError:  # the int-string limit on a very long integer
        raise RuleFileError(
            [Defect(path, f"TOML: a number has more than {sys.get_int_max_str_digits():,} digits")]
        ) from None


_DAY_VALUE = re.compile(r"^\s*([\w.\-\"']+)\s*=\s*(\d{4}-\d{2}-\d{2})\b")


def _bad_day(text: str, line: int | None) -> str:
    """The key and the impossible date on the line TOML stopped at, said as such, or ''."""
    if line is None:
        return ""
    lines = text.splitlines()
    found = _DAY_VALUE.match(lines[line - 1]) if 0 < line <= len(lines) else None
    if found is None:
        return ""
    try:
        date.fromisoformat(found.group(2))
    except ValueError as exc:
        return f"[{found.group(1)}] {found.group(2)} is not a date ({exc}); write YYYY-MM-DD"
    return ""


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_WRONG_BRANCH = {
    "model_type",
    "model_attributes_type",
    "dataclass_type",
    "dataclass_args_type",
    "dict_type",
    "string_type",
    "list_type",
}
_UNKNOWN_KEY = {"extra_forbidden", "unexpected_keyword_argument"}
_MISSING = {"missing", "missing_argument", "missing_keyword_only_argument"}


def relevant_errors(error: ValidationError) -> list[Any]:
    """Pydantic reports every branch of a union; a type mismatch on a branch the value was never
    meant for ("should be a valid dictionary" for a string) is noise when another error remains."""
    items = error.errors()
    kept = [i for i in items if i["type"] not in _WRONG_BRANCH]
    return kept or items


def defects_from(path: Path, text: str, error: ValidationError) -> list[Defect]:
    """Turn a pydantic ValidationError into one located defect per problem."""
    lines = key_lines(text)
    defects = []
    for item in relevant_errors(error):
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = item["msg"]
        if item["type"] in _UNKNOWN_KEY:
            message = f"unknown key '{loc[-1]}'" if loc else "unknown key"
        elif item["type"] in _MISSING:
            message = "Field required"
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        defects.append(Defect(path, message, key=_dotted(loc), line=locate(lines, loc)))
    return defects


def validated(path: Path, text: str, model: type[M]) -> M:
    """A data file's text parsed and validated; RuleFileError naming every defect."""
    from pydantic import ValidationError

    data = parse_toml(path, text)
    try:
        return validate(model, data)
    except ValidationError as exc:
        raise RuleFileError(defects_from(path, text, exc)) from None


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated model with the file it came from, so later checks can name lines."""

    path: Path
    model: M
    text: str

    @cached_property
    def lines(self) -> dict[tuple[str | int, ...], int]:
        return key_lines(self.text)

    def defect(self, message: str, *loc: str | int) -> Defect:
        key = ""
        for part in loc:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        return Defect(self.path, message, key=key, line=locate(self.lines, tuple(loc)))


def load(path: Path, model: type[M]) -> Loaded[M]:
    """A file as validated, with its text (to locate later defects): from the cache of validated
    files when this content was read before (rebuilt from its JSON, no TOML parse and no pydantic),
    else parsed, validated and kept there."""
    text = read_text(path)
    kept = _kept_path(text, model)
    if kept is not None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            return Loaded(path, build(model, json.loads(kept.read_bytes())), text)
    parsed = validated(path, text, model)
    if kept is not None:
        write_atomically(kept, json.dumps(json_values(parsed), ensure_ascii=False).encode("utf-8"))
    return Loaded(path, parsed, text)


def _kept_path(text: str, model: type) -> Path | None:
    """Where a validated copy of this text as `model` is kept, or None (no usable cache)."""
    root = usable_root()
    return None if root is None else validated_copy(root, model.__qualname__, text)
