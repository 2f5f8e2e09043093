"""A small prepared world for exchange tests: a register, monthly batches without the fields the 2019 agreement
refuses, and settings pointing at a fresh ledger."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from sharelog.ledger import create_ledger_engine, upgrade
from sharelog.linkage import prepare_register
from sharelog.settings import Settings
from sharelog.synth import generate

AGREEMENT = "ho-dfe-2019-update"
PURPOSE = "reestablish-contact"
TEST_KEY = "test-holder-key-0123456789abcdef"


@dataclass(frozen=True)
class PreparedWorld:
    """Files shared by every test of a module (read-only), and where the register was prepared."""

    folder: Path
    register: Path
    prepared: Path
    batches: dict[str, Path]


def build_world(folder: Path, *, pupils: int = 6_000, requests: int = 900, seed: int = 11) -> PreparedWorld:
    synth = generate(
        pupils=pupils,
        requests=requests,
        seed=seed,
        out_dir=folder / "synth",
        months=["2019-01", "2019-02", "2019-03"],
    )
    batches = {}
    for month in ("2019-01", "2019-02", "2019-03"):
        batches[month] = strip_columns(
            synth.out_dir / f"requests-{month}.csv", folder / f"batch-{month}.csv", drop={"case_reference"}
        )
    training = folder / "training.csv"
    concatenate([batches[m] for m in sorted(batches)], training)
    prepared = folder / "prepared"
    prepare_register(register=synth.out_dir / "register.csv", out_dir=prepared, train_requests=training)
    return PreparedWorld(
        folder=folder, register=synth.out_dir / "register.csv", prepared=prepared, batches=batches
    )


def strip_columns(source: Path, target: Path, *, drop: set[str]) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if c not in drop]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def concatenate(sources: list[Path], target: Path) -> Path:
    with target.open("w", encoding="utf-8", newline="") as out:
        for index, source in enumerate(sources):
            lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
            out.writelines(lines if index == 0 else lines[1:])
    return target


def fresh_settings(world: PreparedWorld, folder: Path) -> Settings:
    """Settings with their own data folder and ledger, and a copy of the prepared register."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copytree(world.prepared, data / "register")
    settings = Settings(
        data_dir=data, database_url=None, agreements_dir=None, holder_key=TEST_KEY, actor="tester"
    )
    engine = create_ledger_engine(settings.ledger_url())
    upgrade(engine)
    engine.dispose()
    return settings


@contextmanager
def engine_of(settings: Settings) -> Iterator[Engine]:
    """The ledger engine of ``settings`` while the block runs: the services take one, as the CLI and the web app
    pass theirs."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        yield engine
    finally:
        engine.dispose()
