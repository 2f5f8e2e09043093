"""A register held open between exchanges decides every batch as a register opened for each one does, recovers
from a refused batch, and follows its folder when the register is prepared again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from sharelog.errors import ValidationFailed
from sharelog.exchange import HeldRegister, run_exchange
from sharelog.ledger.models import Disclosure, Exchange, RequestOutcome
from sharelog.settings import Settings

from ..worlds import (
    AGREEMENT,
    PREPARED,
    PURPOSE,
    SMALL,
    TEST_KEY,
    RegisterWorld,
    WorldFactory,
    engine_of,
    session_of,
)

Story = list[tuple[str, list[tuple[str, str, float | None]], list[tuple[str, str]], list[dict[str, str]]]]


def _settings(worlds: WorldFactory, folder: Path) -> Settings:
    return worlds.copy(PREPARED, folder, holder_key=TEST_KEY, actor="tester").settings


def _story(settings: Settings) -> Story:
    """Each exchange's month, its decisions (request, class, probability), its disclosures and its return file."""
    story: Story = []
    with session_of(settings) as session:
        exchanges = session.execute(select(Exchange).order_by(Exchange.month)).scalars().all()
        for exchange in exchanges:
            outcomes = session.execute(
                select(
                    RequestOutcome.request_ref, RequestOutcome.match_class, RequestOutcome.match_probability
                )
                .where(RequestOutcome.exchange_id == exchange.id)
                .order_by(RequestOutcome.request_ref)
            ).all()
            disclosures = session.execute(
                select(Disclosure.request_ref, Disclosure.subject_key)
                .where(Disclosure.exchange_id == exchange.id)
                .order_by(Disclosure.request_ref)
            ).all()
            returned = sorted(settings.returns_path().glob(f"{exchange.reference}*.csv"))
            rows = []
            for path in returned:
                with path.open(encoding="utf-8", newline="") as handle:
                    rows += list(csv.DictReader(handle))
            story.append(
                (
                    exchange.month,
                    [(r, c, None if p is None else round(p, 9)) for r, c, p in outcomes],
                    [tuple(d) for d in disclosures],  # type: ignore[misc]
                    sorted(rows, key=lambda row: row["request_id"]),
                )
            )
    return story


def _run_months(settings: Settings, batches: dict[str, Path], *, held: HeldRegister | None) -> None:
    with engine_of(settings) as engine:
        for month, batch in batches.items():
            run_exchange(
                settings,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=PURPOSE,
                batch=batch,
                month=month,
                held=held,
            )


def test_a_held_register_decides_every_month_as_a_fresh_one(worlds: WorldFactory, tmp_path: Path) -> None:
    world: RegisterWorld = worlds.register(SMALL)
    fresh, kept = _settings(worlds, tmp_path / "fresh"), _settings(worlds, tmp_path / "kept")
    _run_months(fresh, world.batches, held=None)
    with HeldRegister(kept) as held:
        _run_months(kept, world.batches, held=held)
    expected, got = _story(fresh), _story(kept)
    assert [month for month, *_ in got] == sorted(world.batches)
    assert sum(len(disclosures) for _, _, disclosures, _ in expected) > 0  # something was returned
    assert got == expected


def test_a_refused_batch_leaves_the_held_register_fit_for_the_next(
    worlds: WorldFactory, tmp_path: Path
) -> None:
    world = worlds.register(SMALL)
    months = sorted(world.batches)
    bad = tmp_path / "bad.csv"
    with world.batches[months[0]].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows[:5], {**rows[5], "dob": "not a date"}])
    fresh, kept = _settings(worlds, tmp_path / "fresh"), _settings(worlds, tmp_path / "kept")
    _run_months(fresh, {months[1]: world.batches[months[1]]}, held=None)
    with HeldRegister(kept) as held, engine_of(kept) as engine:
        with pytest.raises(ValidationFailed):
            run_exchange(
                kept,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=PURPOSE,
                batch=bad,
                month=months[0],
                held=held,
            )
        run_exchange(
            kept,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=world.batches[months[1]],
            month=months[1],
            held=held,
        )
    refused, *done = _story(kept)
    assert refused[0] == months[0] and refused[2] == []  # the refused batch returned nothing
    assert done == _story(fresh)


def test_a_register_prepared_again_is_opened_again(worlds: WorldFactory, tmp_path: Path) -> None:
    world = worlds.register(SMALL)
    settings = _settings(worlds, tmp_path)
    months = sorted(world.batches)
    with HeldRegister(settings) as held:
        with held.session(settings.register_path()) as first:
            pass
        with held.session(settings.register_path()) as again:
            assert again is first  # nothing changed: the same session
        manifest = settings.register_path() / "manifest.json"
        manifest.write_text(json.dumps(json.loads(manifest.read_text(encoding="utf-8")), indent=1), "utf-8")
        with held.session(settings.register_path()) as reopened:
            assert reopened is not first
        _run_months(settings, {months[0]: world.batches[months[0]]}, held=held)
    assert _story(settings)[0][0] == months[0]
