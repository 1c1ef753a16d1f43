"""`scopecheck batch`: check many rows, streaming, memoized, optionally in several processes.

Rows are read, checked and written in chunks, so memory does not grow with the input. Identical
normalized questions are evaluated once (Checker's memo, and the answer table across runs). With
--jobs N, the parent loads every jurisdiction (and compiles it when there is no answer table), then
forks N workers that inherit its Checker (a durable_rules Host cannot be pickled; a fork copies
it); each worker reads, checks and formats whole chunks (a CSV input goes out as blocks of lines,
so the parent parses no record) and encodes their text. Into an -o file, or a regular file on
stdout, each worker writes its chunks itself, at the places the parent hands out in input order
(so no output passes through the parent); on a pipe the parent writes the bytes in input order. No
more than a few chunks are in flight, so a huge input never piles up in memory.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any

from scopecheck import safejson
from scopecheck.batch.rows import (
    QUESTION_COLUMNS,
    UNDERSTOOD_TASK,
    Block,
    CsvBody,
    Formatted,
    Formatter,
    PlainRows,
    Row,
    Sink,
    block_rows,
    in_lists,
    json_lines,
    start_writeback,
)
from scopecheck.bounded import bounded_put
from scopecheck.decide.checker import Checker
from scopecheck.decide.citing import citation_text
from scopecheck.decide.query import Query
from scopecheck.errors import UserError
from scopecheck.law.terms import SUPERVISION_LEVELS, SUPERVISOR_TYPES, parse_day

CHUNK = 2_000
PARALLEL_BLOCK_CHARS = 1 << 16  # CSV lines a worker is sent at once (about CHUNK rows of a roster)


def _split(value: Any) -> list[str] | None:
    """A `;`-separated cell or a JSON list; empty means unknown (None)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if not text:
        return None
    return [part.strip() for part in text.split(";") if part.strip()]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


FACT_KEYS = QUESTION_COLUMNS[2:]  # the order of RowChecker._facts's arguments
#: Processes unless asked for more: one, for memory. On 2 cores, 1,000,000 realistic rows took
#: 4.6-5.2 s with one process and 3.0-3.4 s in about 145 MB (all processes) with two; all-distinct
#: rows 1.55x with two over 100,000 rows, 1.77-1.82x over 1,000,000. --jobs 2 is the choice when
#: time matters more than memory.
DEFAULT_JOBS = 1
RAW_CACHE_SIZE = 50_000  # distinct raw rows remembered (a small tuple and a shared result each)
QUESTION_CACHE_SIZE = 20_000  # output columns per distinct question
CELL_CACHE_SIZE = 20_000  # resolved words per distinct (column, cell value)
_MISSING = object()
_TO_ANSWER: dict[str, Any] = {}  # a row's place while the answers to a chunk's new questions are found


