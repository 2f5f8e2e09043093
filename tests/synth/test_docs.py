"""docs/synthetic-data.md and the code cannot drift: the error profile, the request mix and the options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sharelog.synth import ERROR_PROFILE, IN_REGISTER_SHARE, NOT_IN_REGISTER_MIX, ErrorKind

from .conftest import REQUESTS, Dataset

DOC = Path(__file__).resolve().parents[2] / "docs" / "synthetic-data.md"
ERROR_ROW = re.compile(r"^\| `(\w+)` \| ([\d.]+)% \| ([\d.]+)% \| (.+) \|$", re.MULTILINE)
ORIGIN_ROW = re.compile(r"^\| `(register|sibling|cousin|fresh)` \| ([\d.]+)% \|", re.MULTILINE)


@pytest.fixture(scope="module")
def documented_errors() -> dict[str, tuple[float, float, str]]:
    rows = ERROR_ROW.findall(DOC.read_text(encoding="utf-8"))
    return {
        name: (float(intended) / 100, float(realised) / 100, text) for name, intended, realised, text in rows
    }


def test_the_error_table_lists_every_kind_in_order(
    documented_errors: dict[str, tuple[float, float, str]],
) -> None:
    assert list(documented_errors) == [kind.name for kind in ERROR_PROFILE]


@pytest.mark.parametrize("kind", ERROR_PROFILE, ids=lambda kind: kind.name)
def test_the_documented_share_is_the_constant(
    documented_errors: dict[str, tuple[float, float, str]], kind: ErrorKind
) -> None:
    intended, realised, description = documented_errors[kind.name]
    assert intended == pytest.approx(kind.share, abs=1e-9)
    assert description == kind.description
    assert realised == pytest.approx(kind.share, abs=0.01), "documented realised share far from intended"


@pytest.mark.parametrize("kind", ERROR_PROFILE, ids=lambda kind: kind.name)
def test_a_run_realises_the_documented_shares(dataset: Dataset, kind: ErrorKind) -> None:
    realised = dataset.result.errors[kind.name] / REQUESTS
    # About three standard errors at 6,000 requests for the largest share (15%).
    assert realised == pytest.approx(kind.share, abs=0.015)


def test_the_documented_request_mix_is_the_constant() -> None:
    rows = dict(ORIGIN_ROW.findall(DOC.read_text(encoding="utf-8")))
    expected = {"register": IN_REGISTER_SHARE}
    expected.update({k: (1 - IN_REGISTER_SHARE) * v for k, v in NOT_IN_REGISTER_MIX.items()})
    assert {k: float(v) / 100 for k, v in rows.items()} == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize(
    "option", ["--pupils", "--requests", "--seed", "--out", "--months", "--volume", "--format"]
)
def test_every_option_is_documented(option: str) -> None:
    assert f"`{option}" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name", ["register.csv", "register.parquet", "requests.csv", "truth.csv", "perturbations.csv"]
)
def test_every_file_is_documented(name: str) -> None:
    assert f"**`{name}`**" in DOC.read_text(encoding="utf-8")
