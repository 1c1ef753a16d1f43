"""The Python API the CLI itself uses: resolve words, build a Query, evaluate, fold a Verdict.

    >>> from scopecheck import check
    >>> check("NY", "flu shot", credentials=["CMA"]).verdict
    'prohibited'

A Checker loads only the jurisdictions it is asked about, and evaluates identical normalized
queries once: in memory, and across runs through the answer table of the data snapshot
(answers.py); a jurisdiction is compiled only when the table lacks an answer. It is safe to share
between threads (the web server does): one lock guards loading, registration, matching and the
memo, because durable_rules' engine state is not thread-safe and a half-registered ruleset must
never answer.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from scopecheck.bounded import bounded_put
from scopecheck.decide.answers import AnswerTable
from scopecheck.decide.compiler import Compiled, compile_plan
from scopecheck.decide.engine import Engine
from scopecheck.decide.findings import Finding, Findings
from scopecheck.decide.matcher import noted
from scopecheck.decide.plan import Plan, build_plan
from scopecheck.decide.query import Query
from scopecheck.decide.resolve import Resolver
from scopecheck.decide.verdict import Verdict, fold
from scopecheck.errors import UserError
from scopecheck.law.library import Library
from scopecheck.law.terms import SUPERVISION_LEVELS, SUPERVISOR_TYPES, Supervision, SupervisorType


class DecisionRecorder(Protocol):
    """Where every asked question and its verdict are recorded (interfaces/decision_log.py)."""

    subject: str | None  # whom a run's decisions are about (a hire's candidate), if anyone

    def record(self, query: Query, verdict: Verdict, name: str | None = None) -> None: ...

    def reopened(self) -> DecisionRecorder:
        """The same record for a forked worker process, with nothing of the parent's open."""
        ...


#: The engine's answers kept per distinct normalized question: above the ~650,000 questions the
#: catalogue can ask across all jurisdictions, so in practice every question is evaluated once.
MAX_QUESTIONS = 1_000_000


@dataclass(frozen=True)
class Asking:
    """What the asker calls each part of a question, named in the errors about it: the CLI's options by
    default; the API's parameters or body keys, the page's fields."""

    state: str = "--state"
    task: str = "--task"
    credentials: str = "--credential"
    trainings: str = "--training"
    setting: str = "--setting"


#: The Python API's arguments, as `check()` names them in its errors.
LIBRARY_ASKING = Asking(state="state", task="task", credentials="credentials", trainings="trainings", setting="setting")