class _Refused:
    """A cell value that did not resolve: the UserError's message, raised again on each use."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


#: What a row asks: jurisdiction, task id, the task's words, how they were understood, and the facts.
Asked = tuple[str, str, str, str, dict[str, Any]]


def _query(asked: Asked) -> Query:
    code, task_id, words, note, facts = asked
    return Query(jurisdiction=code, task=task_id, task_input=words, task_note=note, **facts)


class RowChecker:
    """Turns input rows into output columns; every failure becomes an `error` row.

    Rows repeat in real rosters, so results are cached by the row's raw input values (bounded);
    behind that, by normalized question, in this process and in the answer table.
    """

    def __init__(self, checker: Checker, default_as_of: date, *, with_task: bool = False):
        self.checker = checker
        self.default_as_of = default_as_of
        self.with_task = with_task  # each question's columns also say its task (UNDERSTOOD_TASK)
        self._raw: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._by_question: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._cells: OrderedDict[tuple[str, Any], Any] = OrderedDict()  # (column, cell) -> resolved, or _Refused

    def _cell(self, name: str, raw: Any, resolve: Callable[[Any], Any]) -> Any:
        """`resolve(raw)`, remembered per distinct cell value (a roster repeats a few hundred
        words); a UserError is remembered as its message and raised again."""
        try:
            found = self._cells.get((name, raw), _MISSING)
        except TypeError:  # a JSON list in a cell: not cacheable
            return resolve(raw)
        if found is _MISSING:
            try:
                found = resolve(raw)
            except UserError as exc:
                found = _Refused(str(exc))
            bounded_put(self._cells, (name, raw), found, CELL_CACHE_SIZE)
        if found.__class__ is _Refused:
            raise UserError(found.message)
        return found

    def query_for(self, values: dict[str, Any]) -> Query:
        """The row's Query (check_all builds one only for a question new to the process)."""
        return _query(self._asked(values))

    def _asked(self, values: dict[str, Any]) -> Asked:
        """The row's jurisdiction, task id, task words, how they were understood, and its facts. The
        checks run in a fixed order (the state, the task's words, then the facts, then the task), so
        a row with several problems always names the same one; each is resolved once per distinct
        cell value, and the facts once per distinct set of fact cells."""
        state, task = _text(values.get("state")), _text(values.get("task"))
        if state is None:
            raise UserError("state: empty")
        if task is None:
            raise UserError("task: empty")
        code = self._cell("state", state, lambda v: self.checker.jurisdiction(v, field="state"))
        facts: dict[str, Any] = self._cell("facts", tuple(map(values.get, FACT_KEYS)), self._facts)
        understood = self._cell("task", task, lambda v: self.checker.resolver.understand_task(v, "task"))
        self._cell("words' state", (code, task), lambda v: self.checker.one_state(v[0], v[1], field="task"))
        if understood.task:  # what Checker.settle_task does first, without asking the matcher again
            return code, understood.task, task, understood.note, facts
        # words that fit several tasks: settled with the facts (the one matcher, as `check`)
        task_id, note = self.checker.settle_task(code, task, facts, field="task")
        return code, task_id, task, note, facts

    def _facts(self, raw: tuple[Any, ...]) -> dict[str, Any]:
        """The facts of a row's fact cells (FACT_KEYS), or a UserError naming the first that is wrong."""
        r = self.checker.resolver
        credentials, trainings, supervision, supervisor, setting, as_of = raw
        supervision, supervisor, raw_date = _text(supervision), _text(supervisor), _text(as_of)
        if supervision is not None and supervision.lower() not in SUPERVISION_LEVELS:
            raise UserError(f"supervision: '{supervision}' is not one of {', '.join(SUPERVISION_LEVELS)}")
        if supervisor is not None and supervisor.lower() not in SUPERVISOR_TYPES:
            raise UserError(f"supervisor: '{supervisor}' is not one of {', '.join(SUPERVISOR_TYPES)}")
        try:
            day = parse_day(raw_date) if raw_date else self.default_as_of
        except ValueError:
            raise UserError(f"as_of: '{raw_date}' is not a date (YYYY-MM-DD)") from None
        return {
            "credentials": self._cell(
                "credentials", credentials, lambda v: r.credentials(_split(v), field="credentials")
            ),
            "trainings": self._cell("trainings", trainings, lambda v: r.trainings(_split(v), field="trainings")),
            "supervision": supervision.lower() if supervision else None,
            "supervisor": supervisor.lower() if supervisor else None,
            "setting": self._cell("setting", setting, lambda v: r.setting(_text(v), field="setting")),
            "as_of": day,
        }

    def check_all(self, rows: list[Row] | PlainRows) -> list[dict[str, Any]]:
        """Each row's output columns, in order. A row asked before (the same raw values) is found by
        them; the others by their normalized question, and the questions new to this process are
        looked up in the answer table together, in one query for the chunk (one a row cost twice
        as much), before the engine decides those the table lacks."""
        if isinstance(rows, PlainRows):
            return self._check_plain(rows)
        results: list[dict[str, Any]] = []
        new: dict[tuple[Any, ...], tuple[Asked, list[tuple[int, Hashable | None]]]] = {}
        logged = self.checker.decision_log is not None  # every row is a logged decision: no shortcut
        for row in rows:
            if row.error:
                results.append(error_columns(f"line {row.line}: {row.error}"))
                continue
            key: Hashable | None = row.key
            if key is None:  # not a CSV record: its key is made of its values
                key = tuple(map(row.values.get, QUESTION_COLUMNS))
                try:
                    hash(key)
                except TypeError:  # a JSON list or object in a cell: not cacheable, still checkable
                    key = None
            found = None if key is None or logged else self._raw.get(key)
            if found is None:
                try:
                    asked = self._asked(row.values)
                except UserError as exc:  # the message names the line: never reused for another row
                    results.append(error_columns(f"line {row.line}: {exc}"))
                    continue
                if logged:
                    results.append(self._task_too(asked[1], self._columns(self.checker.evaluate(_query(asked)))))
                    continue
                question = self.checker.plan(asked[0]).keys.key(asked[1], **asked[4])  # no Query built
                found = self._by_question.get(question)
                if found is None:
                    new.setdefault(question, (asked, []))[1].append((len(results), key))
                elif key is not None:
                    bounded_put(self._raw, key, found, RAW_CACHE_SIZE)
            results.append(_TO_ANSWER if found is None else found)
        if new:
            self._answer_new(new, results)
        return results

    def _check_plain(self, rows: PlainRows) -> list[dict[str, Any]]:
        """check_all for plain lines: those asked before are found by their keys at once, and only
        the others are made Rows and checked as any row is."""
        if self.checker.decision_log is not None:
            return self.check_all(rows.rows())
        results: list[Any] = list(map(self._raw.get, rows.keys))
        if None in results:
            missed = [i for i, found in enumerate(results) if found is None]
            for i, found in zip(missed, self.check_all(rows.rows(missed))):
                results[i] = found
        return results

    def _answer_new(
        self,
        new: dict[tuple[Any, ...], tuple[Asked, list[tuple[int, Hashable | None]]]],
        results: list[dict[str, Any]],
    ) -> None:
        """The output columns of questions this process has not met: as an earlier run kept them in
        the answer table, or from the verdict (and then kept there). They are the verdict's alone (no
        asker's words), so any row asking the question may be written with them."""
        table = self.checker.answers
        kept = table.rows(list(new)) if table is not None else {}
        self.checker.recall([question for question in new if question not in kept])  # their findings, at once
        for question, (asked, places) in new.items():
            found = kept.get(question)
            if found is None:
                found = self._columns(self.checker.answer(_query(asked), question, remember=False))  # no per-row copy
                if table is not None:
                    found = table.put_row(question, found)  # one dict per distinct set of columns
            found = self._task_too(asked[1], found)
            bounded_put(self._by_question, question, found, QUESTION_CACHE_SIZE)
            for index, key in places:
                results[index] = found
                if key is not None:
                    bounded_put(self._raw, key, found, RAW_CACHE_SIZE)

    def _task_too(self, task: str, columns: dict[str, Any]) -> dict[str, Any]:
        """The columns with the question's task when it is asked for (a dict of the question's own;
        the verdict's columns stay shared and kept without it)."""
        return {UNDERSTOOD_TASK: task, **columns} if self.with_task else columns

    @staticmethod
    def _columns(verdict: Any) -> dict[str, Any]:
        return {
            "verdict": verdict.verdict,
            "reasons": verdict.reasons,
            "conditions": verdict.conditions,
            "citations": [citation_text(c) for c in verdict.citations],
            "rules": verdict.rules,
            "confidence": verdict.confidence,
            "data_snapshot": verdict.data_snapshot,
        }


