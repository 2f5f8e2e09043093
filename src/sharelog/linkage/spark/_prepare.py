"""``sharelog register prepare --backend spark``: prepare a register on Spark, so the driver never holds it.

Spark reads the register (CSV or Parquet), standardises it, counts its term frequencies and name pairs, trains
the model (given a request batch), compares its households, and writes every table of the prepared register as
a folder of Parquet files (``"storage": "parquet"`` in the manifest; see :data:`PARQUET_STORAGE`). Only counts,
the distinct-name lookups of each partition and the small request batch pass through the driver.

Standardisation is not a second copy of the rules: each partition of the register is standardised by the same
DuckDB SQL as on one machine (:func:`sharelog.linkage._standardise.standardise_table`, in an in-memory DuckDB in
Spark's Python worker, through ``mapInArrow``), so both backends give the same linkage columns, row for row. The
term-frequency and name-pair tables are the DuckDB backend's SQL transpiled by sqlglot. Executors therefore need
sharelog installed (its Python, DuckDB and jellyfish), as the driver does.

Checks: the register must have the required columns and at least one row; a blank or repeated pupil id, a date
of birth that is not a real ``YYYY-MM-DD`` date, or a value too long for its field or holding a control character
refuses it, as on DuckDB, but counted by kind (Spark does not number the file's rows).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from sharelog.errors import InputError, Problem, ValidationFailed
from sharelog.linkage._candidates import key_table_name
from sharelog.linkage._decide import name_pair_table_sql
from sharelog.linkage._inputs import _file_checksum_and_text_check
from sharelog.linkage._model import LinkageModel, load_model, save_model
from sharelog.linkage._prepared import (
    PreparedRegister,
    check_prepare_arguments,
    choose_clustering_key,
    key_columns,
    key_share_sql,
    staged_folder,
    write_manifest,
)
from sharelog.linkage._scoring import TF_COLUMNS
from sharelog.linkage._session import (
    LINKAGE_TABLE,
    NAME_PAIRS,
    PARQUET_STORAGE,
    RAW_TABLE,
    Progress,
    report_progress,
    tf_table_sql,
)
from sharelog.linkage._standardise import LINKAGE_COLUMNS, standardise_table
from sharelog.linkage.spark._config import SparkConfig, spark_session
from sharelog.linkage.spark._train import household_profile_on_spark, spark_sql, train_on_spark
from sharelog.schemas import MULTILINE_FIELDS, REGISTER_REQUIRED_COLUMNS, max_length

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["prepare_register_on_spark", "standardised_schema"]

_ARRAYS = {"forename_groups", "surname_parts", "surname_groups"}
_INTEGERS = {"dob_year"}
ARROW_BATCH_ROWS = 100_000  # rows a Python worker standardises at once (Spark's default, 10,000, costs more)


def standardised_schema() -> pa.Schema:
    """The linkage columns' types, as DuckDB's standardisation gives them."""
    return pa.schema(
        [
            (
                name,
                pa.list_(pa.string())
                if name in _ARRAYS
                else pa.int64()
                if name in _INTEGERS
                else pa.string(),
            )
            for name in LINKAGE_COLUMNS
        ]
    )


def _spark_schema() -> str:
    types = {pa.string(): "string", pa.int64(): "bigint", pa.list_(pa.string()): "array<string>"}
    return ", ".join(f"{field.name} {types[field.type]}" for field in standardised_schema())


def standardise_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Standardise a partition of the register, batch by batch, with the DuckDB backend's own SQL (run in a
    Spark Python worker)."""
    import duckdb

    schema = standardised_schema()
    with duckdb.connect(config={"threads": 1}) as con:
        for batch in batches:
            con.register("batch_raw", pa.Table.from_batches([batch]))
            standardise_table(con, source="batch_raw", id_column="pupil_id", target="batch_std")
            con.unregister("batch_raw")
            yield from con.sql("FROM batch_std").arrow().read_all().cast(schema).to_batches()


