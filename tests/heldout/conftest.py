"""Small generated data sets, made once per test session and read back as the matcher would read them."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sharelog_heldout.generate import generate

PUPILS = 4000
REQUESTS = 1500
SEED = 1000


@dataclass
class Run:
    folder: Path
    manifest: dict[str, Any]

    def rows(self, name: str) -> list[dict[str, str]]:
        with open(self.folder / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def header(self, name: str) -> list[str]:
        with open(self.folder / name, encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle))


@pytest.fixture(scope="session")
def heldout_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Run]:
    made: dict[tuple[str, int, int, int], Run] = {}

    def run(
        profile: str = "typical", pupils: int = PUPILS, requests: int = REQUESTS, seed: int = SEED
    ) -> Run:
        key = (profile, pupils, requests, seed)
        if key not in made:
            folder = tmp_path_factory.mktemp(f"heldout-{profile}-{seed}")
            generate(profile, pupils, requests, seed, folder)
            made[key] = Run(folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
        return made[key]

    return run
