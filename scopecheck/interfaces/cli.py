"""The command line. Commands are verbs; every user error becomes one line and exit code 2.

Exit codes (like a linter): 0 no prohibited finding; 1 at least one prohibited (with --strict also
conditional or unknown); 2 bad input or usage. `--debug` keeps real tracebacks.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import io
import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from scopecheck.csvsafe import CsvOut
from scopecheck.errors import UserError
from scopecheck.interfaces.printed import to_json, verdict_text
from scopecheck.law.plain import json_schema, json_values
from scopecheck.law.terms import SUPERVISION_LEVELS, SUPERVISOR_TYPES, Supervision, SupervisorType, parse_day

if TYPE_CHECKING:
    from scopecheck.batch.runner import Summary
    from scopecheck.decide.answers import AnswerTable
    from scopecheck.decide.checker import Checker


def _lazy(name: str) -> Any:
    """A module loaded on first use: `scopecheck --help` imports neither pydantic nor the engine."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


render = sys.modules.get("scopecheck.interfaces.render") or _lazy("scopecheck.interfaces.render")

EXIT_OK, EXIT_FINDING, EXIT_USAGE = 0, 1, 2
FAILING = {"prohibited"}
FAILING_STRICT = {"prohibited", "conditional", "unknown"}


class IsoDate(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date (use YYYY-MM-DD, e.g. 2024-07-01)", param, ctx)


def exit_code(verdicts: list[str], strict: bool) -> int:
    failing = FAILING_STRICT if strict else FAILING
    return EXIT_FINDING if any(v in failing for v in verdicts) else EXIT_OK


def checker(ctx: click.Context) -> Checker:
    obj = ctx.find_root().obj
    if obj.get("checker") is None:
        from scopecheck.decide.checker import Checker

        c = obj["checker"] = Checker(obj.get("data_dir"))
        if obj.get("decision_log"):
            from scopecheck.interfaces.decision_log import DecisionLog

            c.decision_log = DecisionLog(
                obj["decision_log"],
                ctx.command_path.removeprefix(ctx.find_root().info_name or "").strip(),
                names=obj.get("log_names", False),
            )
    return obj["checker"]  # type: ignore[no-any-return]


def replies_table(ctx: click.Context) -> AnswerTable | None:
    """This data's answer table, found without loading the law (law/snapshot.py), to print again what
    a command printed for the same request; None when the cache is off, and with a decision log
    (every question asked is then a decision to log)."""
    from scopecheck.cache import usable_root

    obj = ctx.find_root().obj
    if obj.get("decision_log") or usable_root() is None:  # then no need to hash the data either
        return None
    from scopecheck.decide.answers import AnswerTable
    from scopecheck.law.snapshot import data_snapshot

    return AnswerTable.for_snapshot(data_snapshot(data_root(ctx)))


def data_root(ctx: click.Context) -> Path:
    """The data directory this run reads (--data-dir, or the default), found without loading the law."""
    from scopecheck.law.snapshot import default_data_dir

    return Path(ctx.find_root().obj.get("data_dir") or default_data_dir())


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SCOPECHECK_DATA_DIR",
    help="Use this copy of the data (with rules/ and states/) instead of the bundled one.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option(
    "--decision-log",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SCOPECHECK_DECISION_LOG",
    help="Append one record per decision to this log (SQLite; JSONL when the name ends in .jsonl).",
)
@click.option("--log-names", is_flag=True, help="Also log a candidate's name (hire); off by default.")
@click.version_option(package_name="scopecheck")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, debug: bool, decision_log: Path | None, log_names: bool) -> None:
    """Check US state scope-of-practice law for medical assistants (MAs).

    \b
    Examples:
      scopecheck check --state NY --task "flu shot" --credential CMA
      scopecheck check --state CA --task injection_intramuscular --supervision general
      scopecheck show CA
      scopecheck rules validate

    Not legal advice: every verdict cites the law it rests on; confirm with the state board.
    """
    if log_names and decision_log is None and not os.environ.get("SCOPECHECK_DECISION_LOG"):
        raise UserError("--log-names applies with --decision-log (or SCOPECHECK_DECISION_LOG)")
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
    ctx.obj["debug"] = debug
    ctx.obj["decision_log"] = decision_log
    ctx.obj["log_names"] = log_names


