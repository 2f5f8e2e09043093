"""The Spark backend: score a matching session's candidate pairs with pyspark, locally or on a cluster.

Training and deciding stay in DuckDB; Spark runs the model's predict step, which is the part that grows with
the register. See docs/scale.md for running it on a cluster and what a large register needs.
"""

from sharelog.linkage.spark._config import SparkConfig, require_spark, spark_session
from sharelog.linkage.spark._score import SparkScorer
from sharelog.linkage.spark._settings import settings_for_spark

__all__ = ["SparkConfig", "SparkScorer", "require_spark", "settings_for_spark", "spark_session"]
