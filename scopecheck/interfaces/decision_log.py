"""The decision log: proof of what was checked, when, against which version of the law.

One record per decision: an id, the UTC time, the command, the normalized input (the Query, which
holds nothing personal: a candidate's name is never part of it), the verdict, the rule ids, the
confidence and the data snapshot. SQLite (standard library, WAL mode, safe for concurrent web
workers and batch processes) is the default; a path ending in `.jsonl` gets one JSON object per
line, appended under an exclusive lock. A log that cannot be written is a one-line warning on
stderr, never a lost verdict.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

from scopecheck.decide.query import Query
from scopecheck.decide.verdict import Verdict
from scopecheck.errors import UserError
from scopecheck.law.plain import json_values, validate
from scopecheck.law.schema import Confidence, VerdictName

_SCHEMA = """CREATE TABLE IF NOT EXISTS decisions (
  id TEXT PRIMARY KEY, at TEXT NOT NULL, command TEXT NOT NULL, jurisdiction TEXT NOT NULL, task TEXT NOT NULL,
  input TEXT NOT NULL, verdict TEXT NOT NULL, rules TEXT NOT NULL, confidence TEXT NOT NULL, snapshot TEXT NOT NULL,
  name TEXT)"""


_BUSY_TRIES = 12  # about 3 s in all, in steps from 10 ms to 0.5 s


@dataclass(frozen=True)
class Record:
    id: str
    at: str
    command: str
    input: dict[str, Any]
    verdict: str
    rules: list[str]
    confidence: str
    snapshot: str
    name: str | None = None

    @property
    def jurisdiction(self) -> str:
        return str(self.input["jurisdiction"])

    def query(self) -> Query:
        return validate(Query, self.input)


def query_input(query: Query) -> dict[str, Any]:
    """The normalized input, as JSON: ids only, sets sorted, so a record replays exactly."""
    return json_values(query)  # type: ignore[no-any-return]


class DecisionLog:
    """Appends decisions to SQLite or JSONL; `warn` (default: stderr) hears about failures."""

    def __init__(self, path: Path, command: str = "", *, names: bool = False):
        self.path = Path(path)
        self.command = command
        self.names = names
        self.jsonl = self.path.suffix.lower() == ".jsonl"
        self._lock = threading.Lock()
        self._local = threading.local()
        self._warned = False
        self.subject: str | None = None  # the candidate a hire is about (one CLI run: one candidate)

    def reopened(self) -> DecisionLog:
        """The same log for a forked worker process: its own connection and lock, not the parent's
        (a SQLite connection must not cross a fork). Both append to the one file."""
        log = DecisionLog(self.path, self.command, names=self.names)
        log.subject = self.subject
        return log

    def record(self, query: Query, verdict: Verdict, name: str | None = None) -> None:
        rec = Record(
            uuid.uuid4().hex,
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            self.command,
            query_input(query),
            verdict.verdict,
            list(verdict.rules),
            verdict.confidence,
            verdict.data_snapshot,
            (name or self.subject) if self.names else None,
        )
        try:
            self._write_jsonl(rec) if self.jsonl else self._write_sqlite(rec)
        except (OSError, sqlite3.Error) as exc:
            self._warn(f"scopecheck: warning: decision log {self.path}: not written ({exc}); the verdict stands")

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            print(message, file=sys.stderr)

    def _write_jsonl(self, rec: Record) -> None:
        line = json.dumps(rec.__dict__, ensure_ascii=False) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)  # other processes (batch workers, web workers) append too
            f.write(line)
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA busy_timeout=30000")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
            except sqlite3.Error:
                conn.close()  # set up again on the next try
                raise
            self._local.conn = conn
        return conn

    def _write_sqlite(self, rec: Record) -> None:
        """One INSERT; tried again while the file is busy. SQLite answers "database is locked" at
        once, without waiting out busy_timeout, in some contended cases (one record in 400 was lost
        with 16 threads and 2 processes writing): a log must not drop a decision for that."""
        row = (
            rec.id,
            rec.at,
            rec.command,
            rec.input["jurisdiction"],
            rec.input["task"],
            json.dumps(rec.input),
            rec.verdict,
            json.dumps(rec.rules),
            rec.confidence,
            rec.snapshot,
            rec.name,
        )
        for attempt in range(_BUSY_TRIES):
            try:
                self._connection().execute("INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == _BUSY_TRIES - 1:
                    raise
                time.sleep(min(0.01 * 2**attempt, 0.5))


def read_log(path: Path) -> Iterator[Record]:
    """Every record of a log, oldest first; a missing or unreadable log is a UserError."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no decision log here")
    if path.suffix.lower() == ".jsonl":
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    fields = json.loads(line)
                    rec = Record(**fields) if isinstance(fields, dict) else None
                except (ValueError, TypeError) as exc:
                    raise UserError(f"{path}: line {n}: not a decision record ({exc})") from None
                yield _checked(rec, path, f"line {n}")
        return
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute(
                "SELECT id, at, command, input, verdict, rules, confidence, snapshot, name "
                "FROM decisions ORDER BY at, rowid"
            ).fetchall()
    except sqlite3.Error as exc:
        raise UserError(f"{path}: not a decision log ({exc})") from None
    for r in rows:
        try:
            rec = Record(r[0], r[1], r[2], json.loads(r[3]), r[4], json.loads(r[5]), r[6], r[7], r[8])
        except (ValueError, TypeError) as exc:
            raise UserError(f"{path}: record {str(r[0])[:32]}: not a decision record ({exc})") from None
        yield _checked(rec, path, f"record {str(r[0])[:32]}")