def query_options(f: Any) -> Any:
    """The facts about the MA, shared by `check` and `compare`."""
    options = [
        click.option(
            "--credential",
            "credentials",
            multiple=True,
            metavar="CRED",
            help="Credential the MA holds (repeatable; the list is then complete). 'none' = holds none. "
            "Omitted = unknown.",
        ),
        click.option(
            "--training",
            "trainings",
            multiple=True,
            metavar="TRAINING",
            help="Training the MA completed (repeatable; same rules as --credential).",
        ),
        click.option(
            "--supervision",
            type=click.Choice(SUPERVISION_LEVELS),
            help="none | general (reachable) | direct (on the premises) | personal (in the room). Omitted = unknown.",
        ),
        click.option("--supervisor", type=click.Choice(SUPERVISOR_TYPES), help="Who supervises. Omitted = unknown."),
        click.option(
            "--setting",
            help="Where: physician_office, hospital_inpatient, urgent_care, ... (see 'scopecheck tasks --settings').",
        ),
        click.option(
            "--as-of", "as_of", type=IsoDate(), help="Evaluate the law in force on this date (default: today)."
        ),
        click.option("--strict", is_flag=True, help="Exit 1 also when a verdict is conditional or unknown."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def facts(
    credentials: tuple[str, ...],
    trainings: tuple[str, ...],
    supervision: Supervision | None,
    supervisor: SupervisorType | None,
    setting: str | None,
    as_of: date | None,
) -> dict[str, Any]:
    """Command-line facts as Checker.query keywords: an option not given stays unknown (None)."""
    return {
        "credentials": credentials or None,
        "trainings": trainings or None,
        "supervision": supervision,
        "supervisor": supervisor,
        "setting": setting,
        "as_of": as_of,
    }


@cli.command()
@click.option("--state", required=True, help='State code or name: CA, "California", "Calif."')
@click.option(
    "--task", required=True, help='Task id or plain words: injection_intramuscular, "flu shot", "draw blood".'
)
@query_options
@FORMAT
@click.pass_context
def check(
    ctx: click.Context,
    state: str,
    task: str,
    credentials: tuple[str, ...],
    trainings: tuple[str, ...],
    supervision: Supervision | None,
    supervisor: SupervisorType | None,
    setting: str | None,
    as_of: date | None,
    strict: bool,
    fmt: str,
) -> None:
    """May a medical assistant do TASK in STATE? A cited verdict.

    \b
    Examples:
      scopecheck check --state NY --task "flu shot" --credential CMA_AAMA
      scopecheck check --state CA --task "flu shot" --supervision direct --supervisor physician \\
          --training training_injections_10h
      scopecheck check --state WA --task iv_start --credential MA-C --as-of 2023-01-01 --format json
    """
    from scopecheck.interfaces import quick_check  # here: only check needs it

    as_of = as_of or date.today()  # once: the day the request names is the day it is answered for
    asked = (state, task, credentials, trainings, supervision, supervisor, setting, as_of.isoformat(), strict, fmt)
    request, replies = json.dumps(["check", *asked]), replies_table(ctx)
    quick = None
    given = facts(credentials, trainings, supervision, supervisor, setting, as_of)
    if replies is not None:  # asked before, in these words or in others: printed without loading the law
        same = replies.reply(request)
        if same is not None:
            click.echo(same[1])
            ctx.exit(same[0])
        quick = quick_check.resolver_over_kept(data_root(ctx))
        kept = quick_check.kept_reply(replies, quick, state, task, given, fmt)
        if kept is not None:
            click.echo(kept[1])
            ctx.exit(exit_code([kept[0]], strict))
    c = checker(ctx)
    if quick is not None:
        c.resolver.share_matcher(quick, task)  # the words are read once, not again
    query = c.query(state, task, **given)
    verdict = c.evaluate(query)
    data = verdict.as_json()
    text = to_json(data) if fmt == "json" else verdict_text(verdict)
    code = exit_code([verdict.verdict], strict)
    if replies is not None:
        replies.keep_reply(request, code, text)
        if c.answers is not None:  # the checker's table: it holds the answer just found, not written yet
            c.answers.keep_verdicts([(c.normalized_key(query), data)], c.plan(query.jurisdiction).keys.to_json())
    click.echo(text)
    ctx.exit(code)


@cli.command()
@FORMAT
@click.pass_context
def states(ctx: click.Context, fmt: str) -> None:
    """List the jurisdictions, whether each is encoded, its rule count and last-verified date."""
    lib = checker(ctx).lib
    encoded = set(lib.encoded_states())
    rows = []
    for code, j in sorted(lib.jurisdictions.items()):
        row: dict[str, Any] = {"code": code, "name": j.name, "encoded": code in encoded}
        if code in encoded:
            state = lib.state(code)
            row.update(
                rules=len(state.rules),
                examples=len(state.examples),
                last_verified=state.jurisdiction.last_verified.isoformat(),
            )
        rows.append(row)
    if fmt == "json":
        click.echo(to_json({"data_snapshot": lib.snapshot, "jurisdictions": rows}))
        return
    for r in rows:
        detail = (
            f"{r['rules']:3d} rules  {r['examples']:3d} examples  verified {r['last_verified']}"
            if r["encoded"]
            else "not encoded yet"
        )
        click.echo(f"{r['code']}  {r['name']:<22} {detail}")
    click.echo(f"data snapshot {lib.snapshot}")


@cli.command()
@click.option("--settings", "show_settings", is_flag=True, help="List the setting ids instead.")
@click.option("--credentials", "show_credentials", is_flag=True, help="List the credential ids instead.")
@click.option("--trainings", "show_trainings", is_flag=True, help="List the training ids instead.")
@FORMAT
@click.pass_context
def tasks(ctx: click.Context, show_settings: bool, show_credentials: bool, show_trainings: bool, fmt: str) -> None:
    """List the task ids with the plain words each one accepts (or settings, credentials, trainings)."""
    if show_settings + show_credentials + show_trainings > 1:
        raise UserError("--settings, --credentials and --trainings each list one catalogue: give one")
    lib = checker(ctx).lib
    entries: list[Any]
    if show_settings:
        entries = list(lib.settings.values())
    elif show_credentials:
        entries = list(lib.credentials.values())
    elif show_trainings:
        entries = list(lib.trainings.values())
    else:
        entries = list(lib.tasks.values())
    if fmt == "json":
        click.echo(to_json([json_values(e) for e in entries]))
        return
    for e in entries:
        extra = f"  [{e.group}{', core' if e.core else ''}]" if hasattr(e, "group") else ""
        click.echo(f"{e.id:<34} {e.name}{extra}")
        if e.synonyms:
            click.echo(f"{'':<34}   also: {', '.join(e.synonyms)}")


@cli.command()
@click.argument("state")
@FORMAT
@click.pass_context
def show(ctx: click.Context, state: str, fmt: str) -> None:
    """Show one state's rules as a readable page with citations, e.g. `scopecheck show CA`."""
    c = checker(ctx)
    code = c.jurisdiction(state, field="STATE")
    plan = c.plan(code)
    if fmt == "json":
        click.echo(to_json(json_values(plan.state)))
    else:
        click.echo(render.state_page(c.lib, plan))


@cli.command()
@click.argument("states", nargs=-1)
@FORMAT
@click.pass_context
def watch(ctx: click.Context, states: tuple[str, ...], fmt: str) -> None:
    """Pending bills and proposed rules that would change MA scope, with status, date checked and
    link, e.g. `scopecheck watch` or `scopecheck watch NY WA`."""
    c = checker(ctx)
    codes = c.jurisdictions(states or None, field="STATES")
    items = [(code, w) for code in codes for w in c.lib.state(code).watch]
    if fmt == "json":
        click.echo(to_json([{"jurisdiction": code, **json_values(w)} for code, w in items]))
    else:
        click.echo(render.watch_text(items) if items else "No pending law on the watchlist for these jurisdictions.")


@cli.command()
@click.option("--task", required=True, help='Task id or plain words, e.g. injection_intramuscular or "flu shot".')
@click.option("--states", "state_list", metavar="CODES", help="Comma-separated jurisdictions (default: all encoded).")
@query_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "svg"]),
    default="text",
    show_default=True,
    help="svg: a tile-grid map of the verdicts (colour and letter).",
)
@click.option(
    "--link-base",
    metavar="URL",
    help="svg: link each tile to the answer on a scopecheck page at URL, e.g. http://127.0.0.1:8000",
)
@click.pass_context
def compare(
    ctx: click.Context,
    task: str,
    state_list: str | None,
    credentials: tuple[str, ...],
    trainings: tuple[str, ...],
    supervision: Supervision | None,
    supervisor: SupervisorType | None,
    setting: str | None,
    as_of: date | None,
    strict: bool,
    fmt: str,
    link_base: str | None,
) -> None:
    """One task across jurisdictions: one line each with verdict, key point and citation.

    \b
    Examples:
      scopecheck compare --task injection_intramuscular
      scopecheck compare --task "flu shot" --credential CMA --states CA,NY,WA --format csv
    """
    from scopecheck.interfaces.reports import compare_rows, compare_text

    if link_base is not None and fmt != "svg":
        raise UserError("--link-base applies to --format svg (the map's tiles link to their answers)")
    c = checker(ctx)
    codes = c.jurisdictions(None if state_list is None else state_list.split(","), field="--states")
    c.one_state(None, task, field="--task")
    known = facts(credentials, trainings, supervision, supervisor, setting, as_of)
    verdicts = [c.evaluate(c.query(code, task, **known)) for code in codes]
    if fmt == "json":
        click.echo(to_json(compare_rows(verdicts)))
    elif fmt == "csv":
        click.echo(render.to_csv(compare_rows(verdicts)), nl=False)
    elif fmt == "svg":
        from scopecheck.interfaces.category import tiles
        from scopecheck.interfaces.links import check_url

        if link_base is not None and not render.safe_url(link_base):
            raise UserError(f"--link-base: '{link_base}' is not an http(s) URL")
        link = (lambda v: link_base.rstrip("/") + check_url(v, known)) if link_base else None
        click.echo(render.svg_map(tiles(c, verdicts, link), render.map_title(verdicts, known["credentials"])))
    else:
        click.echo(compare_text(verdicts))
    ctx.exit(exit_code([v.verdict for v in verdicts], strict))


