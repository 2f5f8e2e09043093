"""A register prepared and trained on Spark is the register prepared on DuckDB, and decides alike.

One small synthetic set (3,000 pupils, 300 requests, as in test_spark.py): prepared once on DuckDB with a model
trained there, once on Spark (``sharelog register prepare --backend spark``) with a model trained on Spark. The
tables are compared row for row; the batch is then decided four ways — each model, each register, DuckDB and
Spark scoring — and every request must get the same decision and pupil.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import ValidationFailed
from sharelog.linkage import MatchingSession, Thresholds, load_model, prepare_register
from sharelog.linkage._session import attach_prepared, read_manifest
from sharelog.linkage.spark import (
    SparkScorer,
    prepare_register_on_spark,
)
from sharelog.linkage.spark._prepare import standardised_schema
from sharelog.linkage.spark._train import duckdb_settings
from sharelog.settings import Settings
from sharelog.synth import generate

TABLES = ("linkage", "raw", "name_pairs", "tf_forename1", "tf_surname_std", "tf_postcode_std")


@dataclass(frozen=True)
class Prepared:
    synthetic: Path
    duckdb: Path
    spark: Path


@pytest.fixture(scope="module")
def prepared(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    folder = tmp_path_factory.mktemp("spark-prepare")
    synthetic = folder / "data"
    generate(pupils=3000, requests=300, seed=3, out_dir=synthetic)
    register, requests = synthetic / "register.csv", synthetic / "requests.csv"
    prepare_register(register=register, out_dir=folder / "duckdb", train_requests=requests)
    scratch = folder / "scratch"
    result = CliRunner().invoke(
        app,
        [
            "register",
            "prepare",
            "--register",
            str(register),
            "--train-requests",
            str(requests),
            "--out",
            str(folder / "spark"),
            "--backend",
            "spark",
        ],  # fmt: skip
        obj=Settings(spark_scratch=scratch),
    )
    assert result.exit_code == 0, result.output
    assert list(scratch.iterdir()) == []  # Spark's intermediate files are removed
    return Prepared(synthetic=synthetic, duckdb=folder / "duckdb", spark=folder / "spark")


def _table(con: duckdb.DuckDBPyConnection, folder: Path, table: str) -> list[tuple[Any, ...]]:
    attach_prepared(con, folder, read_manifest(folder))
    try:
        pointer = " EXCLUDE (__rid)" if table == "linkage" else ""
        return sorted(con.sql(f"SELECT *{pointer} FROM prepared_register.{table}").fetchall(), key=repr)
    finally:
        con.execute("DETACH prepared_register")


@pytest.mark.spark
@pytest.mark.slow
def test_spark_prepares_the_same_tables(prepared: Prepared) -> None:
    """The standardised rows, the register as given, the name pairs and the term frequencies are DuckDB's, to
    the last bit; every key table holds the same keys; the households compare alike."""
    manifest = json.loads((prepared.spark / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["storage"] == "parquet"
    assert not (prepared.spark / "register.duckdb").exists()
    with duckdb.connect() as con:
        for table in TABLES:
            spark_rows = _table(con, prepared.spark, table)
            assert spark_rows == _table(con, prepared.duckdb, table), table
            assert len(spark_rows) > 100, table
        keys = [t for t in manifest["tables"] if t.startswith("keys__")]
        assert len(keys) >= 5
        for table in keys:
            attach_prepared(con, prepared.spark, manifest)
            columns = table.removeprefix("keys__").split("__")
            names = ", ".join(columns)
            spark_keys = con.sql(
                f"SELECT {names}, unique_id FROM prepared_register.{table} ORDER BY ALL"
            ).fetchall()
            con.execute("DETACH prepared_register")
            attach_prepared(con, prepared.duckdb, read_manifest(prepared.duckdb))
            duckdb_keys = con.sql(
                f"SELECT {', '.join(f'k.{c}' for c in columns)}, l.unique_id FROM prepared_register.{table} AS k "
                "JOIN prepared_register.linkage AS l USING (__rid) ORDER BY ALL"
            ).fetchall()
            con.execute("DETACH prepared_register")
            assert spark_keys == duckdb_keys, table
    relatives = {
        f: (f / "relatives.json").read_text(encoding="utf-8") for f in (prepared.spark, prepared.duckdb)
    }
    assert relatives[prepared.spark] == relatives[prepared.duckdb]


@pytest.mark.spark
@pytest.mark.slow
def test_the_spark_prepared_folder_is_its_owner_s_only(prepared: Prepared) -> None:
    """Spark writes with the process's umask; the folder it leaves is 0700 throughout, its files 0600."""
    modes = {path.stat().st_mode & 0o777 for path in prepared.spark.rglob("*")}
    modes.add(prepared.spark.stat().st_mode & 0o777)
    assert modes == {0o700, 0o600}


