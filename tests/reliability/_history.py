"""The world the kills happen in: a small prepared register and its batches, an empty ledger for ``exchange
run``, and a history of real 2019 exchanges — return files, review files and disclosures, all past their 90-day
retention — for ``outcomes import`` and ``retention apply``, with an outcomes file about every disclosure."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from sharelog.exchange import run_exchange
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import Disclosure, Exchange
from sharelog.settings import Settings

from ..worlds import AGREEMENT, EMPTY, PURPOSE, TEST_KEY, RegisterWorld, engine_of
from ._ledgers import Ledgers, Template

MONTHS = ("2019-01", "2019-02", "2019-03")
CHUNKS_PER_MONTH = 4  # twelve exchanges in the history: more files for retention to delete one by one
OUTCOME_ROWS = (("use", "contact_attempt", 3), ("onward_share", "police", 10), ("result", "not_located", 30))


@dataclass(frozen=True)
class World:
    """The prepared register, the batch ``exchange run`` is killed on, the history's batches and the key file."""

    prepared: Path
    batch: Path
    month: str
    history_batches: tuple[tuple[str, Path], ...]
    key_file: Path


def build_reliability_world(folder: Path, register: RegisterWorld) -> World:
    """The suite's small register (1,500 pupils and 240 requests over three months: each run is quick)."""
    assert register.prepared is not None
    key_file = folder / "holder.key"
    key_file.write_text(TEST_KEY, encoding="utf-8")
    return World(
        prepared=register.prepared,
        batch=register.batches["2019-02"],
        month="2019-02",
        history_batches=tuple(_chunks(register, folder)),
        key_file=key_file,
    )


def _chunks(world: RegisterWorld, folder: Path) -> list[tuple[str, Path]]:
    """Each month's batch cut into ``CHUNKS_PER_MONTH`` smaller batches (a header on each)."""
    chunks = []
    for month in MONTHS:
        lines = world.batches[month].read_text(encoding="utf-8").splitlines(keepends=True)
        header, rows = lines[0], lines[1:]
        size = -(-len(rows) // CHUNKS_PER_MONTH)
        for number, start in enumerate(range(0, len(rows), size), start=1):
            chunk = folder / f"history-{month}-{number}.csv"
            chunk.write_text(header + "".join(rows[start : start + size]), encoding="utf-8")
            chunks.append((month, chunk))
    return chunks


def empty_template(ledgers: Ledgers, folder: Path) -> Template:
    """A migrated ledger with nothing in it, and an empty data folder."""
    url = ledgers.empty()
    EMPTY.build(Settings(data_dir=folder / "data", database_url=url, agreements_dir=None))
    return Template(url, folder / "data")


def history_template(ledgers: Ledgers, world: World, folder: Path) -> Template:
    """Real exchanges run in this process with their 2019 dates, so that today everything is past retention."""
    template = empty_template(ledgers, folder)
    settings = Settings(
        data_dir=template.data_dir,
        database_url=template.ledger_url,
        register_dir=world.prepared,
        holder_key=TEST_KEY,
        actor="reliability-history",
    )
    with engine_of(settings) as engine:
        for number, (month, batch) in enumerate(world.history_batches):
            returned = datetime.fromisoformat(f"{month}-05T10:00:00").replace(tzinfo=UTC) + timedelta(
                hours=number
            )
            run_exchange(
                settings,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=PURPOSE,
                batch=batch,
                month=month,
                now=returned,
            )
    return template


@dataclass(frozen=True)
class History:
    """The 2019 history's template and an outcomes file about its disclosures."""

    template: Template
    outcomes_file: Path
    outcome_rows: int


def build_history(ledgers: Ledgers, world: World, folder: Path) -> History:
    template = history_template(ledgers, world, folder)
    outcomes = folder / "outcomes-2019.csv"
    return History(template, outcomes, write_outcomes_file(template, outcomes))


def write_outcomes_file(template: Template, path: Path) -> int:
    """An outcomes file with a use, an onward share and a result about every disclosure; how many rows."""
    engine = create_ledger_engine(template.ledger_url)
    try:
        with ledger_session(engine) as session:
            disclosures = session.execute(
                select(Exchange.reference, Disclosure.request_ref, Disclosure.returned_at)
                .join(Exchange, Exchange.id == Disclosure.exchange_id)
                .order_by(Disclosure.id)
            ).all()
    finally:
        engine.dispose()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["exchange_id", "request_id", "kind", "code", "date"])
        for exchange, request, returned_at in disclosures:
            for kind, code, days in OUTCOME_ROWS:
                writer.writerow([exchange, request, kind, code, (returned_at + timedelta(days=days)).date()])
    return len(disclosures) * len(OUTCOME_ROWS)