@cli.command()
@click.argument(
    "source", metavar="IN", required=False, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True, path_type=Path),
    default=Path("-"),
    show_default=True,
    help="Where to write; '-' is stdout; a folder with --engine dask. A file is written atomically (a temporary file beside it, "
    "renamed when complete) and keeps its permissions; through a symlink, the file it points "
    "to is replaced and the link kept; a device, FIFO or socket is refused.",
)
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]), help="Default: from IN's extension (stdin: csv).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Output format. Default: the input's.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    help="Worker processes. Default 1, for memory; 2 on 2 cores is about 1.3-1.6x faster "
    "in about 1.6 times the memory.",
)
@click.option("--as-of", "as_of", type=IsoDate(), help="Date for rows without an as_of column value (default: today).")
@click.option("--strict", is_flag=True, help="Exit 1 also when a row is conditional, unknown or an error.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: run on a Dask cluster (the dask extra); -o names a folder of part files, in input order.",
)
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler (default: a local cluster).")
@click.option(
    "--columns",
    "columns_text",
    metavar="NAMES",
    help="Output columns to add, comma-separated, in this order (default: all of "
    "verdict,reasons,conditions,citations,rules,confidence,data_snapshot; verdict_id with --verdicts; "
    "understood_task: the task the words were read as).",
)
@click.option(
    "--verdicts",
    "verdicts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write each distinct verdict once to this JSONL file (verdict_id, verdict, reasons, "
    "conditions, citations, ...); rows then carry a verdict_id column pointing into it.",
)
@click.option(
    "--postings",
    "postings_source",
    type=click.Path(exists=True, path_type=Path),
    help="Check many postings instead: a directory of .txt/.md/.html files, or a JSONL file of "
    '{"id", "text", "state"} objects. One result line each.',
)
@click.pass_context
def batch(
    ctx: click.Context,
    source: Path | None,
    output: Path,
    input_format: str | None,
    fmt: str | None,
    jobs: int | None,
    as_of: date | None,
    strict: bool,
    engine: str,
    scheduler: str | None,
    columns_text: str | None,
    verdicts_file: Path | None,
    postings_source: Path | None,
) -> None:
    """Check every row of a CSV or JSONL file; every input row gets an output row.

    \b
    Columns: state, task (required); id, credentials, trainings (';'-separated, 'none' allowed,
    empty = unknown), supervision, supervisor, setting, as_of (optional). Other columns pass
    through untouched. Added: verdict, reasons, conditions, citations, rules, confidence,
    data_snapshot.
    A row that cannot be checked gets verdict 'error' and the reason; no row is ever dropped.
    JSONL to CSV keeps every input key as a column. A CSV cell starting with = + - @ tab or CR
    (a spreadsheet formula) gets a leading ' (negative numbers too); JSON is never changed.
    SIGTERM and Ctrl-C stop cleanly (exit 143, 130): no partial output, no worker left running.

    \b
    Compact rows: --columns picks the output columns (any of verdict, reasons, conditions,
    citations, rules, confidence, data_snapshot, understood_task, verdict_id; in the order given).
    understood_task is the catalogue task each row's words were read as: check it when the task
    column holds free words (a batch's "Understood as"; it is not part of the verdict). --verdicts FILE
    writes each distinct verdict once, in full, as a JSON line keyed by verdict_id (a content hash:
    the same question on the same data gets the same id in every run, for any --jobs); rows then
    carry that verdict_id. An error row's verdict is its own line there.

    \b
    Examples:
      scopecheck batch roster.csv -o checked.csv
      scopecheck batch duties.jsonl --jobs 2 > checked.jsonl
      scopecheck batch roster.csv -o checked.csv --columns verdict,rules,confidence --verdicts verdicts.jsonl
      cat roster.csv | scopecheck batch - --format jsonl
      scopecheck batch roster.parquet -o checked/ --engine dask --jobs 2      # pip install '.[dask]'
    """
    from scopecheck.batch.rows import output_columns

    columns = output_columns(columns_text, verdicts_file is not None)  # a bad name: exit 2 before any work
    c = checker(ctx)
    if (postings_source is not None or engine == "dask") and (columns_text is not None or verdicts_file is not None):
        raise UserError("--columns and --verdicts apply to rows checked here, not to --postings or --engine dask")
    if scheduler is not None and engine != "dask":
        raise UserError("--scheduler applies to --engine dask")
    if postings_source is not None and (jobs is not None or input_format is not None):
        raise UserError("--jobs and --input-format apply to rows (IN), not to --postings")
    if engine != "dask" and output.is_dir():
        raise UserError(f"-o {output}: a folder; name a file (a folder of part files is --engine dask's)")
    if postings_source is not None:
        if source is not None:
            raise UserError("give either IN or --postings, not both")
        ctx.exit(batch_postings(c, postings_source, output, fmt or "jsonl", as_of, strict))
    if source is None:
        raise UserError("missing IN (a CSV or JSONL file, or '-' for stdin), or --postings")
    if engine == "dask":
        _batch_on_dask(ctx, c, source, output, as_of, scheduler, jobs)
        ctx.exit(EXIT_OK)
    summary = _batch_rows(c, source, output, input_format, fmt, jobs, as_of, columns, verdicts_file)
    click.echo(summary.line(), err=True)
    failing = {"prohibited", "conditional", "unknown", "error"} if strict else {"prohibited"}
    ctx.exit(EXIT_FINDING if any(summary.verdicts.get(v) for v in failing) else EXIT_OK)


