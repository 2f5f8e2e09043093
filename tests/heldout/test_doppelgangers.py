"""Doppelgangers and namesakes are real: same forename, surname and date of birth, a different child."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .conftest import Run


def _key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["forename"], row["surname"], row["dob"]


def test_doppelgangers_have_an_exact_register_twin(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("doppelganger-rich")
    register = Counter(_key(r) for r in run.rows("register.csv"))
    requests = run.rows("requests.csv")
    truth = run.rows("truth.csv")
    kinds = run.rows("perturbations.csv")
    doppelgangers = 0
    for request, t, k in zip(requests, truth, kinds, strict=True):
        if "doppelganger" in k["kinds"].split(";"):
            doppelgangers += 1
            assert t["pupil_id"] == ""
            assert register[_key(request)] >= 1, request
            assert "exact_register_namesake" in k["kinds"]
    assert doppelgangers >= 0.2 * len(requests)


def test_register_holds_namesakes(heldout_run: Callable[..., Run]) -> None:
    rich = heldout_run("doppelganger-rich")
    counts = Counter(_key(r) for r in rich.rows("register.csv"))
    shared = sum(n for n in counts.values() if n > 1)
    assert shared >= 0.03 * rich.manifest["pupils"]
    assert rich.manifest["counts"]["register_pupils_with_namesake"] == shared
    typical = heldout_run("typical")
    typical_counts = Counter(_key(r) for r in typical.rows("register.csv"))
    assert 0 < sum(n for n in typical_counts.values() if n > 1) < shared


def test_held_requests_with_a_namesake_are_flagged(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run("doppelganger-rich")
    register = {r["pupil_id"]: r for r in run.rows("register.csv")}
    counts = Counter(_key(r) for r in register.values())
    flagged = 0
    for t, k in zip(run.rows("truth.csv"), run.rows("perturbations.csv"), strict=True):
        if t["pupil_id"]:
            has = counts[_key(register[t["pupil_id"]])] > 1
            assert has == ("register_has_namesake" in k["kinds"].split(";"))
            flagged += has
    assert flagged > 0
