"""Volume profiles: requests a month shaped by the published totals, varying, seeded, and the share about
registered pupils following each period's returned share."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest

from sharelog.errors import InputError
from sharelog.synth import VOLUME_PROFILES, generate, parse_months, volume_profile

from .conftest import read_csv

PUBLISHED = VOLUME_PROFILES["published"]
FOI_PERIOD = parse_months("2015-07..2020-08")

# The published figures (HCWS272, 2017; DfE external data shares), written out here rather than read from the code.
FIRST_EIGHTEEN_MONTHS = parse_months("2015-07..2016-12")
FIRST_REQUESTED, FIRST_RETURNED = 2_461, 531
WHOLE_PERIOD = parse_months("2015-07..2022-09")
WHOLE_REQUESTED, WHOLE_RETURNED = 6_883, 1_780


@pytest.mark.parametrize("seed", [1, 2, 2019])
def test_a_published_period_gets_its_published_total(seed: int) -> None:
    rng = np.random.default_rng(seed)
    assert sum(PUBLISHED.requests_per_month(rng, FIRST_EIGHTEEN_MONTHS)) == FIRST_REQUESTED
    whole = PUBLISHED.requests_per_month(np.random.default_rng(seed), WHOLE_PERIOD)
    assert sum(whole) == WHOLE_REQUESTED
    assert sum(whole[: len(FIRST_EIGHTEEN_MONTHS)]) == FIRST_REQUESTED
    assert 75 <= WHOLE_REQUESTED / len(WHOLE_PERIOD) <= 85  # "about 80 a month"


def test_the_returned_shares_are_the_published_ones() -> None:
    shares = dict(zip(WHOLE_PERIOD, PUBLISHED.in_register_shares(WHOLE_PERIOD), strict=True))
    assert shares["2015-07"] == pytest.approx(FIRST_RETURNED / FIRST_REQUESTED)
    assert shares["2016-12"] == pytest.approx(FIRST_RETURNED / FIRST_REQUESTED)
    later = (WHOLE_RETURNED - FIRST_RETURNED) / (WHOLE_REQUESTED - FIRST_REQUESTED)
    assert shares["2017-01"] == shares["2022-09"] == pytest.approx(later)
    counts = PUBLISHED.requests_per_month(np.random.default_rng(1), WHOLE_PERIOD)
    expected_returned = sum(n * s for n, s in zip(counts, shares.values(), strict=True))
    assert expected_returned == pytest.approx(WHOLE_RETURNED, abs=20)  # about a quarter of 6,883


def test_months_vary_as_published_ones_do_and_the_seed_fixes_them() -> None:
    first = PUBLISHED.requests_per_month(np.random.default_rng(5), FOI_PERIOD)
    again = PUBLISHED.requests_per_month(np.random.default_rng(5), FOI_PERIOD)
    other = PUBLISHED.requests_per_month(np.random.default_rng(6), FOI_PERIOD)
    assert first == again and first != other
    assert len(set(first)) > len(FOI_PERIOD) // 2
    assert statistics.pstdev(first) / statistics.mean(first) > 0.25
    # the first eighteen months ran at about twice the later rate
    early, late = first[: len(FIRST_EIGHTEEN_MONTHS)], first[len(FIRST_EIGHTEEN_MONTHS) :]
    assert statistics.mean(early) > 1.5 * statistics.mean(late)


def test_months_outside_the_published_periods_take_the_nearest_rate() -> None:
    before = PUBLISHED.requests_per_month(np.random.default_rng(1), parse_months("2013-01..2013-12"))
    after = PUBLISHED.requests_per_month(np.random.default_rng(1), parse_months("2023-01..2023-12"))
    assert sum(before) == round(12 * FIRST_REQUESTED / 18)
    assert sum(after) == round(12 * (WHOLE_REQUESTED - FIRST_REQUESTED) / (len(WHOLE_PERIOD) - 18))


def test_a_total_scales_the_profile_keeping_its_shape() -> None:
    counts = PUBLISHED.requests_per_month(
        np.random.default_rng(1), parse_months("2016-07..2017-06"), total=600
    )
    assert sum(counts) == 600
    assert sum(counts[:6]) > sum(counts[6:])  # 137 a month before 2017, 64 after


def test_the_load_profile_is_the_old_demo_volume() -> None:
    counts = VOLUME_PROFILES["load"].requests_per_month(
        np.random.default_rng(1), parse_months("2019-01..2019-12")
    )
    assert sum(counts) == 3_000


def test_an_unknown_profile_is_named() -> None:
    with pytest.raises(InputError, match="published, load") as raised:
        volume_profile("huge")
    assert raised.value.field == "volume"


def test_a_profile_needs_months(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        generate(pupils=100, seed=1, out_dir=tmp_path / "out", volume="published")
    assert raised.value.field == "volume"
    with pytest.raises(InputError) as raised:
        generate(pupils=100, seed=1, out_dir=tmp_path / "out", months=["2019-01"])
    assert raised.value.field == "requests"


def test_generate_writes_each_months_share_of_registered_pupils(tmp_path: Path) -> None:
    months = parse_months("2016-07..2017-06")
    result = generate(pupils=6_000, seed=4, out_dir=tmp_path / "out", months=months, volume="published")
    truth = read_csv(tmp_path / "out" / "truth.csv").set_index("request_id")["pupil_id"]
    registered: dict[str, tuple[int, int]] = {}
    for month in months:
        ids = read_csv(tmp_path / "out" / f"requests-{month}.csv")["request_id"]
        assert len(ids) == result.months[month]
        registered[month] = (int((truth[ids] != "").sum()), len(ids))
        assert registered[month][0] == result.in_register_by_month[month]
    assert result.volume == "published"
    assert result.requests == sum(result.months.values()) == round(6 * 2_461 / 18) + round(6 * 4_422 / 69)

    def share(period: list[str]) -> float:
        return sum(registered[m][0] for m in period) / sum(registered[m][1] for m in period)

    assert share(months[:6]) == pytest.approx(FIRST_RETURNED / FIRST_REQUESTED, abs=0.01)
    later = (WHOLE_RETURNED - FIRST_RETURNED) / (WHOLE_REQUESTED - FIRST_REQUESTED)
    assert share(months[6:]) == pytest.approx(later, abs=0.01)
    for month in months:  # each month near its period's share, not only the period as a whole
        count, total = registered[month]
        expected = total * (FIRST_RETURNED / FIRST_REQUESTED if month < "2017" else later)
        assert abs(count - expected) <= 2


def test_a_profile_gives_byte_identical_files(tmp_path: Path) -> None:
    months = parse_months("2018-11..2019-02")
    runs = [
        generate(pupils=2_000, seed=9, out_dir=tmp_path / name, months=months, volume="published")
        for name in ("a", "b")
    ]
    for first, second in zip(runs[0].files, runs[1].files, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