def _read_register(spark: SparkSession, path: Path) -> DataFrame:
    """The register as text columns: CSV as the file holds it (RFC 4180 quoting, line breaks in quoted values),
    Parquet with every column cast to text."""
    from pyspark.sql import functions as F

    if path.suffix.lower() in {".parquet", ".pq"}:
        frame = spark.read.parquet(str(path))
        return frame.select([F.col(f"`{c}`").cast("string").alias(c) for c in frame.columns])
    return spark.read.csv(
        str(path),
        header=True,
        inferSchema=False,
        multiLine=True,
        escape='"',
        encoding="UTF-8",
        mode="FAILFAST",
    )


def _problem_counts_sql(columns: list[str]) -> dict[tuple[str, str], str]:
    """(field, message) → a Spark SQL count of the register rows with that problem (the DuckDB reader's checks,
    counted rather than listed by row)."""
    counts = {
        ("pupil_id", "missing"): "count_if(pupil_id IS NULL OR trim(pupil_id) = '')",
        ("pupil_id", "repeats the id of another row"): "count(pupil_id) - count(DISTINCT pupil_id)",
        ("dob", "not a real date in YYYY-MM-DD form"): (
            "count_if(dob IS NOT NULL AND trim(dob) <> '' AND (NOT trim(dob) RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' "
            "OR try_to_date(trim(dob), 'yyyy-MM-dd') IS NULL))"
        ),
    }
    for name in columns:
        column = f"`{name}`"
        counts[(name, f"longer than {max_length(name)} characters")] = (
            f"count_if(length({column}) > {max_length(name)})"
        )
        controls = r"[\\x{01}-\\x{08}\\x{0B}\\x{0C}\\x{0E}-\\x{1F}\\x{7F}-\\x{9F}]"
        if name not in MULTILINE_FIELDS:
            controls = r"[\\x{01}-\\x{1F}\\x{7F}-\\x{9F}]"
        counts[(name, "holds a NUL or another control character (a damaged file?)")] = (
            f"count_if({column} RLIKE '{controls}' OR instr({column}, char(0)) > 0)"
        )
    return counts


