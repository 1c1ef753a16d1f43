"""Batch on a cluster engine (the `dask` extra): the same row check as `scopecheck batch`, as a pure
function of (partition, data snapshot), run by Dask (dask.distributed) or Spark.

`check_frame` is the partition function: it turns a pandas DataFrame of input rows into the same
rows with the output columns added, each cell exactly what the local batch writes (one
`RowChecker`, one cell formatter: nothing is written twice). Identical questions in a partition are
evaluated once (the RowChecker's memo, then the Checker's). One Checker per worker process, built
from the data directory on first use and kept: never one per partition (each holds tens of MB of
rulesets), never threads sharing one. The snapshot id travels with the task, and a worker whose
data differs refuses to answer rather than mix two versions of the law.

Spark runs the same function with `mapInPandas` (examples/spark_batch.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scopecheck.batch.rows import OUTPUT, Row, _cell, _Formatted, check_header, csv_rows
from scopecheck.batch.runner import RowChecker
from scopecheck.csvsafe import CsvOut
from scopecheck.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

_WORKER: dict[tuple[str, str, str], tuple[RowChecker, _Formatted]] = {}
ROW_ID = "_row"  # the input row number (1-based), kept so partitioned output can be put back in order
_MAX_PARTITION = 64_000_000  # bytes of CSV read as one partition, at most


def _worker(data_dir: str, snapshot: str, as_of: str) -> tuple[RowChecker, _Formatted]:
    """This process's RowChecker for one (data, snapshot, default date): built once, then reused."""
    key = (data_dir, snapshot, as_of)
    found = _WORKER.get(key)
    if found is None:
        from scopecheck.decide.checker import Checker

        checker = Checker(Path(data_dir)) if data_dir else Checker()
        if checker.lib.snapshot != snapshot:
            raise UserError(f"worker {os.getpid()}: data snapshot {checker.lib.snapshot} is not the job's {snapshot}")
        found = _WORKER[key] = (RowChecker(checker, date.fromisoformat(as_of)), _Formatted())
    return found


def check_frame(pdf: pd.DataFrame, data_dir: str, snapshot: str, as_of: str) -> pd.DataFrame:
    """The partition function: input rows (all columns as strings, plus `_row`) -> the same rows with
    the output columns, formatted as the local batch formats them (CSV-safe cells)."""
    rows, formatted = _worker(data_dir, snapshot, as_of)
    columns = [c for c in pdf.columns if c != ROW_ID]
    out: dict[str, list[str]] = {c: [] for c in OUTPUT}
    batch = []
    for record in pdf.itertuples(index=False):
        values = dict(zip(pdf.columns, record))
        number = int(values.pop(ROW_ID))
        batch.append(Row(number + 1, {c: values[c] for c in columns}))
    for result in rows.check_all(batch):
        for name, cell in zip(OUTPUT, formatted.cells(result)):
            out[name].append(cell)
    result_frame = pdf.copy()
    for name in OUTPUT:
        result_frame[name] = out[name]
    return result_frame


def write_part(pdf: pd.DataFrame, folder: str, fmt: str, part: int) -> int:
    """Write one partition's rows (input columns then output columns) to its own part file."""
    path = Path(folder) / f"part-{part:05d}.{fmt}"
    columns = [c for c in pdf.columns if c not in (ROW_ID, *OUTPUT)]
    if fmt == "parquet":
        pdf.drop(columns=[ROW_ID]).to_parquet(path, index=False)
        return len(pdf)
    with path.open("w", encoding="utf-8", errors="surrogateescape", newline="") as stream:
        writer = CsvOut(stream)
        writer.writerow([*columns, *OUTPUT])
        for record in pdf[columns + list(OUTPUT)].itertuples(index=False):
            values = list(record)
            writer.writerow([_cell(v) for v in values[: len(columns)]], [str(v) for v in values[len(columns) :]])
    return len(pdf)


