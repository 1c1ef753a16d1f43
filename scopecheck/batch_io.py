"""Streaming readers and writers for batch rows: CSV and JSONL, never losing a row.

Every physical record of the input yields exactly one Row, even when it is broken (bad quoting,
invalid UTF-8, not a JSON object): such a row carries an `error` and is written out as an error
row. Bytes that are not UTF-8 are kept (surrogateescape) so passthrough columns round-trip.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import safejson
from .errors import UserError

REQUIRED = ("state", "task")
OPTIONAL = ("id", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of")
OUTPUT = ("verdict", "reasons", "conditions", "citations", "rules", "confidence")
MAX_RECORD_LINES = 50  # a quoted field may span lines; past this, the quote is taken as broken
MAX_FIELD = 100_000


@dataclass
class Row:
    number: int  # 1-based record number (the header is not counted)
    line: int  # 1-based line where the record starts
    values: dict[str, Any]
    error: str = ""


# Bytes that were not UTF-8, kept by the surrogateescape error handler.
_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _parse_line(text: str) -> list[str]:
    return next(csv.reader([text], strict=True), [])


def csv_rows(stream: IO[str], name: str) -> tuple[list[str], Iterator[Row]]:
    """The header and a lazy iterator of rows. A missing required column is a UserError."""
    first = stream.readline()
    if not first.strip():
        raise UserError(f"{name}: empty input (expected a CSV header with columns: state, task)")
    try:
        header = [h.strip() for h in _parse_line(first.rstrip("\r\n"))]
    except csv.Error as exc:
        raise UserError(f"{name}: line 1: unreadable CSV header ({exc})") from None
    if _has_surrogates(first):
        raise UserError(f"{name}: line 1: the header is not valid UTF-8")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(
            f"{name}: missing required column(s) {', '.join(missing)}; found: {', '.join(header) or 'none'}; "
            f"wanted: {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    clash = [c for c in OUTPUT if c in header]
    if clash:
        raise UserError(f"{name}: input already has output column(s) {', '.join(clash)}; rename them")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise UserError(f"{name}: duplicate column(s) {', '.join(dup)}")
    return header, _csv_records(stream, header)


class _Runaway(Exception):
    """A quoted field has run on for too many lines: its quote is taken as never closed."""


class _Lines:
    """The input's physical lines, numbered, with push-back; it records the lines of the record
    the csv reader is reading, so a broken record can be re-read line by line."""

    def __init__(self, stream: IO[str]):
        self._numbered = enumerate(stream, start=2)
        self.pushed_back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self.pushed_back.popleft() if self.pushed_back else next(self._numbered)
        self.taken.append(item)
        if len(self.taken) > MAX_RECORD_LINES:
            raise _Runaway
        return item[1]


def _csv_records(stream: IO[str], header: list[str]) -> Iterator[Row]:
    """The fast path is the C csv reader over the lines; a broken record (bad or unclosed quote)
    becomes one error row for its first line, and the lines it swallowed are read again."""
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    number = 0
    width = len(header)
    while True:
        lines.taken = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway) as exc:
            if not lines.taken:
                return
            first_no, first = lines.taken[0]
            lines.pushed_back.extendleft(reversed(lines.taken[1:]))
            reader = csv.reader(lines, strict=True)
            number += 1
            why = "unclosed quote" if isinstance(exc, _Runaway) or "end of data" in str(exc) else str(exc)
            yield Row(number, first_no, _lenient(first, header), f"broken CSV quoting ({why}): {first.rstrip()[:80]!r}")
            continue
        if not values:
            continue  # a blank line
        number += 1
        line_no = lines.taken[0][0] if lines.taken else 0
        if len(values) == width:
            row = Row(number, line_no, dict(zip(header, values)))
        else:
            row = Row(number, line_no, dict(zip(header, values + [""] * (width - len(values)))))
            if len(values) > width:
                row.error = f"{len(values)} fields but the header has {width}"
        text = "".join(t for _, t in lines.taken)
        if not row.error and _has_surrogates(text):
            bad = next((h for h, v in row.values.items() if _has_surrogates(v)), "?")
            row.error = f"field '{bad}' is not valid UTF-8"
        elif not row.error and len(text) > MAX_FIELD:
            if any(len(v) > MAX_FIELD for v in values):
                row.error = f"a field is longer than {MAX_FIELD:,} characters"
        yield row


def _lenient(text: str, header: list[str]) -> dict[str, Any]:
    """Best-effort fields of a broken line, so its passthrough columns (an id) are not lost."""
    try:
        values = next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error:
        values = text.rstrip("\r\n").replace("\x00", "").split(",")
    return {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}


def jsonl_rows(stream: IO[str], name: str) -> Iterator[Row]:
    number = 0
    seen_any = False
    for line_no, physical in enumerate(stream, 1):
        if not physical.strip():
            continue
        seen_any = True
        number += 1
        if _has_surrogates(physical):
            yield Row(number, line_no, {}, "the line is not valid UTF-8")
            continue
        try:
            value = safejson.loads(physical)
        except json.JSONDecodeError as exc:
            yield Row(number, line_no, {}, f"not JSON ({exc.msg} at column {exc.colno}): {physical.strip()[:80]!r}")
            continue
        except safejson.JsonProblem as exc:
            yield Row(number, line_no, {}, f"refused JSON: {exc}")
            continue
        if not isinstance(value, dict):
            yield Row(number, line_no, {}, f"expected a JSON object, got {type(value).__name__}")
            continue
        yield Row(number, line_no, value)
    if not seen_any:
        raise UserError(f"{name}: empty input (expected one JSON object per line)")


def _cell(value: Any) -> str:
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvWriter:
    """Input columns first, untouched, then the output columns. Results repeat (memoized), so
    their formatted cells are cached by identity."""

    def __init__(self, stream: IO[str], columns: list[str]):
        self.inputs = columns
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(columns + list(OUTPUT))
        self._formatted: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def write(self, values: dict[str, Any], result: dict[str, Any]) -> None:
        entry = self._formatted.get(id(result))
        if entry is None or entry[0] is not result:
            entry = (result, [_cell(result.get(c)) for c in OUTPUT])
            if len(self._formatted) > 10_000:
                self._formatted.clear()
            self._formatted[id(result)] = entry
        self.writer.writerow([_cell(values.get(c)) for c in self.inputs] + entry[1])


class JsonlWriter:
    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, values: dict[str, Any], result: dict[str, Any]) -> None:
        self.stream.write(json.dumps({**values, **result}, ensure_ascii=False, default=str) + "\n")


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path` and rename it into place only when complete, so an
    interrupted run never leaves a partial file under the final name."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise UserError(f"{path}: the directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as stream:
            yield stream
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
