"""Ledger rows written straight from the models: organisations, agreement versions, exchanges, disclosures,
review items, return files and outcome events — tiny and explicit, for the tests of what reads them.

Every ledger the tests build out of rows (the outcomes ledger, the golden report ledger, the FOI ledgers…) is
made of these; a real exchange run is :meth:`LedgerWorld.with_exchanges`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

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
    OutcomeEvent,
    ReturnFile,
    ReviewItem,
)

TEST_KEY = "test-holder-key-0123456789abcdef"  # the holder key of every test world (SHARELOG_HOLDER_KEY)
TEST_KEY_BYTES = TEST_KEY.encode()
RETURNED_AT = datetime(2019, 3, 4, 10, 30, tzinfo=UTC)  # returned on 2019-03-04
WINDOW_DAYS = 90  # so an outcome is due by 2019-06-02 and overdue from 2019-06-03
DUE_ON = date(2019, 6, 2)
PERMITTED = ("police", "border_force", "local_authority")
AGREEMENT_ID = "ho-dfe-test"
EXCHANGE_REFERENCE = "EX-2019-03-1a2b3c4d"  # the exchange a world of rows returns its records from
PURPOSE = "reestablish-contact"

# the organisations a test ledger may name: id → (name, kind); any other id is an onward recipient
ORGANISATIONS = {
    "dfe": ("Department for Education", "holder"),
    "home-office": ("Home Office", "requester"),
    "northshire": ("Northshire County Council", "requester"),
    "dwp": ("Department for Work and Pensions", "requester"),
}
FOI_ORGANISATION = "home-office"  # the 2020 request went to the Home Office


def migrated(engine: Engine, *, actor: str | None = None) -> Engine:
    """``engine``'s database brought to the head revision (``actor`` recorded as the one who migrated)."""
    if actor is None:
        upgrade(engine)
    else:
        upgrade(engine, actor=actor)
    return engine


def add_organisation(
    session: Session, organisation_id: str = FOI_ORGANISATION, *, kind: str | None = None
) -> str:
    """``organisation_id``, added to the ledger if it is not there yet (as the agreements would add it)."""
    if session.get(Organisation, organisation_id) is None:
        name, known_kind = ORGANISATIONS.get(
            organisation_id, (organisation_id.replace("-", " ").title(), "recipient")
        )
        session.add(Organisation(id=organisation_id, name=name, kind=kind or known_kind))
        session.flush()
    return organisation_id


def agreement_document(
    agreement_id: str,
    version: str,
    *,
    requester: str,
    title: str,
    valid_from: date,
    valid_to: date | None,
    onward: tuple[str, ...],
    window: int | None,
) -> dict[str, Any]:
    """The terms of a test agreement with the DfE as an agreement file would give them."""
    document: dict[str, Any] = {
        "id": agreement_id,
        "version": version,
        "title": title,
        "parties": {
            "holder": {"id": "dfe", "name": ORGANISATIONS["dfe"][0]},
            "requester": {"id": requester, "name": ORGANISATIONS[requester][0]},
        },
        "legal_basis": None,
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "purposes": [{"code": PURPOSE, "text": "Re-establish contact with families."}],
        "request_fields": ["request_id", "forename", "surname", "dob", "postcode"],
        "return_fields": ["forename", "surname", "address", "school_name"],
        "retention_days": 90,
        "onward_recipients": list(onward),
        "provenance": {
            "legal_basis": {"status": "unknown", "note": "Not public."},
            "retention_days": {"status": "assumed", "note": "sharelog's working value."},
        },
    }
    if window is not None:
        document["outcome_reporting_window_days"] = window
    return document


