"""truth.csv points held requests at existing pupils, leaves the others blank, and agrees with the manifest."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sharelog_heldout.profiles import PROFILES

from .conftest import Run


@pytest.mark.parametrize("profile", ["clean", "typical", "doppelganger-rich"])
def test_truth_is_consistent(heldout_run: Callable[..., Run], profile: str) -> None:
    run = heldout_run(profile)
    register = {r["pupil_id"]: r for r in run.rows("register.csv")}
    requests = run.rows("requests.csv")
    truth = run.rows("truth.csv")
    kinds = run.rows("perturbations.csv")
    assert (
        [t["request_id"] for t in truth]
        == [r["request_id"] for r in requests]
        == [k["request_id"] for k in kinds]
    )
    held = 0
    for t, k in zip(truth, kinds, strict=True):
        entity = k["kinds"].split(";")[0]
        if t["pupil_id"]:
            held += 1
            assert t["pupil_id"] in register
            assert entity == "in_register"
        else:
            assert entity == "not_held"
    assert held == run.manifest["counts"]["in_register"]
    assert len(truth) - held == run.manifest["counts"]["not_held"]
    assert held == round(len(truth) * PROFILES[profile].in_register_share)


def test_clean_requests_look_like_their_pupil(heldout_run: Callable[..., Run]) -> None:
    """In the clean profile almost every held request has its pupil's date of birth and surname."""
    run = heldout_run("clean")
    register = {r["pupil_id"]: r for r in run.rows("register.csv")}
    same = total = 0
    for request, t in zip(run.rows("requests.csv"), run.rows("truth.csv"), strict=True):
        if t["pupil_id"]:
            pupil = register[t["pupil_id"]]
            total += 1
            same += (
                request["dob"] == pupil["dob"]
                and request["surname"].strip().lower() == pupil["surname"].lower()
            )
    assert total > 500
    assert same / total > 0.9
