"""Streaming readers and writers for batch rows: CSV and JSONL, never losing a row.

Every physical record of the input yields exactly one Row, even when it is broken (bad quoting,
invalid UTF-8, not a JSON object): such a row carries an `error` and is written out as an error
row. Bytes that are not UTF-8 are kept (surrogateescape) so passthrough columns round-trip.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import functools
import hashlib
import io
import itertools
import json
import operator
import os
import re
import stat
import tempfile
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from scopecheck import safejson
from scopecheck.bounded import bounded_put
from scopecheck.csvsafe import CsvOut, LineRenderer, csv_cell
from scopecheck.errors import UserError

REQUIRED = ("state", "task")
OPTIONAL = ("id", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of")
OUTPUT = ("verdict", "reasons", "conditions", "citations", "rules", "confidence", "data_snapshot")
MAX_RECORD_CHARS = 1_000_000  # a quoted field may span any number of lines; past 1 MB its quote is broken
MAX_FIELD = 100_000
MAX_COLUMNS = 1_000  # columns of a CSV input, or different keys of JSONL rows written as CSV


#: The columns that make a row's question (the others are passed through).
QUESTION_COLUMNS = ("state", "task", "credentials", "trainings", "supervision", "supervisor", "setting", "as_of")


class Row:
    """One input record: the line it starts on (1-based), its values by column, the error that makes
    it an error row, and `text`, its line, when writing its values back gives that line itself (CSV).

    A CSV record keeps its cells and makes `values` only when asked, for most rows are answered by
    `key` alone (the cells of its question's columns, or for a plain line the stretch of the line
    that holds them: line_key) and written back as read. Rows of other
    inputs have no key: the checker makes one from their values."""

    __slots__ = ("_cells", "_header", "_values", "error", "key", "line", "text")

    def __init__(
        self,
        line: int,
        values: dict[str, Any] | None = None,
        error: str = "",
        text: str | None = None,
        key: Hashable | None = None,
        cells: list[str] | None = None,
        header: list[str] | None = None,
    ):
        self.line, self._values, self.error, self.text, self.key = line, values, error, text, key
        self._cells, self._header = cells, header

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = dict(zip(self._header or (), self._cells or ()))
        return self._values

    def __repr__(self) -> str:
        return f"Row({self.line}, {self.values!r}, {self.error!r}, {self.text!r})"


@functools.lru_cache(maxsize=16)
def question_cells(header: tuple[str, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function giving a CSV record's key: its cells in QUESTION_COLUMNS (those in the header; state
    and task are required, so there are two or more and itemgetter gives a tuple)."""
    return operator.itemgetter(*[header.index(c) for c in QUESTION_COLUMNS if c in header])


@functools.lru_cache(maxsize=16)
def line_key(header: tuple[str, ...]) -> Callable[[str], str] | None:
    """A function giving a plain line's key (one record, no quote) without splitting the line: the
    stretch of it that holds the question's cells, when those columns are side by side in the header
    (most rosters; a fifth of the cost of question_cells over split cells). None when they are not."""
    at = [i for i, name in enumerate(header) if name in QUESTION_COLUMNS]
    first, end, width = at[0], at[-1] + 1, len(header)
    if at != list(range(first, end)):
        return None
    if first == 0:
        return (lambda text: text) if end == width else (lambda text: text.rsplit(",", width - end)[0])
    if end == width:
        return lambda text: text.split(",", first)[first]
    return lambda text: text.split(",", first)[first].rsplit(",", width - end)[0]