def _row_checker(checker: Checker, default_as_of: date, formatter: Formatter) -> RowChecker:
    """A run's RowChecker (one process's, or a worker's): questions say their task when the output names it."""
    return RowChecker(checker, default_as_of, with_task=UNDERSTOOD_TASK in formatter.columns)


def error_columns(message: str) -> dict[str, Any]:
    return {
        "verdict": "error",
        "reasons": [message],
        "conditions": [],
        "citations": [],
        "rules": [],
        "confidence": "",
        "data_snapshot": "",
    }


# ---- worker processes: one Checker each, built once; they live and die with the parent
#
# A small pool of our own rather than ProcessPoolExecutor: its manager and feeder threads block for
# good on a pipe when a worker is killed in the middle of a message, and the interpreter then waits
# for them at exit (a SIGTERM'd batch hung in about 1 run of 10). Here the parent has no threads:
# each worker has one pipe, gets one chunk at a time and only while idle (so neither side can block
# the other: what else a busy worker is sent is a few places to write at, a few bytes each, which a
# pipe's buffer always holds), and is stopped with a signal.

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel sends SIGKILL to this process when the parent dies, however it dies (even
    SIGKILL, when nothing can run in the parent). Elsewhere the parent stops its workers itself."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl: nobody will send the signal
        os._exit(1)


