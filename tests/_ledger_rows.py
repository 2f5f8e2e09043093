"""Ledger rows built straight from the models, for tests of outcomes, subject access and retention.

Tiny and explicit: an organisation pair, one agreement version whose document carries the terms these features
read (onward recipients, outcome-reporting window, retention), exchanges, disclosures and return files.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sharelog.exchange import subject_key
from sharelog.ledger import upgrade
from sharelog.ledger.models import (
    AgreementVersion,
    AuditEvent,
    Disclosure,
    Exchange,
    Organisation,
    ReturnFile,
    ReviewItem,
)

TEST_KEY = b"test-holder-key-0123456789abcdef"
RETURNED_AT = datetime(2019, 3, 4, 10, 30, tzinfo=UTC)  # returned on 2019-03-04
WINDOW_DAYS = 90  # so an outcome is due by 2019-06-02 and overdue from 2019-06-03
DUE_ON = date(2019, 6, 2)
PERMITTED = ("police", "border_force", "local_authority")


def migrated(engine: Engine) -> Engine:
    upgrade(engine)
    return engine


def add_agreement(
    session: Session,
    *,
    onward: tuple[str, ...] = PERMITTED,
    window: int | None = WINDOW_DAYS,
    version: str = "1.0",
) -> AgreementVersion:
    for org_id, name, kind in [
        ("dfe", "Department for Education", "holder"),
        ("home-office", "Home Office", "requester"),
    ]:
        if session.get(Organisation, org_id) is None:
            session.add(Organisation(id=org_id, name=name, kind=kind))
    session.flush()
    document: dict[str, object] = {
        "id": "ho-dfe-test",
        "version": version,
        "onward_recipients": list(onward),
        "retention_days": 90,
    }
    if window is not None:
        document["outcome_reporting_window_days"] = window
    agreement = AgreementVersion(
        agreement_id="ho-dfe-test",
        version=version,
        title="Test agreement",
        holder_id="dfe",
        requester_id="home-office",
        valid_from=date(2019, 1, 1),
        valid_to=None,
        checksum="a" * 64,
        document=document,
    )
    session.add(agreement)
    session.flush()
    return agreement


def add_exchange(
    session: Session,
    agreement: AgreementVersion,
    *,
    reference: str = "EX-2019-03-1a2b3c4d",
    month: str = "2019-03",
    received_at: datetime = RETURNED_AT,
    state: str = "returned",
    n_review: int = 0,
) -> Exchange:
    exchange = Exchange(
        reference=reference,
        agreement_pk=agreement.id,
        purpose_code="reestablish-contact",
        month=month,
        received_at=received_at,
        completed_at=received_at,
        input_checksum="b" * 64,
        state=state,
        n_received=3,
        n_matched=2,
        n_review=n_review,
        n_no_match=1,
        n_returned=2,
        submitted_by="test",
    )
    session.add(exchange)
    session.flush()
    return exchange


def add_disclosure(
    session: Session,
    exchange: Exchange,
    *,
    request_ref: str,
    pupil_id: str = "P0000001",
    returned_at: datetime = RETURNED_AT,
    retention_until: date = DUE_ON,
) -> Disclosure:
    disclosure = Disclosure(
        exchange_id=exchange.id,
        request_ref=request_ref,
        subject_key=subject_key(pupil_id, key=TEST_KEY),
        fields_returned=["forename", "school_name"],
        match_probability=0.999,
        returned_at=returned_at,
        retention_until=retention_until,
        return_file_ref=f"returns/{exchange.reference}.csv",
    )
    session.add(disclosure)
    session.flush()
    return disclosure


def add_review_item(session: Session, exchange: Exchange, *, request_ref: str, pupil_id: str) -> ReviewItem:
    item = ReviewItem(
        exchange_id=exchange.id,
        request_ref=request_ref,
        subject_key=subject_key(pupil_id, key=TEST_KEY),
        match_probability=0.9,
        reason="close second candidate",
    )
    session.add(item)
    session.flush()
    return item


def add_return_file(
    session: Session,
    exchange: Exchange,
    *,
    data_dir: Path,
    retention_until: date,
    kind: str = "main",
    content: bytes = b"request_id,match_probability\nR1,0.999\n",
) -> ReturnFile:
    """A return file row, and the file itself under ``data_dir``."""
    suffix = ".csv" if kind == "main" else ".supplementary.csv"
    relative = f"returns/{exchange.reference}{suffix}"
    path = data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    row = ReturnFile(
        exchange_id=exchange.id,
        kind=kind,
        path=relative,
        checksum=hashlib.sha256(content).hexdigest(),
        rows=content.count(b"\n") - 1,
        retention_until=retention_until,
    )
    session.add(row)
    session.flush()
    return row


def audit_count(session: Session, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return int(session.execute(query).scalar_one())


def audit_details(session: Session, action: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).scalars()
    return [row.detail for row in rows]
