"""Hand-made cases: each kind of real-world mess gets the decision a careful person would make."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

from sharelog.linkage import link
from sharelog.linkage._decide import (
    SHARE_PRIOR,
    SHARE_PRIOR_REQUESTS,
    Thresholds,
    _ranked_sql,
    estimate_share_in_register,
)

from .conftest import World, read_matches, write_requests

# (request_id, forename, middle, surname, dob, sex, postcode) → (expected decision, expected pupil or None)
CASES = {
    "exact": (("Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT"), "match", "T-AMIRA"),
    "nickname": (("Bill", "", "Harrington", "2010-05-23", "M", "LS8 2AB"), "match", "T-WILLIAM"),
    "transliteration": (("Mohammed", "", "Rahman", "2009-11-07", "M", "E1 6AN"), "match", "T-MUHAMMAD"),
    "day-month-swap": (("Olivia", "", "Brennan", "2008-09-04", "F", "NG7 1AA"), "match", "T-OLIVIA"),
    "missing-postcode": (("Tomasz", "", "Kowalczyk", "2010-01-30", "M", ""), "match", "T-TOMASZ"),
    "forename-surname-swap": (("Yusuf", "", "Zainab", "2011-08-19", "F", "BD8 7QT"), "match", "T-ZAINAB"),
    "twin-named": (("Chinedu", "", "Okonkwo", "2012-06-15", "M", "B12 9QX"), "match", "T-CHINEDU"),
    "twin-ambiguous": (("C", "", "Okonkwo", "2012-06-15", "M", "B12 9QX"), "review", None),
    "sibling-not-in-register": (("Grace", "", "Okonkwo", "2014-01-20", "F", "B12 9QX"), "no_match", None),
    "stranger": (("Ingrid", "", "Thorvaldsen", "2007-12-01", "F", "TR1 1AA"), "no_match", None),
}


@pytest.fixture(scope="module")
def decisions(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("hand-made")
    batch = write_requests(folder / "batch.csv", [(case, *row) for case, (row, _, _) in CASES.items()])
    out = folder / "matches.csv"
    link(requests=batch, register=world.register, model=world.model, out=out)
    return read_matches(out)


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_gets_the_right_decision(decisions: dict[str, dict[str, str]], case: str) -> None:
    _, expected_decision, expected_pupil = CASES[case]
    row = decisions[case]
    assert row["decision"] == expected_decision, row
    if expected_pupil is not None:
        assert row["pupil_id"] == expected_pupil


def test_the_wrong_twin_is_never_matched(decisions: dict[str, dict[str, str]]) -> None:
    assert not (decisions["twin-ambiguous"]["decision"] == "match")
    assert decisions["twin-named"]["pupil_id"] != "T-CHIDI"


def test_two_requests_for_one_pupil_go_to_review(world: World, tmp_path: Path) -> None:
    row = ("Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT")
    batch = write_requests(tmp_path / "twice.csv", [("first", *row), ("second", *row)])
    out = tmp_path / "matches.csv"
    result = link(requests=batch, register=world.register, model=world.model, out=out)
    rows = read_matches(out)
    assert {rows["first"]["decision"], rows["second"]["decision"]} == {"review"}
    assert result.reasons["another request in the batch claims this pupil"] == 2


def test_every_request_is_in_the_output_in_batch_order(world: World, tmp_path: Path) -> None:
    out = tmp_path / "matches.csv"
    result = link(requests=world.requests, register=world.register, model=world.model, out=out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "request_id,pupil_id,match_probability,match_weight,decision"
    batch_ids = [
        line.split(",", 1)[0] for line in world.requests.read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert [line.split(",", 1)[0] for line in lines[1:]] == batch_ids
    assert sum(result.decisions.values()) == len(batch_ids)


def test_precision_and_recall_on_the_synthetic_batch(world: World, tmp_path: Path) -> None:
    """A floor, not the benchmark (bench/bench_synthetic.py measures the real targets at 100k)."""
    out = tmp_path / "matches.csv"
    link(requests=world.requests, register=world.register, model=world.model, out=out)
    truth = dict(line.split(",") for line in world.truth.read_text(encoding="utf-8").splitlines()[1:])
    matches = read_matches(out)
    matched = [r for r in matches.values() if r["decision"] == "match"]
    correct = sum(1 for r in matched if truth[r["request_id"]] == r["pupil_id"])
    in_register = sum(1 for pupil in truth.values() if pupil)
    assert correct / len(matched) >= 0.995
    assert correct / in_register >= 0.93


def test_one_request_cannot_estimate_that_every_request_is_held() -> None:
    """A lone request with a strong candidate leaves the share near the prior; thousands of them move it."""
    strong = 1e12  # a Bayes factor no register of millions outweighs
    alone = estimate_share_in_register(np.array([strong]), register_size=1_000_000, requests=1)
    assert SHARE_PRIOR <= alone < SHARE_PRIOR + 0.05
    many = estimate_share_in_register(np.full(5_000, strong), register_size=1_000_000, requests=5_000)
    assert many > 0.95
    none_held = estimate_share_in_register(np.full(5_000, 1e-3), register_size=1_000_000, requests=5_000)
    assert none_held < 0.05


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ({"review": 0.0}, "thresholds need"),
        ({"match": 1.0}, "thresholds need"),
        ({"review": 0.6, "match": 0.5}, "thresholds need"),
        ({"share_in_register": 0.0}, "share_in_register must"),
        ({"share_in_register": 1.0}, "share_in_register must"),
    ],
    ids=["review-zero", "match-one", "review-above-match", "share-zero", "share-one"],
)
def test_bands_out_of_order_or_range_are_refused(bands: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        Thresholds(**bands)


def test_bands_at_their_edges_are_taken() -> None:
    """A review threshold equal to the match threshold leaves no review band; that is allowed."""
    assert Thresholds(review=0.5, match=0.5).review == 0.5
    assert Thresholds(share_in_register=0.5).share_in_register == 0.5
    assert Thresholds().share_in_register is None


def test_the_posterior_is_the_documented_formula() -> None:
    """docs/matching.md: P(i) = (p/N)·BF(i) / ((1 − p) + (p/N)·Σ_j BF(j)), the candidates ranked by evidence."""
    bits = {"P-A": 30.0, "P-B": 26.0}  # log2 Bayes factors of one request's two candidates
    share, register = 0.3, 1_000_000
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pairs (request_id VARCHAR, pupil_id VARCHAR, log2_bf DOUBLE, could_be_relative BOOLEAN, "
        "looks_like_relative BOOLEAN)"
    )
    con.executemany("INSERT INTO pairs VALUES ('R1', ?, ?, false, false)", list(bits.items()))
    ranked = con.sql(_ranked_sql("pairs", log2_k=math.log2(share / register), share=share)).fetchall()
    got = {row[1]: (row[5], row[6]) for row in ranked}
    prior = share / register
    total = sum(prior * 2**b for b in bits.values())
    for rank, (pupil, b) in enumerate(sorted(bits.items(), key=lambda item: -item[1]), start=1):
        assert got[pupil] == (pytest.approx(prior * 2**b / ((1 - share) + total)), rank)


def test_the_estimated_share_is_a_fixed_point_of_its_update() -> None:
    """The EM step (docs/matching.md): each request counts as held with the probability that some candidate is the
    person, and the prior counts as SHARE_PRIOR_REQUESTS requests; the estimate returned is where that step
    stops moving."""
    rng = np.random.default_rng(18)
    evidence = np.concatenate([np.full(300, 1e9), rng.uniform(0, 2, 700)])  # strong candidates, then noise
    register, requests = 1_000_000, 1_200
    share = estimate_share_in_register(evidence, register_size=register, requests=requests)
    weight = share * evidence / register
    held = np.sum(weight / ((1 - share) + weight))
    assert share == pytest.approx(
        (held + SHARE_PRIOR * SHARE_PRIOR_REQUESTS) / (requests + SHARE_PRIOR_REQUESTS), abs=1e-5
    )