def _batch_on_dask(
    ctx: click.Context,
    c: Checker,
    source: Path,
    output: Path,
    as_of: date | None,
    scheduler: str | None,
    jobs: int | None,
) -> None:
    """`batch --engine dask`: partitions checked on a Dask cluster, part files written in order."""
    from scopecheck.batch.cluster import run_dask

    if str(source) == "-" or str(output) == "-":
        raise UserError("--engine dask reads a CSV or Parquet file and writes a folder: give IN and -o")
    checked = run_dask(
        source,
        output,
        data_dir=ctx.find_root().obj.get("data_dir"),
        snapshot=c.lib.snapshot,
        as_of=as_of or date.today(),
        scheduler=scheduler,
        workers=jobs or 2,
    )
    click.echo(f"{checked} rows checked on Dask; output in {output}/part-*", err=True)


def _batch_rows(
    c: Checker,
    source: Path,
    output: Path,
    input_format: str | None,
    fmt: str | None,
    jobs: int | None,
    as_of: date | None,
    columns: tuple[str, ...],
    verdicts_file: Path | None,
) -> Summary:
    """`batch IN`: every row read, checked (here or in --jobs workers) and written, atomically;
    the summary of verdicts."""
    from scopecheck.batch import runner as batch_mod
    from scopecheck.batch.rows import (
        MAX_COLUMNS,
        VERDICT_ID,
        CsvBody,
        Formatter,
        Row,
        Sink,
        atomic_text,
        csv_rows,
        jsonl_rows,
        output_target,
    )

    in_fmt = input_format or ("jsonl" if source.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    out_fmt = fmt or in_fmt
    name = "stdin" if str(source) == "-" else str(source)
    try:
        opened = (
            std_text("stdin", encoding="utf-8-sig")
            if str(source) == "-"
            else open(source, encoding="utf-8-sig", errors="surrogateescape", newline="")  # noqa: SIM115 - closed below
        )
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror}") from None
    with opened as stream, contextlib.ExitStack() as stack:
        rows: CsvBody | Iterator[Row]
        if in_fmt == "csv":
            header, rows = csv_rows(stream, name)
        else:
            header, rows = [], jsonl_rows(stream, name, max_keys=MAX_COLUMNS if out_fmt == "csv" else None)
        if verdicts_file is not None and VERDICT_ID in header:
            raise UserError(f"{name}: input already has output column(s) {VERDICT_ID}; rename it")
        if (
            verdicts_file is not None
            and str(output) != "-"
            and output_target(output)[0] == output_target(verdicts_file)[0]
        ):
            raise UserError(f"--verdicts: {verdicts_file} is also the output (-o); give another file")
        out = stack.enter_context(atomic_text(output) if str(output) != "-" else std_text("stdout"))
        side = stack.enter_context(atomic_text(verdicts_file)) if verdicts_file is not None else None
        layout = "jsonl" if out_fmt == "jsonl" else "csv" if in_fmt == "csv" else "jsonl-csv"
        formatter = Formatter(layout, header, columns)
        own_file = str(output) != "-"
        sink = Sink(out, formatter, output_target(output)[0].parent if own_file else None, side, own_file=own_file)
        summary = batch_mod.run(
            rows,
            formatter,
            sink,
            checker=c,
            jobs=jobs or batch_mod.DEFAULT_JOBS,
            default_as_of=as_of or date.today(),
            progress=batch_mod.Progress(sys.stderr, sys.stderr.isatty()),
        )
        sink.close()
    return summary


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--state", help="The job's state, when the posting does not say it (code or name).")
@click.option("--as-of", "as_of", type=IsoDate(), help="Evaluate the law in force on this date (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: a report HR can paste into a ticket.",
)
@click.option("--strict", is_flag=True, help="Exit 1 also on warnings (not only on prohibited duties).")
@click.pass_context
def posting(
    ctx: click.Context, files: tuple[Path, ...], state: str | None, as_of: date | None, fmt: str, strict: bool
) -> None:
    """Is this job posting lawful? Reads text, Markdown or HTML postings and checks each duty.

    \b
    Finds the state (from --state, or 'City, ST', a state name, a ZIP code), the title, each duty
    (with the words it was found in), credential demands and supervision hints. A negated duty
    ("no injections") or one the MA only assists with is not the MA's duty.

    \b
    Examples:
      scopecheck posting job.txt
      scopecheck posting careers-page.html --state NY --format markdown > ticket.md
    """
    from scopecheck.hr.checks import check_posting
    from scopecheck.hr.posting import PostingReader

    c = checker(ctx)
    reader = PostingReader(c.lib, c.resolver)
    reports = []
    for path in files:
        from scopecheck.hr.posting import read_posting_file

        text = read_posting_file(path)
        reports.append(check_posting(c, reader.read(text, str(path), state), as_of))
    if fmt == "json":
        click.echo(to_json([r.to_json() for r in reports] if len(reports) > 1 else reports[0].to_json()))
    elif fmt == "markdown":
        click.echo("\n".join(render.posting_markdown(r) for r in reports))
    else:
        click.echo("\n\n".join(render.posting_text(r) for r in reports))
    worst = {r.worst for r in reports}
    ctx.exit(EXIT_FINDING if "error" in worst or (strict and "warning" in worst) else EXIT_OK)


