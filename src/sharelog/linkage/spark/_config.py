"""Where Spark runs and how it is set up: local mode by default, a cluster when told so.

Three settings (``Settings.spark_*``: ``SHARELOG_SPARK_*`` variables or a ``.env`` file, documented in
docs/operations.md and docs/scale.md), turned into a :class:`SparkConfig` by :meth:`SparkConfig.from_settings` at
the entry point and handed down with the Spark scorer:

- ``spark_master`` — the master URL (``local[4]``, ``spark://host:7077``, ``yarn``…). Unset: the master
  ``spark-submit`` gave, or ``local[2]`` when sharelog is not run by ``spark-submit``.
- ``spark_conf`` — more Spark settings, ``key=value`` pairs separated by ``;``
  (``spark.executor.memory=8g;spark.sql.shuffle.partitions=400``); they override sharelog's defaults.
- ``spark_scratch`` — the folder for the tables handed to Spark, its checkpoints and the predictions it hands
  back. On a cluster it must be storage that the driver and every executor see at the same path.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sharelog.errors import InputError
from sharelog.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SparkConfig", "require_spark", "spark_session"]

LOCAL_MASTER = "local[2]"
NEEDS_SPARK = "the Spark backend needs pyspark and Java 17: pip install 'sharelog[spark]' and install a JDK"

# Local mode: a few shuffle partitions (Spark's 200 cost more in task overhead than a small job takes), no web UI,
# and enough driver memory for a register of a few million rows. A cluster sets its own through SHARELOG_SPARK_CONF.
LOCAL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "8",
    "spark.default.parallelism": "8",
    "spark.driver.memory": "4g",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
DEFAULTS = {
    "spark.app.name": "sharelog",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}


@dataclass(frozen=True)
class SparkConfig:
    """How to reach Spark.

    Attributes:
        master: the master URL; ``None`` leaves it to ``spark-submit``, or runs ``local[2]``.
        conf: Spark settings that override sharelog's defaults.
        scratch_dir: where scoring writes its Parquet files and checkpoints; ``None``: the system's temp folder.
    """

    master: str | None = None
    conf: Mapping[str, str] = field(default_factory=dict)
    scratch_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SparkConfig:
        """The Spark settings of ``settings`` (``spark_master``, ``spark_conf``, ``spark_scratch``).

        Raises:
            InputError: ``spark_conf`` holds an entry that is not ``key=value``.
        """
        return cls(
            master=settings.spark_master or None,
            conf=parse_conf(settings.spark_conf),
            scratch_dir=settings.spark_scratch,
        )


def parse_conf(text: str) -> dict[str, str]:
    """``"a=1; b=2"`` → ``{"a": "1", "b": "2"}``; every malformed entry is reported at once."""
    pairs = [item.strip() for item in text.split(";") if item.strip()]
    bad = [item for item in pairs if "=" not in item or not item.split("=", 1)[0].strip()]
    if bad:
        raise InputError(f"SHARELOG_SPARK_CONF: expected key=value entries separated by ';', not {bad}")
    return {key.strip(): value.strip() for key, value in (item.split("=", 1) for item in pairs)}


def require_spark() -> None:
    """Raise :class:`InputError` unless pyspark is installed and a Java runtime can be found."""
    java_home = os.environ.get("JAVA_HOME")
    has_java = shutil.which("java") is not None or bool(java_home and Path(java_home, "bin", "java").exists())
    try:
        has_pyspark = importlib.util.find_spec("pyspark") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        has_pyspark = False
    if not has_pyspark or not has_java:
        raise InputError(NEEDS_SPARK)


def _launched_by_spark_submit() -> bool:
    # spark-submit starts the JVM first and tells the Python driver where it listens (as pyspark itself checks).
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(config: SparkConfig | None = None) -> SparkSession:
    """The Spark session to score on: the active one if there is one, else a new one set up for Splink.

    A new session gets Splink's jar of similarity functions (Splink registers them; sharelog's model needs none
    of them today, as it computes Jaro-Winkler in SQL to match DuckDB), no web UI and, in local mode, few
    shuffle partitions. An existing session is used as it is.

    Args:
        config: where Spark runs (:meth:`SparkConfig.from_settings`); default: what ``spark-submit`` gave, else
            local mode with sharelog's defaults.

    Raises:
        InputError: pyspark or Java is missing, or Spark could not start.
    """
    require_spark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    config = config if config is not None else SparkConfig()
    master = config.master or (None if _launched_by_spark_submit() else LOCAL_MASTER)
    settings = {**DEFAULTS, **(LOCAL_DEFAULTS if master and master.startswith("local") else {})}
    settings.update(config.conf)
    jars = [similarity_jar_location(), *filter(None, settings.get("spark.jars", "").split(","))]
    settings["spark.jars"] = ",".join(jars)
    if master is not None and master.startswith("local"):
        # Spark's Python workers (a prepared register is standardised in them) run this interpreter, with sharelog
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as error:  # pyspark raises its own runtime errors when the JVM cannot start
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise InputError(f"Spark did not start ({reason}); {NEEDS_SPARK}") from error
    spark.sparkContext.setLogLevel("ERROR")
    return spark
