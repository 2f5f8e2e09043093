"""Score a session's candidate pairs on Spark and bring the predictions back into its DuckDB connection.

Tables travel as Parquet through a scratch folder: the session's standardised tables are written there (a
prepared register's ``linkage.parquet`` and term-frequency files are read where they are), Spark writes its
predictions there, DuckDB reads them into table ``predictions``, and the folder is removed. Decisions are then
made in DuckDB exactly as after DuckDB scoring.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sharelog.linkage._session import TF_COLUMNS, MatchingSession
from sharelog.linkage.spark._config import SparkConfig, spark_session
from sharelog.linkage.spark._settings import settings_for_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["score_on_spark"]

PREDICTIONS = "predictions"


def copy_to_parquet_sql(table: str, path: Path) -> str:
    """DuckDB: write ``table`` to one Parquet file."""
    return f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)"


def predictions_from_parquet_sql(folder: Path) -> str:
    """DuckDB: the predictions table from the Parquet files Spark wrote."""
    return f"CREATE OR REPLACE TABLE {PREDICTIONS} AS FROM read_parquet('{folder / '*.parquet'}')"


def _input_files(session: MatchingSession, scratch: Path) -> dict[str, Path]:
    """Parquet files of the register, the requests and each term-frequency lookup, by table name."""
    assert session.register_info is not None
    prepared = session.register_info.prepared_dir
    files: dict[str, Path] = {"requests_std": scratch / "requests_std.parquet"}
    if prepared is not None:
        files["register_std"] = prepared / "linkage.parquet"
        files.update({f"tf_{c}": prepared / f"tf_{c}.parquet" for c in TF_COLUMNS})
    else:
        files["register_std"] = scratch / "register_std.parquet"
        files.update({f"tf_{c}": scratch / f"tf_{c}.parquet" for c in TF_COLUMNS})
    for table, path in files.items():
        if path.parent == scratch:
            session.con.execute(copy_to_parquet_sql(table, path))
    return files


def _predict(
    spark: SparkSession,
    frames: dict[str, DataFrame],
    settings: dict[str, object],
    *,
    threshold_match_weight: float,
    out: Path,
) -> None:
    """Run Splink's predict on Spark and write the scored pairs to ``out`` (a folder of Parquet files)."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    inputs = [
        db_api.register(frames[table], dataset_display_name=name, table_name=f"__{name}_input")
        for name, table in {"register": "register_std", "requests": "requests_std"}.items()
    ]
    linker = Linker(inputs, settings, log_level=None)
    for column in TF_COLUMNS:
        lookup = db_api.register(frames[f"tf_{column}"], table_name=f"__tf_{column}_input")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    # The floor is applied once the pairs are scored, not by predict(): Spark pushes predict's filter into the
    # join, inlining each comparison once for every level of its weight; scoring took 5 times as long.
    predictions = linker.inference.predict()
    scored = predictions.as_spark_dataframe()
    scored.where(scored["match_weight"] >= threshold_match_weight).write.mode("overwrite").parquet(str(out))


def score_on_spark(
    session: MatchingSession,
    *,
    retain_matching_columns: bool = False,
    config: SparkConfig | None = None,
) -> str:
    """Score the session's candidate pairs on Spark with its model; create DuckDB table ``predictions``.

    The table has the rows and columns DuckDB scoring gives (``match_weight``, ``source_dataset_l/r``,
    ``unique_id_l/r``, ``mw_*``, ``mw_tf_adj_*``…), so :meth:`MatchingSession.decide` works on it unchanged.

    Args:
        session: a session with a register, a request batch and a model.
        retain_matching_columns: keep each compared column (``<column>_l``, ``<column>_r``) in the output.
        config: where Spark runs; default :meth:`SparkConfig.from_environ`. Ignored when a Spark session is
            already active (it is used as it is).

    Returns:
        ``"predictions"``, the name of the table created.

    Raises:
        InputError: pyspark or Java is missing, or Spark could not start.
    """
    assert session.model is not None
    config = config if config is not None else SparkConfig.from_environ()
    spark = spark_session(config)
    settings = {
        **settings_for_spark(session.model.settings),
        "retain_matching_columns": retain_matching_columns,
    }
    views_before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    if config.scratch_dir is not None:
        config.scratch_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sharelog-spark-", dir=config.scratch_dir) as folder:
        scratch = Path(folder)
        # Splink breaks Spark's lineage by writing intermediate tables under the checkpoint folder.
        spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
        try:
            files = _input_files(session, scratch)
            frames = {table: spark.read.parquet(str(path)) for table, path in files.items()}
            _predict(
                spark,
                frames,
                settings,
                threshold_match_weight=session.score_floor(),
                out=scratch / PREDICTIONS,
            )
            session.con.execute(predictions_from_parquet_sql(scratch / PREDICTIONS))
        finally:
            _forget_spark_tables(spark, keep=views_before)
    return PREDICTIONS


def _forget_spark_tables(spark: SparkSession, *, keep: set[str]) -> None:
    """Drop the temporary views scoring created (they point into the scratch folder, about to be removed)."""
    for table in spark.catalog.listTables():
        if table.isTemporary and table.name not in keep:
            spark.catalog.dropTempView(table.name)
