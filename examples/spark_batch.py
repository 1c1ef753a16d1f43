"""Run scopecheck's batch check on Spark with the same partition function as the Dask engine.

    spark-submit examples/spark_batch.py roster.parquet checked/     # pyspark installed, scopecheck on every node

Each executor builds one Checker per Python worker from the bundled data (or SCOPECHECK_DATA_DIR) and
refuses to answer if its data snapshot is not the driver's, so one job never mixes two versions of the
law. Every input row gets its output columns; rows keep their order within each partition and carry
`_row` (the input row number) to sort by.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date


def main(source: str, target: str) -> None:
    from pyspark.sql import SparkSession, functions
    from pyspark.sql.types import StringType, StructField, StructType

    from scopecheck.batch.cluster import ROW_ID, check_frame
    from scopecheck.batch.rows import OUTPUT
    from scopecheck.decide.checker import Checker

    spark = SparkSession.builder.appName("scopecheck-batch").getOrCreate()
    data_dir = os.environ.get("SCOPECHECK_DATA_DIR", "")
    snapshot = Checker().lib.snapshot  # the driver's data; every executor must have the same
    as_of = date.today().isoformat()
    reader = spark.read.parquet if source.endswith(".parquet") else spark.read.option("header", True).csv
    frame = reader(source)
    frame = frame.select(*(functions.col(c).cast("string") for c in frame.columns))
    frame = frame.withColumn(ROW_ID, functions.monotonically_increasing_id() + 1)
    schema = StructType([*frame.schema.fields, *(StructField(c, StringType()) for c in OUTPUT)])

    def check(frames: Iterator[pandas.DataFrame]) -> Iterator[pandas.DataFrame]:  # noqa: F821
        for pdf in frames:
            yield check_frame(pdf.fillna(""), data_dir, snapshot, as_of)

    frame.mapInPandas(check, schema).write.mode("overwrite").parquet(target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
