"""Training: a model trained on a sample of the EM sessions' pairs decides as one trained on every pair, and a
batch with nothing to learn from is refused as input, not as an internal error."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.linkage import MatchingSession, Thresholds, _model
from sharelog.linkage._model import bound_unseen_m
from sharelog.settings import Settings

from .conftest import World, write_requests

runner = CliRunner()


def _decide(session: MatchingSession, em_max_pairs: int | None) -> tuple[dict[str, object], dict[str, tuple]]:
    """Train with the cap, then decide the batch: the settings and request → (decision, pupil)."""
    model = session.train(em_max_pairs=em_max_pairs)
    session._relatives = None  # counted from the model's parameters: count again for each model
    session.score()
    session.decide(Thresholds())
    rows = session.matches().to_pylist()
    return model.settings, {row["request_id"]: (row["decision"], row["pupil_id"]) for row in rows}


def _outcome(decided: tuple) -> tuple:
    decision, pupil = decided
    return (decision, None if decision == "no_match" else pupil)


def _m_probabilities(settings: dict[str, object]) -> list[float]:
    found = [
        level.get("m_probability")
        for comparison in settings["comparisons"]  # type: ignore[attr-defined]
        for level in comparison["comparison_levels"]
    ]
    return [math.nan if m is None else float(m) for m in found]


def _precision_recall(decisions: dict[str, tuple], truth: dict[str, str]) -> tuple[float, float]:
    matched = [(request, pupil) for request, (decision, pupil) in decisions.items() if decision == "match"]
    correct = sum(1 for request, pupil in matched if truth.get(request) == pupil)
    in_register = sum(1 for request in decisions if truth.get(request))
    return correct / len(matched), correct / in_register


@pytest.mark.slow
def test_a_sample_trained_model_decides_as_the_fully_trained_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a sample keeps at least EM_MIN_MATCHES of the pairs agreeing on names and date of birth: this batch has
    # fewer than the default in all, so let it keep a couple of hundred, as in a register of millions
    monkeypatch.setattr(_model, "EM_MIN_MATCHES", 200)
    with world.truth.open(encoding="utf-8", newline="") as handle:
        truth = {row["request_id"]: row["pupil_id"] for row in csv.DictReader(handle)}
    with MatchingSession() as session:
        session.load_register(world.register)
        session.load_requests(world.requests)
        full_settings, full = _decide(session, None)
        # the batch's date-of-birth session finds a few thousand pairs: 1,500 is a sample of a fraction of them
        sampled_settings, sampled = _decide(session, 1_500)
        above = session.train(em_max_pairs=10_000_000).settings  # more than there are: no sample
    assert _m_probabilities(sampled_settings) != _m_probabilities(full_settings)  # it did train on a sample
    # the same pairs: the same parameters, but for the order DuckDB adds them up in
    assert _m_probabilities(above) == pytest.approx(_m_probabilities(full_settings), rel=1e-9, nan_ok=True)
    # the same decision, and the same pupil where one is matched or reviewed (a no_match's best candidate is moot)
    same = sum(_outcome(sampled[request]) == _outcome(full[request]) for request in full)
    assert same / len(full) >= 0.99
    full_precision, full_recall = _precision_recall(full, truth)
    sampled_precision, sampled_recall = _precision_recall(sampled, truth)
    assert sampled_precision >= full_precision - 0.005
    assert sampled_recall >= full_recall - 0.01


def test_a_training_batch_that_matches_nobody_is_refused(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    batch = write_requests(
        tmp_path / "strangers.csv",
        [(f"Q{i}", f"Zqxv{i}", "", f"Kvqz{i}", f"1955-0{1 + i % 9}-1{i % 10}", "M", "") for i in range(120)],
    )
    out = tmp_path / "prepared"
    result = runner.invoke(
        app,
        [
            "register",
            "prepare",
            "--register",
            str(world.register),
            "--train-requests",
            str(batch),
            "--out",
            str(out),
        ],
        obj=settings,
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"Error: {batch}: no request has the forename, surname")
    assert not out.exists()


def test_a_level_em_never_saw_among_matches_gets_a_bounded_weight() -> None:
    def level(label: str, m: float, u: float) -> dict[str, object]:
        return {"label_for_charts": label, "sql_condition": label, "m_probability": m, "u_probability": u}

    def settings() -> dict[str, Any]:
        return {
            "comparisons": [
                {
                    "output_column_name": "middle_name",
                    "comparison_levels": [
                        level("exact", 0.96, 0.008),
                        level("similar", 3e-15, 7e-4),  # seen in 3e-12 of the 1,000 matches: never
                        level("ELSE", 1e-20, 0.99),  # the else level is left as trained
                    ],
                },
                {
                    "output_column_name": "sex",
                    "comparison_levels": [level("same", 1e-9, 0.5)],
                },  # not estimated
            ]
        }

    bounded = bound_unseen_m(settings(), {"middle_name": 1_000})
    m = [lv["m_probability"] for c in bounded["comparisons"] for lv in c["comparison_levels"]]
    assert m == [0.96, 7e-4, 1e-20, 1e-9]  # u (7e-4) is below 3 / 1,000: a weight of zero
    assert bound_unseen_m(settings(), {"middle_name": 100_000})["comparisons"][0]["comparison_levels"][1][
        "m_probability"
    ] == pytest.approx(3 / 100_000)  # more matches: a firmer bound, below u


def test_a_sample_keeps_the_near_certain_matches_it_needs() -> None:
    buckets = _model.BUCKETS
    assert _model._em_sample_threshold(1_500_000, 2_000_000, 4_000) is None  # fewer pairs than the cap
    assert _model._em_sample_threshold(10_000_000, None, 4_000) is None  # no cap: every pair
    # 20 million pairs, 20,000 agreeing: the cap decides (a tenth keeps 2,000 of them)
    assert _model._em_sample_threshold(20_000_000, 2_000_000, 20_000) == buckets // 10
    # 20 million pairs, 4,000 agreeing: a tenth would keep 400, so a quarter is kept
    assert (
        _model._em_sample_threshold(20_000_000, 2_000_000, 4_000) == buckets * _model.EM_MIN_MATCHES // 4_000
    )
    # fewer agreeing pairs than the minimum in all: no sample
    assert _model._em_sample_threshold(20_000_000, 2_000_000, _model.EM_MIN_MATCHES - 1) is None
