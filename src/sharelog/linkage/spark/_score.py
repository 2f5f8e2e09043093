"""Score a session's candidate pairs on Spark and bring the predictions back into its DuckDB connection.

Tables travel as Parquet through a scratch folder: the session writes its standardised tables there (of a prepared
register, only the batch's candidates, with the whole register's term frequencies), Spark writes its predictions
there, the session reads them into its table ``predictions``, and the folder is removed. Decisions are then made
in DuckDB exactly as after DuckDB scoring. Only the :class:`~sharelog.linkage.ScoringJob` is seen here: the
session's tables and connection stay the session's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sharelog.linkage import ScoringFiles, ScoringJob
from sharelog.linkage._scoring import PreparedParquet
from sharelog.linkage.spark._config import SparkConfig, spark_session
from sharelog.linkage.spark._settings import settings_for_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkScorer"]

PREDICTIONS = "predictions"  # the folder, in the scratch folder, that Spark writes the scored pairs to


def candidates(spark: SparkSession, prepared: PreparedParquet, requests: DataFrame) -> DataFrame:
    """The rows of a Parquet prepared register that share a blocking key with some request: each key table (key
    columns and ``unique_id``, sorted by the key) joined with the batch's distinct keys, then the linkage rows of
    the pupils found (see :mod:`sharelog.linkage._candidates`)."""
    from pyspark.sql import functions as F

    found: DataFrame | None = None
    for join in prepared.joins:
        keys = spark.read.parquet(str(prepared.key_tables.get(join.register_columns, prepared.linkage)))
        wanted = (
            requests.where(" AND ".join(f"`{c}` IS NOT NULL" for c in join.request_columns))
            .select(*[F.col(f"`{c}`").alias(f"k{i}") for i, c in enumerate(join.request_columns)])
            .distinct()
        )
        on = [keys[c] == wanted[f"k{i}"] for i, c in enumerate(join.register_columns)]
        pupils = keys.join(F.broadcast(wanted), on, "left_semi").select("unique_id")
        found = pupils if found is None else found.union(pupils)
    linkage = spark.read.parquet(str(prepared.linkage))
    if found is None:
        return linkage.limit(0)
    return linkage.join(found.distinct(), "unique_id", "left_semi").select(*linkage.columns)


def _predict(
    spark: SparkSession,
    files: ScoringFiles,
    settings: dict[str, object],
    *,
    threshold_match_weight: float,
    out: Path,
) -> int | None:
    """Run Splink's predict on Spark and write the scored pairs to ``out`` (a folder of Parquet files); return
    how many register rows were scored when they were selected here (a Parquet prepared register)."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    requests = spark.read.parquet(str(files.requests))
    register = spark.read.parquet(str(files.register))
    selected = None
    if files.candidates_of is not None:
        folder = str(out.with_name("candidates"))
        candidates(spark, files.candidates_of, requests).write.parquet(folder)
        register = spark.read.parquet(folder)
        selected = register.count()
    inputs = [
        db_api.register(frame, dataset_display_name=name, table_name=f"__{name}_input")
        for name, frame in {"register": register, "requests": requests}.items()
    ]
    linker = Linker(inputs, settings, log_level=None)
    for column, path in files.term_frequencies.items():
        lookup = db_api.register(spark.read.parquet(str(path)), table_name=f"__tf_{column}_input")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    # The floor is applied once the pairs are scored, not by predict(): Spark pushes predict's filter into the
    # join, inlining each comparison once for every level of its weight; scoring took 5 times as long.
    predictions = linker.inference.predict()
    scored = predictions.as_spark_dataframe()
    scored.where(scored["match_weight"] >= threshold_match_weight).write.mode("overwrite").parquet(str(out))
    return selected


@dataclass(frozen=True)
class SparkScorer:
    """Scores a session's candidate pairs on Spark:
    ``MatchingSession(scorer=SparkScorer(SparkConfig.from_settings(settings)))``.

    The predictions have the rows and columns DuckDB scoring gives (``match_weight``, ``source_dataset_l/r``,
    ``unique_id_l/r``, ``mw_*``, ``mw_tf_adj_*``…), so the session decides on them unchanged.

    Attributes:
        config: where Spark runs, from the settings (:meth:`SparkConfig.from_settings`); default: local mode
            with sharelog's defaults. Ignored when a Spark session is already active (it is used as it is).
    """

    config: SparkConfig = field(default_factory=SparkConfig)
    name = "spark"
    reads_prepared_parquet = True

    def __call__(self, job: ScoringJob) -> None:
        """Score the job's pairs on Spark and hand them back to the session.

        Raises:
            InputError: pyspark or Java is missing, or Spark could not start.
        """
        config = self.config
        spark = spark_session(config)
        settings = settings_for_spark(job.settings)
        views_before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
        if config.scratch_dir is not None:
            config.scratch_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="sharelog-spark-", dir=config.scratch_dir) as folder:
            scratch = Path(folder)
            # Splink breaks Spark's lineage by writing intermediate tables under the checkpoint folder.
            spark.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
            try:
                files = job.parquet_files(scratch)
                job.candidates = _predict(
                    spark, files, settings, threshold_match_weight=job.floor, out=scratch / PREDICTIONS
                )
                job.take_predictions_from_parquet(scratch / PREDICTIONS)
            finally:
                _forget_spark_tables(spark, keep=views_before)


def _forget_spark_tables(spark: SparkSession, *, keep: set[str]) -> None:
    """Drop the temporary views scoring created (they point into the scratch folder, about to be removed)."""
    for table in spark.catalog.listTables():
        if table.isTemporary and table.name not in keep:
            spark.catalog.dropTempView(table.name)
