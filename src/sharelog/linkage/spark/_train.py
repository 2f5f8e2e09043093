"""Training and the relatives profile on Spark: the same steps as on DuckDB, on the Spark session's tables.

Training runs :func:`sharelog.linkage._model.train_model` itself, with a Spark linker and the Spark side of its
:class:`~sharelog.linkage._model.TrainingTables` (its counting queries are sharelog's DuckDB SQL, transpiled by
sqlglot). The model is trained with the comparisons rendered for Spark (:func:`settings_for_spark`: Jaro-Winkler
as DuckDB computes it), then stored as DuckDB SQL like every model: its parameters are put into the untrained
DuckDB settings level by level (:func:`duckdb_settings`), so `sharelog link` scores it on either backend.

What differs from training on DuckDB is only which pairs are sampled: u-probabilities come from Splink's random
pairs, which Spark draws differently from DuckDB, and a sampled EM session keeps the pupils whose hash bucket is
below a threshold, Spark's hash (``xxhash64``) not DuckDB's. So the two models are alike, not equal.
"""

from __future__ import annotations

import copy
import math
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlglot

from sharelog.linkage._inputs import read_input
from sharelog.linkage._model import (
    BUCKETS,
    EM_MAX_PAIRS,
    EM_REGISTER,
    EM_REQUESTS,
    U_SAMPLE_PAIRS,
    LinkageModel,
    Progress,
    new_settings,
    train_model,
)
from sharelog.linkage._relatives import (
    PERSON_COMPARISONS,
    RelativeProfile,
    household_settings,
    profile_from_counts,
)
from sharelog.linkage._scoring import TF_COLUMNS, duckdb_linker
from sharelog.linkage._session import tf_table_sql
from sharelog.linkage._standardise import standardise_table
from sharelog.linkage.spark._settings import settings_for_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from splink import Linker

__all__ = ["duckdb_settings", "household_profile_on_spark", "train_on_spark"]


def spark_sql(duckdb_sql: str) -> str:
    """sharelog's DuckDB SQL as Spark SQL."""
    return sqlglot.transpile(duckdb_sql, read="duckdb", write="spark")[0]


class SparkTrainingTables:
    """Training's tables in a Spark session: temporary views ``register_std``, ``requests_std`` and
    ``tf_<column>``; the EM tables are written to ``scratch`` as Parquet and read back (computed once)."""

    bucket_sql = f"pmod(xxhash64(unique_id), {BUCKETS})"

    def __init__(self, spark: SparkSession, scratch: Path) -> None:
        self.spark = spark
        self.scratch = scratch

    def count(self, sql: str) -> int:
        return int(self.spark.sql(spark_sql(sql)).collect()[0][0])

    def create(self, name: str, sql: str) -> None:
        path = str(self.scratch / name)
        self.spark.sql(spark_sql(sql)).write.mode("overwrite").parquet(path)
        self.spark.read.parquet(path).createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        shutil.rmtree(self.scratch / name, ignore_errors=True)

    def estimate_u(self, linker: Linker) -> dict[str, Any]:
        """Splink's random-pair estimate on DuckDB in the driver, from the register's rows Splink would sample.

        Splink samples a share ``p = √(pairs / (register × requests))`` of each side's records and compares them
        all. The same share of the register (by hash, so the same rows on every run) is brought to the driver —
        about 60,000 rows for 10,000 requests against 20 million pupils, a sample whatever the register's size —
        and Splink samples from it and the batch on DuckDB, with DuckDB's comparisons: on Spark, comparing 2
        million pairs took minutes (Jaro-Winkler is a long SQL expression there), on DuckDB seconds."""
        import duckdb

        register = self.count("SELECT count(*) FROM register_std")
        requests = self.count("SELECT count(*) FROM requests_std")
        share = min(1.0, math.sqrt(U_SAMPLE_PAIRS / max(register * requests, 1)))
        sample = self.spark.sql(
            spark_sql(f"SELECT * FROM register_std WHERE {self.bucket_sql} < {math.ceil(share * BUCKETS)}")
        ).toArrow()
        with duckdb.connect() as con:
            con.register("sample_arrow", sample)
            con.execute("CREATE TABLE register_std AS FROM sample_arrow")
            con.register("requests_arrow", self.spark.table("requests_std").toArrow())
            con.execute("CREATE TABLE requests_std AS FROM requests_arrow")
            for column in TF_COLUMNS:  # not used by u (Splink leaves them out), but the linker registers them
                con.execute(f"CREATE TABLE tf_{column} AS {tf_table_sql('register_std', column)}")
            sampled = duckdb_linker(con, new_settings())
            sampled.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
            estimated = sampled.misc.save_model_to_json()
        settings = linker.misc.save_model_to_json()
        for comparison, source in zip(settings["comparisons"], estimated["comparisons"], strict=True):
            for level, source_level in zip(
                comparison["comparison_levels"], source["comparison_levels"], strict=True
            ):
                if "u_probability" in source_level:
                    level["u_probability"] = source_level["u_probability"]
        return settings

    def em_linker(self, settings: dict[str, Any]) -> Linker:
        return spark_linker(self.spark, settings, register=EM_REGISTER, requests=EM_REQUESTS)


