"""One synthetic dataset per session (small, so the suite stays fast), read back as text tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from sharelog.synth import SynthResult, generate

PUPILS = 20_000
REQUESTS = 6_000
SEED = 7


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV exactly as written: every value a string, blanks as ``""``."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Dataset:
    """The files of one ``generate`` run, read back."""

    result: SynthResult
    register: pd.DataFrame
    requests: pd.DataFrame
    truth: pd.DataFrame
    perturbations: pd.DataFrame

    def joined(self) -> pd.DataFrame:
        """Requests with their truth and their errors, one row each."""
        return self.requests.merge(self.truth, on="request_id").merge(self.perturbations, on="request_id")


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("synth") / "data"
    result = generate(pupils=PUPILS, requests=REQUESTS, seed=SEED, out_dir=out)
    return Dataset(
        result=result,
        register=read_csv(out / "register.csv"),
        requests=read_csv(out / "requests.csv"),
        truth=read_csv(out / "truth.csv"),
        perturbations=read_csv(out / "perturbations.csv"),
    )
