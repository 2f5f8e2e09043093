"""The register looks like a school population: households, twins, diverse origins, realistic names."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from .conftest import Run


def test_households_share_address_and_mostly_surname(heldout_run: Callable[..., Run]) -> None:
    rows = heldout_run().rows("register.csv")
    homes: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        homes[(r["address"], r["postcode"])].append(r)
    families = [kids for kids in homes.values() if len(kids) >= 2]
    assert len(families) > 0.2 * len(homes)
    same_surname = sum(len({k["surname"] for k in kids}) == 1 for kids in families)
    assert 0.6 * len(families) < same_surname < len(families)  # step-families and naming customs differ


def test_twins(heldout_run: Callable[..., Run]) -> None:
    rows = heldout_run().rows("register.csv")
    births: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        births[(r["address"], r["postcode"], r["dob"])].append(r["forename"])
    twins = [names for names in births.values() if len(names) == 2]
    assert 0.01 * len(rows) < 2 * len(twins) < 0.06 * len(rows)
    assert all(a != b for a, b in twins)


def test_origin_groups_and_surnames(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run()
    groups = run.manifest["counts"]["pupils_by_origin_group"]
    total = sum(groups.values())
    assert 0.55 < groups["white_british"] / total < 0.75
    assert len([g for g, n in groups.items() if n > 0]) >= 20
    surnames = Counter(r["surname"] for r in run.rows("register.csv"))
    top = [name for name, _ in surnames.most_common(15)]
    assert "Smith" in top[:3]
    assert {"Khan", "Ahmed", "Ali", "Hussain"} & set(top)
    assert any("-" in s for s in surnames)  # double-barrelled
    assert len(surnames) > 0.25 * total  # a long tail


def test_requests_concern_mostly_families_of_other_origins(heldout_run: Callable[..., Run]) -> None:
    run = heldout_run()
    register_surnames = Counter(r["surname"] for r in run.rows("register.csv"))
    request_surnames = Counter(r["surname"].strip().title() for r in run.rows("requests.csv"))
    assert (
        request_surnames["Smith"] / run.manifest["requests"]
        < register_surnames["Smith"] / run.manifest["pupils"]
    )


def test_forenames_follow_birth_era(heldout_run: Callable[..., Run]) -> None:
    rows = heldout_run("typical", pupils=20000, requests=100).rows("register.csv")
    young = Counter(r["forename"] for r in rows if r["dob"] >= "2017-01-01")
    old = Counter(r["forename"] for r in rows if r["dob"] < "2010-01-01")
    assert young["Arthur"] > 2 * max(1, old["Arthur"]) * (sum(old.values()) / sum(young.values()))
    assert old["Jack"] > young["Jack"] * (sum(old.values()) / sum(young.values()))