def spark_linker(spark: SparkSession, settings: dict[str, Any], *, register: str, requests: str) -> Linker:
    """A Splink linker on Spark's views ``register`` and ``requests``, with the ``tf_<column>`` lookups."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    frames = [
        db_api.register(spark.table(view), dataset_display_name=name, table_name=f"__{view}_input")
        for name, view in {"register": register, "requests": requests}.items()
    ]
    linker = Linker(frames, settings, log_level=None)
    for column in TF_COLUMNS:
        lookup = db_api.register(spark.table(f"tf_{column}"), table_name=f"__{register}_tf_{column}_input")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    return linker


def duckdb_settings(trained: dict[str, Any]) -> dict[str, Any]:
    """A model trained on Spark, as DuckDB SQL: its parameters in the untrained DuckDB settings' levels (the two
    have the same comparisons and levels, in the same order)."""
    untrained = new_settings().create_settings_dict("duckdb")
    settings = copy.deepcopy(trained)
    settings["sql_dialect"] = "duckdb"
    for comparison, plain in zip(settings["comparisons"], untrained["comparisons"], strict=True):
        for level, plain_level in zip(
            comparison["comparison_levels"], plain["comparison_levels"], strict=True
        ):
            level["sql_condition"] = plain_level["sql_condition"]
    settings["blocking_rules_to_generate_predictions"] = [
        {key: value for key, value in rule.items() if value is not None}
        for rule in untrained["blocking_rules_to_generate_predictions"]
    ]
    return settings


def train_on_spark(
    spark: SparkSession,
    *,
    requests: Path,
    register_rows: int,
    register_checksum: str,
    scratch: Path,
    progress: Progress | None = None,
    em_max_pairs: int | None = EM_MAX_PAIRS,
) -> LinkageModel:
    """Train a model on Spark's views ``register_std`` and ``tf_<column>`` and the request batch ``requests``.

    The batch is small: it is read and standardised on the driver (checked as every batch is) and handed to Spark
    as Parquet. The register is never brought to the driver.
    """
    import duckdb

    with duckdb.connect() as con:
        batch = read_input(con, requests, kind="requests", table="requests_raw")
        standardise_table(con, source="requests_raw", id_column="request_id", target="requests_std")
        path = scratch / "requests_std.parquet"
        con.execute(f"COPY requests_std TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    spark.read.parquet(str(path)).createOrReplaceTempView("requests_std")
    untrained = settings_for_spark(new_settings().create_settings_dict("duckdb"))
    linker = spark_linker(spark, untrained, register="register_std", requests="requests_std")
    with tempfile.TemporaryDirectory(prefix="em-", dir=scratch) as em_scratch:
        trained = train_model(
            linker,
            tables=SparkTrainingTables(spark, Path(em_scratch)),
            progress=progress,
            em_max_pairs=em_max_pairs,
            requests_name=str(requests),
        )
    settings = duckdb_settings(trained)
    return LinkageModel.trained(
        settings,
        trained_on={
            "register_rows": register_rows,
            "register_checksum": register_checksum,
            "requests_rows": batch.rows,
            "requests_checksum": batch.checksum,
            "backend": "spark",
        },
    )


def household_profile_on_spark(
    spark: SparkSession, register: DataFrame, settings: dict[str, Any]
) -> RelativeProfile:
    """:func:`sharelog.linkage._relatives.household_profile` on Spark: the register's household pairs compared
    and their person-field levels counted there; only the counts come back."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    frame = db_api.register(register, dataset_display_name="register", table_name="__household_pairs_input")
    linker = Linker([frame], settings_for_spark(household_settings(settings)), log_level=None)
    predictions = linker.inference.predict().as_spark_dataframe()
    gammas = [f"gamma_{comparison}" for comparison in PERSON_COMPARISONS]
    counts: dict[str, dict[int, int]] = {comparison: {} for comparison in PERSON_COMPARISONS}
    for row in predictions.groupBy(*gammas).count().collect():  # a few hundred combinations at most
        for comparison, gamma in zip(PERSON_COMPARISONS, row[:-1], strict=True):
            counts[comparison][int(gamma)] = counts[comparison].get(int(gamma), 0) + int(row[-1])
    return profile_from_counts(counts)