def _worker_main(
    conn: Connection,
    inherited: list[Connection],
    checker: Checker,
    default_as_of: date,
    formatter: Formatter,
    parent: int,
    out_fd: int | None,
) -> None:
    """Ctrl-C reaches the whole process group: only the parent reports it, workers ignore it.
    SIGTERM and SIGHUP get their default action back (the parent's handler raises): the parent
    stops its workers with SIGTERM. The parent blocked these signals around the fork; they are
    set before being unblocked, so none arrives in between."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    for other in inherited:  # the parent's ends of the pipes of the workers forked before this one
        other.close()
    failure, worker = "", None
    try:
        if checker.decision_log is not None:  # each worker logs the rows it decides, into the same log
            checker.decision_log = checker.decision_log.reopened()
        worker = _row_checker(checker, default_as_of, formatter)
    except Exception as exc:  # noqa: BLE001 - reported with the first chunk (the parent reads only what it asked for)
        failure = f"{type(exc).__name__}: {exc}"
    with _few_collections():  # what the worker inherited is frozen already (the parent froze it)
        _serve(conn, worker, formatter, failure, out_fd)


def _serve(conn: Connection, worker: RowChecker | None, formatter: Formatter, failure: str, out_fd: int | None) -> None:
    """A worker's loop: chunks in, formatted text out, until told to stop or the pipe closes. With
    `out_fd` (the output file) a chunk's bytes stay here and only their size goes out; the parent
    answers with their place in the file (an int, in the order of this worker's chunks), and they
    are written there, so no output passes through the parent. "drop" forgets the chunks held."""
    held: deque[bytes] = deque()
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        if isinstance(chunk, int):
            assert out_fd is not None
            conn.send(("wrote", _write_at(out_fd, held.popleft(), chunk)))
            continue
        if chunk == "drop":
            held.clear()
            continue
        if failure or worker is None:
            conn.send(("error", failure))
            continue
        if isinstance(chunk, Block):
            rows = block_rows(chunk, formatter.header)
            if rows is None:  # the parent reads it again, carefully, with the rest of the input
                conn.send(("careful", None))
                continue
            chunk = rows
        try:
            formatted = _check_chunk(worker, formatter, chunk)
        except Exception as exc:  # noqa: BLE001 - a bug: the parent reports it as an internal error
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        if formatter.layout != "jsonl-csv":
            formatted.encode()
            if out_fd is not None and formatted.data:  # a block of blank lines has none
                held.append(formatted.data)
                formatted.held, formatted.data = len(formatted.data), b""
        conn.send(("ok", formatted))


def _write_at(fd: int, data: bytes, offset: int) -> tuple[int, str] | None:
    """Write all of `data` at `offset` of the file, and start its writeback (each worker its own
    chunks, so the sync at the end waits for little); the error (errno, message) if that fails."""
    view, start = memoryview(data), offset
    try:
        while view:
            done = os.pwrite(fd, view, offset)
            if done == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view, offset = view[done:], offset + done
    except OSError as exc:
        return exc.errno or errno.EIO, exc.strerror or str(exc)
    start_writeback(fd, start, len(data))
    return None


def _warm(checker: Checker) -> None:
    """Load every encoded jurisdiction in the parent before forking, and open the answer table:
    each worker then starts with them (no load per worker, and the pages stay shared until
    written). Without a table every question goes to the engine, so the rules are compiled here
    too; with one, a worker compiles a jurisdiction only on a question the table lacks.
    A jurisdiction that fails here is left to fail where a row asks for it, as it would have."""
    compile_too = checker.answers is None
    for code in checker.lib.encoded_states():
        with contextlib.suppress(Exception):
            checker.plan(code)
            if compile_too:
                checker.compiled(code)


class _Workers:
    """`jobs` forked worker processes, each with one duplex pipe, each inheriting a copy of the
    parent's Checker (its compiled rulesets included: the engine's state is copied by the fork, not
    pickled)."""

    def __init__(
        self, jobs: int, checker: Checker, default_as_of: date, formatter: Formatter, out_fd: int | None = None
    ):
        _warm(checker)
        # What the workers inherit (the loaded law, the plans) is frozen out of their collector's
        # scans, which otherwise walk it again and again and copy its pages (7 % of a worker's CPU);
        # the parent unfreezes its own after the forks.
        gc.freeze()
        context = multiprocessing.get_context("fork")  # a copy of this process: no re-import
        self.processes: list[multiprocessing.process.BaseProcess] = []
        self.conns: list[Connection] = []
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for _ in range(jobs):
                mine, theirs = context.Pipe(duplex=True)
                process = context.Process(
                    target=_worker_main,
                    daemon=True,
                    name="scopecheck-worker",
                    args=(theirs, list(self.conns), checker, default_as_of, formatter, os.getpid(), out_fd),
                )
                process.start()
                theirs.close()
                self.processes.append(process)
                self.conns.append(mine)
        except BaseException:
            self.stop()
            raise
        finally:
            gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def close(self) -> None:
        """The normal end: every worker is idle; each is told to exit."""
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for process in self.processes:
            process.join(timeout=5)
        self.stop()

    def stop(self) -> None:
        """Interrupted or failed: terminate the workers now, whatever they are doing."""
        for process in self.processes:
            with contextlib.suppress(Exception):
                if process.is_alive():
                    process.terminate()
        for process in self.processes:
            with contextlib.suppress(Exception):
                process.join(timeout=2)
                if process.is_alive():
                    process.kill()
                    process.join(timeout=1)
        for conn in self.conns:
            conn.close()


def _check_chunk(rows: RowChecker, formatter: Formatter, chunk: list[Row] | PlainRows) -> Formatted:
    """Check a chunk and format its output: what a worker does, and the parent with --jobs 1. The
    engine's new answers and new output columns go to the answer table as each chunk ends (a worker
    leaves by os._exit, without the table's flush at exit)."""
    before = rows.checker.evaluations
    formatted = formatter.chunk(chunk, rows.check_all(chunk))
    formatted.evaluations = rows.checker.evaluations - before
    rows.checker.flush()  # what the chunk added to the answer table, if anything
    return formatted


