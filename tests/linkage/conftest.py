"""A synthetic world (tests/worlds: 20,000 pupils and the hand-made households the tests reason about) with a
model trained on it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sharelog.errors import InputError
from sharelog.linkage import train

from ..worlds import RegisterSpec, WorldFactory

LINKAGE = RegisterSpec(pupils=20_000, requests=2_000, seed=7, months=None)


@dataclass(frozen=True)
class World:
    """A register (synthetic + hand-made), the synthetic batch it was trained on, and the trained model."""

    register: Path
    requests: Path
    truth: Path
    model: Path


@pytest.fixture(scope="session")
def world(worlds: WorldFactory, tmp_path_factory: pytest.TempPathFactory) -> World:
    synthetic = worlds.register(LINKAGE)
    model = tmp_path_factory.mktemp("linkage-model") / "model.json"
    train(register=synthetic.register, requests=synthetic.requests, out=model)
    return World(register=synthetic.register, requests=synthetic.requests, truth=synthetic.truth, model=model)


def write_requests(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """Write a request batch: rows of (request_id, forename, middle_names, surname, dob, sex, postcode)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode"])
        writer.writerows(rows)
    return path


def read_matches(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["request_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local Spark session for one test module; the module is skipped, with the reason, without pyspark or Java."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'sharelog[spark]')")
    from sharelog.linkage.spark import SparkConfig, require_spark, spark_session

    try:
        require_spark()
    except InputError as reason:
        pytest.skip(f"Spark tests skipped: {reason}")
    session = spark_session(SparkConfig(master="local[2]"))
    yield session
    session.stop()
