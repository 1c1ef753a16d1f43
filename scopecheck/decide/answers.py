"""The engine's answers kept on disk, one table per data snapshot: a question is evaluated once, ever.

What the engine finds is a pure function of the normalized question and the data, so it can be
kept across runs; with the table warm, a process neither compiles rules nor calls the engine. The
table is a SQLite file in the user's cache directory (cache.py: SCOPECHECK_CACHE_DIR moves it,
SCOPECHECK_NO_CACHE=1 turns it off). Its name is a hash of the data snapshot and of this package's
own code, so an edited rule file, another scopecheck version or a changed line of code never reads
another's answers. Each normalized question maps to the engine's Findings (a few rule ids, stored
once and shared by every question with the same findings: about 150 bytes a question). A key is
itself a question (Checker.question), so a test can ask the engine again for every key the table
holds. The verdict is folded from the findings in the process, as it is after a fresh engine call.

Beside the answers, the table keeps a batch row's output columns for each question (`rows`: a few
thousand distinct sets of columns, each stored once, serve tens of thousands of questions), so a
batch whose questions were asked before folds no verdict; and what a command printed for a request
(`reply`): a `check` asked again, in the same words with the same facts on the same day, is printed
again from there without loading the law, as fast as the interpreter starts. The request is the
command's own arguments, so this holds only for the very same words; each verdict `check` prints is
also kept beside its question's answer (`answers.verdict`, each distinct verdict once in `verdicts`),
with its jurisdiction's KeyIndex (decide/keys.py), so the same question in any words is printed from
there too (interfaces/quick_check.py); `cache build --verdicts` keeps every question's ahead of time.

It is an optimisation only: any error opening, reading or writing it turns it off for the process,
and the engine answers as it would have. SQLite serializes writers across processes (WAL mode);
a connection is never used across a fork, and one lock guards it between threads.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from scopecheck.bounded import bounded_put
from scopecheck.cache import prune, table_path, usable_root
from scopecheck.decide.findings import Finding

#: Answers kept in memory before they are written in one transaction.
WRITE_EVERY = 1_000
#: ... or once the oldest kept answer is this many seconds old (a server asked a few new questions an hour).
WRITE_AFTER = 30.0

#: Distinct sets of output columns kept in memory once read (a batch meets a few thousand).
OUTPUTS_IN_MEMORY = 20_000

#: Snapshot tables kept side by side (others' data dirs, older versions); the least recently used go, and
#: the validated rule files of code no kept table was made by (cache.prune).
KEEP_TABLES = 8

_SCHEMA = """
create table if not exists findings (id integer primary key, hash text not null unique, body text not null);
create table if not exists answers (key text primary key, findings integer not null, verdict integer) without rowid;
create table if not exists replies (request text primary key, code integer not null, text text not null) without rowid;
create table if not exists outputs (id integer primary key, hash text not null unique, body text not null);
create table if not exists rows (key text primary key, output integer not null) without rowid;
create table if not exists verdicts (id integer primary key, hash text not null unique, body text not null);
create table if not exists key_indexes (jurisdiction text primary key, body text not null) without rowid;
"""


@functools.lru_cache(maxsize=1_024)  # a new question is looked up and kept in several steps: one text
def key_text(key: tuple[object, ...]) -> str:
    """The normalized question as text: sets sorted, so the same question is the same text in any process."""
    return json.dumps([sorted(part) if isinstance(part, frozenset) else part for part in key])


def key_of(text: str) -> tuple[object, ...]:
    """key_text() read back: its lists are the sets they were."""
    return tuple(frozenset(part) if isinstance(part, list) else part for part in json.loads(text))


class AnswerTable:
    """One snapshot's table. What put() keeps is written every WRITE_EVERY answers or WRITE_AFTER
    seconds, by flush(), when the table is dropped, and at exit (a forked worker, which leaves by
    os._exit, flushes after each chunk of rows)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._broken = False
        self._pending: list[tuple[str, str, str]] = []  # (key, findings, their hash) not yet written
        self._pending_rows: list[tuple[str, str, str]] = []  # (key, output columns, their hash) not yet written
        self._pending_since = 0.0  # time.monotonic() of the oldest of them
        self._bodies: dict[str, tuple[Finding, ...]] = {}  # a few thousand distinct findings, read once each
        self._ids: dict[str, int] = {}  # the row id of each findings body written, by its hash
        self._shared: OrderedDict[str, dict[str, Any]] = OrderedDict()  # output columns read or kept, by hash (bounded)
        self._by_output_id: OrderedDict[int, dict[str, Any]] = OrderedDict()  # the same, read, by row id (bounded)
        self._output_ids: dict[str, int] = {}  # the row id of each output body written, by its hash
        self._verdict_ids: dict[str, int] = {}  # the row id of each verdict written, by its hash
        _open.add(self)

    @classmethod
    def for_snapshot(cls, snapshot: str) -> AnswerTable | None:
        """The table of this data snapshot and code, in the cache directory; None when turned off or
        not this user's alone (cache.usable_root)."""
        root = usable_root()
        if root is None:
            return None
        return cls(table_path(root, snapshot))

    def _db(self) -> sqlite3.Connection | None:
        """This process's connection (a fork gets its own: SQLite's must not cross one)."""
        if self._broken:
            return None
        if self._connection is None or self._pid != os.getpid():
            try:  # the directory is there: cache.usable_root made it
                fresh = not self.path.exists()
                connection = _set_up(
                    sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
                )
            except (sqlite3.Error, OSError):
                self._broken = True
                return None
            self._connection, self._pid = connection, os.getpid()
            if fresh:
                with contextlib.suppress(OSError):  # pruning is housekeeping: never a reason to fail
                    prune(self.path.parent, KEEP_TABLES)
        return self._connection

    def get(self, key: tuple[object, ...]) -> tuple[Finding, ...] | None:
        """What the engine found for `key`, or None when the table lacks it."""
        return self.findings([key]).get(key)

    def findings(self, keys: list[tuple[object, ...]]) -> dict[tuple[object, ...], tuple[Finding, ...]]:
        """What the engine found for those of `keys` the table holds, looked up together (a batch's
        new questions, a cache build's next keys: one statement for hundreds, not one each)."""

        def read(db: sqlite3.Connection, asked: dict[str, tuple[object, ...]]) -> dict[tuple[object, ...], Any]:
            query = "select key, body from answers join findings on findings.id = answers.findings where key in ({})"
            return {asked[text]: self._parsed(body) for text, body in _each_in(db, query, list(asked))}

        return self._looked_up(keys, read)

    def _looked_up(
        self,
        keys: list[tuple[object, ...]],
        read: Callable[[sqlite3.Connection, dict[str, tuple[object, ...]]], dict[tuple[object, ...], Any]],
    ) -> dict[tuple[object, ...], Any]:
        """`read(db, {key text: key})` under the lock: what the table holds for `keys`, or nothing
        when it cannot be read (and then it is turned off for the process)."""
        asked = {key_text(key): key for key in keys}
        with self._lock:
            db = self._db()
            if db is None:
                return {}
            try:
                return read(db, asked)
            except (sqlite3.Error, ValueError, TypeError):
                self._broken = True
                return {}

    def _parsed(self, body: str) -> tuple[Finding, ...]:
        found = self._bodies.get(body)
        if found is None:
            found = self._bodies[body] = _findings(body)
        return found

    def put(self, key: tuple[object, ...], found: tuple[Finding, ...]) -> None:
        """Keep an answer; written with the next WRITE_EVERY, after WRITE_AFTER seconds, or at
        flush() (one transaction is far cheaper than one a question)."""
        body = _body(found)
        with self._lock:
            self._keep(self._pending, (key_text(key), body, _hash(body)))

    def rows(self, keys: list[tuple[object, ...]]) -> dict[tuple[object, ...], dict[str, Any]]:
        """The batch output columns kept for those of `keys` the table holds, looked up together (a
        batch asks for a chunk's new questions at once). Questions with the same columns share one
        dict (read once): it must not be changed."""

        def read(db: sqlite3.Connection, asked: dict[str, tuple[object, ...]]) -> dict[tuple[object, ...], Any]:
            # the keys' output ids alone (a join to the outputs' hashes took as long again), then
            # the bodies of the ids this process has not read
            outputs = list(_each_in(db, "select key, output from rows where key in ({})", list(asked)))
            known = self._by_output_id
            columns = {i: known[i] for _, i in outputs if i in known}
            query = "select id, hash, body from outputs where id in ({})"
            for i, digest, body in _each_in(db, query, list({i for _, i in outputs if i not in columns})):
                shared = self._shared.get(digest)
                columns[i] = shared if shared is not None else self._share(digest, json.loads(body))
                bounded_put(known, i, columns[i], OUTPUTS_IN_MEMORY)
            return {asked[text]: columns[i] for text, i in outputs if i in columns}

        return self._looked_up(keys, read)

    def put_row(self, key: tuple[object, ...], columns: dict[str, Any]) -> dict[str, Any]:
        """Keep a batch row's output columns for `key` (JSON values); written as put() writes. Returns
        the columns to use from now on: one dict for every question with these same columns (as rows()
        gives them), so a batch holds and formats each distinct set once."""
        body = json.dumps(columns, ensure_ascii=False)
        digest = _hash(body)
        with self._lock:
            self._keep(self._pending_rows, (key_text(key), body, digest))
            shared = self._shared.get(digest)
            return shared if shared is not None else self._share(digest, columns)

    def _share(self, digest: str, columns: dict[str, Any]) -> dict[str, Any]:
        """Remember the one dict of a set of columns (bounded: the oldest goes)."""
        bounded_put(self._shared, digest, columns, OUTPUTS_IN_MEMORY)
        return columns

    def _keep(self, pending: list[tuple[str, str, str]], item: tuple[str, str, str]) -> None:
        now = time.monotonic()
        if not self._pending and not self._pending_rows:
            self._pending_since = now
        pending.append(item)
        if len(pending) >= WRITE_EVERY or now - self._pending_since >= WRITE_AFTER:
            self._write()

    def flush(self) -> None:
        """Write what put() kept now: a batch worker calls it after each chunk (dropping the table,
        and the exit, call it too)."""
        with self._lock:
            self._write()

    def __del__(self) -> None:
        """A table dropped before exit (a command's checker goes with its command) writes what it
        kept; the flush at exit reaches only the tables still alive then."""
        with contextlib.suppress(Exception):
            self.flush()

    def _write(self) -> None:
        pending, self._pending = self._pending, []
        rows, self._pending_rows = self._pending_rows, []
        db = self._db() if pending or rows else None
        if db is None:
            return
        try:
            with db:  # one transaction: the bodies and the keys that point to them
                db.execute("begin immediate")
                _insert(db, "findings", "answers (key, findings)", pending, self._ids)
                _insert(db, "outputs", "rows (key, output)", rows, self._output_ids)
        except sqlite3.Error:
            self._ids.clear()  # ids of a rolled-back transaction
            self._output_ids.clear()
            self._broken = True

    def reply(self, request: str) -> tuple[int, str] | None:
        """What a command printed for `request` (its exit code and text), or None."""
        row = self._one("select code, text from replies where request = ?", request)
        return None if row is None else (int(row[0]), str(row[1]))

    def verdict(self, key: tuple[object, ...]) -> dict[str, Any] | None:
        """The verdict (its JSON, Verdict.as_json) a command kept for the question `key`, or None;
        its fields ASKED are empty."""
        query = "select body, hash from answers join verdicts on verdicts.id = answers.verdict where key = ?"
        row = self._one(query, key_text(key))
        if row is None or _hash(row[0]) != row[1]:  # not as written (a damaged table): the whole flow answers
            return None
        return _json_object(row[0])

    def key_index(self, jurisdiction: str) -> dict[str, Any] | None:
        """The jurisdiction's KeyIndex as JSON (decide/keys.py), if a command kept it, or None."""
        row = self._one("select body from key_indexes where jurisdiction = ?", jurisdiction)
        return None if row is None else _json_object(row[0])

    def _one(self, query: str, value: str) -> tuple[Any, ...] | None:
        """The one row `query` finds for `value`, or None. A table not made yet holds nothing to read,
        and reading makes none (a data directory that is not one makes no table)."""
        with self._lock:
            db = self._db() if self._connection is not None or self.path.exists() else None
            try:
                return None if db is None else db.execute(query, (value,)).fetchone()
            except sqlite3.Error:
                self._broken = True
                return None

    def keep_reply(self, request: str, code: int, text: str) -> None:
        """Keep what a command printed for `request` (written now: a command prints one reply)."""
        with self._lock:
            db = self._db()
            try:
                if db is not None:
                    db.execute("insert or replace into replies values (?, ?, ?)", (request, code, text))
            except sqlite3.Error:
                self._broken = True

    def keep_verdicts(
        self, verdicts: list[tuple[tuple[object, ...], dict[str, Any]]], key_index: dict[str, Any]
    ) -> None:
        """Keep verdicts' JSON (Verdict.as_json) beside the answers of their questions (`check` one,
        `cache build` every question's), and the KeyIndex of their jurisdiction (decide/keys.py) that
        makes a key from a question in any words. Each distinct verdict is stored once; a question
        whose answer the table does not hold keeps none (the answers kept so far are written first)."""
        with self._lock:
            self._write()
            db = self._db()
            if db is None:
                return
            kept = [(key_text(key), body, _hash(body)) for key, data in verdicts for body in [_unasked(data)]]
            try:
                with db:
                    db.execute("begin immediate")
                    db.execute(
                        "insert into key_indexes values (?, ?) on conflict (jurisdiction) do update "
                        "set body = excluded.body where body != excluded.body",  # mended if damaged
                        (key_index["code"], json.dumps(key_index)),
                    )
                    _insert_bodies(db, "verdicts", kept, self._verdict_ids)
                    db.executemany(
                        "update answers set verdict = ? where key = ?", [(self._verdict_ids[d], k) for k, _, d in kept]
                    )
            except sqlite3.Error:
                self._verdict_ids.clear()
                self._broken = True

    def without_verdicts(self, keys: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        """Those of `keys` whose answers the table holds without a verdict (for `cache build`)."""

        def read(db: sqlite3.Connection, asked: dict[str, tuple[object, ...]]) -> dict[tuple[object, ...], Any]:
            query = "select key from answers where verdict is null and key in ({})"
            return {asked[text]: None for (text,) in _each_in(db, query, list(asked))}

        return list(self._looked_up(keys, read))

    def count(self, kept: Literal["answers", "rows", "verdicts", "replies"] = "answers", request: str = "") -> int:
        """How many questions the table holds answers for (or batch columns, or verdicts; or how many
        replies, of requests starting with `request`); 0 when it cannot be read."""
        args: tuple[str, ...] = ()
        query = f"select count(*) from {kept}"
        if kept == "verdicts":
            query = "select count(*) from answers where verdict is not null"
        elif kept == "replies" and request:
            # a range the primary key's index serves: U+10FFFF sorts after every text starting so
            query, args = f"{query} where request >= ? and request < ?", (request, request + "\U0010ffff")
        with self._lock:
            db = self._db()
            try:
                return 0 if db is None else int(db.execute(query, args).fetchone()[0])
            except sqlite3.Error:
                return 0

    def items(self) -> Iterator[tuple[tuple[object, ...], tuple[Finding, ...]]]:
        """Every key the table holds with its stored findings (for the tests)."""
        with self._lock:
            db = self._db()
            query = "select key, body from answers join findings on findings.id = answers.findings"
            rows = [] if db is None else db.execute(query).fetchall()
        for key, body in rows:
            yield key_of(key), self._parsed(body)


def _set_up(connection: sqlite3.Connection, tries: int = 20) -> sqlite3.Connection:
    """WAL mode and the tables. Batch workers open a new table at the same moment, and SQLite then
    answers some of them "locked" at once, without waiting (making the WAL and the first tables
    takes the whole file): the set-up is tried again for a while before the table is given up."""
    for attempt in range(1, tries):
        try:
            return _configured(connection)
        except sqlite3.OperationalError:
            time.sleep(0.01 * attempt)
    return _configured(connection)  # the last try: its error is the caller's


def _configured(connection: sqlite3.Connection) -> sqlite3.Connection:
    connection.execute("pragma journal_mode=wal")
    connection.execute("pragma synchronous=normal")
    connection.executescript(_SCHEMA)
    return connection


_open: weakref.WeakSet[AnswerTable] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for table in list(_open):
        table.flush()


def _insert(
    db: sqlite3.Connection, bodies: str, keys: str, pending: list[tuple[str, str, str]], ids: dict[str, int]
) -> None:
    """Write (key, body, hash) triples: each body once in `bodies`, and each key in `keys` ("table
    (key column, body column)") pointing to its body's id."""
    _insert_bodies(db, bodies, pending, ids)
    db.executemany(f"insert or ignore into {keys} values (?, ?)", [(k, ids[d]) for k, _, d in pending])


def _insert_bodies(
    db: sqlite3.Connection, bodies: str, pending: list[tuple[str, str, str]], ids: dict[str, int]
) -> None:
    """Write each body of (key, body, hash) triples once in `bodies`, its id remembered in `ids` by
    hash, and found again by its hash (an index of the bodies themselves would hold each twice). A
    body kept under its hash but not as written (a damaged table) is written again."""
    for body, digest in {(body, digest) for _, body, digest in pending if digest not in ids}:
        db.execute(
            f"insert into {bodies} (hash, body) values (?, ?) "
            "on conflict (hash) do update set body = excluded.body where body != excluded.body",
            (digest, body),
        )
        ids[digest] = db.execute(f"select id from {bodies} where hash = ?", (digest,)).fetchone()[0]


def _each_in(db: sqlite3.Connection, query: str, values: list[Any], size: int = 500) -> Iterator[Any]:
    """The rows of `query` ("... in ({})") for all `values`, bound a piece at a time (SQLite's limit
    on the values of one statement: 999 before 3.32), in sorted order: neighbouring keys share the
    index's pages (42,000 keys of a table looked up in 0.037 s, against 0.072 s in the asked order)."""
    values = sorted(values)
    for start in range(0, len(values), size):
        part = values[start : start + size]
        yield from db.execute(query.format(",".join("?" * len(part))), part)


#: A verdict's fields that say how it was asked (the words, how they were read, the day): kept empty,
#: in their places, so that one verdict asked in many ways is stored once; a reader puts them in.
ASKED = ("task_input", "task_note", "as_of")


def _unasked(verdict: dict[str, Any]) -> str:
    return json.dumps({**verdict, **dict.fromkeys(ASKED, "")})


def _json_object(text: str) -> dict[str, Any] | None:
    """A kept JSON object, or None when it is not one (a damaged table: the whole flow answers)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _hash(body: str) -> str:
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _body(found: tuple[Finding, ...]) -> str:
    return json.dumps([[f.rule, f.requirement, f.status] for f in found])


def _findings(body: str) -> tuple[Finding, ...]:
    return tuple(Finding(rule, requirement, status) for rule, requirement, status in json.loads(body))