@cli.command()
@click.option("--state", required=True, help="State code or name.")
@click.option(
    "--candidate",
    "candidate_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON or TOML: name, credentials (id, issued, expires), permits, trainings.",
)
@click.option("--duty", "duties", multiple=True, metavar="TASK", help="A duty (id or words); repeatable.")
@click.option("--title", help="A job title from the catalogue: its typical duties are checked.")
@click.option(
    "--posting",
    "posting_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A posting whose duties are checked.",
)
@click.option("--supervision", type=click.Choice(SUPERVISION_LEVELS), help="The supervision the job offers.")
@click.option("--supervisor", type=click.Choice(SUPERVISOR_TYPES), help="Who supervises.")
@click.option("--setting", help="Where the job is (setting id or words).")
@click.option("--as-of", "as_of", type=IsoDate(), help="The hiring date (default: today).")
@FORMAT
@click.option("--strict", is_flag=True, help="Exit 1 also when a duty is conditional or unknown.")
@click.pass_context
def hire(
    ctx: click.Context,
    state: str,
    candidate_file: Path,
    duties: tuple[str, ...],
    title: str | None,
    posting_file: Path | None,
    supervision: Supervision | None,
    supervisor: SupervisorType | None,
    setting: str | None,
    as_of: date | None,
    fmt: str,
    strict: bool,
) -> None:
    """May this candidate do these duties here? Per duty a verdict, and what would unlock it.

    \b
    A credential past its expiry does not count (warned); one expiring within 90 days is warned.
    Lists in the candidate file are complete; a missing key is unknown.

    \b
    Examples:
      scopecheck hire --state NJ --candidate jane.toml --duty injection_intramuscular --duty "draw blood"
      scopecheck hire --state CA --candidate jane.json --title "Certified Medical Assistant"
    """
    from scopecheck.hr.candidate import load_candidate, status_on
    from scopecheck.hr.checks import check_hire, hire_tasks

    c = checker(ctx)
    code = c.jurisdiction(state)
    from scopecheck.hr.posting import read_posting_file

    tasks = hire_tasks(
        c,
        code,
        duties=duties,
        title=title,
        source=str(posting_file),
        posting_text=read_posting_file(posting_file) if posting_file else None,
    )
    status = status_on(c.lib, c.resolver, load_candidate(candidate_file), as_of or date.today(), str(candidate_file))
    if c.decision_log is not None:
        c.decision_log.subject = status.name  # logged only with --log-names
    report = check_hire(
        c, code, status, tasks, supervision=supervision, supervisor=supervisor, setting=c.resolver.setting(setting)
    )
    click.echo(to_json(report.to_json()) if fmt == "json" else render.hire_text(report))
    ctx.exit(exit_code([d["verdict"] for d in report.duties], strict))


def batch_postings(c: Checker, source: Path, output: Path, fmt: str, as_of: date | None, strict: bool) -> int:
    """Write one result per posting (JSONL, or a CSV summary); return the exit code."""
    from scopecheck.batch.rows import atomic_text
    from scopecheck.batch.runner import POSTING_COLUMNS, check_postings

    with contextlib.ExitStack() as stack:
        out = stack.enter_context(atomic_text(output) if str(output) != "-" else std_text("stdout"))
        writer = CsvOut(out) if fmt == "csv" else None
        if writer:
            writer.writerow(POSTING_COLUMNS)
        worst = Counter[str]()
        for result in check_postings(c, source, as_of):
            worst[result["worst"]] += 1
            if writer:
                writer.writerow(
                    [
                        result.get("source"),
                        result.get("jurisdiction", ""),
                        result.get("title") or "",
                        len(result.get("duties", [])),
                        len(result.get("findings", [])),
                        result["worst"],
                        result.get("error", ""),
                    ]
                )
            else:
                out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    click.echo(f"{sum(worst.values())} postings: " + ", ".join(f"{k} {v}" for k, v in sorted(worst.items())), err=True)
    failing = {"error", "warning", "unreadable"} if strict else {"error"}
    return EXIT_FINDING if set(worst) & failing else EXIT_OK