def _checked(rec: Record | None, path: Path, where: str) -> Record:
    """A record as the log's readers use it, or one line naming it: a record damaged by hand or by
    another program was an internal error in `log replay`, or was shown as if it were sound."""
    problem = "not an object" if rec is None else _problem(rec)
    if problem:
        raise UserError(f"{path}: {where}: not a decision record ({problem})")
    assert rec is not None
    return rec


def _problem(r: Record) -> str:
    from pydantic import ValidationError

    if not isinstance(r.id, str) or not r.id:
        return "no id"
    try:
        datetime.fromisoformat(r.at)
    except (TypeError, ValueError):
        return f"at: {r.at!r} is not a time"
    if not isinstance(r.input, dict):
        return "input: not an object"
    try:
        validate(Query, r.input)
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"input.{'.'.join(str(x) for x in first['loc'])}: {first['msg']}"
    if r.verdict not in get_args(VerdictName):
        return f"verdict: {r.verdict!r} is not one of {', '.join(get_args(VerdictName))}"
    if not isinstance(r.rules, list) or not all(isinstance(x, str) for x in r.rules):
        return "rules: not a list of rule ids"
    if r.confidence not in get_args(Confidence):
        return f"confidence: {r.confidence!r} is not one of {', '.join(get_args(Confidence))}"
    if not isinstance(r.snapshot, str) or not isinstance(r.command, str):
        return "snapshot and command must be text"
    if r.name is not None and not isinstance(r.name, str):
        return "name: not text"
    return ""


def select(records: Iterator[Record], since: date | None, state: str | None, verdict: str | None) -> list[Record]:
    return [
        r
        for r in records
        if (since is None or r.at[:10] >= since.isoformat())
        and (state is None or r.jurisdiction == state)
        and (verdict is None or r.verdict == verdict)
    ]


def from_environment(command: str) -> DecisionLog | None:
    """`SCOPECHECK_DECISION_LOG` names the log for `serve` (and any command without --decision-log)."""
    path = os.environ.get("SCOPECHECK_DECISION_LOG")
    return DecisionLog(Path(path), command) if path else None


def replayable(rec: Record, lib: Any, path: Path) -> Query:
    """The record's question, asked again of the current data: one line naming the record when it
    names what that data does not have (an internal KeyError in `log replay` before)."""
    q = rec.query()
    missing = [
        f"{what} {value!r}"
        for what, value, known in (
            ("state", q.jurisdiction, lib.encoded_states()),
            ("task", q.task, lib.tasks),
            *(("credential", x, lib.credentials) for x in sorted(q.credentials or ())),
            *(("training", x, lib.trainings) for x in sorted(q.trainings or ())),
            *((("setting", q.setting, lib.settings),) if q.setting else ()),
        )
        if value not in known
    ]
    if missing:
        raise UserError(f"{path}: record {rec.id[:32]}: {', '.join(missing)} not in the current data")
    return q
