"""Streaming readers and writers for batch rows: CSV and JSONL, never losing a row.

Every physical record of the input yields exactly one Row, even when it is broken (bad quoting,
invalid UTF-8, not a JSON object): such a row carries an `error` and is written out as an error
row. Bytes that are not UTF-8 are kept (surrogateescape) so passthrough columns round-trip.
"""

from __future__ import annotations

from collections import OrderedDict

import contextlib
import csv
import errno
import os
import re
import stat
import tempfile
import json
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import safejson
from .errors import UserError
from .render import CsvOut, csv_cell

REQUIRED = ("state", "task")
OPTIONAL = ("id", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of")
OUTPUT = ("verdict", "reasons", "conditions", "citations", "rules", "confidence", "data_snapshot")
MAX_RECORD_CHARS = 1_000_000  # a quoted field may span any number of lines; past 1 MB its quote is broken
MAX_FIELD = 100_000
MAX_COLUMNS = 1_000  # columns of a CSV input, or different keys of JSONL rows written as CSV


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
    if len(header) > MAX_COLUMNS:
        raise UserError(f"{name}: line 1: the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are read")
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
    dup = sorted(h for h, n in Counter(header).items() if n > 1)
    if dup:
        raise UserError(f"{name}: duplicate column(s) {', '.join(dup)}")
    return header, _csv_records(stream, header)


class _Runaway(Exception):
    """A record has run on past MAX_RECORD_CHARS: its quote is taken as never closed."""


class _Lines:
    """The input's physical lines, numbered, with push-back and look-ahead; it records the lines of
    the record the csv reader is reading, so a broken record can be re-read line by line."""

    def __init__(self, stream: IO[str]):
        self._numbered = enumerate(stream, start=2)
        self.pushed_back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self._size = 0

    def start_record(self) -> None:
        self.taken = []
        self._size = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self.pushed_back.popleft() if self.pushed_back else next(self._numbered)
        self.taken.append(item)
        self._size += len(item[1])
        if self._size > MAX_RECORD_CHARS:
            raise _Runaway
        return item[1]

    def peek(self, index: int = 0) -> tuple[int, str] | None:
        """The line `index` lines ahead, without taking it."""
        while len(self.pushed_back) <= index:
            item = next(self._numbered, None)
            if item is None:
                return None
            self.pushed_back.append(item)
        return self.pushed_back[index]

    def drop(self) -> int:
        """Take the next line out of the input (it belongs to a broken record); its number."""
        return self.pushed_back.popleft()[0]


def _starts_record(lines: _Lines, width: int) -> bool:
    """Do the lines ahead begin a well-formed record of exactly `width` fields (possibly spanning
    lines)? Looks ahead without taking anything."""
    size = 0

    def ahead() -> Iterator[str]:
        nonlocal size
        index = 0
        while (item := lines.peek(index)) is not None:
            size += len(item[1])
            if size > MAX_RECORD_CHARS:
                raise _Runaway
            index += 1
            yield item[1]

    try:
        values = next(csv.reader(ahead(), strict=True))
    except (csv.Error, _Runaway, StopIteration):
        return False
    return len(values) == width


def _csv_records(stream: IO[str], header: list[str]) -> Iterator[Row]:
    """The fast path is the C csv reader over the lines. A broken record (a bad quote, or one left
    open to the end or for more than MAX_RECORD_CHARS) becomes one error row for its first line; the
    lines after it are read again from the first one that begins a record of the header's width, and
    the lines before that (the rest of the broken field) belong to the error row, never rows of
    their own."""
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    number = 0
    width = len(header)
    while True:
        lines.start_record()
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway) as exc:
            if not lines.taken:
                return
            first_no, first = lines.taken[0]
            lines.pushed_back.extendleft(reversed(lines.taken[1:]))
            last_no = first_no
            while lines.peek() is not None and not _starts_record(lines, width):
                last_no = lines.drop()
            reader = csv.reader(lines, strict=True)
            number += 1
            if isinstance(exc, _Runaway) and len(lines.taken) == 1:
                why = f"a line of more than {MAX_RECORD_CHARS:,} characters"
            elif isinstance(exc, _Runaway) or "end of data" in str(exc):
                why = "unclosed quote"
            else:
                why = str(exc)
            span = f"; lines {first_no}-{last_no} are taken as part of it" if last_no > first_no else ""
            yield Row(number, first_no, _lenient(first, header),
                      f"broken CSV quoting ({why}){span}: {first.rstrip()[:80]!r}")
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


def jsonl_rows(stream: IO[str], name: str, max_keys: int | None = None) -> Iterator[Row]:
    """One Row per non-blank line. With `max_keys` (CSV output: a column per key), more different
    keys than that across the rows is a UserError naming the line."""
    number = 0
    seen_any = False
    keys: set[str] = set()
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
        if max_keys is not None:
            keys.update(value)
            if len(keys) > max_keys:
                raise UserError(f"{name}: line {line_no}: the rows have more than {max_keys:,} different keys, "
                                "one CSV column each; write JSONL instead (--format jsonl)")
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


class _Formatted:
    """Output cells of a result. Results repeat (memoized), so they are cached by identity."""

    def __init__(self) -> None:
        self._formatted: OrderedDict[int, tuple[dict[str, Any], list[str]]] = OrderedDict()

    def cells(self, result: dict[str, Any]) -> list[str]:
        entry = self._formatted.get(id(result))
        if entry is None or entry[0] is not result:
            entry = (result, [csv_cell(_cell(result.get(c))) for c in OUTPUT])
            if len(self._formatted) >= 20_000:  # evict the oldest (O(1)), never a full clear
                self._formatted.popitem(last=False)
            self._formatted[id(result)] = entry
        return entry[1]