@pytest.mark.spark
def test_the_spark_trained_model_is_a_duckdb_model_of_the_same_kind(prepared: Prepared) -> None:
    spark_model = load_model(prepared.spark / "model.json")
    duckdb_model = load_model(prepared.duckdb / "model.json")
    assert spark_model.trained_on["backend"] == "spark"

    def without_parameters(settings: dict[str, Any]) -> dict[str, Any]:
        settings = json.loads(json.dumps(settings))
        del settings["linker_uid"], settings["probability_two_random_records_match"]
        for comparison in settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                level.pop("m_probability", None)
                level.pop("u_probability", None)
        return settings

    assert without_parameters(spark_model.settings) == without_parameters(duckdb_model.settings)
    assert (
        '"' in spark_model.settings["comparisons"][0]["comparison_levels"][0]["sql_condition"]
    )  # DuckDB SQL


def _decide(folder: Path, synthetic: Path, model: Path, scorer: Any = None) -> tuple[list[Any], int | None]:
    with MatchingSession(threads=2, scorer=scorer) as session:
        session.load_prepared(folder)
        session.load_requests(synthetic / "requests.csv")
        session.use_model(load_model(model))
        session.score()
        session.decide(Thresholds())
        rows = session.con.sql("SELECT request_id, decision, pupil_id FROM decisions ORDER BY 1").fetchall()
        return rows, session.candidates


@pytest.mark.spark
@pytest.mark.slow
def test_every_request_gets_the_same_decision_from_either_preparation(prepared: Prepared) -> None:
    """DuckDB's register and model, scored on DuckDB, against: Spark's register with DuckDB's model; Spark's
    register with Spark's model (on DuckDB, and with the candidates selected and scored on Spark)."""
    duckdb_model, spark_model = prepared.duckdb / "model.json", prepared.spark / "model.json"
    expected, candidates = _decide(prepared.duckdb, prepared.synthetic, duckdb_model)
    decisions = {decision for _, decision, _ in expected}
    assert decisions == {"match", "review", "no_match"} or len(decisions) >= 2
    assert sum(decision == "match" for _, decision, _ in expected) > 100
    for folder, model, scorer in (
        (prepared.spark, duckdb_model, None),
        (prepared.spark, spark_model, None),
        (prepared.spark, spark_model, SparkScorer()),
    ):
        got, selected = _decide(folder, prepared.synthetic, model, scorer)
        assert got == expected, (folder.name, model, scorer)
        assert selected == candidates  # the same candidates, selected by DuckDB or by Spark


@pytest.mark.spark
def test_a_register_spark_cannot_use_is_refused_whole(spark: Any, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(
        "pupil_id,forename,middle_names,surname,dob,sex,postcode\n"
        "P1,Amy,,Smith,2010-02-30,F,AB1 2CD\n"
        "P1,Ben,,Jones,2011-03-04,M,AB1 2CD\n"
        ",Cat,,Brown,2011-03-04,F,AB1 2CD\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as refused:
        prepare_register_on_spark(register=register, out_dir=tmp_path / "prepared")
    found = {(p.field, p.message) for p in refused.value.problems}
    assert found == {
        ("pupil_id", "missing (1 rows)"),
        ("pupil_id", "repeats the id of another row (1 rows)"),
        ("dob", "not a real date in YYYY-MM-DD form (1 rows)"),
    }
    assert not (tmp_path / "prepared").exists()
    assert not (tmp_path / ".prepared.partial").exists()
    register.write_text("pupil_id,forename,surname\nP1,Amy,Smith\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        prepare_register_on_spark(register=register, out_dir=tmp_path / "prepared")
    assert {p.field for p in refused.value.problems} == {"middle_names", "dob", "sex", "postcode"}


# --- without Spark ------------------------------------------------------------------------------------------


def test_the_standardised_schema_is_duckdb_s(tmp_path: Path) -> None:
    generate(pupils=50, requests=5, seed=3, out_dir=tmp_path)
    with MatchingSession(threads=1) as session:
        session.load_register(tmp_path / "register.csv")
        described = session.con.sql("DESCRIBE register_std").fetchall()
    types = {"VARCHAR": "string", "BIGINT": "int64", "VARCHAR[]": "list<item: string>"}
    assert [(name, types[kind]) for name, kind, *_ in described] == [
        (field.name, str(field.type)) for field in standardised_schema()
    ]


def test_a_spark_trained_model_keeps_its_parameters_and_takes_duckdb_sql() -> None:
    from sharelog.linkage._model import new_settings
    from sharelog.linkage.spark import settings_for_spark

    spark_settings = settings_for_spark(new_settings().create_settings_dict("duckdb"))
    for index, comparison in enumerate(spark_settings["comparisons"]):
        for level in comparison["comparison_levels"]:
            level["m_probability"], level["u_probability"] = 0.5 + index / 100, 0.01
    converted = duckdb_settings(spark_settings)
    plain = new_settings().create_settings_dict("duckdb")
    assert converted["sql_dialect"] == "duckdb"
    for comparison, original in zip(converted["comparisons"], plain["comparisons"], strict=True):
        for level, plain_level in zip(
            comparison["comparison_levels"], original["comparison_levels"], strict=True
        ):
            assert level["sql_condition"] == plain_level["sql_condition"]
            assert level["u_probability"] == 0.01
    assert converted["comparisons"][3]["comparison_levels"][1]["m_probability"] == 0.53
