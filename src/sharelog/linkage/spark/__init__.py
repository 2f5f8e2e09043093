"""The Spark backend: score a matching session's candidate pairs with pyspark, locally or on a cluster.

Scoring runs on Spark (the model's predict step, the part that grows with the register), and so can preparing the
register — reading, standardising, term frequencies, key tables, training (:func:`prepare_register_on_spark`).
Deciding stays in DuckDB, on the scored pairs. See docs/scale.md for running it on a cluster and what a large
register needs.
"""

from sharelog.linkage.spark._config import SparkConfig, require_spark, spark_session
from sharelog.linkage.spark._prepare import prepare_register_on_spark
from sharelog.linkage.spark._score import SparkScorer
from sharelog.linkage.spark._settings import settings_for_spark

__all__ = [
    "SparkConfig",
    "SparkScorer",
    "prepare_register_on_spark",
    "require_spark",
    "settings_for_spark",
    "spark_session",
]