def add_agreement(
    session: Session,
    version: str = "1.0",
    *,
    valid_from: date = date(2019, 1, 1),
    valid_to: date | None = None,
    title: str = "Test agreement",
    onward: tuple[str, ...] = PERMITTED,
    window: int | None = WINDOW_DAYS,
    agreement_id: str = AGREEMENT_ID,
    requester: str = "home-office",
) -> AgreementVersion:
    """One version of a test agreement between the DfE and ``requester`` (both added if missing)."""
    for organisation_id in ("dfe", requester):
        add_organisation(session, organisation_id)
    agreement = AgreementVersion(
        agreement_id=agreement_id,
        version=version,
        title=title,
        holder_id="dfe",
        requester_id=requester,
        valid_from=valid_from,
        valid_to=valid_to,
        checksum=version.replace(".", "") * 32,
        document=agreement_document(
            agreement_id,
            version,
            requester=requester,
            title=title,
            valid_from=valid_from,
            valid_to=valid_to,
            onward=onward,
            window=window,
        ),
    )
    session.add(agreement)
    session.flush()
    return agreement


def add_exchange(
    session: Session,
    agreement: AgreementVersion,
    *,
    reference: str = EXCHANGE_REFERENCE,
    month: str = "2019-03",
    received_at: datetime = RETURNED_AT,
    state: str = "returned",
    received: int = 3,
    matched: int = 2,
    review: int = 0,
    returned: int | None = None,
) -> Exchange:
    """An exchange of ``received`` requests (``returned`` defaults to the matched ones)."""
    exchange = Exchange(
        reference=reference,
        agreement_pk=agreement.id,
        purpose_code=PURPOSE,
        month=month,
        received_at=received_at,
        completed_at=received_at,
        input_checksum=f"{received:064x}",
        state=state,
        n_received=received,
        n_matched=matched,
        n_review=review,
        n_no_match=received - matched - review,
        n_returned=matched if returned is None else returned,
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
    """One returned record of ``exchange`` about ``pupil_id``."""
    disclosure = Disclosure(
        exchange_id=exchange.id,
        request_ref=request_ref,
        subject_key=subject_key(pupil_id, key=TEST_KEY_BYTES),
        fields_returned=["forename", "school_name"],
        match_probability=0.999,
        returned_at=returned_at,
        retention_until=retention_until,
        return_file_ref=f"returns/{exchange.reference}.csv",
    )
    session.add(disclosure)
    session.flush()
    return disclosure


def add_returned_records(session: Session, exchange: Exchange, count: int) -> list[Disclosure]:
    """``count`` records returned the day after ``exchange`` came in, kept for 90 days."""
    at = exchange.received_at + timedelta(days=1)
    made = [
        add_disclosure(
            session,
            exchange,
            request_ref=f"HO-{exchange.month}-{n:05d}",
            pupil_id=f"P{exchange.month[5:]}{n:05d}",
            returned_at=at,
            retention_until=at.date() + timedelta(days=90),
        )
        for n in range(1, count + 1)
    ]
    exchange.n_returned = count
    session.flush()
    return made


def add_outcome_event(
    session: Session,
    disclosure: Disclosure,
    kind: str,
    code: str,
    *,
    day: int = 20,
    children: int | None = None,
    family: int | None = None,
    note: str | None = None,
    supersedes: OutcomeEvent | None = None,
) -> OutcomeEvent:
    """An outcome event ``day`` days after the record was returned (a row: no audit event)."""
    row = OutcomeEvent(
        disclosure_id=disclosure.id,
        kind=kind,
        code=code,
        event_date=disclosure.returned_at.date() + timedelta(days=day),
        recorded_by="Test Caseworker",
        children_affected=children,
        family_members_affected=family,
        note=note,
        supersedes_id=supersedes.id if supersedes is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def add_review_item(session: Session, exchange: Exchange, *, request_ref: str, pupil_id: str) -> ReviewItem:
    """A request of ``exchange`` waiting in the review band."""
    item = ReviewItem(
        exchange_id=exchange.id,
        request_ref=request_ref,
        subject_key=subject_key(pupil_id, key=TEST_KEY_BYTES),
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
    """How many audit events (of ``action``) the ledger holds."""
    query = select(func.count()).select_from(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return int(session.execute(query).scalar_one())


def audit_details(session: Session, action: str) -> list[dict[str, object]]:
    """The details of every ``action`` audit event, oldest first."""
    rows = session.execute(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).scalars()
    return [row.detail for row in rows]
