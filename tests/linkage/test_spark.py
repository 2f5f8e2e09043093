"""The Spark backend scores with the same model as DuckDB and reaches the same decision for every request.

One small synthetic set (3,000 pupils, 300 requests); the model is trained once on DuckDB, then the pairs are
scored on both backends. Spark starts once for the module, in local mode. The Jaro-Winkler expression that
replaces the Spark jar's is compared with DuckDB's on some 20,000 pairs of names and strings.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from splink.internals.comparison_library import CustomComparison
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.linkage import MatchingSession, Thresholds, prepare_register, save_model
from sharelog.linkage._model import comparisons
from sharelog.linkage.spark import SparkConfig, SparkScorer, require_spark, settings_for_spark
from sharelog.linkage.spark._config import parse_conf
from sharelog.linkage.spark._jaro_winkler import jaro_winkler_sql
from sharelog.settings import Settings
from sharelog.synth import generate

SETTINGS_SQL_DUCKDB_ONLY = ("list_intersect", "array_length", "jaro_winkler_similarity")


@dataclass
class Scored:
    """One session holding the decisions and predictions of both backends."""

    session: MatchingSession
    spark_scratch: Path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    generate(pupils=3000, requests=300, seed=3, out_dir=out)
    return out


def _keep(session: MatchingSession, backend: str) -> None:
    session.con.execute(f"CREATE OR REPLACE TABLE predictions_{backend} AS FROM predictions")
    session.con.execute(f"CREATE OR REPLACE TABLE decisions_{backend} AS FROM decisions")


@pytest.fixture(scope="module")
def scored(spark: Any, synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scored]:
    scratch = tmp_path_factory.mktemp("spark-scratch")
    with MatchingSession(threads=2) as session:
        session.load_register(synthetic / "register.csv")
        session.load_requests(synthetic / "requests.csv")
        session.train()
        session.score()  # the session's own scorer: DuckDB
        session.decide(Thresholds())
        _keep(session, "duckdb")
        session.scorer = SparkScorer(SparkConfig.from_settings(Settings(spark_scratch=scratch)))
        session.score()
        session.decide(Thresholds())
        _keep(session, "spark")
        yield Scored(session=session, spark_scratch=scratch)


def _rows(session: MatchingSession, sql: str) -> list[tuple[Any, ...]]:
    return session.con.sql(sql).fetchall()


@pytest.mark.spark
def test_every_request_gets_the_same_decision(scored: Scored) -> None:
    disagreements = _rows(
        scored.session,
        "SELECT d.request_id, d.decision, s.decision, d.pupil_id, s.pupil_id "
        "FROM decisions_duckdb AS d FULL JOIN decisions_spark AS s USING (request_id) "
        "WHERE d.decision IS DISTINCT FROM s.decision OR d.pupil_id IS DISTINCT FROM s.pupil_id",
    )
    assert disagreements == []
    counts = dict(_rows(scored.session, "SELECT decision, count(*) FROM decisions_spark GROUP BY 1"))
    assert sum(counts.values()) == 300
    assert counts.get("match", 0) > 100  # the set is not trivially all no_match


@pytest.mark.spark
def test_probabilities_agree(scored: Scored) -> None:
    ((worst,),) = _rows(
        scored.session,
        "SELECT max(abs(d.match_probability - s.match_probability)) "
        "FROM decisions_duckdb AS d JOIN decisions_spark AS s USING (request_id)",
    )
    assert worst < 1e-9


@pytest.mark.spark
def test_the_same_pairs_are_scored_with_the_same_weights(scored: Scored) -> None:
    columns = {
        backend: [row[0] for row in _rows(scored.session, f"DESCRIBE predictions_{backend}")]
        for backend in ("duckdb", "spark")
    }
    assert columns["spark"] == columns["duckdb"]
    assert any(c.startswith("mw_tf_adj_") for c in columns["spark"])
    ((pairs, only_one_side, worst),) = _rows(
        scored.session,
        "SELECT count(*), count(*) FILTER (WHERE d.match_weight IS NULL OR s.match_weight IS NULL), "
        "max(abs(d.match_weight - s.match_weight)) "
        "FROM predictions_duckdb AS d FULL JOIN predictions_spark AS s "
        "USING (source_dataset_l, unique_id_l, source_dataset_r, unique_id_r)",
    )
    assert pairs > 100
    assert only_one_side == 0
    assert worst < 1e-9


@pytest.mark.spark
def test_the_scratch_folder_is_emptied(scored: Scored) -> None:
    assert list(scored.spark_scratch.iterdir()) == []


def _jaro_winkler_cases(register: Path) -> list[tuple[str, str]]:
    """Pairs of real-looking names (every pairing of 200 register names) and of random strings over small
    alphabets (repeated letters, transpositions, empty strings), plus names the jar scores differently."""
    rng = random.Random(11)
    with register.open(encoding="utf-8", newline="") as handle:
        names = sorted(
            {
                re.sub("[^A-Z]", "", row[key].upper())
                for row in csv.DictReader(handle)
                for key in ("forename", "surname")
            }
            - {""}
        )
    sample = rng.sample(names, 200)
    pairs = [(a, b) for a in sample[:100] for b in sample[100:]]
    for _ in range(10_000):
        alphabet = rng.choice(["AB", "ABC", "ABCDEFGH"])
        a, b = ("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in "ab")
        pairs.append((a, b))
    return pairs + [
        ("SHAHID", "RASHID"),
        ("MARTHA", "MARHTA"),
        ("A", "A"),
        ("A", "B"),
        ("AB", "BA"),
        ("", ""),
    ]


@pytest.mark.spark
def test_jaro_winkler_on_spark_equals_duckdb(spark: Any, synthetic: Path) -> None:
    pairs = _jaro_winkler_cases(synthetic / "register.csv")
    table = pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    query = "SELECT a, b, {ab} AS ab, {ba} AS ba FROM pairs ORDER BY a, b"
    duck = duckdb.connect()
    duck.register("pairs", table)
    expected = duck.sql(
        query.format(ab="jaro_winkler_similarity(a, b)", ba="jaro_winkler_similarity(b, a)")
    ).fetchall()
    spark.createDataFrame(table).createOrReplaceTempView("pairs")
    got = spark.sql(query.format(ab=jaro_winkler_sql("a", "b"), ba=jaro_winkler_sql("b", "a"))).collect()
    spark.catalog.dropTempView("pairs")
    different = [(e, tuple(g)) for e, g in zip(expected, got, strict=True) if e != tuple(g)]
    assert different == []  # equal to the last bit, not approximately
    assert len(expected) > 19_000


@pytest.mark.spark
def test_a_prepared_register_s_candidates_are_scored_on_spark(
    scored: Scored, synthetic: Path, tmp_path: Path
) -> None:
    """Spark gets the rows of the prepared register that share a blocking key with the batch (none, for a
    request no rule pairs with anyone) and decides as DuckDB does on the whole register."""
    assert scored.session.model is not None
    save_model(scored.session.model, tmp_path / "model.json")
    prepared = prepare_register(
        register=synthetic / "register.csv", out_dir=tmp_path / "prepared", model=tmp_path / "model.json"
    )
    with MatchingSession(threads=2, scorer=SparkScorer()) as session:
        session.load_prepared(prepared.directory)
        session.load_requests(synthetic / "requests.csv")
        session.use_model(scored.session.model)
        session.score(retain_matching_columns=True)
        columns = {row[0] for row in _rows(session, "DESCRIBE predictions")}
        assert {"forename_groups_l", "surname_parts_r", "dob_str_l", "dob_year_r"} <= columns
        session.decide(Thresholds())
        got = _rows(session, "SELECT request_id, decision, pupil_id FROM decisions ORDER BY 1")
    expected = _rows(scored.session, "SELECT request_id, decision, pupil_id FROM decisions_duckdb ORDER BY 1")
    assert got == expected
    nobody = tmp_path / "nobody.csv"
    nobody.write_text(
        "request_id,forename,middle_names,surname,dob,sex,postcode\n"
        "R1,Zebedee,,Quarmby-Xylander,1901-01-01,M,ZE3 9XQ\n",
        encoding="utf-8",
    )
    with MatchingSession(threads=2, scorer=SparkScorer()) as session:
        session.load_prepared(prepared.directory)
        session.load_requests(nobody)
        session.use_model(scored.session.model)
        session.score()
        assert session.candidates == 0
        session.decide(Thresholds())
        assert _rows(session, "SELECT request_id, decision FROM decisions") == [("R1", "no_match")]


@pytest.mark.spark
def test_a_batch_without_candidates_gets_an_empty_predictions_table(
    scored: Scored, synthetic: Path, tmp_path: Path
) -> None:
    requests = tmp_path / "requests.csv"
    requests.write_text(
        "request_id,forename,middle_names,surname,dob,sex,postcode\n"
        "R1,Zebedee,,Quarmby-Xylander,1901-01-01,M,ZE3 9XQ\n",
        encoding="utf-8",
    )
    with MatchingSession(threads=2, scorer=SparkScorer()) as session:
        session.load_register(synthetic / "register.csv")
        session.load_requests(requests)
        assert scored.session.model is not None
        session.use_model(scored.session.model)
        session.score()
        assert _rows(session, "SELECT count(*) FROM predictions") == [(0,)]
        columns = [row[0] for row in _rows(session, "DESCRIBE predictions")]
        assert columns == [row[0] for row in _rows(scored.session, "DESCRIBE predictions_duckdb")]
        session.decide(Thresholds())
        assert _rows(session, "SELECT request_id, decision FROM decisions") == [("R1", "no_match")]


# --- without Spark ------------------------------------------------------------------------------------------


def test_every_level_of_the_model_is_rewritten_for_spark(tmp_path: Path) -> None:
    settings = {
        "comparisons": [
            CustomComparison._convert_to_creator(c).get_comparison("duckdb").as_dict() for c in comparisons()
        ],
        "blocking_rules_to_generate_predictions": ["l.dob_str = r.dob_str"],
    }
    spark = settings_for_spark(settings)
    conditions = [
        level["sql_condition"]
        for comparison in spark["comparisons"]
        for level in comparison["comparison_levels"]
    ]
    assert len(conditions) > 30
    for condition in conditions:
        assert '"' not in condition, condition  # Spark would read a double-quoted column as a string
        assert not any(name in condition for name in SETTINGS_SQL_DUCKDB_ONLY), condition
    assert not any(
        "jaro_winkler" in c.lower() for c in conditions
    )  # the jar's function differs from DuckDB's
    assert (
        sum("AGGREGATE(" in c for c in conditions) == 9
    )  # forename and surname twice, address four times (the street twice, the whole line, the town), middle once
    assert any("ARRAY_INTERSECT(" in c for c in conditions)
    assert spark["blocking_rules_to_generate_predictions"] == [
        {"blocking_rule": "l.dob_str = r.dob_str", "sql_dialect": "duckdb"}
    ]
    assert settings["comparisons"][0]["comparison_levels"][0]["sql_condition"].startswith('"')  # not mutated


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_sql"),
    [
        ('"a_l" = "a_r"', "`a_l` = `a_r`"),
        (
            "substr(dob_str_l, 6, 5) = substr(dob_str_r, 6, 5)",
            "SUBSTRING(dob_str_l, 6, 5) = SUBSTRING(dob_str_r, 6, 5)",
        ),
        ("ELSE", "ELSE"),
        ('array_length(list_intersect("n_l", "n_r")) >= 1', "SIZE(ARRAY_INTERSECT(`n_l`, `n_r`)) >= 1"),
    ],
)
def test_other_conditions_are_transpiled(duckdb_sql: str, spark_sql: str) -> None:
    settings = {"comparisons": [{"comparison_levels": [{"sql_condition": duckdb_sql}]}]}
    assert (
        settings_for_spark(settings)["comparisons"][0]["comparison_levels"][0]["sql_condition"] == spark_sql
    )


SPARK_ENV = {
    "SHARELOG_SPARK_MASTER": "spark://head:7077",
    "SHARELOG_SPARK_CONF": "spark.executor.memory=8g; spark.sql.shuffle.partitions = 400;",
}
CLUSTER = SparkConfig(
    master="spark://head:7077", conf={"spark.executor.memory": "8g", "spark.sql.shuffle.partitions": "400"}
)


@pytest.fixture
def no_spark_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A working folder of its own (for a .env file) and no SHARELOG_SPARK_* in the environment."""
    for name in (*SPARK_ENV, "SHARELOG_SPARK_SCRATCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_config_from_the_environment(no_spark_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**SPARK_ENV, "SHARELOG_SPARK_SCRATCH": str(no_spark_environment)}.items():
        monkeypatch.setenv(name, value)
    assert SparkConfig.from_settings(Settings()) == replace(CLUSTER, scratch_dir=no_spark_environment)


def test_config_from_a_dotenv_file(no_spark_environment: Path) -> None:
    (no_spark_environment / ".env").write_text(
        "".join(f"{name}='{value}'\n" for name, value in SPARK_ENV.items()), encoding="utf-8"
    )
    assert SparkConfig.from_settings(Settings()) == CLUSTER


def test_no_spark_settings_is_local_mode(no_spark_environment: Path) -> None:
    assert SparkConfig.from_settings(Settings()) == SparkConfig() == SparkScorer().config


def test_the_command_line_hands_the_settings_to_spark(no_spark_environment: Path) -> None:
    # refused before anything is read or Spark is looked for: the .env file's Spark settings reached the scorer
    (no_spark_environment / ".env").write_text(
        "SHARELOG_SPARK_CONF=spark.executor.memory\n", encoding="utf-8"
    )
    args = ["--requests", "requests.csv", "--register", "register.csv", "--backend", "spark"]
    for command in (["link", "--out", "matches.csv"], ["link", "explain", "R1"]):
        result = CliRunner().invoke(app, [*command, *args])
        assert result.exit_code == 2, result.output
        assert "SHARELOG_SPARK_CONF: expected key=value entries" in result.stderr


@pytest.mark.parametrize("text", ["spark.executor.memory", "=8g", "a=1;b"])
def test_a_malformed_conf_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="SHARELOG_SPARK_CONF: expected key=value"):
        parse_conf(text)


def test_no_java_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(InputError, match=r"needs pyspark and Java 17: pip install 'sharelog\[spark\]'"):
        require_spark()
