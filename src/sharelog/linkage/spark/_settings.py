"""A trained model's settings, rewritten for Spark SQL.

A model trained on DuckDB stores each comparison level as DuckDB SQL with no dialect attached, and Splink passes
such a condition to Spark unchanged. That fails twice over: DuckDB quotes columns with ``"``, which Spark reads
as a string (``"sex_l" = "sex_r"`` would compare two constants), and Splink's library levels call functions that
Spark names differently (``list_intersect``/``array_length`` against ``array_intersect``/``size``,
``jaro_winkler_similarity`` against the ``jaro_winkler`` function of Splink's jar), which sqlglot does not map.

So each level of sharelog's own comparisons is re-rendered by the comparison that made it, for Spark, and
matched to the model's level by its DuckDB text; any other condition (a model saved by an older sharelog) is
transpiled by sqlglot, with the functions it does not map renamed. Jaro-Winkler is then replaced by an
expression that gives exactly DuckDB's values (:mod:`._jaro_winkler`; the jar's function differs). Parameters
(m, u, term-frequency settings) are copied unchanged, so both backends score with the same model and put every
pair in the same level.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import sqlglot
from splink.internals.comparison_library import CustomComparison
from sqlglot import exp

from sharelog.linkage._model import comparisons
from sharelog.linkage.spark._jaro_winkler import jaro_winkler_sql

__all__ = ["settings_for_spark"]


@cache
def _spark_conditions() -> dict[str, str]:
    """DuckDB condition → Spark condition, for every level of :func:`sharelog.linkage._model.comparisons`."""
    conditions: dict[str, str] = {}
    for comparison in comparisons():
        creator = CustomComparison._convert_to_creator(comparison)
        duckdb_levels = creator.get_comparison("duckdb").as_dict()["comparison_levels"]
        spark_levels = creator.get_comparison("spark").as_dict()["comparison_levels"]
        for duckdb_level, spark_level in zip(duckdb_levels, spark_levels, strict=True):
            conditions[duckdb_level["sql_condition"]] = spark_level["sql_condition"]
    return conditions


def _spark_functions(node: exp.Expr) -> exp.Expr:
    """Swap a Jaro-Winkler call (the jar's ``jaro_winkler``, or sqlglot's rendering of DuckDB's) for DuckDB's
    exact one, and DuckDB's ``list_intersect``, which sqlglot leaves as it is, for Spark's ``array_intersect``."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_intersect":
        return exp.Anonymous(this="ARRAY_INTERSECT", expressions=node.expressions)
    if isinstance(node, exp.JarowinklerSimilarity):
        left, right = node.this, node.expression
    elif (
        isinstance(node, exp.Anonymous) and node.name.lower() == "jaro_winkler" and len(node.expressions) == 2
    ):
        left, right = node.expressions
    else:
        return node
    exact = jaro_winkler_sql(left.sql(dialect="spark"), right.sql(dialect="spark"))
    return sqlglot.parse_one(exact, read="spark")


def spark_condition(duckdb_sql: str) -> str:
    """One comparison-level condition, DuckDB SQL in, Spark SQL out."""
    if duckdb_sql == "ELSE":
        return duckdb_sql
    spark = _spark_conditions().get(duckdb_sql)
    if spark is None:
        spark = sqlglot.transpile(duckdb_sql, read="duckdb", write="spark")[0]
    return sqlglot.parse_one(spark, read="spark").transform(_spark_functions).sql(dialect="spark")


def settings_for_spark(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of a trained model's Splink settings whose SQL runs on Spark.

    Comparison levels are rewritten (see the module docstring). Blocking rules need nothing: Splink saves them
    with their dialect and translates them itself; a bare rule is marked as DuckDB SQL so that it is too.
    """
    spark = copy.deepcopy(settings)
    spark["sql_dialect"] = "spark"
    for comparison in spark.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            level["sql_condition"] = spark_condition(level["sql_condition"])
    spark["blocking_rules_to_generate_predictions"] = [
        rule if isinstance(rule, dict) else {"blocking_rule": rule, "sql_dialect": "duckdb"}
        for rule in spark.get("blocking_rules_to_generate_predictions", [])
    ]
    return spark
