"""One synthetic dataset per session (small, so the suite stays fast), read back as text tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import sharelog.synth._generate as synth_generate
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


@contextmanager
def drawn_in_chunks(pupils: int, bucket_rows: int) -> Iterator[None]:
    """Registers above ``pupils`` drawn in chunks of about that many pupils, shuffled through buckets of
    ``bucket_rows`` rows — what happens above 5 million pupils, at a size a test can afford."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synth_generate, "_CHUNK_PUPILS", pupils)
        patch.setattr(synth_generate, "_BUCKET_ROWS", bucket_rows)
        yield


@pytest.fixture(scope="session", params=["one piece", "in chunks"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """The same checks hold for a register drawn in one piece and for one drawn in chunks (3 chunks, 4 buckets)."""
    out = tmp_path_factory.mktemp("synth") / "data"
    with drawn_in_chunks(7_000, 6_000) if request.param == "in chunks" else nullcontext():
        result = generate(pupils=PUPILS, requests=REQUESTS, seed=SEED, out_dir=out)
    return Dataset(
        result=result,
        register=read_csv(out / "register.csv"),
        requests=read_csv(out / "requests.csv"),
        truth=read_csv(out / "truth.csv"),
        perturbations=read_csv(out / "perturbations.csv"),
    )
