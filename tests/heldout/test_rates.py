"""Each profile's realised rates match its parameters: perturbations.csv against the manifest."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import pytest

from sharelog_heldout.profiles import ENTITY_KINDS, ERROR_KINDS, PROFILES

from .conftest import Run


def _kinds(run: Run) -> Counter[str]:
    return Counter(k for row in run.rows("perturbations.csv") for k in row["kinds"].split(";") if k)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_realised_rates_match_the_profile(heldout_run: Callable[..., Run], profile: str) -> None:
    run = heldout_run(profile)
    counted = _kinds(run)
    assert set(counted) <= set(ENTITY_KINDS) | set(ERROR_KINDS)
    assert {k: counted[k] for k in run.manifest["counts_by_kind"]} == run.manifest["counts_by_kind"]
    rates = run.manifest["rates"]
    assert set(rates) == set(ERROR_KINDS)
    checked = 0
    for kind, stats in rates.items():
        rate, eligible, applied = stats["rate"], stats["eligible"], stats["applied"]
        assert rate == PROFILES[profile].rate(kind)
        assert applied == counted[kind]
        assert applied <= eligible
        if rate == 0:
            assert applied == 0, kind
        elif rate == 1:
            assert applied == eligible, kind
        elif eligible >= 40:
            realised = applied / eligible
            tolerance = 4.5 * math.sqrt(rate * (1 - rate) / eligible) + 0.01
            assert abs(realised - rate) <= tolerance, (kind, realised, rate, eligible)
            checked += 1
    assert checked >= (0 if profile == "evidence-limited" else 10)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_who_is_asked_for(heldout_run: Callable[..., Run], profile: str) -> None:
    run = heldout_run(profile)
    p = PROFILES[profile]
    counted = _kinds(run)
    not_held = counted["not_held"]
    assert counted["in_register"] + not_held == run.manifest["requests"]
    assert 0.25 <= counted["in_register"] / run.manifest["requests"] <= 0.5
    for kind, share in (("doppelganger", p.doppelganger_share), ("not_held_sibling", p.sibling_share)):
        tolerance = 4.5 * math.sqrt(share * (1 - share) / not_held) + 0.01
        assert abs(counted[kind] / not_held - share) <= tolerance, kind
    assert counted["fresh_person"] + counted["doppelganger"] + counted["not_held_sibling"] == not_held


def test_moved_profile_has_no_or_a_previous_address_for_most(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("moved")
    counted = _kinds(run)
    share = (counted["address_missing"] + counted["address_stale"]) / run.manifest["requests"]
    assert 0.6 <= share <= 0.8


def test_evidence_limited_is_name_and_dob_only(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("evidence-limited")
    register = {r["pupil_id"]: r for r in run.rows("register.csv")}
    for request, truth in zip(run.rows("requests.csv"), run.rows("truth.csv"), strict=True):
        assert request["postcode"] == request["address"] == request["sex"] == request["middle_names"] == ""
        assert request["forename"] and request["surname"] and request["dob"]
        if truth["pupil_id"]:
            pupil = register[truth["pupil_id"]]
            assert (request["forename"], request["surname"], request["dob"]) == (
                pupil["forename"],
                pupil["surname"],
                pupil["dob"],
            )


def test_one_line_addresses_have_no_commas(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("one-line-addresses")
    addresses = [r["address"] for r in run.rows("requests.csv") if r["address"]]
    assert len(addresses) > 500
    assert not any("," in a for a in addresses)


def test_typical_addresses_come_both_ways(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("typical")
    addresses = [r["address"] for r in run.rows("requests.csv") if r["address"]]
    with_commas = sum("," in a for a in addresses)
    assert 0.4 * len(addresses) < with_commas < 0.9 * len(addresses)


def test_sex_noise_profile(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("sex-noise")
    counted = _kinds(run)
    share = (counted["sex_wrong"] + counted["sex_blank"] + counted["sex_unknown"]) / run.manifest["requests"]
    assert 0.15 <= share <= 0.25