@contextlib.contextmanager
def std_text(name: str, encoding: str = "utf-8") -> Any:
    """stdin/stdout as text that keeps undecodable bytes (surrogateescape), without closing them."""
    from scopecheck.batch.rows import DISK_FULL

    wrapper = io.TextIOWrapper(getattr(sys, name).buffer, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield wrapper
        with contextlib.suppress(ValueError):
            wrapper.flush()
    except OSError as exc:
        if name != "stdout" or exc.errno not in DISK_FULL:
            raise
        raise UserError(f"{name}: cannot write: {exc.strerror}") from None
    finally:
        with contextlib.suppress(ValueError, OSError):
            wrapper.flush()
        with contextlib.suppress(ValueError, OSError):
            wrapper.detach()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the page and the HTTP API (needs the web extra: pip install '.[web]').

    \b
    Examples:
      scopecheck serve                      # then open http://127.0.0.1:8000
      curl 'http://127.0.0.1:8000/api/check?state=CA&task=flu%20shot'
    """
    try:
        import uvicorn

        from scopecheck.interfaces.web.app import create_app
        from scopecheck.interfaces.web.guard import server_options
    except ImportError as exc:
        raise UserError(f"the web server needs the web extra ({exc.name} is missing): pip install '.[web]'") from None
    if not is_loopback(host):
        click.echo(
            f"warning: serving on {host}, reachable from the network: the page and API have no "
            "authentication; put them behind a proxy that authenticates",
            err=True,
        )
    uvicorn.run(create_app(checker(ctx)), host=host, port=port, log_level="info", **server_options())


def is_loopback(host: str) -> bool:
    """localhost or a loopback address (127.0.0.0/8, ::1); a name or any other address is the network."""
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@cli.group()
def rules() -> None:
    """Validate, test and describe the rule files."""


@rules.command("validate")
@click.argument("states", nargs=-1)
@click.option("--no-examples", is_flag=True, help="Check the files only; do not run their examples.")
@click.pass_context
def rules_validate(ctx: click.Context, states: tuple[str, ...], no_examples: bool) -> None:
    """Check every rule file (or the STATES named): schema, references, overlaps, examples.

    Every defect is printed as FILE:LINE: [KEY] MESSAGE. Exit 2 when there is any.
    """
    from scopecheck.decide.compiler import rule_set_defects
    from scopecheck.decide.examples import run_examples

    c = checker(ctx)
    codes = c.jurisdictions(states or None, field="STATES")
    defects = [str(d) for d in rule_set_defects(c.lib, codes)]
    examples = 0
    if not defects and not no_examples:
        for outcome in run_examples(c, codes):
            examples += 1
            if outcome.problem:
                path = c.lib.state_path(outcome.code)
                defects.append(f"{path}: [examples.{outcome.example.name}] {outcome.problem}")
    for d in defects:
        click.echo(d, err=True)
    if defects:
        click.echo(f"{len(defects)} defect(s) in {len(codes)} state file(s)", err=True)
        ctx.exit(EXIT_USAGE)
    click.echo(f"ok: {len(codes)} state files and the catalogues are valid; {examples} examples pass")


@rules.command("test")
@click.argument("states", nargs=-1)
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
@click.pass_context
def rules_test(ctx: click.Context, states: tuple[str, ...], verbose: bool) -> None:
    """Run the examples in the state files and the cases from primary sources in states/cases/
    (query -> expected verdict), e.g. `scopecheck rules test CA -v`."""
    from itertools import chain

    from scopecheck.decide.examples import run_cases, run_examples

    c = checker(ctx)
    codes = c.jurisdictions(states or None, field="STATES")
    passed = failed = 0
    for outcome in chain(run_examples(c, codes), run_cases(c, codes)):
        if outcome.problem:
            failed += 1
            click.echo(f"FAIL {outcome.test_id}: {outcome.problem}")
        else:
            passed += 1
            if verbose:
                click.echo(f"ok   {outcome.test_id}: {outcome.example.expect}")
    click.echo(f"{passed} passed, {failed} failed")
    ctx.exit(EXIT_FINDING if failed else EXIT_OK)


@rules.command("train-reader")
@click.argument("corpora", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: the data's rules/reader.json."
)
@click.pass_context
def rules_train_reader(ctx: click.Context, corpora: tuple[Path, ...], output: Path | None) -> None:
    """Train the second reading of task words (decide/reader.py) on hand-labelled phrasing corpora.
    Leave out the corpora that measure it; a corpus's validation split is never read. The shipped
    model names its corpora in its `trained_on`; a trial model, e.g.

    \b
      scopecheck rules train-reader -o /tmp/reader.json tests/data/phrasings.toml tests/data/phrasings_holdout.toml
    """
    from scopecheck.decide.reader import corpus_examples, model_json, train
    from scopecheck.law.snapshot import READER_MODEL

    c = checker(ctx)
    examples, hashes = corpus_examples(corpora, c.lib.tasks)
    target = output or c.lib.root / READER_MODEL
    try:
        target.write_text(model_json(train(examples, hashes)), encoding="utf-8")
    except OSError as exc:
        _fail(f"{target}: cannot write the model: {exc.strerror}")
    click.echo(f"{target}: trained on {len(examples):,} phrasings from {len(hashes)} corpora")


@rules.command("coverage")
@click.option("--core", "core_only", is_flag=True, help="Only the 23 core tasks (default: every catalogue task).")
@click.option("--as-of", "as_of", type=IsoDate(), help="Evaluate the law in force on this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.pass_context
def rules_coverage(ctx: click.Context, core_only: bool, as_of: date | None, fmt: str) -> None:
    """The jurisdictions x tasks matrix of verdicts and confidence, with totals per verdict of the
    cells resting on high, medium and low confidence and on unofficial sources only."""
    from scopecheck.interfaces.reports import coverage, coverage_rows, coverage_text

    c = checker(ctx)
    tasks = [t.id for t in c.lib.tasks.values() if t.core or not core_only]
    report = coverage(c, c.lib.encoded_states(), tasks, as_of or date.today())
    if fmt == "json":
        click.echo(to_json(report.to_json()))
    elif fmt == "csv":
        click.echo(render.to_csv(coverage_rows(report)), nl=False)
    else:
        click.echo(coverage_text(report))


@rules.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of a state file, for editors that check TOML as you type."""
    from scopecheck.law.schema import StateFile

    click.echo(json.dumps(json_schema(StateFile), indent=2))


@cli.group("cache")
def cache_group() -> None:
    """What scopecheck keeps to answer faster: the answer table of the data and code (the engine's
    findings per question, a batch's output columns per question, the checks it printed) and each
    rule file as validated, in the user cache directory.
    SCOPECHECK_CACHE_DIR moves it; SCOPECHECK_NO_CACHE=1 turns it off. Removing it loses nothing.

    \b
    Examples:
      scopecheck cache info
      scopecheck cache build CA NY      # ahead of time: every question of CA and NY
      scopecheck cache clear
    """


def _cache_root() -> Path:
    from scopecheck.cache import cache_root, usable_root

    root = cache_root()
    if root is None:
        raise UserError("the cache is turned off (SCOPECHECK_NO_CACHE is set)")
    if usable_root() is None:
        raise UserError(f"{root}: not used as the cache: it cannot be made, or another user owns it or may write to it")
    return root


@cache_group.command("info")
@click.pass_context
def cache_info(ctx: click.Context) -> None:
    """Where the cache is, this data's answer table and how much it holds."""
    from scopecheck.cache import cache_files

    root = _cache_root()
    table = checker(ctx).answers
    assert table is not None  # the cache is on (_cache_root)
    tables, validated = cache_files(root)
    click.echo(f"cache directory: {root}")
    if table.path.exists():
        size = sum(f.stat().st_size for f in tables if f.name.startswith(table.path.name))
        held, rows, verdicts = table.count(), table.count("rows"), table.count("verdicts")
        replies = table.count("replies", request='["check",')
        click.echo(
            f"answer table of this data and code: {table.path.name}: {held:,} question{'' if held == 1 else 's'} "
            f"({rows:,} with batch columns, {verdicts:,} with verdicts; {replies:,} check{'' if replies == 1 else 's'} "
            f"to print again), {size / 1e6:.1f} MB"
        )
    else:
        click.echo(f"answer table of this data and code: {table.path.name}: not made yet")
    others = [f for f in tables if f.suffix == ".sqlite" and f != table.path]
    click.echo(
        f"other answer tables (other data or versions): {len(others)}; validated rule files: {len(validated)}; "
        f"in all {sum(f.stat().st_size for f in tables + validated) / 1e6:.1f} MB"
    )


@cache_group.command("build")
@click.argument("states", nargs=-1)
@click.option(
    "--verdicts",
    is_flag=True,
    help="Also fold and keep every question's verdict, so that any later check is printed without loading "
    "the law (about three times the time and twice the disk).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes, each building whole states (2 on 2 cores: about twice as fast).",
)
@click.pass_context
def cache_build(ctx: click.Context, states: tuple[str, ...], verdicts: bool, jobs: int) -> None:
    """Ask the engine every question of the STATES (all encoded ones by default) ahead of time, so no
    later check, batch or server waits for it. Every task, date range and value of the facts a rule
    tests: about 1.1 million questions for all states, under a minute (with --verdicts, about two).

    \b
    Examples:
      scopecheck cache build                 # every state
      scopecheck cache build --jobs 2 --verdicts
      scopecheck cache build CA NY --verdicts
    """
    import time

    from scopecheck.batch.cachebuild import build

    c = checker(ctx)
    _cache_root()
    codes = c.jurisdictions(states or None, field="STATES")
    if verdicts:  # loaded, so kept as validated (law/tomlfile.py): what a check reads its words with
        from scopecheck.interfaces.quick_check import READS

        for catalogue in READS:
            getattr(c.lib, catalogue)
    total = new = folded = 0
    started = time.perf_counter()
    for built in build(c, codes, verdicts, jobs):
        total, new, folded = total + built.questions, new + built.asked_now, folded + built.verdicts_folded
        click.echo(
            f"{built.code}: {built.questions:,} questions, {built.asked_now:,} asked of the engine now"
            + (f", {built.verdicts_folded:,} verdicts folded" if verdicts else ""),
            err=True,
        )
    assert c.answers is not None
    click.echo(
        f"{len(codes)} state(s): {total:,} questions, {new:,} new"
        + (f", {folded:,} verdicts folded" if verdicts else "")
        + f", in {time.perf_counter() - started:.1f} s ({c.answers.path})"
    )


@cache_group.command("clear")
def cache_clear() -> None:
    """Remove everything scopecheck keeps in the cache directory (it is made again as needed)."""
    from scopecheck.cache import clear

    root = _cache_root()
    files, size = clear(root)
    click.echo(f"removed {files} file(s), {size / 1e6:.1f} MB, from {root}")


@cli.group("log")
def log_group() -> None:
    """Read the decision log back, and replay it against the current data."""


def _log_option(f: Any) -> Any:
    return click.option(
        "--log",
        "log_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="SCOPECHECK_DECISION_LOG",
        required=True,
        help="The decision log (default: $SCOPECHECK_DECISION_LOG).",
    )(f)


@log_group.command("show")
@_log_option
@click.option("--since", type=IsoDate(), help="Only decisions on or after this date (UTC).")
@click.option("--state", help="Only this jurisdiction (code).")
@click.option("--verdict", type=click.Choice(["allowed", "conditional", "prohibited", "unknown"]))
@FORMAT
@click.pass_context
def log_show(
    ctx: click.Context, log_path: Path, since: date | None, state: str | None, verdict: str | None, fmt: str
) -> None:
    """List logged decisions, e.g. `scopecheck log show --log decisions.db --since 2026-12-01 --state NY`."""
    from scopecheck.interfaces.decision_log import read_log, select

    code = checker(ctx).jurisdiction(state, field="--state") if state else None
    records = select(read_log(log_path), since, code, verdict)
    if fmt == "json":
        click.echo(to_json([r.__dict__ for r in records]))
        return
    for r in records:
        q = r.input
        click.echo(
            f"{r.at}  {r.id[:12]}  {r.command:<8} {q['jurisdiction']}  {q['task']:<28} {r.verdict:<11} "
            f"{','.join(r.rules) or '-'}  [{r.confidence}] data {r.snapshot}"
        )
    click.echo(f"{len(records)} decision(s)")


@log_group.command("replay")
@_log_option
@FORMAT
@click.pass_context
def log_replay(ctx: click.Context, log_path: Path, fmt: str) -> None:
    """Re-evaluate every logged input against the current data and list the decisions whose verdict
    (or deciding rules) would change: what a data update does to past answers. Exit 1 if any."""
    from scopecheck.interfaces.decision_log import read_log, replayable

    c = checker(ctx)
    changed = []
    total = 0
    for r in read_log(log_path):
        total += 1
        now = c.evaluate(replace(replayable(r, c.lib, log_path), task_input=""))
        if now.verdict != r.verdict or list(now.rules) != r.rules:
            changed.append(
                {
                    "id": r.id,
                    "at": r.at,
                    "jurisdiction": r.jurisdiction,
                    "task": r.input["task"],
                    "was": r.verdict,
                    "was_rules": r.rules,
                    "now": now.verdict,
                    "now_rules": now.rules,
                    "was_snapshot": r.snapshot,
                    "now_snapshot": now.data_snapshot,
                }
            )
    if fmt == "json":
        click.echo(to_json(changed))
    else:
        for d in changed:
            click.echo(
                f"{d['at']}  {d['id'][:12]}  {d['jurisdiction']} {d['task']}: {d['was']} -> {d['now']} "
                f"({','.join(d['was_rules']) or '-'} -> {','.join(d['now_rules']) or '-'})"
            )
        click.echo(f"{len(changed)} of {total} decision(s) would change with the current data ({c.lib.snapshot})")
    ctx.exit(EXIT_FINDING if changed else EXIT_OK)


def _data_dir_anywhere(group: click.Group) -> None:
    """Accept `--data-dir` after the subcommand too (`scopecheck rules validate --data-dir DIR`), where
    users put it: every command gets the option, which sets the same value as the global one."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.find_root().obj["data_dir"] = value

    for command in group.commands.values():
        if isinstance(command, click.Group):
            _data_dir_anywhere(command)
        elif not any(p.name == "data_dir" for p in command.params):
            command.params.append(
                click.Option(
                    ["--data-dir"],
                    type=click.Path(file_okay=False, path_type=Path),
                    expose_value=False,
                    is_eager=True,
                    callback=remember,
                    help="Use this copy of the data (as the global --data-dir).",
                )
            )


_data_dir_anywhere(cli)


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the main thread is, so that every `finally` and context
    manager runs: the temporary output file is removed and worker processes are stopped."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: Any) -> None:
    signal.signal(signum, signal.SIG_IGN)  # once: a second signal must not interrupt the clean-up
    raise Terminated(signum)


@contextlib.contextmanager
def _stop_signals_raise() -> Any:
    """While a command runs, SIGTERM and SIGHUP raise Terminated (only where they would have killed
    the process: a signal already ignored, as under nohup, stays ignored)."""
    installed = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is signal.SIG_DFL:
                installed[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)


def _fail(message: str) -> NoReturn:
    click.echo(f"scopecheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


#: Control characters a terminal acts on (ESC starts a sequence that can retitle the window or move
#: the cursor, BEL rings, CR overwrites): shown as U+FFFD when text from outside is printed.
_TERMINAL_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20), *range(0x7F, 0xA0)], "\ufffd"
)


class _Stdout:
    """sys.stdout as the commands write it: a write that fails (a full disk, `> /dev/full`) or has
    nowhere to go (stdout closed, `>&-`: an answer printed to nowhere, exit 0) is one line naming
    stdout and exit 2, never an internal error or a silent loss. A terminal control character in
    what is printed (a posting's or a candidate's words) is printed inert. Batch output, which
    passes data through, is written to the buffer, not here."""

    def __init__(self, real: Any):
        self._real = real

    def _stream(self) -> Any:
        if self._real is None:
            raise UserError("stdout: closed; there is nowhere to write the answer")
        return self._real

    def write(self, text: str) -> int:
        try:
            return int(self._stream().write(text.translate(_TERMINAL_CONTROLS)))
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        if self._real is None:
            return
        try:
            self._real.flush()
        except OSError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> BaseException:
        if exc.errno == errno.EPIPE:  # the reader stopped (`| head`): stop too, quietly, as a pipe's writer does
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), self._real.fileno())  # no second failure at exit
            return SystemExit(128 + signal.SIGPIPE)
        return UserError(f"stdout: cannot write: {exc.strerror}")

    @property
    def buffer(self) -> Any:
        return self._stream().buffer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream(), name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one place maps user errors to one line and exit code 2."""
    real = sys.stdout
    sys.stdout = _Stdout(real)
    try:
        _main(argv)
    finally:
        sys.stdout = real


def _main(argv: list[str] | None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        with _stop_signals_raise():
            code = cli.main(args=args, prog_name="scopecheck", standalone_mode=False)
        sys.stdout.flush()  # here: a write that fails at the end is still one line (_Stdout)
    except Terminated as exc:
        click.echo(f"scopecheck: terminated ({signal.Signals(exc.signum).name})", err=True)
        sys.exit(128 + exc.signum)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("scopecheck: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        _fail(exc.format_message().replace("\n", " "))
    except UserError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("scopecheck: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line, unless --debug asks for the traceback
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
    sys.exit(code if isinstance(code, int) else EXIT_OK)
