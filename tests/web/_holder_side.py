"""Helpers shared by the holder-side web tests: an account in an organisation that is party to no agreement,
return files for the golden ledger's January exchange, and the cells of a table."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from sharelog.accounts import add_user
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import Exchange, Organisation, ReturnFile
from sharelog.settings import Settings

from .conftest import PASSWORD

OUTSIDER_ORG = "dwp"
JANUARY = "EX-2019-01-ret00040"  # the golden ledger's January exchange: 40 received, 14 returned
REJECTED = "EX-2019-02-rej00006"


def add_outsider(settings: Settings, *, username: str, role: str, kind: str = "requester") -> str:
    """An account with ``role`` at an organisation with no agreement in the ledger; returns the username."""
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        if session.get(Organisation, OUTSIDER_ORG) is None:
            session.add(Organisation(id=OUTSIDER_ORG, name="Department for Work and Pensions", kind=kind))
            session.flush()
        add_user(
            session,
            username=username,
            display_name=username.title(),
            organisation_id=OUTSIDER_ORG,
            role=role,
            password=PASSWORD,
            actor="test",
        )
    engine.dispose()
    return username


def table_cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell of the table with this id, row by row (header row first)."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def add_return_files(settings: Settings) -> None:
    """January's main return file (kept, on disk) and a supplementary one deleted under the retention rule."""
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        exchange = session.execute(select(Exchange).where(Exchange.reference == JANUARY)).scalar_one()
        exchange.output_checksum = "c" * 64
        exchange.model_checksum = "d" * 64
        exchange.splink_version = "4.0.0"
        session.add_all(
            [
                ReturnFile(
                    exchange_id=exchange.id,
                    kind="main",
                    path=f"returns/{JANUARY}.csv",
                    checksum="c" * 64,
                    rows=14,
                    retention_until=date(2019, 4, 11),
                ),
                ReturnFile(
                    exchange_id=exchange.id,
                    kind="supplementary",
                    path=f"returns/{JANUARY}.supplementary.csv",
                    checksum="e" * 64,
                    rows=1,
                    retention_until=date(2019, 4, 11),
                    deleted_at=datetime(2019, 4, 12, 2, 0, tzinfo=UTC),
                ),
            ]
        )
    engine.dispose()
    (settings.data_dir / "returns").mkdir()
    (settings.data_dir / "returns" / f"{JANUARY}.csv").write_text("request_id,match_probability\n", "utf-8")
