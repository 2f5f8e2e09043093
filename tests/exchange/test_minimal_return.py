"""The minimal return, checked both ways, under every shipped agreement version that lets the holder return
anything: a return file holds exactly the agreement's return fields — every one of them, nothing else — however
much more the register holds, and the ledger's disclosures name the same fields.

The register here is the small synthetic one (tests/worlds) with columns no shipped version returns added —
``nationality`` (which the October 2016 MoU stopped returning), ethnicity, SEN status, free school meals — beside
those it already has and no version returns (``dob``, ``sex``, ``la_code``, ``census_date``). It is prepared once
for the module with the small world's model, so that it matches as that world does. A register without a column
the agreement names returns the others and says which it could not return (the 2015 MoU named nationality "once
collected", before the register held it).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from sharelog.agreements import Agreement, load_agreements
from sharelog.cli import app
from sharelog.exchange import ExchangeResult, decide, review_queue, run_exchange, subject_key
from sharelog.ledger import ledger_session
from sharelog.ledger.models import AuditEvent, Disclosure, Exchange, ReturnFile
from sharelog.linkage import prepare_register
from sharelog.settings import Settings, shipped_agreements_dir

from ..worlds import (
    EMPTY,
    PREPARED,
    REVIEW_MONTH,
    REVIEW_REQUESTS,
    SMALL,
    TEST_KEY,
    RegisterWorld,
    WorldFactory,
    engine_of,
)

runner = CliRunner()

SHIPPED = load_agreements(shipped_agreements_dir())
RETURNING = [agreement for agreement in SHIPPED if agreement.return_fields]
"""Every shipped version that lets the holder return anything (read from the agreements folder)."""
EXTRA_COLUMNS = ("nationality", "ethnicity", "sen_status", "fsm_eligible")
"""Columns added to the register: ``nationality`` is a field some versions return and others refuse; the rest
are pupil data no agreement may name at all."""
LEADING = ["request_id", "match_probability"]


def _label(agreement: Agreement) -> str:
    return f"{agreement.id}@{agreement.version}"


def _month(agreement: Agreement) -> str:
    """The version's first whole month: the exchange runs under the version in force on its first day."""
    start = agreement.valid_from
    if start.day != 1:
        start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    assert agreement.in_force_on(start), f"{_label(agreement)} is in force for no whole month"
    return f"{start:%Y-%m}"


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


@dataclass(frozen=True)
class WideRegister:
    """The small world's register with :data:`EXTRA_COLUMNS`, prepared; its rows by pupil id."""

    world: RegisterWorld
    prepared: Path
    columns: tuple[str, ...]
    pupils: dict[str, dict[str, str]]


def _with_extra_columns(source: Path, target: Path) -> Path:
    """``source`` with a value in each of :data:`EXTRA_COLUMNS` for every pupil, each its own (made from the
    pupil id, so that a value returned under the wrong pupil or the wrong field is seen)."""
    header, rows = _read_csv(source)
    assert not set(EXTRA_COLUMNS) & set(header), "the synthetic register already holds an added column"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*header, *EXTRA_COLUMNS])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **{c: f"{c} {row['pupil_id']}" for c in EXTRA_COLUMNS}})
    return target


@pytest.fixture(scope="module")
def wide(worlds: WorldFactory, tmp_path_factory: pytest.TempPathFactory) -> WideRegister:
    world = worlds.register(SMALL)
    assert world.prepared is not None
    folder = tmp_path_factory.mktemp("wide-register")
    register = _with_extra_columns(world.register, folder / "register.csv")
    prepared = folder / "prepared"
    prepare_register(register=register, out_dir=prepared, model=world.prepared / "model.json")
    header, rows = _read_csv(register)
    return WideRegister(world, prepared, tuple(header), {row["pupil_id"]: row for row in rows})


@pytest.fixture
def wide_settings(worlds: WorldFactory, wide: WideRegister, tmp_path: Path) -> Settings:
    """An empty ledger of this test's own, matching against the wide register (read, never written)."""
    copy = worlds.copy(EMPTY, tmp_path, holder_key=TEST_KEY, actor="tester", register_dir=wide.prepared)
    return copy.settings


@pytest.fixture
def engine(wide_settings: Settings) -> Iterator[Engine]:
    with engine_of(wide_settings) as engine:
        yield engine


def _run(settings: Settings, engine: Engine, agreement: Agreement, batch: Path) -> ExchangeResult:
    return run_exchange(
        settings,
        engine=engine,
        agreement_id=agreement.id,
        purpose=agreement.purpose_codes()[0],
        batch=batch,
        month=_month(agreement),
    )


def _exchange_record(engine: Engine, reference: str) -> tuple[list[Disclosure], dict[str, object]]:
    """The exchange's disclosures (with their return files) and its ``exchange-completed`` detail."""
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == reference)).scalar_one()
        disclosures = list(exchange.disclosures)
        detail = session.execute(
            select(AuditEvent.detail).where(
                AuditEvent.action == "exchange-completed", AuditEvent.object_id == reference
            )
        ).scalar_one()
        session.expunge_all()
    return disclosures, dict(detail)