class Checker:
    def __init__(self, data_dir: Path | None = None, *, memo_size: int = 10_000, answer_table: bool = True):
        """`answer_table=False`: ask the engine, never the table on disk (and write nothing there)."""
        if isinstance(memo_size, bool) or not isinstance(memo_size, int) or memo_size < 1:
            raise UserError(f"memo_size: a whole number of questions, at least 1 (not {memo_size!r})")
        self.lib = Library(Path(data_dir)) if data_dir else Library()
        self.resolver = Resolver(self.lib)
        self.engine = Engine()
        self._plans: dict[str, Plan] = {}
        self._compiled: dict[str, Compiled] = {}
        self._use_table = answer_table
        self._memo: OrderedDict[tuple[object, ...], Verdict] = OrderedDict()
        self._memo_size = memo_size
        self._lock = threading.RLock()
        # the engine's findings per question: small (shared Finding objects), kept
        self._found: OrderedDict[tuple[object, ...], tuple[Finding, ...]] = OrderedDict()
        self._unkept: set[tuple[object, ...]] = set()  # recalled and not in the table (until found)
        self.evaluations = 0  # engine evaluations (distinct questions), for benchmarks and tests
        self.decision_log: DecisionRecorder | None = None  # set by an interface: every asked question is logged

    def flush(self) -> None:
        """Write the answers this process found to the answer table now (else at exit)."""
        table = self.__dict__.get("answers")  # only a table already opened (cached_property): none is made here
        if table is not None:
            table.flush()

    def plan(self, code: str) -> Plan:
        """Load a jurisdiction and build its plan on first use (once, whatever the threads)."""
        found = self._plans.get(code)
        if found is not None:
            return found
        with self._lock:
            if code not in self._plans:
                self._plans[code] = build_plan(self.lib, code)
            return self._plans[code]

    def compiled(self, code: str) -> Compiled:
        """Compile and register a jurisdiction's rules with the engine, on its first question the
        answer table cannot answer (once, whatever the threads)."""
        found = self._compiled.get(code)
        if found is not None:
            return found
        with self._lock:
            if code not in self._compiled:
                compiled = compile_plan(self.plan(code))
                self.engine.register(compiled)
                self._compiled[code] = compiled
            return self._compiled[code]

    @cached_property
    def answers(self) -> AnswerTable | None:
        """The answer table of this data snapshot and code, or None when turned off."""
        return AnswerTable.for_snapshot(self.lib.snapshot) if self._use_table else None

    def jurisdiction(self, text: str, field: str = "--state") -> str:
        """A jurisdiction with a rule file, from its code or name; a UserError naming `field` if not."""
        code = self.resolver.jurisdiction(text, field=field)
        if code not in self.lib.encoded_states():
            raise UserError(f"{field}: {code} is not encoded yet", see="states")
        return code

    def one_state(self, code: str | None, words: str, field: str) -> None:
        """A UserError naming `field` when the task's words name another jurisdiction than the one asked
        ("Can my MA give a flu shot in Texas?" asked of California), or any where several are compared
        (`code` None): which state's law is meant is not guessed."""
        other = self.resolver.other_state(words, code or "")
        if other is None:
            return
        named = f"{field}: the words name {self.lib.jurisdictions[other].name} ({other})"
        if code is None:
            raise UserError(f"{named}; a comparison asks each state: leave the state out of the words")
        asked = self.lib.jurisdictions[code].name
        raise UserError(
            f"{named}, not {asked} ({code}), the state asked; ask about {other}, or leave the state out of the words"
        )

    def jurisdictions(self, named: Iterable[str] | None, field: str) -> list[str]:
        """The jurisdictions named, each once in the order first named; every encoded one when `named`
        is None. Named but empty ("--states ''") is an error, never "all": `compare --states CA,CA`
        counted California twice, and an empty list silently meant all 51."""
        if named is None:
            return self.lib.encoded_states()
        words = [w.strip() for w in named if w.strip()]
        if not words:
            raise UserError(f"{field}: no state named")
        return list(dict.fromkeys(self.jurisdiction(w, field=field) for w in words))

    def query(
        self,
        state: str,
        task: str,
        *,
        credentials: Iterable[str] | None = None,
        trainings: Iterable[str] | None = None,
        supervision: Supervision | None = None,
        supervisor: SupervisorType | None = None,
        setting: str | None = None,
        as_of: date | None = None,
        asking: Asking = Asking(),
    ) -> Query:
        """Resolve plain words into a Query; raises UserError naming the field that is wrong (as `asking` names it).

        Credentials and trainings given as a frozenset are ids already resolved (a candidate's
        valid credentials): an empty frozenset means "holds none". Words go through the resolver,
        where an empty value is an error, never "none"."""
        r, a = self.resolver, asking
        code = self.jurisdiction(state, field=a.state)
        facts = {
            "credentials": credentials
            if isinstance(credentials, frozenset)
            else r.credentials(credentials, a.credentials),
            "trainings": trainings if isinstance(trainings, frozenset) else r.trainings(trainings, a.trainings),
            "supervision": supervision,
            "supervisor": supervisor,
            "setting": r.setting(setting, a.setting),
            "as_of": as_of or date.today(),
        }
        self.one_state(code, task, field=a.task)
        task_id, note = self.settle_task(code, task, facts, field=a.task)
        return Query(jurisdiction=code, task=task_id, task_input=task, task_note=note, **facts)  # type: ignore[arg-type]

    def settle_task(self, code: str, words: str, facts: Mapping[str, object], field: str) -> tuple[str, str]:
        """One task for the words. When they fit several tasks, ask back (AmbiguousTask) unless every
        candidate gets the same answer here, the same verdict on the same rules and conditions: then
        that answer is given, and the note says which tasks the words fit. A reading in doubt (the
        words as a whole read otherwise, matcher._second_reading) is always asked back: the words may
        mean neither task ('stapling a wound closed' is neither wound care nor removing staples), and
        the page and a hire ask it back too (AmbiguousTask.settled_by_facts)."""
        understood = self.resolver.understand_task(words, field)
        if understood.task:
            return understood.task, understood.note
        if len(understood.candidates) > 1 and not understood.doubt:
            answers = set()
            for candidate in understood.candidates:
                v = self.evaluate(Query(jurisdiction=code, task=candidate, **facts))  # type: ignore[arg-type]
                answers.add((v.verdict, tuple(v.rules), tuple(v.conditions)))
            if len(answers) == 1:
                names = ", ".join(self.lib.tasks[c].name.lower() for c in understood.candidates)
                fit = f"the words fit several tasks ({names}); each gets this same answer here"
                return understood.candidates[0], noted(understood.note, fit)
        raise self.resolver.matcher.refusal(understood, field)

    def normalized_key(self, query: Query) -> tuple[object, ...]:
        """Questions with equal keys get equal verdicts: the same jurisdiction, task and stretch of
        dates, and the same values of the facts that any rule on the task tests."""
        q = query
        return self.plan(q.jurisdiction).keys.key(
            q.task, q.as_of, q.credentials, q.trainings, q.supervision, q.supervisor, q.setting
        )

    def evaluate(self, query: Query) -> Verdict:
        """The verdict for a query; identical normalized queries are evaluated once. A Query built by
        hand (the API exports it) naming what the data lacks is a UserError, not a KeyError."""
        if query.task not in self.lib.tasks:
            raise UserError(f"task: '{query.task}' is not a task id of the catalogue", see="tasks")
        if query.jurisdiction not in self.lib.jurisdictions:
            raise UserError(f"jurisdiction: '{query.jurisdiction}' is not a jurisdiction code", see="states")
        cached = self.answer(query, self.normalized_key(query))
        asked = query.task_input or query.task
        if cached.task_input != asked or cached.as_of != query.as_of or cached.task_note != query.task_note:
            cached = replace(cached, task_input=asked, as_of=query.as_of, task_note=query.task_note)
        if self.decision_log is not None and query.task_input:  # asked by someone, not a candidate being settled
            self.decision_log.record(query, cached)
        return cached

    def answer(self, query: Query, key: tuple[object, ...], *, remember: bool = True) -> Verdict:
        """The memoized verdict of the question `key` (normalized_key(query)), as first folded: its
        task_input, as_of and task_note may be an earlier asker's, and nothing is logged. For batch,
        which writes none of those and has the key already; everyone else calls evaluate().
        `remember=False`: not kept in the verdict memo (batch keeps each question's output columns
        itself; a second copy of every verdict was a fifth of a worker's memory)."""
        cached = self._memo.get(key)
        if cached is None:
            with self._lock:
                cached = self._memo.get(key)
                if cached is None:
                    cached = fold(self.lib, self.plan(query.jurisdiction), query, Findings(self._find(query, key)))
                    if remember:
                        bounded_put(self._memo, key, cached, self._memo_size)
        return cached

    def _find(self, query: Query, key: tuple[object, ...]) -> tuple[Finding, ...]:
        """What the engine finds for the question: kept in memory, then in the answer table, and
        asked of the engine only when neither has it (each distinct question once, at any size)."""
        found = self._found.get(key)
        if found is None:
            table = self.answers
            looked = key in self._unkept  # recall() asked the table already
            found = table.get(key) if table is not None and not looked else None
            if found is None:
                found = self._ask_engine(query, key)
            self._keep_found(key, found)
            self._unkept.discard(key)
        return found

    def _keep_found(self, key: tuple[object, ...], found: tuple[Finding, ...]) -> None:
        bounded_put(self._found, key, found, MAX_QUESTIONS)

    def recall(self, keys: list[tuple[object, ...]]) -> None:
        """Bring what the answer table holds for these questions into memory together (a batch's new
        questions: one look-up for the chunk instead of one each when their verdicts are folded)."""
        table = self.answers
        missing = [key for key in keys if key not in self._found]
        if table is not None and missing:
            with self._lock:
                held = table.findings(missing)
                self._unkept.clear()  # meant for the folds that follow; a key left over is only asked again
                for key in missing:
                    if key in held:
                        self._keep_found(key, held[key])
                    else:
                        self._unkept.add(key)  # the engine is asked when its verdict is folded

    def _ask_engine(self, query: Query, key: tuple[object, ...]) -> tuple[Finding, ...]:
        """The engine's findings for a question the answer table lacks, kept there for next time."""
        found = self.engine.find(self.compiled(query.jurisdiction), query)
        self.evaluations += 1
        if self.answers is not None:
            self.answers.put(key, found)
        return found

    def every_key(self, code: str) -> Iterator[tuple[object, ...]]:
        """Every normalized key of a jurisdiction: every task, every stretch of dates, and every value
        of the facts a rule on the task tests (unknown included). `question(key)` asks it."""
        for task, axes in self._key_axes(code):
            for rest in itertools.product(*axes):
                yield (code, task, *rest)

    def question_count(self, code: str) -> int:
        """How many keys every_key(code) gives, without making them."""
        return sum(math.prod(len(axis) for axis in axes) for _, axes in self._key_axes(code))

    def _key_axes(self, code: str) -> Iterator[tuple[str, list[list[Any]]]]:
        """For each task, the values each part of its keys takes after the jurisdiction and task."""
        plan = self.plan(code)
        windows = list(range(len(plan.window_dates(date.today()))))
        settings = sorted(self.lib.settings)
        for task in self.lib.tasks:
            rel = plan.keys.facts(task)
            yield (
                task,
                [
                    windows,
                    _unknown_or_subsets(rel.credentials),
                    _unknown_or_subsets(rel.trainings),
                    [None, *SUPERVISION_LEVELS] if rel.supervision else [None],
                    [None, *SUPERVISOR_TYPES] if rel.supervisor else [None],
                    [None, *settings] if rel.setting else [None],
                ],
            )

    def question(self, key: tuple[object, ...]) -> Query:
        """A question whose normalized key is `key` (a key of the answer table asked again)."""
        code, task, window, credentials, trainings, supervision, supervisor, setting = key
        assert isinstance(code, str) and isinstance(window, int)
        return Query(
            jurisdiction=code,
            task=task,  # type: ignore[arg-type]
            credentials=credentials,  # type: ignore[arg-type]
            trainings=trainings,  # type: ignore[arg-type]
            supervision=supervision,  # type: ignore[arg-type]
            supervisor=supervisor,  # type: ignore[arg-type]
            setting=setting,  # type: ignore[arg-type]
            as_of=self.plan(code).window_dates(date.today())[window],
        )

    def fill_table(self, code: str) -> tuple[int, int]:
        """Ask the engine, ahead of time, every question of a jurisdiction the answer table lacks
        (`scopecheck cache build`); (questions, newly evaluated). Nothing is kept in memory."""
        table = self._table_to_fill()
        asked = new = 0
        keys = self.every_key(code)
        while part := list(itertools.islice(keys, 2_000)):
            held = table.findings(part)  # looked up together: a table built before answers fast
            asked += len(part)
            for key in part:
                if key not in held:
                    self._ask_engine(self.question(key), key)
                    new += 1
        table.flush()
        return asked, new

    def fill_verdicts(self, code: str) -> int:
        """Fold, ahead of time, the verdict of every question of a jurisdiction whose answer the table
        holds without one, and keep it there (`scopecheck cache build --verdicts`): any `check` is
        then printed without loading the law (interfaces/quick_check.py). How many were folded."""
        table = self._table_to_fill()
        plan, folded = self.plan(code), 0
        index = plan.keys.to_json()
        keys = self.every_key(code)
        while part := list(itertools.islice(keys, 2_000)):
            held = table.findings(table.without_verdicts(part))
            verdicts = [(key, fold(self.lib, plan, self.question(key), Findings(held[key])).as_json()) for key in held]
            table.keep_verdicts(verdicts, index)
            folded += len(verdicts)
        return folded

    def _table_to_fill(self) -> AnswerTable:
        if self.answers is None:
            raise UserError("the cache is turned off or not usable (see 'scopecheck cache info'); nothing to build")
        return self.answers

    def check(
        self,
        state: str,
        task: str,
        *,
        credentials: Iterable[str] | None = None,
        trainings: Iterable[str] | None = None,
        supervision: Supervision | None = None,
        supervisor: SupervisorType | None = None,
        setting: str | None = None,
        as_of: date | str | None = None,
    ) -> Verdict:
        """One cited verdict: may an MA do `task` in `state`? Words or ids are both accepted; each
        argument is checked as it enters (decide/arguments.py), and errors name it as written here."""
        from scopecheck.decide import arguments as arg

        query = self.query(
            arg.text(state, "state"),
            arg.text(task, "task", limit=None),
            credentials=arg.words(credentials, "credentials"),
            trainings=arg.words(trainings, "trainings"),
            supervision=arg.supervision(supervision),
            supervisor=arg.supervisor(supervisor),
            setting=arg.optional_text(setting, "setting"),
            as_of=arg.day(as_of),
            asking=LIBRARY_ASKING,
        )
        return self.evaluate(query)


def _unknown_or_subsets(values: frozenset[str]) -> list[frozenset[str] | None]:
    """None (not stated), then every subset of `values` (the empty one is "holds none")."""
    ordered = sorted(values)
    subsets = itertools.chain.from_iterable(itertools.combinations(ordered, n) for n in range(len(ordered) + 1))
    return [None, *(frozenset(s) for s in subsets)]


_default: Checker | None = None


def default_checker() -> Checker:
    global _default
    if _default is None:
        _default = Checker()
    return _default


def check(
    state: str,
    task: str,
    *,
    credentials: Iterable[str] | None = None,
    trainings: Iterable[str] | None = None,
    supervision: Supervision | None = None,
    supervisor: SupervisorType | None = None,
    setting: str | None = None,
    as_of: date | str | None = None,
) -> Verdict:
    """Checker.check of the process's shared checker (made on first use)."""
    return default_checker().check(
        state,
        task,
        credentials=credentials,
        trainings=trainings,
        supervision=supervision,
        supervisor=supervisor,
        setting=setting,
        as_of=as_of,
    )
