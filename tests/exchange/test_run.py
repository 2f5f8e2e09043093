"""End to end on a small register: the ledger and the files tell the same story, and only what is permitted
leaves — and bad batches, duplicates and crashes leave the ledger whole."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from sharelog.agreements import agreement_in_force
from sharelog.cli import app
from sharelog.errors import Conflict, ValidationFailed
from sharelog.exchange import run_exchange, subject_key
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import Disclosure, Exchange, RequestOutcome, ReturnFile, ReviewItem
from sharelog.settings import Settings

from ..worlds import AGREEMENT, PREPARED, PURPOSE, SMALL, TEST_KEY, RegisterWorld, WorldFactory, engine_of

runner = CliRunner()


@pytest.fixture
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture
def exchange_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    return worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="tester").settings


@pytest.fixture
def engine(exchange_settings: Settings) -> Iterator[Engine]:
    with engine_of(exchange_settings) as engine:
        yield engine


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ledger(settings: Settings):  # type: ignore[no-untyped-def]
    return create_ledger_engine(settings.ledger_url())


def test_ledger_counts_equal_the_files(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine
) -> None:
    result = run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-02"],
        month="2019-02",
    )
    returned = _rows(result.return_file)
    batch = _rows(world.batches["2019-02"])
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange)).scalar_one()
        outcomes = session.execute(select(RequestOutcome)).scalars().all()
        disclosures = session.execute(select(Disclosure)).scalars().all()
        reviews = session.execute(select(func.count()).select_from(ReviewItem)).scalar_one()
        files = session.execute(select(ReturnFile)).scalars().all()
        chain = verify_audit_chain(session)
    assert exchange.n_received == len(batch) == len(outcomes)
    assert exchange.n_matched == len(returned) == len(disclosures) == exchange.n_returned
    assert exchange.n_review == reviews == sum(1 for o in outcomes if o.match_class == "review")
    assert exchange.n_matched + exchange.n_review + exchange.n_no_match == exchange.n_received
    assert {o.request_ref for o in outcomes} == {row["request_id"] for row in batch}
    assert {d.request_ref for d in disclosures} == {row["request_id"] for row in returned}
    assert [f.path for f in files] == [f"returns/{result.reference}.csv"]
    assert files[0].rows == len(returned)
    assert exchange.state == ("awaiting_review" if reviews else "returned")
    assert chain.ok


def test_return_file_holds_only_permitted_fields(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine
) -> None:
    result = run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-02"],
        month="2019-02",
    )
    agreement = agreement_in_force(
        AGREEMENT, on=__import__("datetime").date(2019, 2, 1), directory=exchange_settings.agreements_path()
    )
    header = result.return_file.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["request_id", "match_probability"]
    assert set(header[2:]) <= set(agreement.return_fields)
    assert "pupil_id" not in header and "dob" not in header


def test_ledger_holds_no_names_dates_or_postcodes(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine
) -> None:
    run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-01"],
        month="2019-01",
    )
    ledger = _ledger(exchange_settings)
    with ledger.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ledger.dispose()
    database = (exchange_settings.data_dir / "ledger.db").read_bytes()
    batch = _rows(world.batches["2019-01"])
    register = {row["pupil_id"] for row in _rows(world.register)}
    for row in batch:
        for field in ("surname", "postcode", "dob"):
            value = row[field]
            if value and len(value) >= 5:
                assert value.encode() not in database, f"{field} of a request found in the ledger"
    for pupil_id in list(register)[:500]:
        assert pupil_id.encode() not in database


def test_subject_key_is_hmac_of_pupil_id(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine
) -> None:
    run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-02"],
        month="2019-02",
    )
    with ledger_session(engine) as session:
        keys = set(session.execute(select(Disclosure.subject_key)).scalars())
    registered = [row["pupil_id"] for row in _rows(world.register)]
    assert keys <= {subject_key(p, key=TEST_KEY.encode()) for p in registered}


def test_bad_rows_write_nothing_but_the_refusal(
    world: RegisterWorld, exchange_settings: Settings, tmp_path: Path
) -> None:
    rows = _rows(world.batches["2019-03"])
    rows[3]["dob"] = "2012-02-30"
    rows[7]["request_id"] = rows[6]["request_id"]
    rows[9]["dob"] = "next year"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(
        app,
        [
            "exchange",
            "run",
            "--agreement",
            AGREEMENT,
            "--purpose",
            PURPOSE,
            "--batch",
            str(bad),
            "--month",
            "2019-03",
        ],
        obj=exchange_settings,
    )
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith("Error: ") and errors[0].endswith("(and 2 more problems)")
    assert [line.split(": ", 1)[0] for line in errors[1:]] == [
        f"  - {bad}, row 5, field 'dob'",
        f"  - {bad}, row 9, field 'request_id'",
        f"  - {bad}, row 11, field 'dob'",
    ]
    engine = _ledger(exchange_settings)
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange)).scalar_one()
        outcomes = session.execute(select(func.count()).select_from(RequestOutcome)).scalar_one()
        disclosures = session.execute(select(func.count()).select_from(Disclosure)).scalar_one()
    engine.dispose()
    assert exchange.state == "rejected" and exchange.n_invalid == 3
    assert outcomes == disclosures == 0
    assert (
        not any((exchange_settings.data_dir / "returns").glob("*"))
        if (exchange_settings.data_dir / "returns").exists()
        else True
    )


def test_a_field_the_agreement_refuses_is_named(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    rows = _rows(world.batches["2019-03"])
    with_nationality = tmp_path / "nationality.csv"
    with with_nationality.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "nationality"])
        writer.writeheader()
        writer.writerows({**row, "nationality": "X"} for row in rows)
    with pytest.raises(ValidationFailed, match="field 'nationality': ho-dfe-2019-update v1.0 does not let"):
        run_exchange(
            exchange_settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=with_nationality,
            month="2019-03",
        )


@pytest.mark.parametrize(
    ("purpose", "month", "match"),
    [
        ("deport-everyone", "2019-03", "'deport-everyone' is not a purpose of ho-dfe-2019-update"),
    ],
)
def test_purpose_must_be_the_agreements(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine, purpose: str, month: str, match: str
) -> None:
    with pytest.raises(ValidationFailed, match=match):
        run_exchange(
            exchange_settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=purpose,
            batch=world.batches["2019-03"],
            month=month,
        )


def test_same_batch_twice_is_refused_unless_rerun(
    world: RegisterWorld, exchange_settings: Settings, engine: Engine
) -> None:
    first = run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-01"],
        month="2019-01",
    )
    with pytest.raises(Conflict, match=f"already run as exchange {first.reference}"):
        run_exchange(
            exchange_settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=world.batches["2019-01"],
            month="2019-01",
        )
    again = run_exchange(
        exchange_settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-01"],
        month="2019-01",
        rerun=True,
    )
    assert again.rerun_of == first.reference


def test_no_key_no_exchange(world: RegisterWorld, exchange_settings: Settings) -> None:
    keyless = exchange_settings.model_copy(update={"holder_key": None})
    result = runner.invoke(
        app,
        [
            "exchange",
            "run",
            "--agreement",
            AGREEMENT,
            "--purpose",
            PURPOSE,
            "--batch",
            str(world.batches["2019-01"]),
            "--month",
            "2019-01",
        ],
        obj=keyless,
    )
    assert result.exit_code == 2
    assert "no holder key" in result.stderr


CRASH_POINTS = ["after-files-written", "before-ledger-commit", "after-ledger-commit"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_exchange_leaves_all_or_nothing_and_rerun_completes(
    world: RegisterWorld, exchange_settings: Settings, point: str
) -> None:
    env = {
        **os.environ,
        "SHARELOG_DATA_DIR": str(exchange_settings.data_dir),
        "SHARELOG_HOLDER_KEY": TEST_KEY,
        "SHARELOG_CRASH_AT": point,
    }
    args = [
        sys.executable,
        "-m",
        "sharelog",
        "exchange",
        "run",
        "--agreement",
        AGREEMENT,
        "--purpose",
        PURPOSE,
        "--batch",
        str(world.batches["2019-02"]),
        "--month",
        "2019-02",
    ]
    killed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    assert killed.returncode == -9, killed.stderr
    engine = _ledger(exchange_settings)
    with ledger_session(engine) as session:
        exchanges = session.execute(select(Exchange)).scalars().all()
        disclosures = session.execute(select(func.count()).select_from(Disclosure)).scalar_one()
    engine.dispose()
    returns = exchange_settings.data_dir / "returns"
    finals = sorted(p.name for p in returns.glob("EX-*.csv")) if returns.exists() else []
    if point == "after-ledger-commit":
        assert len(exchanges) == 1 and disclosures == exchanges[0].n_returned
        assert finals == []  # committed, file still partial: the next run completes it
    else:
        assert exchanges == [] and disclosures == 0 and finals == []
    env.pop("SHARELOG_CRASH_AT")
    rerun = subprocess.run(
        [*args, *(["--rerun"] if exchanges else [])], env=env, capture_output=True, text=True, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    engine = _ledger(exchange_settings)
    with ledger_session(engine) as session:
        paths = set(session.execute(select(ReturnFile.path)).scalars())
        chain = verify_audit_chain(session)
    engine.dispose()
    on_disk = {f"returns/{p.name}" for p in returns.glob("EX-*.csv")}
    assert paths == on_disk and paths
    assert not list(returns.glob(".*.partial"))
    assert chain.ok