def _check_return(
    path: Path, agreement: Agreement, wide: WideRegister, disclosures: list[Disclosure]
) -> list[dict[str, str]]:
    """The return file holds exactly the agreement's return fields, in its order, and each row holds the
    register's values of the pupil its disclosure names; the disclosures name the same fields."""
    header, rows = _read_csv(path)
    forbidden = set(wide.columns) - set(agreement.return_fields)
    assert not forbidden & set(header), f"returned what {_label(agreement)} does not permit"
    assert header == [*LEADING, *agreement.return_fields]
    assert rows, "nothing was returned: the check would prove nothing"
    assert {d.request_ref for d in disclosures} == {row["request_id"] for row in rows}
    assert all(d.fields_returned == list(agreement.return_fields) for d in disclosures)
    pupil_of = {subject_key(pupil, key=TEST_KEY.encode()): pupil for pupil in wide.pupils}
    returned = {row["request_id"]: row for row in rows}
    for disclosure in disclosures:
        pupil = wide.pupils[pupil_of[disclosure.subject_key]]
        row = returned[disclosure.request_ref]
        assert {f: row[f] for f in agreement.return_fields} == {f: pupil[f] for f in agreement.return_fields}
    return rows


def test_the_versions_return_nationality_and_refuse_it() -> None:
    """Among the shipped versions that return anything, some return nationality and some do not: the
    register's nationality column is put to both tests."""
    assert any("nationality" in a.return_fields for a in RETURNING)
    assert any("nationality" not in a.return_fields for a in RETURNING)


@pytest.mark.parametrize("agreement", RETURNING, ids=_label)
def test_a_return_holds_exactly_the_permitted_fields(
    agreement: Agreement, wide: WideRegister, wide_settings: Settings, engine: Engine
) -> None:
    result = _run(wide_settings, engine, agreement, wide.world.batches[REVIEW_MONTH])
    assert result.agreement == f"{agreement.id} v{agreement.version}"
    disclosures, detail = _exchange_record(engine, result.reference)
    rows = _check_return(result.return_file, agreement, wide, disclosures)
    assert result.counts["returned"] == len(rows)
    assert result.fields_returned == agreement.return_fields and result.fields_not_held == ()
    assert detail["fields_returned"] == list(agreement.return_fields) and detail["fields_not_held"] == []


@pytest.mark.parametrize("agreement", RETURNING, ids=_label)
def test_a_supplementary_return_holds_exactly_the_permitted_fields(
    agreement: Agreement, wide: WideRegister, wide_settings: Settings, engine: Engine
) -> None:
    """Accepting the review band returns the accepted requests with the same fields as the main return."""
    result = _run(wide_settings, engine, agreement, wide.world.batches[REVIEW_MONTH])
    with ledger_session(engine) as session:
        queue = [case.request_ref for case in review_queue(session, exchange=result.reference)]
    assert set(REVIEW_REQUESTS) <= set(queue), "the hand-made review cases did not reach the review band"
    for request in queue:
        decided = decide(
            wide_settings,
            engine=engine,
            exchange=result.reference,
            request_ref=request,
            accept=True,
            decided_by="A. Reviewer",
        )
    assert decided.remaining == 0 and decided.returned == len(queue)
    with ledger_session(engine) as session:
        supplementary = session.execute(
            select(ReturnFile.path).where(ReturnFile.kind == "supplementary")
        ).scalar_one()
    disclosures, _ = _exchange_record(engine, result.reference)
    mine = [d for d in disclosures if d.return_file_ref == supplementary]
    rows = _check_return(wide_settings.data_dir / supplementary, agreement, wide, mine)
    assert sorted(row["request_id"] for row in rows) == sorted(queue)


@pytest.fixture
def narrow_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """A ledger beside the small register as generated: every optional column but nationality."""
    return worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="tester").settings


def _lacking(world: RegisterWorld) -> list[tuple[Agreement, tuple[str, ...]]]:
    columns = set(_read_csv(world.register)[0])
    return [
        (agreement, tuple(f for f in agreement.return_fields if f not in columns))
        for agreement in RETURNING
        if not set(agreement.return_fields) <= columns
    ]


def test_a_field_the_register_lacks_is_not_returned_and_is_named(
    worlds: WorldFactory, narrow_settings: Settings
) -> None:
    """A version names a field the register has no column for (the 2015 MoU's nationality): the return holds the
    version's other fields, exactly, and the result, the command's output and the ledger name the one missing."""
    world = worlds.register(SMALL)
    lacking = _lacking(world)
    assert lacking, "every shipped version's return fields are in the small register: nothing to test"
    for agreement, missing in lacking:
        held = tuple(f for f in agreement.return_fields if f not in missing)
        args = ["exchange", "run", "--agreement", agreement.id, "--purpose", agreement.purpose_codes()[0]]
        invoked = runner.invoke(
            app,
            [*args, "--month", _month(agreement), "--batch", str(world.batches[REVIEW_MONTH])],
            obj=narrow_settings,
        )
        assert invoked.exit_code == 0, invoked.output
        assert f"not returned: {', '.join(missing)}" in invoked.stdout
        with engine_of(narrow_settings) as engine, ledger_session(engine) as session:
            exchange = session.execute(
                select(Exchange).where(Exchange.month == _month(agreement))
            ).scalar_one()
            path = narrow_settings.data_dir / str(exchange.return_file_ref)
            fields = {tuple(d.fields_returned) for d in exchange.disclosures}
            detail = session.execute(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "exchange-completed", AuditEvent.object_id == exchange.reference
                )
            ).scalar_one()
        header, rows = _read_csv(path)
        assert header == [*LEADING, *held] and rows
        assert fields == {held}
        assert detail["fields_returned"] == list(held) and detail["fields_not_held"] == list(missing)
