"""A session that keeps its linker runs its first predict's SQL again for the next batches, without Splink building
it anew, and scores every batch exactly as Splink's own predict does."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from splink.internals.linker_components.inference import LinkerInference

from sharelog.linkage import MatchingSession, prepared_model

from ..worlds import SMALL, WorldFactory
from ..worlds._register import RegisterWorld


@pytest.fixture(scope="module")
def small(worlds: WorldFactory) -> RegisterWorld:
    world = worlds.register(SMALL)
    assert world.prepared is not None
    return world


def _batches(world: RegisterWorld, folder: Path) -> list[Path]:
    """Every month's batch, then two of other sizes: one request, and one with nobody the register could hold."""
    months = [world.batches[month] for month in sorted(world.batches)]
    with months[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    one, stranger = folder / "one.csv", folder / "stranger.csv"
    for path, chosen in (
        (one, rows[:1]),
        (
            stranger,
            [{**rows[0], "forename": "QWXZ", "surname": "ZZYQV", "dob": "1901-01-01", "postcode": ""}],
        ),
    ):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(chosen)
    return [*months, one, stranger, months[-1]]


def _pairs(session: MatchingSession) -> list[tuple[Any, ...]]:
    return session.con.sql("SELECT * FROM predictions ORDER BY ALL").fetchall()


def test_a_kept_linker_scores_every_batch_as_splink_does(
    small: RegisterWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert small.prepared is not None
    model = prepared_model(small.prepared)
    assert model is not None
    predicts = []
    splink_predict = LinkerInference.predict

    def counted(self: LinkerInference, *args: Any, **kwargs: Any) -> Any:
        predicts.append(1)
        return splink_predict(self, *args, **kwargs)

    monkeypatch.setattr(LinkerInference, "predict", counted)
    batches = _batches(small, tmp_path)
    with MatchingSession(keep_linker=True) as kept, MatchingSession() as fresh:
        for session in (kept, fresh):
            session.load_prepared(small.prepared)
            session.use_model(model)
        scored: dict[str, int] = {}
        for batch in batches:
            got = []
            for session in (kept, fresh):
                session.load_requests(batch)
                session.score()
                got.append(_pairs(session))
            assert got[0] == got[1], batch.name
            scored[batch.name] = len(got[0])
    assert scored["stranger.csv"] == 0  # nothing to score, and the next batch is scored all the same
    assert scored["one.csv"] > 0 and sum(scored.values()) > scored["one.csv"]
    # Splink built the SQL once for the kept session, and once a batch for the fresh one
    assert len(predicts) == 1 + len(batches)
