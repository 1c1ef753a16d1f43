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
import tempfile
import itertools
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _quotes_balanced(text: str) -> bool:
    return text.count('"') % 2 == 0


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


def _csv_records(stream: IO[str], header: list[str]) -> Iterator[Row]:
    numbers = itertools.count(1)
    lines = enumerate(stream, start=2)
    pushed_back: deque[tuple[int, str]] = deque()

    def next_line() -> tuple[int, str] | None:
        return pushed_back.popleft() if pushed_back else next(lines, None)

    while (item := next_line()) is not None:
        line_no, physical = item
        if not physical.strip():
            continue
        pending = [item]
        while not _quotes_balanced("".join(t for _, t in pending)) and len(pending) < MAX_RECORD_LINES:
            more = next_line()
            if more is None:
                break
            pending.append(more)
        if not _quotes_balanced("".join(t for _, t in pending)):
            # The quote never closes: this line is broken; the lines it swallowed are rows again.
            yield Row(next(numbers), line_no, _lenient(physical, header),
                      f"broken CSV quoting (unclosed quote): {physical.rstrip()[:80]!r}")
            pushed_back.extendleft(reversed(pending[1:]))
            continue
        yield _record(next(numbers), line_no, "".join(t for _, t in pending).rstrip("\r\n"), header)


def _lenient(text: str, header: list[str]) -> dict[str, Any]:
    """Best-effort fields of a broken line, so its passthrough columns (an id) are not lost."""
    values = next(csv.reader([text.rstrip("\r\n")]), [])
    return {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}


def _record(number: int, line_no: int, text: str, header: list[str]) -> Row:
    try:
        records = list(csv.reader(io.StringIO(text), strict=True))
        if len(records) != 1:
            raise csv.Error("a record split across lines")
        values = records[0]
    except csv.Error as exc:
        return Row(number, line_no, _lenient(text, header), f"broken CSV quoting ({exc}): {text[:80]!r}")
    row = Row(number, line_no, dict(zip(header, values + [""] * (len(header) - len(values)))))
    if len(values) > len(header):
        row.error = f"{len(values)} fields but the header has {len(header)}"
    elif _has_surrogates(text):
        bad = next((h for h, v in row.values.items() if _has_surrogates(v)), "?")
        row.error = f"field '{bad}' is not valid UTF-8"
    elif any(len(v) > MAX_FIELD for v in values):
        row.error = f"a field is longer than {MAX_FIELD:,} characters"
    return row


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
            value = json.loads(physical)
        except json.JSONDecodeError as exc:
            yield Row(number, line_no, {}, f"not JSON ({exc.msg} at column {exc.colno}): {physical.strip()[:80]!r}")
            continue
        if not isinstance(value, dict):
            yield Row(number, line_no, {}, f"expected a JSON object, got {type(value).__name__}")
            continue
        yield Row(number, line_no, value)
    if not seen_any:
        raise UserError(f"{name}: empty input (expected one JSON object per line)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvWriter:
    def __init__(self, stream: IO[str], columns: list[str]):
        self.columns = columns + [c for c in OUTPUT if c not in columns]
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(self.columns)

    def write(self, record: dict[str, Any]) -> None:
        self.writer.writerow([_cell(record.get(c)) for c in self.columns])


class JsonlWriter:
    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


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