def _checked_and_written(
    pdf: pd.DataFrame,
    data_dir: str,
    snapshot: str,
    as_of: str,
    folder: str,
    fmt: str,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    import pandas as pd

    part = partition_info["number"] if partition_info else 0
    count = write_part(check_frame(pdf, data_dir, snapshot, as_of), folder, fmt, part)
    return pd.DataFrame({"part": [part], "rows": [count]})


def run_dask(
    source: Path,
    output: Path,
    *,
    data_dir: Path | None,
    snapshot: str,
    as_of: date,
    scheduler: str | None = None,
    workers: int = 2,
    blocksize: int | None = None,
) -> int:
    """Check a CSV or Parquet file on a Dask cluster (a local one of `workers` processes, or the
    scheduler at `scheduler`); write `output/part-NNNNN.csv|parquet` in input order; return the rows.

    The parts are written into a hidden folder beside `output`, which becomes `output` only when
    every part is written: a run stopped or failed leaves what was there before, never some parts.
    The partitions depend on the file alone, never on `workers`: the same parts for any --jobs."""
    try:
        import dask.dataframe as dd  # noqa: F401 - here: a clear error when the extra is missing
        from distributed import Client  # noqa: F401
    except ImportError as exc:
        raise UserError(f"--engine dask needs the dask extra ({exc.name} is missing): pip install '.[dask]'") from None
    if output.exists() and not output.is_dir():
        raise UserError(f"{output}: --engine dask writes a folder of part files; this is a file")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.partial-", dir=output.parent))
    try:
        staging.chmod(0o777 & ~_umask())
        rows = _run_dask(source, staging, data_dir, snapshot, as_of, scheduler, workers, blocksize)
        _put_in_place(staging, output)
        return rows
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _run_dask(
    source: Path,
    folder: Path,
    data_dir: Path | None,
    snapshot: str,
    as_of: date,
    scheduler: str | None,
    workers: int,
    blocksize: int | None,
) -> int:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    fmt = "parquet" if source.suffix.lower() in (".parquet", ".pq") else "csv"
    try:
        with warnings.catch_warnings():  # a broken file stops here, before the cluster starts
            _strict_parsing()
            if fmt == "parquet":
                frame = dd.read_parquet(source).astype(str)
                check_header([str(c) for c in frame.columns], str(source), (ROW_ID,))
                lengths = frame.map_partitions(len).compute()  # read once here, to number the rows
            else:
                with source.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
                    csv_rows(stream, str(source), (ROW_ID,))  # the local engine's checks of the header
                frame, lengths = _csv_partitions(source, blocksize)
    except UserError:
        raise
    except (ValueError, UnicodeDecodeError, OSError, Warning) as exc:
        raise _unreadable(source, exc) from None
    starts = [0]
    for n in lengths[:-1]:
        starts.append(starts[-1] + int(n))

    def number(pdf: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
        first = starts[partition_info["number"]] if partition_info else 0
        return pdf.assign(**{ROW_ID: range(first + 1, first + 1 + len(pdf))})

    numbered = frame.map_partitions(number, meta={**dict.fromkeys(frame.columns, "object"), ROW_ID: "int64"})
    cluster = (
        None
        if scheduler
        else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
    )
    try:
        with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
            client.run(_strict_parsing)
            counts = numbered.map_partitions(
                _checked_and_written,
                str(data_dir or ""),
                snapshot,
                as_of.isoformat(),
                str(folder.resolve()),
                fmt,
                meta={"part": "int64", "rows": "int64"},
            )
            done = client.compute(counts).result()
    except UserError:
        raise
    except (ValueError, UnicodeDecodeError, Warning) as exc:
        raise _unreadable(source, exc) from None
    finally:
        if cluster is not None:
            cluster.close()
    return int(done["rows"].sum())


def _csv_partitions(source: Path, blocksize: int | None) -> tuple[Any, Any]:
    """The CSV file as Dask partitions and each one's row count. Partitions of a few MB, eight per
    file whatever the workers (the same parts for any --jobs). Dask cuts blocks at any line break,
    so a quoted field holding one (a valid CSV) breaks the cut: such a file is read again as one
    partition, slower but whole, when it is no larger than a partition may be (a larger one in one
    piece would hold it all in memory); a file still unreadable then is refused."""
    import dask.dataframe as dd
    import pandas as pd

    whole = source.stat().st_size
    size = blocksize or max(256_000, min(_MAX_PARTITION, whole // 8 + 1))
    tries: tuple[int | None, ...] = (size, None) if whole <= _MAX_PARTITION else (size,)
    for n, block in enumerate(tries, 1):
        frame = dd.read_csv(
            source,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            blocksize=block,
            encoding="utf-8-sig",
            index_col=False,  # never a column taken as the index because a row has one field too many
        )
        try:
            return frame, frame.map_partitions(len).compute()  # read once here, to number the rows
        except pd.errors.ParserError:
            if n == len(tries) or frame.npartitions == 1:
                raise
    raise AssertionError("unreachable: the last try returns or raises")


def _strict_parsing() -> None:
    """Here and in each worker: a row with more fields than the header is an error, not pandas'
    warning (with index_col=False it drops the extra field and goes on)."""
    import pandas as pd

    warnings.filterwarnings("error", category=pd.errors.ParserWarning)


def _unreadable(source: Path, exc: BaseException) -> UserError:
    """One line naming the file, for what pandas or Dask could not read; the local engine reads
    such a file row by row and reports each bad row in place."""
    why = str(exc).split("Original Message:", 1)[-1]
    why = " ".join(why.split())[:200] or type(exc).__name__
    return UserError(
        f"{source}: --engine dask cannot read this file ({why}); the local engine "
        "(scopecheck batch without --engine) reports each bad row in place"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _put_in_place(staging: Path, output: Path) -> None:
    """The finished parts become `output`, replacing a folder of an earlier run in one rename."""
    if not output.exists():
        staging.rename(output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    old.rmdir()
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["check_frame", "run_dask", "write_part"]