def _check_register(spark: SparkSession, path: Path, raw: DataFrame) -> int:
    """The register's row count, or :class:`ValidationFailed` with every problem found (counted by kind)."""
    missing = [c for c in REGISTER_REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise ValidationFailed([Problem(str(path), "required column is missing", field=c) for c in missing])
    counts = _problem_counts_sql(list(raw.columns))
    raw.createOrReplaceTempView("register_raw")
    selected = ", ".join([*counts.values(), "count(*)"])
    found = spark.sql(f"SELECT {selected} FROM register_raw").collect()[0]
    rows = int(found[-1])
    problems = [
        Problem(str(path), f"{message} ({int(n):,} rows)", field=field)
        for (field, message), n in zip(counts, found[:-1], strict=True)
        if n
    ]
    if rows == 0:
        problems.append(Problem(str(path), "the file has a header but no rows"))
    if problems:
        raise ValidationFailed(problems)
    return rows


def _write(frame: DataFrame, folder: Path) -> None:
    frame.write.mode("overwrite").parquet(str(folder))


def _clustering_key(spark: SparkSession, keys: list[tuple[str, ...]]) -> list[str]:
    """:func:`sharelog.linkage._prepared.clustering_key` on Spark's ``register_std``."""

    return choose_clustering_key(
        keys,
        lambda columns: float(
            spark.sql(key_share_sql("register_std", columns, quote="`")).collect()[0][0] or 0
        ),
    )


@dataclass(frozen=True)
class _Written:
    tables: list[str]
    model: LinkageModel | None


def _prepare(
    spark: SparkSession,
    *,
    register: Path,
    staging: Path,
    scratch: Path,
    model: Path | None,
    train_requests: Path | None,
    progress: Progress | None,
) -> tuple[int, str, _Written]:
    from pyspark.sql import functions as F

    report_progress(progress, "register", 0, 2)
    problems: list[Problem] = []
    checksum, _ = _file_checksum_and_text_check(register, problems)
    if problems:
        raise ValidationFailed(problems)
    raw = _read_register(spark, register)
    rows = _check_register(spark, register, raw)
    source = raw if "address" in raw.columns else raw.withColumn("address", F.lit(None).cast("string"))
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    standardised = source.mapInArrow(standardise_batches, _spark_schema())
    _write(standardised, scratch / "register_std")  # standardised once; every later step reads it
    register_std = spark.read.parquet(str(scratch / "register_std"))
    register_std.createOrReplaceTempView("register_std")
    report_progress(progress, "register", 1, 2)
    tables: list[str] = []
    for column in TF_COLUMNS:
        table = f"tf_{column}"
        _write(spark.sql(spark_sql(tf_table_sql("register_std", column))).orderBy(column), staging / table)
        spark.read.parquet(str(staging / table)).createOrReplaceTempView(table)
        tables.append(table)
    pairs = spark.sql(spark_sql(name_pair_table_sql("register_std")))
    _write(pairs.orderBy("forename1", "surname_std"), staging / NAME_PAIRS)
    tables.append(NAME_PAIRS)
    report_progress(progress, "register", 2, 2)

    trained = load_model(model) if model is not None else None
    if train_requests is not None:
        trained = train_on_spark(
            spark,
            requests=train_requests,
            register_rows=rows,
            register_checksum=checksum,
            scratch=scratch,
            progress=progress,
        )

    keys = key_columns(trained)
    steps = 2 + len(keys)
    report_progress(progress, "writing", 0, steps)
    _write(raw.orderBy("pupil_id"), staging / RAW_TABLE)
    tables.append(RAW_TABLE)
    report_progress(progress, "writing", 1, steps)
    order = [*_clustering_key(spark, keys), "unique_id"]
    _write(register_std.orderBy(*[F.col(c).asc_nulls_last() for c in order]), staging / LINKAGE_TABLE)
    tables.append(LINKAGE_TABLE)
    report_progress(progress, "writing", 2, steps)
    for done, columns in enumerate(keys, start=3):
        key_table = register_std.select(*columns, "unique_id").where(
            " AND ".join(f"`{c}` IS NOT NULL" for c in columns)
        )
        _write(key_table.orderBy(*columns), staging / key_table_name(columns))
        tables.append(key_table_name(columns))
        report_progress(progress, "writing", done, steps)

    if trained is not None:
        save_model(trained, staging / "model.json")
        report_progress(progress, "relatives", 0, 1)
        household_profile_on_spark(spark, register_std, trained.settings).save(staging / "relatives.json")
        report_progress(progress, "relatives", 1, 1)
    return rows, checksum, _Written(tables=tables, model=trained)


def prepare_register_on_spark(
    *,
    register: Path,
    out_dir: Path,
    model: Path | None = None,
    train_requests: Path | None = None,
    config: SparkConfig | None = None,
    progress: Progress | None = None,
) -> PreparedRegister:
    """:func:`sharelog.linkage.prepare_register` on Spark: the same prepared register (the same rows, term
    frequencies, name pairs and model kind), its tables written as Parquet folders.

    ``register`` and ``out_dir`` must be paths the driver and every executor see (local mode: any path).
    Spark's intermediate files go to the scratch folder (``config.scratch_dir``) and are removed at the end.

    Raises:
        InputError: a bad path, both ``model`` and ``train_requests``, or Spark could not start.
        ValidationFailed: the register (or the training batch) cannot be used.
    """
    check_prepare_arguments(out_dir, model, train_requests)
    if not register.is_file():
        raise InputError(f"{register}: no such file")
    config = config if config is not None else SparkConfig()
    spark = spark_session(config)
    if config.scratch_dir is not None:
        config.scratch_dir.mkdir(parents=True, exist_ok=True)
    views_before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    with staged_folder(out_dir) as staging:
        with tempfile.TemporaryDirectory(prefix="sharelog-spark-", dir=config.scratch_dir) as folder:
            scratch = Path(folder)
            spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
            try:
                rows, checksum, written = _prepare(
                    spark,
                    register=register,
                    staging=staging,
                    scratch=scratch,
                    model=model,
                    train_requests=train_requests,
                    progress=progress,
                )
            finally:
                for table in spark.catalog.listTables():
                    if table.isTemporary and table.name not in views_before:
                        spark.catalog.dropTempView(table.name)
        write_manifest(
            staging,
            register=register,
            checksum=checksum,
            rows=rows,
            model=written.model,
            storage=PARQUET_STORAGE,
            tables=written.tables,
        )
    return PreparedRegister(directory=out_dir, rows=rows, model=written.model)