class CsvWriter:
    """Input columns first, untouched, then the output columns."""

    def __init__(self, stream: IO[str], columns: list[str]):
        self.inputs = columns
        self.writer = CsvOut(stream)
        self.writer.writerow([*columns, *OUTPUT])
        self._output = _Formatted()

    def write(self, values: dict[str, Any], result: dict[str, Any]) -> None:
        self.writer.writerow([_cell(values.get(c)) for c in self.inputs], self._output.cells(result))

    def close(self) -> None:
        pass


def _input_cell(value: Any) -> str:
    """A JSON value as a CSV cell that batch reads back as the same value: a list of words joined
    with ';' (the CSV convention), true/false/numbers as JSON writes them, anything else as JSON."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    if isinstance(value, list) and value and all(isinstance(v, str) and ";" not in v for v in value):
        return ";".join(value)
    return json.dumps(value, ensure_ascii=False)


class JsonlToCsvWriter:
    """JSONL rows as CSV: one column per input key, in the order the keys first appear (the first
    record's keys, then each later new key at the end), then the output columns. A CSV header comes
    first but the keys are known only at the end, so rows go to an anonymous temporary file (in
    `spool_dir`, beside the output) and are copied out, padded to the full header, by close().
    A key named like an output column is not repeated: the output column holds the result, as in
    JSONL output."""

    def __init__(self, stream: IO[str], spool_dir: Path | None):
        self.stream = stream
        self.columns: dict[str, None] = {}
        self.spool: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - open until close()
            mode="w+", encoding="utf-8", errors="surrogateescape", newline="", dir=spool_dir)
        self._output = _Formatted()

    def write(self, values: dict[str, Any], result: dict[str, Any]) -> None:
        for key in values:
            if key not in self.columns and key not in OUTPUT:
                self.columns[key] = None
        inputs = [_input_cell(values.get(c)) for c in self.columns]
        self.spool.write(json.dumps([inputs, self._output.cells(result)], ensure_ascii=False) + "\n")

    def close(self) -> None:
        writer = CsvOut(self.stream)
        writer.writerow([*self.columns, *OUTPUT])
        width = len(self.columns)
        self.spool.seek(0)
        for line in self.spool:
            inputs, outputs = json.loads(line)
            writer.writerow(inputs + [""] * (width - len(inputs)), outputs)
        self.spool.close()


class JsonlWriter:
    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, values: dict[str, Any], result: dict[str, Any]) -> None:
        self.stream.write(json.dumps({**values, **result}, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        pass


_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}
DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def output_target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where `-o PATH` writes, and what is there now. A symlink is followed on purpose: the file it
    points to is replaced and the link kept (the output lands where the link leads, on that file
    system). Anything there that is not a regular file (device, FIFO, socket, directory) is refused:
    replacing /dev/null with a file, or a FIFO a reader waits on, destroys something."""
    target = Path(os.path.realpath(path))
    if _through_proc(path) or str(target).startswith("/proc/"):
        # /dev/stdout, /dev/fd/N: replacing what the descriptor names would drop what the shell
        # wrote there before (`{ echo header; scopecheck batch ... -o /dev/stdout; } >> log`)
        raise UserError(f"{path}: a file descriptor, not a file scopecheck can replace; for stdout use '-o -'")
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:  # a symlink loop, an unreadable directory on the way
        raise UserError(f"{path}: cannot write: {exc.strerror}") from None
    if existing is not None:
        if not stat.S_ISREG(existing.st_mode):
            kind = _KINDS.get(stat.S_IFMT(existing.st_mode), "not a regular file")
            raise UserError(f"{path}: {kind}, not a regular file; refusing to replace it (stdout is '-o -')")
        if not os.access(target, os.W_OK):
            raise UserError(f"{path}: cannot write: {os.strerror(errno.EACCES)}")
    if not target.parent.is_dir():
        raise UserError(f"{path}: the directory {target.parent} does not exist")
    return target, existing


def _through_proc(path: Path) -> bool:
    """Does `path`, or a symlink on the way from it, lead into /proc or /dev/fd (a descriptor)?"""
    current = os.path.abspath(path)
    for _ in range(40):
        if current.startswith(("/proc/", "/dev/fd/")):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside the target and rename it into place only when complete
    (flushed and synced), so an interrupted run never leaves a partial file under the final name.
    The new file keeps the mode of the one it replaces (a new one gets 0666 less the umask).
    Disk full and unwritable directories are UserErrors naming `path`; the temporary file goes."""
    target, existing = output_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise UserError(f"{path}: cannot write in {target.parent}: {exc.strerror}") from None
    stream: IO[str] | None = None
    in_body = False
    try:
        if existing is not None:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away; the group may fail too
                    os.fchown(fd, existing.st_uid, existing.st_gid)
        else:
            os.fchmod(fd, 0o666 & ~_umask())
        stream = os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="")
        in_body = True
        yield stream
        in_body = False
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        os.replace(tmp, target)
    except BaseException as exc:
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()  # closes the file even when the final flush fails again
        else:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and (not in_body or exc.errno in DISK_FULL):
            raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
