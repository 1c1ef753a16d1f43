"""CSV cells no spreadsheet runs as a formula, and the one CSV writer every output uses.

The foundation layer: batch output, reports and the CLI's CSV all write through CsvOut, so no
writer can forget to neutralise a cell.
"""

from __future__ import annotations

import csv
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


class CsvOut:
    """The one CSV writer: every cell through csv_cell, so no writer can forget it; and a row with
    a bare carriage return in a cell is written fully quoted (the csv module quotes only the
    characters of its line terminator, and an unquoted CR splits the row for every reader)."""

    def __init__(self, stream: IO[str]):
        self._plain = csv.writer(stream, lineterminator="\n")
        self._quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, values: Iterable[Any], safe: Sequence[str] = ()) -> None:
        """Write `values` (neutralised here) followed by `safe`, cells already made by csv_cell."""
        cells = [csv_cell(v) for v in values]
        cells.extend(safe)
        (self._quoted if "\r" in "".join(cells) else self._plain).writerow(cells)
