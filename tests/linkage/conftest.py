"""A small synthetic world with a model trained on it, plus hand-made households the tests reason about."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from sharelog.linkage import train
from sharelog.schemas import REGISTER_COLUMNS
from sharelog.synth import generate

# Hand-made pupils added to the synthetic register: (pupil_id, forename, middle, surname, dob, sex, postcode)
HAND_MADE_PUPILS = [
    ("T-AMIRA", "Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT"),
    ("T-CHIDI", "Chidi", "Emeka", "Okonkwo", "2012-06-15", "M", "B12 9QX"),  # twins
    ("T-CHINEDU", "Chinedu", "Obi", "Okonkwo", "2012-06-15", "M", "B12 9QX"),
    ("T-ADAEZE", "Adaeze", "", "Okonkwo", "2009-02-11", "F", "B12 9QX"),  # their sister
    ("T-WILLIAM", "William", "James", "Harrington", "2010-05-23", "M", "LS8 2AB"),
    ("T-MUHAMMAD", "Muhammad", "Ali", "Rahman", "2009-11-07", "M", "E1 6AN"),
    ("T-OLIVIA", "Olivia", "Rose", "Brennan", "2008-04-09", "F", "NG7 1AA"),
    ("T-TOMASZ", "Tomasz", "", "Kowalczyk", "2010-01-30", "M", "PE1 3BD"),
    ("T-ZAINAB", "Zainab", "", "Yusuf", "2011-08-19", "F", "BD8 7QT"),
]


@dataclass(frozen=True)
class World:
    """A register (synthetic + hand-made), the synthetic batch it was trained on, and the trained model."""

    register: Path
    requests: Path
    truth: Path
    model: Path
    folder: Path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("linkage-world")
    synth = generate(pupils=20_000, requests=2_000, seed=7, out_dir=folder / "synth")
    register = folder / "register.csv"
    with (
        (synth.out_dir / "register.csv").open(encoding="utf-8") as source,
        register.open("w", encoding="utf-8", newline="") as target,
    ):
        target.write(source.read())
        writer = csv.writer(target)
        for pupil in HAND_MADE_PUPILS:
            row = dict(
                zip(
                    ("pupil_id", "forename", "middle_names", "surname", "dob", "sex", "postcode"),
                    pupil,
                    strict=True,
                )
            )
            writer.writerow([row.get(c, "") for c in REGISTER_COLUMNS if c != "nationality"])
    model = folder / "model.json"
    train(register=register, requests=synth.out_dir / "requests.csv", out=model)
    return World(
        register=register,
        requests=synth.out_dir / "requests.csv",
        truth=synth.out_dir / "truth.csv",
        model=model,
        folder=folder,
    )


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