# Bytes that were not UTF-8, kept by the surrogateescape error handler.
_SURROGATE = re.compile("[\udc80-\udcff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _parse_line(text: str) -> list[str]:
    return next(csv.reader([text], strict=True), [])


def csv_rows(stream: IO[str], name: str, reserved: tuple[str, ...] = ()) -> tuple[list[str], CsvBody]:
    """The header and the body, a lazy iterator of rows. A missing required column is a UserError
    (check_header; `reserved`: columns the engine adds)."""
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
    check_header(header, name, reserved)
    return header, CsvBody(stream, header)


def check_header(header: list[str], name: str, reserved: tuple[str, ...] = ()) -> None:
    """The input's columns, as every engine requires them: the required ones present, none named
    like an output column (or a column the engine adds: `reserved`), none twice."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(
            f"{name}: missing required column(s) {', '.join(missing)}; found: {', '.join(header) or 'none'}; "
            f"wanted: {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    clash = [c for c in (*OUTPUT, UNDERSTOOD_TASK, *reserved) if c in header]
    if clash:
        raise UserError(f"{name}: input already has output column(s) {', '.join(clash)}; rename them")
    dup = sorted(h for h, n in Counter(header).items() if n > 1)
    if dup:
        raise UserError(f"{name}: duplicate column(s) {', '.join(dup)}")


class _Runaway(Exception):
    """A record has run on past MAX_RECORD_CHARS: its quote is taken as never closed."""


class _Lines:
    """The input's physical lines, numbered, with push-back and look-ahead; it records the lines of
    the record the csv reader is reading, so a broken record can be re-read line by line."""

    def __init__(self, stream: Iterable[str], first: int = 2):
        self._numbered = enumerate(stream, start=first)
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


BLOCK_CHARS = 1 << 18  # input read and parsed at once by the fast path
# A line whose values CsvOut would write back differently: a quote, or a cell starting like a formula
# (csv_cell escapes it). A carriage return cannot be inside a record's line: the input is read with
# newline="", so a lone one ends a line too, and the csv reader refuses one in an unquoted field.
_NOT_AS_WRITTEN = re.compile(r'"|(?:^|,)[=+\-@\t]')
_FORMULA_START = "=+-@\t"
_FORMULA_AFTER_LINE_START = re.compile(r"[,\n][=+\-@\t]")  # a character class first: scanned fast


def _all_plain(text: str) -> bool:
    """No line of `text` needs _NOT_AS_WRITTEN's look. For 256 kB: well under 0.1 ms when no formula
    character is there at all, else about 1.5 ms; one multiline search of _NOT_AS_WRITTEN took
    4 ms, and a search of each line 1 us a line."""
    if '"' in text or text[:1] in _FORMULA_START:
        return False
    return not any(c in text for c in _FORMULA_START) or _FORMULA_AFTER_LINE_START.search(text) is None


@dataclass(slots=True)
class Block:
    """Whole lines of a CSV body, the first being line `first`: what a worker is sent to read itself."""

    first: int
    lines: list[str]


class CsvBody:
    """The records of a CSV input after its header: Rows to check in this process, or Blocks of whole
    lines a worker reads itself (so the parent reads no record). The fast path reads a block in one
    go: split at commas when nothing in it needs the csv reader (most blocks), else with the C csv
    reader; it keeps each plain line's text (Row.text), which output writes back as it was instead
    of quoting its cells again. From the first block it cannot read exactly (a
    broken quote, a record over MAX_RECORD_CHARS) the careful reader takes over, from that block's
    first line: both make the same rows (a property test holds it), and broken input is rare."""

    def __init__(self, stream: IO[str], header: list[str], block_chars: int = BLOCK_CHARS):
        self.stream = stream
        self.header = header
        self.block_chars = block_chars

    def __iter__(self) -> Iterator[Row]:
        for rows in self.chunks():
            yield from rows

    def chunks(self, size: int = 2_000) -> Iterator[list[Row] | PlainRows]:
        """The rows in lists of at most `size` (a chunk's output is held in memory until written):
        a block's rows in slices, and from the first block only the careful reader reads, as it
        reads them."""
        for block in self.blocks():
            rows = block_rows(block, self.header)
            if rows is None:
                yield from in_lists(self.careful([block]), size)
                return
            if isinstance(rows, PlainRows):
                yield from rows.slices(size)
                continue
            for start in range(0, len(rows), size):
                yield rows[start : start + size]

    def blocks(self, block_chars: int | None = None) -> Iterator[Block]:
        """The body in blocks of about `block_chars`, each ending where the quotes are balanced (where
        a record most likely ends; a block that ends inside one is read by the careful reader)."""
        line_no = 2
        while True:
            lines = self.stream.readlines(block_chars or self.block_chars)
            if not lines:
                return
            quotes = "".join(lines).count('"')
            size = 0
            while quotes % 2 and size <= MAX_RECORD_CHARS:
                more = self.stream.readline()
                if not more:
                    break
                lines.append(more)
                quotes += more.count('"')
                size += len(more)
            yield Block(line_no, lines)
            line_no += len(lines)

    def careful(self, blocks: list[Block]) -> Iterator[Row]:
        """The rows of `blocks` (in order, from the first that could not be read fast) and of the
        rest of the input, by the careful reader."""
        lines = itertools.chain(*(b.lines for b in blocks), self.stream)
        return _careful_records(lines, self.header, blocks[0].first)


def in_lists(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """`rows` in lists of `size` (the last may be shorter)."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def block_rows(block: Block, header: list[str]) -> list[Row] | PlainRows | None:
    """The rows of a block, as the careful reader would make them; None when the block holds
    something only the careful reader handles."""
    lines, width = block.lines, len(header)
    longest = max(map(len, lines))
    if longest > MAX_RECORD_CHARS:
        return None
    whole = "".join(lines)
    surrogates = not whole.isascii() and _has_surrogates(whole)
    all_plain = _all_plain(whole)  # then no line needs looking at
    if all_plain and not surrogates and longest <= MAX_FIELD and whole.count("\r") == whole.count("\r\n"):
        return _plain_rows(block, header)  # most blocks
    reader = csv.reader(lines, strict=True)
    rows: list[Row] = []
    before = 0
    try:
        for values in reader:
            first, before = before, reader.line_num
            if not values:
                continue  # a blank line
            if before - first == 1:
                text = lines[first]
            else:
                text = "".join(lines[first:before])
                if len(text) > MAX_RECORD_CHARS:
                    return None
            row = _record(block.first + first, values, header, width, text, surrogates)
            if before - first == 1 and not row.error and len(values) == width:
                plain = text.rstrip("\r\n")
                if all_plain or _NOT_AS_WRITTEN.search(plain) is None:
                    row.text = plain
            rows.append(row)
    except csv.Error:
        return None
    return rows


@dataclass(slots=True)
class PlainRows:
    """Plain lines of a block (one record each, of the header's width, lines `first` on with none
    blank), kept as lists of their texts and keys rather than a Row each: most of a roster is checked
    by its keys and written back as its texts (RowChecker.check_all, Formatter.chunk). `rows()` makes
    Rows of them for what needs a row's values."""

    first: int
    texts: list[str]
    keys: list[Hashable]  # line_key's, or question_cells' when the question's columns are apart
    header: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows())

    def rows(self, at: Iterable[int] | None = None) -> list[Row]:
        """The Rows of these lines (of those at the indexes `at`)."""
        texts, keys, header, first = self.texts, self.keys, self.header, self.first
        return [
            Row(first + i, None, "", texts[i], keys[i], texts[i].split(","), header)
            for i in (range(len(texts)) if at is None else at)
        ]

    def slices(self, size: int) -> Iterator[PlainRows]:
        for start in range(0, len(self.texts), size):
            end = start + size
            yield PlainRows(self.first + start, self.texts[start:end], self.keys[start:end], self.header)


def _plain_rows(block: Block, header: list[str]) -> PlainRows | list[Row]:
    """The rows of a block with no quote, no formula start, no undecodable byte, no line over
    MAX_FIELD and no carriage return but in line ends: each line is one record, its cells are what
    lies between its commas, and it is written back as read. PlainRows when every line is a record
    of the header's width (most blocks), else a Row each."""
    width, names = len(header), tuple(header)
    texts = [line.rstrip("\r\n") for line in block.lines]
    if all(map((width - 1).__eq__, map(str.count, texts, itertools.repeat(",")))):  # none blank either
        by_text = line_key(names)
        if by_text is not None:
            return PlainRows(block.first, texts, list(map(by_text, texts)), header)
        return PlainRows(block.first, texts, list(map(question_cells(names), [t.split(",") for t in texts])), header)
    key, rows = question_cells(names), []
    for line_no, plain in zip(itertools.count(block.first), texts):
        if not plain:
            continue  # a blank line
        values = plain.split(",")
        if len(values) == width:
            rows.append(Row(line_no, None, "", plain, key(values), values, header))
        else:
            rows.append(_record(line_no, values, header, width, plain, False))
    return rows


def _record(line_no: int, values: list[str], header: list[str], width: int, text: str, surrogates: bool = True) -> Row:
    """One record's Row: padded to the header's width, or an error for too many fields, bytes that
    are not UTF-8 (looked for only where `surrogates` says there may be some) or an overlong field."""
    cells = values if len(values) >= width else values + [""] * (width - len(values))
    row = Row(line_no, None, "", None, question_cells(tuple(header))(cells), cells, header)
    if len(values) > width:
        row.error = f"{len(values)} fields but the header has {width}"
    if not row.error and surrogates and _has_surrogates(text):
        bad = next((h for h, v in row.values.items() if _has_surrogates(v)), "?")
        row.error = f"field '{bad}' is not valid UTF-8"
    elif not row.error and len(text) > MAX_FIELD and any(len(v) > MAX_FIELD for v in values):
        row.error = f"a field is longer than {MAX_FIELD:,} characters"
    return row


def _careful_records(source: Iterable[str], header: list[str], line_no: int) -> Iterator[Row]:
    """The C csv reader over lines it tracks, from line `line_no`. A broken record (a bad quote, or
    one left open to the end or for more than MAX_RECORD_CHARS) becomes one error row for its first
    line; the lines after it are read again from the first one that begins a record of the header's
    width, and the lines before that (the rest of the broken field) belong to the error row, never
    rows of their own."""
    lines = _Lines(source, line_no)
    reader = csv.reader(lines, strict=True)
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
            if isinstance(exc, _Runaway) and len(lines.taken) == 1:
                why = f"a line of more than {MAX_RECORD_CHARS:,} characters"
            elif isinstance(exc, _Runaway) or "end of data" in str(exc):
                why = "unclosed quote"
            else:
                why = str(exc)
            span = f"; lines {first_no}-{last_no} are taken as part of it" if last_no > first_no else ""
            yield Row(first_no, _lenient(first, header), f"broken CSV quoting ({why}){span}: {first.rstrip()[:80]!r}")
            continue
        if not values:
            continue  # a blank line
        first_no = lines.taken[0][0] if lines.taken else 0
        yield _record(first_no, values, header, width, "".join(t for _, t in lines.taken))


def _lenient(text: str, header: list[str]) -> dict[str, Any]:
    """Best-effort fields of a broken line, so its passthrough columns (an id) are not lost."""
    try:
        values = next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error:
        values = text.rstrip("\r\n").replace("\x00", "").split(",")
    return {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}


def json_lines(stream: IO[str]) -> Iterator[str]:
    """The lines of a JSON Lines stream, which end at "\n" only. The stream is opened for CSV (newline=""),
    which also ends a line at a lone "\r": whitespace to JSON, so one valid object became two error rows."""
    pending = ""
    for piece in stream:
        if piece.endswith("\n"):
            yield pending + piece
            pending = ""
        else:
            pending += piece
    if pending:
        yield pending


def jsonl_rows(stream: IO[str], name: str, max_keys: int | None = None) -> Iterator[Row]:
    """One Row per non-blank line. With `max_keys` (CSV output: a column per key), more different
    keys than that across the rows is a UserError naming the line."""
    seen_any = False
    keys: set[str] = set()
    for line_no, physical in enumerate(json_lines(stream), 1):
        if not physical.strip():
            continue
        seen_any = True
        if _has_surrogates(physical):
            yield Row(line_no, {}, "the line is not valid UTF-8")
            continue
        try:
            value = safejson.loads(physical)
        except json.JSONDecodeError as exc:
            yield Row(line_no, {}, f"not JSON ({exc.msg} at column {exc.colno}): {physical.strip()[:80]!r}")
            continue
        except safejson.JsonProblem as exc:
            yield Row(line_no, {}, f"refused JSON: {exc}")
            continue
        if not isinstance(value, dict):
            yield Row(line_no, {}, f"expected a JSON object, got {type(value).__name__}")
            continue
        if max_keys is not None:
            keys.update(value)
            if len(keys) > max_keys:
                raise UserError(
                    f"{name}: line {line_no}: the rows have more than {max_keys:,} different keys, "
                    "one CSV column each; write JSONL instead (--format jsonl)"
                )
        yield Row(line_no, value)
    if not seen_any:
        raise UserError(f"{name}: empty input (expected one JSON object per line)")


def _cell(value: Any) -> str:
    if value.__class__ is str:
        return value
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
            bounded_put(self._formatted, id(result), entry, 20_000)
        return entry[1]


VERDICT_ID = "verdict_id"
#: The catalogue task (its id) a row's words were read as: a column to ask for (--columns), the batch's
#: "Understood as" line. It is not part of a verdict, its id or its --verdicts line; asked for, it makes
#: each question's output its own (questions of several tasks no longer share one), so it is not a default.
UNDERSTOOD_TASK = "understood_task"
COLUMN_NAMES = (*OUTPUT, UNDERSTOOD_TASK, VERDICT_ID)  # what --columns may name
_FORMATTED_CACHE = 20_000  # distinct results whose output cells are remembered (by identity)


def output_columns(text: str | None, verdicts: bool) -> tuple[str, ...]:
    """The output columns: --columns (names, in the order given; default OUTPUT), then verdict_id
    at the end with --verdicts unless it is named. A bad name is a UserError naming --columns."""
    allowed = f"allowed: {', '.join(COLUMN_NAMES)}"
    if text is None:
        names = list(OUTPUT)
    else:
        names = [n.strip() for n in text.split(",")]
        bad = [n for n in names if n not in COLUMN_NAMES]
        if bad:
            raise UserError(f"--columns: unknown name(s) {', '.join(repr(n) for n in bad)}; {allowed}")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise UserError(f"--columns: {', '.join(repr(n) for n in twice)} named twice; {allowed}")
    if VERDICT_ID in names and not verdicts:
        raise UserError("--columns: verdict_id needs --verdicts FILE (the file the ids point into)")
    if verdicts and VERDICT_ID not in names:
        names.append(VERDICT_ID)
    return tuple(names)


def verdict_id(result: dict[str, Any]) -> str:
    """A content hash of the full output columns (the data snapshot included): the same question on
    the same data gets the same id in every run, whatever the --jobs; identical answers share it."""
    blob = json.dumps([result.get(c) for c in OUTPUT], ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def verdict_line(ident: str, result: dict[str, Any]) -> str:
    """One line of the --verdicts file: the id, then the full verdict (reasons, citations...)."""
    return json.dumps({VERDICT_ID: ident, **{c: result.get(c) for c in OUTPUT}}, ensure_ascii=False, default=str) + "\n"


@dataclass
class Formatted:
    """One chunk's output, made by the process that checked it; the parent only writes it, in order."""

    rows: int
    text: str  # the rows' output (CSV or JSONL; for JSONL in, CSV out: spool lines)
    verdicts: dict[str, int]  # verdict -> rows, for the summary
    keys: tuple[str, ...] = ()  # JSONL in, CSV out: the input keys, in the order they appear in the chunk
    lines: list[tuple[str, str, bool]] = field(default_factory=list)  # --verdicts: (id, line, remember)
    evaluations: int = 0  # engine evaluations made while checking the chunk (set by the caller)
    data: bytes = b""  # `text` as the output encodes it, when a worker encoded it (the parent only writes it)
    held: int = 0  # bytes of output the worker that made the chunk holds, to write at its place itself

    def encode(self) -> None:
        """Encode the text as every output file and stdout of batch are written (UTF-8, undecodable
        input bytes kept): a worker does it, so the parent has only bytes to write (not for spool
        lines, JSONL in and CSV out, which the parent lays out)."""
        self.data, self.text = self.text.encode("utf-8", "surrogateescape"), ""


class Formatter:
    """Output text of checked rows: one piece of code for --jobs 1 (in the parent) and for every
    worker (each formats its own chunks). Layouts: "csv" (CSV in and out: input columns untouched,
    then the output columns), "jsonl" (JSONL out: the input object plus the output columns), and
    "jsonl-csv" (JSONL in, CSV out: the header needs every key, so rows are spool lines that
    Sink.close() lays out). Every CSV cell goes through CsvOut (formula escaping)."""

    def __init__(self, layout: str, header: list[str], columns: tuple[str, ...] = OUTPUT):
        self.layout = layout
        self.header = header
        self.columns = columns
        self._names = frozenset(columns)
        self.with_ids = VERDICT_ID in self._names
        self._made: OrderedDict[int, tuple[dict[str, Any], Any, str, str | None]] = OrderedDict()
        self._lines = LineRenderer()
        self._sent: set[str] = set()  # verdict ids this process has already handed out

    def _make(self, result: dict[str, Any]) -> tuple[Any, str]:
        ident = verdict_id(result) if self.with_ids else ""
        values = {c: (ident if c == VERDICT_ID else result.get(c)) for c in self.columns}
        if self.layout == "jsonl":
            return json.dumps(values, ensure_ascii=False, default=str)[1:-1], ident  # '"verdict": ..., ...'
        return [csv_cell(_cell(v)) for v in values.values()], ident

    def output(self, result: dict[str, Any]) -> tuple[Any, str, str | None]:
        """The output part of a row (CSV cells, or a JSON fragment; None when only its rendered text
        is kept), its verdict id, and for CSV the cells rendered as CSV text (CsvOut.write_rendered).
        Results repeat (memoized), so this is made once per distinct result (cached by identity);
        error results are one per row and never cached."""
        if result["verdict"] == "error":
            return (*self._make(result), None)
        entry = self._made.get(id(result))
        if entry is None or entry[0] is not result:
            made, ident = self._make(result)
            rendered = self._lines.render(made) if self.layout == "csv" else None
            entry = (result, made if rendered is None else None, ident, rendered)  # one copy kept, not two
            bounded_put(self._made, id(result), entry, _FORMATTED_CACHE)
        return entry[1], entry[2], entry[3]

    def chunk(self, rows: list[Row] | PlainRows, results: list[dict[str, Any]]) -> Formatted:
        """The chunk's output text: each row's line as read (or its cells written again) and its
        output columns, and the --verdicts lines of the verdicts it is the first to give."""
        if isinstance(rows, PlainRows):
            formatted = self._plain_chunk(rows, results) if self.layout == "csv" else None
            if formatted is not None:
                return formatted
            rows = rows.rows()
        buf = io.StringIO()
        writer = CsvOut(buf) if self.layout == "csv" else None
        header, names, layout = self.header, self._names, self.layout
        keys: dict[str, None] = {}
        lines: list[tuple[str, str, bool]] = []
        for row, result in zip(rows, results):
            out, ident, rendered = self.output(result)
            if ident and ident not in self._sent:
                error = result["verdict"] == "error"  # one per row (its line is in it): never remembered
                if not error:
                    self._sent.add(ident)
                lines.append((ident, verdict_line(ident, result), not error))
            if writer is not None and row.text is not None and rendered is not None:
                buf.write(f"{row.text},{rendered}\n")  # the line as read is what CsvOut writes
                continue
            values = row.values
            if writer is not None:
                cells = [_cell(values.get(c)) for c in header]
                if rendered is None or not writer.write_rendered(cells, rendered):
                    writer.writerow(cells, out if out is not None else self._make(result)[0])
            elif layout == "jsonl":
                if not values:
                    buf.write("{" + out + "}\n")
                elif names.isdisjoint(values):
                    buf.write(json.dumps(values, ensure_ascii=False, default=str)[:-1] + ", " + out + "}\n")
                else:  # an input key named like an output column: the output column replaces its value
                    outputs = json.loads("{" + out + "}")
                    buf.write(json.dumps({**values, **outputs}, ensure_ascii=False, default=str) + "\n")
            else:
                inputs = {}
                for key, value in values.items():
                    if key not in names:
                        keys[key] = None
                        inputs[key] = _input_cell(value)
                buf.write(json.dumps([inputs, out], ensure_ascii=False) + "\n")
        counts = Counter(r["verdict"] for r in results)
        return Formatted(len(rows), buf.getvalue(), dict(counts), tuple(keys), lines)

    def _plain_chunk(self, rows: PlainRows, results: list[dict[str, Any]]) -> Formatted | None:
        """chunk() for plain lines: each distinct result is rendered once, and each line is its text
        and its result's rendering. None when a result has no rendering apart from its row (an error
        row, or cells CsvOut must quote with the whole row): chunk() writes those a row at a time."""
        distinct = {id(result): result for result in results}  # in the order of their first rows
        rendered: dict[int, str] = {}
        given: list[tuple[str, dict[str, Any]]] = []  # (verdict id, result), handed out once below
        for ident_of, result in distinct.items():
            _, ident, text = self.output(result)
            if text is None:  # an error row's is never rendered apart (its line is in it)
                return None
            rendered[ident_of] = text
            if ident:
                given.append((ident, result))
        lines: list[tuple[str, str, bool]] = []
        for ident, result in given:  # only now: a chunk written a row at a time hands them out itself
            if ident not in self._sent:
                self._sent.add(ident)
                lines.append((ident, verdict_line(ident, result), True))
        text = "".join([f"{line},{rendered[id(result)]}\n" for line, result in zip(rows.texts, results)])
        counts = Counter(map(operator.itemgetter("verdict"), results))
        return Formatted(len(rows), text, dict(counts), (), lines)


WRITEBACK_BYTES = 32 << 20  # how much of its own output file the parent writes before starting its writeback


def start_writeback(fd: int, start: int, length: int) -> None:
    """Have the kernel start writing `length` bytes of the file at `start` to disk now, without
    waiting. The output file is synced before it is renamed into place; left to the end, that sync
    wrote the whole output serially (0.67 s for 1.3 GB, whatever --jobs), and now it waits for the
    last part only. POSIX_FADV_DONTNEED does this on Linux (it starts the writeback of dirty pages
    and lets clean ones go from the page cache); elsewhere it is advice, ignored, or absent."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None and length > 0:
        with contextlib.suppress(OSError):
            advise(fd, start, length, os.POSIX_FADV_DONTNEED)


class Sink:
    """The parent's side of the output: the header, then each chunk's text in input order, and the
    --verdicts file (each verdict once, in the order of its first row). JSONL in, CSV out: chunks
    go to an anonymous temporary file (in `spool_dir`, beside the output) and are copied out by
    close(), each row padded to the full header of every key seen. When the output is a regular
    file, workers may write their chunks into it themselves: write() then gives each chunk's place in
    input order. Into a file of this run's own (`own_file`: the -o file, renamed into place only when
    complete) they write as soon as their places are known; into a file on stdout, which is the
    user's, `in_order` is set: each chunk only after the one before it is written, so the file is
    what came before plus a whole prefix of the output at every moment, even if the run fails."""

    def __init__(
        self,
        stream: TextIO,
        formatter: Formatter,
        spool_dir: Path | None = None,
        verdicts: IO[str] | None = None,
        *,
        own_file: bool = False,
    ):
        self.stream = stream
        self.layout = formatter.layout
        self.columns = formatter.columns
        self.verdicts = verdicts
        self.own_file = own_file
        self._written: set[str] = set()
        self.keys: dict[str, None] = {}
        self.spool: IO[str] | None = None
        self._place: int | None = None  # where the next chunk a worker holds goes
        self._unsynced = 0  # own_file: about how many bytes the parent wrote since the last writeback began
        self._synced_to = 0  # own_file: where that writeback ended
        if self.layout == "csv":
            CsvOut(stream).writerow([*formatter.header, *self.columns])
        elif self.layout == "jsonl-csv":
            self.spool = tempfile.TemporaryFile(  # noqa: SIM115 - closed when the output is laid out
                mode="w+", encoding="utf-8", errors="surrogateescape", newline="", dir=spool_dir
            )

    def workers_fd(self) -> int | None:
        """The output's file descriptor, for workers to write their chunks at their places
        (os.pwrite), or None when the parent writes everything: JSONL in, CSV out (spooled), and
        stdout when it is not a regular file (a pipe, a terminal) or is opened for appending (`>>`:
        an appending write ignores its place). What the parent wrote so far (the header) is
        flushed; the chunks follow it."""
        if self.spool is not None:
            return None
        try:
            fd = self.stream.fileno()
        except (OSError, ValueError, io.UnsupportedOperation):
            return None
        if not self.own_file:
            import fcntl  # here: POSIX only, like the forked workers that need it

            if not stat.S_ISREG(os.fstat(fd).st_mode) or fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
                return None
        self.stream.flush()
        self._place = os.lseek(fd, 0, os.SEEK_CUR)
        return fd

    @property
    def in_order(self) -> bool:
        """Whether workers write into a file of the user's (stdout), where each chunk goes only after
        the one before it is written."""
        return self._place is not None and not self.own_file

    def write(self, chunk: Formatted) -> int | None:
        """Write a chunk (the next in input order), or, for one a worker holds, say where it goes."""
        place = None
        if chunk.held:
            assert self._place is not None
            place, self._place = self._place, self._place + chunk.held
        elif self.spool is not None:
            self.keys.update(dict.fromkeys(chunk.keys))
            self.spool.write(chunk.text)
        elif chunk.data:  # encoded by a worker as this stream would encode it (Formatted.encode)
            self.stream.flush()
            self.stream.buffer.write(chunk.data)
            self._wrote(len(chunk.data))
        else:
            self.stream.write(chunk.text)
            self._wrote(len(chunk.text))
        if self.verdicts is not None:
            for ident, line, remember in chunk.lines:
                if ident not in self._written:
                    self.verdicts.write(line)
                    if remember:
                        self._written.add(ident)
        return place

    def _wrote(self, size: int) -> None:
        """Count what the parent wrote into its own file; past WRITEBACK_BYTES, start its writeback."""
        if not self.own_file:
            return
        self._unsynced += size
        if self._unsynced >= WRITEBACK_BYTES:
            self.stream.flush()
            fd = self.stream.fileno()
            end = os.lseek(fd, 0, os.SEEK_CUR)
            start_writeback(fd, self._synced_to, end - self._synced_to)
            self._synced_to, self._unsynced = end, 0

    def close(self) -> None:
        if self._place is not None:  # the file's own offset at the end of what the workers wrote
            self.stream.seek(self._place)
        if self.spool is None:
            return
        writer = CsvOut(self.stream)
        writer.writerow([*self.keys, *self.columns])
        keys = list(self.keys)
        self.spool.seek(0)
        for line in self.spool:
            inputs, outputs = json.loads(line)
            writer.writerow([inputs.get(k, "") for k in keys], outputs)
        self.spool.close()


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


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
}
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
def atomic_text(path: Path) -> Iterator[TextIO]:
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
