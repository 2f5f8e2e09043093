"""``months``: one request batch per month, ids carrying the month, truth and errors over all months."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharelog.errors import InputError
from sharelog.synth import generate, parse_months

from .conftest import read_csv


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("2019-03", ["2019-03"]),
        ("2019-01..2019-03", ["2019-01", "2019-02", "2019-03"]),
        ("2019-11..2020-02", ["2019-11", "2019-12", "2020-01", "2020-02"]),
        (" 2019-05 .. 2019-05 ", ["2019-05"]),
    ],
)
def test_parse_months(spec: str, expected: list[str]) -> None:
    assert parse_months(spec) == expected


def test_a_year_of_months() -> None:
    months = parse_months("2019-01..2019-12")
    assert len(months) == 12
    assert months[0] == "2019-01" and months[-1] == "2019-12"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2019-13", "is not a month"),
        ("2019-1", "is not a month"),
        ("19-01", "is not a month"),
        ("2019-01..", "is not a month"),
        ("2019-01...2019-03", "is not a month"),
        ("January", "is not a month"),
        ("2019-06..2019-01", "ends before it starts"),
        ("2000-01..2019-12", "spans more than"),
    ],
)
def test_bad_months_are_input_errors_naming_the_field(spec: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_months(spec)
    assert raised.value.field == "months"


def test_one_file_per_month(tmp_path: Path) -> None:
    months = parse_months("2019-01..2019-12")
    result = generate(pupils=5_000, requests=1_200, seed=4, out_dir=tmp_path / "out", months=months)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    expected = [f"requests-{m}.csv" for m in months]
    assert written == sorted(["perturbations.csv", "register.csv", "truth.csv", *expected])
    assert list(result.months) == months
    assert sum(result.months.values()) == 1_200
    assert len(set(result.months.values())) > 1  # months vary, as published volumes do

    batches = {m: read_csv(tmp_path / "out" / f"requests-{m}.csv") for m in months}
    for month, batch in batches.items():
        assert len(batch) == result.months[month]
        assert batch.request_id.str.fullmatch(rf"HO-{month}-\d{{5}}").all()
    ids = [i for batch in batches.values() for i in batch.request_id]
    assert len(ids) == len(set(ids)) == 1_200

    truth = read_csv(tmp_path / "out" / "truth.csv")
    errors = read_csv(tmp_path / "out" / "perturbations.csv")
    assert list(truth.request_id) == ids
    assert list(errors.request_id) == ids


def test_a_single_month(tmp_path: Path) -> None:
    result = generate(pupils=500, requests=50, seed=1, out_dir=tmp_path / "out", months=["2019-03"])
    assert result.months == {"2019-03": 50}
    assert (tmp_path / "out" / "requests-2019-03.csv").is_file()
    assert not (tmp_path / "out" / "requests.csv").exists()
