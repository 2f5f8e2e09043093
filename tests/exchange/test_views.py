"""Reading exchanges as one organisation: only those of agreements it is party to; return files while kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sharelog.errors import NotFound
from sharelog.exchange import exchange_for, exchanges_for, return_file_for
from sharelog.ledger import ledger_session
from sharelog.ledger.models import Exchange, ReturnFile

from ..worlds import JANUARY


@pytest.fixture
def golden(golden_sqlite: Engine) -> Engine:
    return golden_sqlite


def _return_file(session: Session, *, kind: str, deleted: bool = False) -> None:
    exchange = session.execute(select(Exchange).where(Exchange.reference == JANUARY)).scalar_one()
    session.add(
        ReturnFile(
            exchange_id=exchange.id,
            kind=kind,
            path=f"returns/{JANUARY}.{kind}.csv",
            checksum="c" * 64,
            rows=14,
            retention_until=date(2019, 4, 11),
            deleted_at=datetime(2019, 4, 12, tzinfo=UTC) if deleted else None,
        )
    )
    session.flush()


@pytest.mark.parametrize("organisation", ["dfe", "home-office"])
def test_both_parties_see_every_exchange_latest_month_first(golden: Engine, organisation: str) -> None:
    with ledger_session(golden) as session:
        exchanges = exchanges_for(session, organisation_id=organisation)
    assert [e.month for e in exchanges] == ["2019-03", "2019-02", "2019-02", "2019-01"]
    january = exchanges[-1]
    assert (january.reference, january.agreement_id, january.agreement_version) == (
        JANUARY,
        "ho-dfe-test",
        "1.0",
    )
    assert (january.counts.received, january.counts.matched, january.counts.returned) == (40, 12, 14)


def test_another_organisation_sees_nothing_and_finds_nothing(golden: Engine, tmp_path: Path) -> None:
    with ledger_session(golden) as session:
        assert exchanges_for(session, organisation_id="dwp") == []
        with pytest.raises(NotFound, match="your organisation is party to"):
            exchange_for(session, organisation_id="dwp", reference=JANUARY)
        with pytest.raises(NotFound):
            return_file_for(session, organisation_id="dwp", reference=JANUARY, data_dir=tmp_path)


def test_one_month(golden: Engine) -> None:
    with ledger_session(golden) as session:
        february = exchanges_for(session, organisation_id="dfe", month="2019-02")
    assert sorted(e.state for e in february) == ["rejected", "returned"]


def test_the_detail_leaves_file_paths_out_when_asked(golden: Engine) -> None:
    with ledger_session(golden) as session:
        _return_file(session, kind="main")
        full = exchange_for(session, organisation_id="home-office", reference=JANUARY)
        counts_only = exchange_for(session, organisation_id="dfe", reference=JANUARY, with_file_paths=False)
    assert (full.holder, full.requester) == ("dfe", "home-office")
    assert [f.path for f in full.return_files] == [f"returns/{JANUARY}.main.csv"]
    assert [f.path for f in counts_only.return_files] == [None]
    assert counts_only.return_files[0].retention_until == date(2019, 4, 11)


def test_a_return_file_while_kept_and_not_after(golden: Engine, tmp_path: Path) -> None:
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / f"{JANUARY}.main.csv").write_text("request_id\n", encoding="utf-8")
    with ledger_session(golden) as session:
        _return_file(session, kind="main")
        _return_file(session, kind="supplementary", deleted=True)
        path = return_file_for(session, organisation_id="home-office", reference=JANUARY, data_dir=tmp_path)
        assert path == tmp_path / "returns" / f"{JANUARY}.main.csv"
        with pytest.raises(NotFound, match="deleted under the retention rule on 2019-04-12"):
            return_file_for(
                session,
                organisation_id="home-office",
                reference=JANUARY,
                data_dir=tmp_path,
                kind="supplementary",
            )
        with pytest.raises(NotFound, match="has no main return file"):
            return_file_for(
                session, organisation_id="dfe", reference="EX-2019-03-ret00060", data_dir=tmp_path
            )
