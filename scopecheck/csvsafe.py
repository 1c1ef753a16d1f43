"""CSV cells no spreadsheet runs as a formula, and the one CSV writer every output uses.

The foundation layer: batch output, reports and the CLI's CSV all write through CsvOut, so no
writer can forget to neutralise a cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_cell(value: Any) -> str:
    """A CSV cell no spreadsheet will run as a formula (OWASP, CSV injection): text starting with
    '=', '+', '-', '@', a tab or a carriage return gets a leading single quote, which spreadsheets
    show as text. A negative number ("-5") is prefixed too, as OWASP's rule says. Every CSV writer
    of scopecheck passes every cell, header included, through here; JSON is never changed."""
    text = value if value.__class__ is str else ("" if value is None else str(value))
    return "'" + text if text[:1] in FORMULA_STARTS else text


class LineRenderer:
    """Cells (already through csv_cell) as the text of one CSV line without its newline, exactly as
    CsvOut writes them in a row: so a part of a row that repeats (a batch row's output columns) is
    rendered once and reused. None when the cells cannot be rendered apart from the rest of their row:
    a carriage return in a cell (the whole row is then written fully quoted), or a lone empty cell
    (which the csv module writes as '""' on a line of its own)."""

    def __init__(self) -> None:
        self._scratch = io.StringIO()
        self._writer = csv.writer(self._scratch, lineterminator="\n")

    def render(self, cells: Sequence[str]) -> str | None:
        lone_empty = len(cells) == 1 and not cells[0]
        if not cells or lone_empty or "\r" in "".join(cells):
            return None
        self._scratch.seek(0)
        self._scratch.truncate()
        self._writer.writerow(cells)
        return self._scratch.getvalue()[:-1]


class CsvOut:
    """The one CSV writer: every cell through csv_cell, so no writer can forget it; and a row with
    a bare carriage return in a cell is written fully quoted (the csv module quotes only the
    characters of its line terminator, and an unquoted CR splits the row for every reader)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self._plain = csv.writer(stream, lineterminator="\n")
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._lines = LineRenderer()

    def writerow(self, values: Iterable[Any], safe: Sequence[str] = ()) -> None:
        """Write `values` (neutralised here) followed by `safe`, cells already made by csv_cell."""
        cells = [csv_cell(v) for v in values]
        cells.extend(safe)
        (self._quoted if "\r" in "".join(cells) else self._plain).writerow(cells)

    def write_rendered(self, values: Iterable[Any], rendered: str) -> bool:
        """Write `values` (neutralised here) followed by cells LineRenderer already rendered: the
        bytes writerow would write, without quoting the same long cells again on every row. False
        (nothing written) when the values cannot be rendered apart: then call writerow."""
        head = self._lines.render([csv_cell(v) for v in values])
        if head is None:
            return False
        self._stream.write(f"{head},{rendered}\n")
        return True
