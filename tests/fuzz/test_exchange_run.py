"""Fuzzing `exchange run` with hostile batches: never a partial write.

A refused batch leaves exactly one trace — the rejected exchange and its audit event, holding counts and where
the problems are, never a value from the batch — and nothing else: no request outcome, disclosure, review item
or return file row, and the returns and review folders as they were. An accepted batch is recorded whole. Runs
on SQLite and PostgreSQL (whose column limits and NUL rule SQLite does not enforce).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from sharelog.exchange import run_exchange
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import (
    AuditEvent,
    Disclosure,
    Exchange,
    RequestOutcome,
    ReturnFile,
    ReviewItem,
)
from sharelog.settings import Settings

from ..worlds import (
    AGREEMENT,
    PREPARED,
    PURPOSE,
    SMALL,
    TEST_KEY,
    PostgresLedgers,
    RegisterWorld,
    WorldFactory,
    engine_of,
)
from ._hostile import (
    MARKER,
    check_refusal,
    csv_files,
    csv_text,
    folder_listing,
    fuzz_settings,
    tally,
)

MONTH = "2019-02"
NOW = datetime(2019, 2, 10, 9, 0, tzinfo=UTC)
FREE_TEXT = ("forename", "middle_names", "surname", "sex", "postcode", "address")
TABLES = (RequestOutcome, Disclosure, ReviewItem, ReturnFile)


@pytest.fixture(scope="module")
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture(scope="module")
def batch_shape(world: RegisterWorld) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The columns of a real batch and its first twenty rows."""
    with world.batches[MONTH].open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return tuple(header), tuple(tuple(row) for row in rows[:20])


@pytest.fixture
def exchange_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """A data folder with the prepared register, and a migrated SQLite ledger."""
    return worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="fuzz").settings


@pytest.fixture
def postgres_settings(worlds: WorldFactory, tmp_path: Path, postgres_databases: PostgresLedgers) -> Settings:
    """The same with the ledger on PostgreSQL."""
    return worlds.copy(
        PREPARED, tmp_path, backend=postgres_databases, holder_key=TEST_KEY, actor="fuzz"
    ).settings


def _csv(table: Sequence[Sequence[str]]) -> bytes:
    return csv_text(table, line_ending="\n", quoting=csv.QUOTE_MINIMAL).encode()


def _state(settings: Settings) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Row counts (the rejected exchanges apart), the files under returns/ and review/, and every rejection."""
    engine = create_ledger_engine(settings.ledger_url())
    try:
        with ledger_session(engine) as session:
            counts = {
                model.__tablename__: int(
                    session.execute(select(func.count()).select_from(model)).scalar_one()
                )
                for model in TABLES
            }
            # the agreement version is recorded (once) before the batch is even read: not the batch's doing
            audit = select(func.count()).where(AuditEvent.action != "agreement-recorded")
            counts["audit_events"] = int(session.execute(audit).scalar_one())
            exchanges = session.execute(select(Exchange.state, Exchange.rejection)).all()
    finally:
        engine.dispose()
    counts["exchanges"] = sum(1 for state, _ in exchanges if state != "rejected")
    files = {**folder_listing(settings.returns_path()), **folder_listing(settings.review_path())}
    return counts, files, [rejection or "" for state, rejection in exchanges if state == "rejected"]


def _check_run(settings: Settings, data: bytes, *, purpose: str = PURPOSE, month: str = MONTH) -> None:
    batch = settings.data_dir.parent / f"batch-{len(list(settings.data_dir.parent.iterdir()))}.csv"
    batch.write_bytes(data)
    counts, files, rejections = _state(settings)
    try:
        with engine_of(settings) as engine:
            run_exchange(
                settings,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=purpose,
                batch=batch,
                month=month,
                now=NOW,
            )
    except Exception as error:  # noqa: BLE001 — the property says which exceptions may come out
        tally(f"refused: {type(error).__name__}")
        check_refusal(error, file=str(batch) if purpose == PURPOSE and month == MONTH else "")
        after_counts, after_files, after_rejections = _state(settings)
        assert after_files == files, "a refused batch left files behind"
        assert after_counts == {**counts, "audit_events": after_counts["audit_events"]}, "a partial write"
        new = after_rejections[len(rejections) :]
        assert len(new) <= 1 and after_counts["audit_events"] - counts["audit_events"] == len(new)
        assert not any(MARKER.casefold() in text.casefold() for text in new), "a value reached the ledger"
        return
    tally("returned")
    after_counts, after_files, _ = _state(settings)
    assert after_counts["exchanges"] == counts["exchanges"] + 1
    assert len(after_files) > len(files)


@fuzz_settings(0.2)
@given(data=st.data())
def test_hostile_batches(
    exchange_settings: Settings,
    batch_shape: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]],
    data: st.DataObject,
) -> None:
    columns, rows = batch_shape
    _check_run(exchange_settings, data.draw(csv_files(columns, rows, FREE_TEXT)))


def _with_request_id(shape: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], request_id: str) -> bytes:
    columns, rows = shape
    good = [list(row) for row in rows[:3]]
    good[0][0] = request_id
    return _csv([list(columns), *good])


@pytest.mark.postgres
def test_what_postgresql_cannot_store_is_refused_before_matching(
    postgres_settings: Settings, batch_shape: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
) -> None:
    """SQLite stores a 180-character id, a NUL or a 65-character purpose; PostgreSQL refuses them, and used to
    fail the whole run with a DataError after matching. Each is refused as bad input first, on both."""
    _check_run(postgres_settings, _with_request_id(batch_shape, MARKER * 20))
    _check_run(postgres_settings, _with_request_id(batch_shape, f"R\x00{MARKER}"))
    good = _with_request_id(batch_shape, "R1")
    for purpose in ("p" * 65, f"{PURPOSE}\x00", "x" * 10_000):
        _check_run(postgres_settings, good, purpose=purpose)
    _check_run(postgres_settings, good)  # and then the batch runs


@fuzz_settings(0.2)
@given(
    purpose=st.one_of(st.just(PURPOSE), st.text(max_size=80), st.just("p" * 65), st.just(f"{PURPOSE}\x00")),
    month=st.one_of(
        st.just(MONTH), st.sampled_from(("2019-2", " 2019-02", "2019-02\n", "0000-00", "99999-01"))
    ),
)
def test_hostile_options(
    exchange_settings: Settings,
    batch_shape: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]],
    purpose: str,
    month: str,
) -> None:
    columns, rows = batch_shape
    _check_run(exchange_settings, _csv([list(columns), *rows[:2]]), purpose=purpose, month=month)