def _run_parallel(
    pieces: Iterator[list[Row]] | Iterator[Block],
    emit: Callable[[Formatted], int | None],
    jobs: int,
    checker: Checker,
    default_as_of: date,
    formatter: Formatter,
    careful: Callable[[list[Block]], Iterator[Row]] | None = None,
    out_fd: int | None = None,
    in_order: bool = False,
) -> None:
    """Pieces (chunks of rows, or blocks of CSV lines each worker reads itself) go to idle workers in
    input order; their output is emitted in input order. At most `jobs` pieces are being checked,
    and no new one is sent while 4 * `jobs` are out unwritten. With `out_fd`, a worker keeps a
    chunk's bytes and `emit` gives their place in the file, which goes back to that worker to write
    them (`in_order`: only once the chunk before it is written); the run ends when every write is
    done. A block a worker cannot read exactly is read again by `careful`, with the blocks sent after
    it (their output is dropped) and the rest of the input, as chunks of rows."""
    workers = _Workers(jobs, checker, default_as_of, formatter, out_fd)
    try:
        idle = list(reversed(workers.conns))
        busy: dict[Connection, int] = {}
        writing = Counter[Connection]()  # places sent to a worker and not yet written
        waiting_places: deque[tuple[Connection, int]] = deque()  # in_order: places not yet sent
        done: dict[int, tuple[Formatted, Connection]] = {}
        held: dict[int, Block] = {}  # blocks sent and not yet emitted
        careful_from: int | None = None
        next_chunk = next_write = 0
        more = True
        while True:
            # new work first: workers wait while results are written. No piece is sent while 4 * jobs
            # are out (being checked, or checked and waiting to be emitted after a slow one, or to be
            # written: in order, a worker writes only between two of its chunks): their output is held
            # in memory until written.
            unwritten = len(busy) + len(done) + len(waiting_places) + writing.total()
            while idle and more and careful_from is None and unwritten < 4 * jobs:
                piece = next(pieces, None)
                if piece is None:
                    more = False
                    break
                conn = idle.pop()
                conn.send(piece)
                busy[conn] = next_chunk
                if isinstance(piece, Block):
                    held[next_chunk] = piece
                next_chunk += 1
                unwritten += 1
            while next_write in done:
                formatted, conn = done.pop(next_write)
                place = emit(formatted)
                if place is not None:
                    waiting_places.append((conn, place))
                held.pop(next_write, None)
                next_write += 1
            while waiting_places and not (in_order and writing.total()):
                conn, place = waiting_places.popleft()
                conn.send(place)
                writing[conn] += 1
            if careful_from is not None and not busy and not waiting_places:
                assert careful is not None
                if out_fd is not None:  # after the places sent (a pipe keeps order): what was held past the block
                    for conn in workers.conns:
                        conn.send("drop")
                again = [held.pop(n) for n in range(careful_from, next_chunk)]
                done = {n: f for n, f in done.items() if n < careful_from}
                pieces, careful = in_lists(careful(again), CHUNK), None
                next_chunk, careful_from, more = careful_from, None, True
                continue
            waiting = [*busy, *(conn for conn, n in writing.items() if n and conn not in busy)]
            if not waiting:
                break
            for conn in wait(waiting):
                assert isinstance(conn, Connection)
                try:
                    status, payload = conn.recv()
                except EOFError:
                    process = workers.processes[workers.conns.index(conn)]
                    process.join(timeout=1)
                    raise RuntimeError(f"a worker process died (exit code {process.exitcode})") from None
                if status == "wrote":
                    writing[conn] -= 1
                    if payload is not None:
                        raise OSError(*payload)
                    continue  # in_order: the next place goes out at the top of the loop
                index = busy.pop(conn)
                idle.append(conn)
                if status == "careful" and careful is not None:
                    careful_from = index if careful_from is None else min(careful_from, index)
                    continue
                if status != "ok":
                    raise RuntimeError(f"in a worker process: {payload}")
                done[index] = payload, conn
    except BaseException:
        workers.stop()
        raise
    workers.close()


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """A batch makes and drops millions of small objects, which reference counting frees; what the
    cyclic collector adds is scans of the law and the caches kept, 5-8 % of a run of distinct rows.
    For the run, what is loaded so far is frozen (never scanned, as the workers' is) and the youngest
    generation is collected after 100,000 new objects instead of 700. (A caller that froze objects of
    its own keeps them frozen, and nothing more is: unfreezing is all or nothing.)"""
    before, freezing = gc.get_threshold(), gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(100_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freezing:
            gc.unfreeze()


@dataclass
class Summary:
    rows: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    evaluations: int = 0  # engine evaluations, summed over the processes
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        counts = ", ".join(
            f"{k} {self.verdicts.get(k, 0)}" for k in ("allowed", "conditional", "prohibited", "unknown", "error")
        )
        return (
            f"{self.rows} rows: {counts}; {self.evaluations} questions evaluated; "
            f"{self.seconds:.2f} s, {rate:,.0f} rows/s"
        )


class Progress:
    """A one-line progress display on a terminal; silent on a pipe or a file."""

    def __init__(self, stream: IO[str], enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, rows: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= 0.25:
            self.last = now
            rate = rows / max(now - self.start, 1e-9)
            self.stream.write(f"\r{rows:,} rows checked ({rate:,.0f} rows/s)")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(
    rows: Iterator[Row] | CsvBody,
    formatter: Formatter,
    sink: Sink,
    *,
    checker: Checker,
    jobs: int,
    default_as_of: date,
    progress: Progress,
) -> Summary:
    """Check every row and write it, in input order, with its output columns added: the process
    that checks a chunk also formats it (`formatter`); `sink` writes the text in order."""
    summary = Summary()
    started = time.monotonic()

    def emit(formatted: Formatted) -> int | None:
        place = sink.write(formatted)
        summary.verdicts.update(formatted.verdicts)
        summary.evaluations += formatted.evaluations
        summary.rows += formatted.rows
        progress.update(summary.rows)
        return place

    if jobs <= 1:
        local = _row_checker(checker, default_as_of, formatter)
        with _few_collections():
            for chunk in rows.chunks(CHUNK) if isinstance(rows, CsvBody) else in_lists(rows, CHUNK):
                emit(_check_chunk(local, formatter, chunk))
    else:  # a CSV input goes out as blocks of lines: the workers read the records, the parent only lines
        pieces = rows.blocks(PARALLEL_BLOCK_CHARS) if isinstance(rows, CsvBody) else in_lists(rows, CHUNK)
        careful = rows.careful if isinstance(rows, CsvBody) else None
        out_fd = sink.workers_fd()
        _run_parallel(pieces, emit, jobs, checker, default_as_of, formatter, careful, out_fd, sink.in_order)
    summary.seconds = time.monotonic() - started
    progress.done()
    return summary


# ---- many postings

POSTING_COLUMNS = ["source", "jurisdiction", "title", "duties", "findings", "worst", "error"]


def _posting_sources(source: Path) -> Iterator[tuple[str, str | None, str | None, str]]:
    """(name, state, text, error) for each posting in a directory or a JSONL file."""
    from scopecheck.hr.posting import read_posting_file  # here: a batch of rows never reads a posting

    if source.is_dir():
        for path in sorted(p for p in source.iterdir() if p.suffix.lower() in (".txt", ".md", ".html", ".htm")):
            try:
                yield str(path), None, read_posting_file(path), ""
            except UserError as exc:
                yield str(path), None, None, str(exc)
        return
    with open(source, encoding="utf-8-sig", errors="replace", newline="") as stream:
        for number, line in enumerate(json_lines(stream), 1):
            if not line.strip():
                continue
            name = f"{source}:{number}"
            try:
                obj = safejson.loads(line)
            except json.JSONDecodeError as exc:
                yield name, None, None, f"{name}: not JSON ({exc.msg})"
                continue
            except safejson.JsonProblem as exc:
                yield name, None, None, f"{name}: refused JSON: {exc}"
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                yield name, None, None, f"{name}: expected an object with a 'text' string"
                continue
            state = obj.get("state")
            yield str(obj.get("id", name)), state if isinstance(state, str) else None, obj["text"], ""


def check_postings(checker: Checker, source: Path, as_of: date | None) -> Iterator[dict[str, Any]]:
    """One result per posting, in order; one that cannot be read or placed is an `unreadable`
    result with the reason, never dropped."""
    from scopecheck.hr.checks import check_posting
    from scopecheck.hr.posting import PostingReader

    reader = PostingReader(checker.lib, checker.resolver)
    for name, state, text, error in _posting_sources(source):
        if text is not None:
            try:
                report = check_posting(checker, reader.read(text, name, state), as_of)
                yield {**report.to_json(), "worst": report.worst}
                continue
            except UserError as exc:
                error = str(exc)
        yield {"source": name, "error": error, "worst": "unreadable"}
