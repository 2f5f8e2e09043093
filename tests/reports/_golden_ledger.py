"""A fixed small ledger for the report tests: two agreement versions, three months, a rejected batch, outcome
events including a superseded one. Built straight from the models, like tests/_ledger_rows.py.

    January   v1.0   received 40, matched 12, review 3; 14 returned
    February  v2.0   received 25, matched 5, review 1; 5 returned — and a rejected batch of 6 (received, no match)
    March     v2.0   received 60, matched 20, review 2; 21 returned

January: 11 contact re-established (10 of them shared with police); one not located, corrected to an enforced
removal (2 children, 1 other family member); two with no result (one had a home visit). February: all five
leave granted. March: 12 no further action (one with a letter), 9 unknown; all 21 shared with Border Force.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, Organisation, OutcomeEvent

from .._ledger_rows import add_disclosure

MONTHS = ("2019-01", "2019-02", "2019-03")
GENERATED_AT = datetime(2019, 7, 1, 9, 0, tzinfo=UTC)


def _document(version: str, *, title: str, valid_from: date, valid_to: date | None) -> dict[str, Any]:
    return {
        "id": "ho-dfe-test",
        "version": version,
        "title": title,
        "parties": {
            "holder": {"id": "dfe", "name": "Department for Education"},
            "requester": {"id": "home-office", "name": "Home Office"},
        },
        "legal_basis": None,
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "purposes": [{"code": "reestablish-contact", "text": "Re-establish contact with families."}],
        "request_fields": ["request_id", "forename", "surname", "dob", "postcode"],
        "return_fields": ["forename", "surname", "address", "school_name"],
        "retention_days": 90,
        "onward_recipients": ["police", "border_force"],
        "outcome_reporting_window_days": 90,
        "provenance": {
            "legal_basis": {"status": "unknown", "note": "Not public."},
            "retention_days": {"status": "assumed", "note": "sharelog's working value."},
        },
    }


def add_version(
    session: Session, version: str, *, valid_from: date, valid_to: date | None, title: str
) -> AgreementVersion:
    for org_id, name, kind in [
        ("dfe", "Department for Education", "holder"),
        ("home-office", "Home Office", "requester"),
    ]:
        if session.get(Organisation, org_id) is None:
            session.add(Organisation(id=org_id, name=name, kind=kind))
    session.flush()
    row = AgreementVersion(
        agreement_id="ho-dfe-test",
        version=version,
        title=title,
        holder_id="dfe",
        requester_id="home-office",
        valid_from=valid_from,
        valid_to=valid_to,
        checksum=version.replace(".", "") * 32,
        document=_document(version, title=title, valid_from=valid_from, valid_to=valid_to),
    )
    session.add(row)
    session.flush()
    return row


def add_batch(
    session: Session,
    agreement: AgreementVersion,
    *,
    month: str,
    received: int,
    matched: int,
    review: int,
    state: str = "returned",
) -> Exchange:
    at = datetime(int(month[:4]), int(month[5:]), 10, 10, 0, tzinfo=UTC)
    exchange = Exchange(
        reference=f"EX-{month}-{state[:3]}{received:05d}",
        agreement_pk=agreement.id,
        purpose_code="reestablish-contact",
        month=month,
        received_at=at,
        completed_at=at,
        input_checksum=f"{received:064x}",
        state=state,
        n_received=received,
        n_matched=matched,
        n_review=review,
        n_no_match=received - matched - review,
        n_returned=0,
        submitted_by="test",
    )
    session.add(exchange)
    session.flush()
    return exchange


def returned(session: Session, exchange: Exchange, count: int) -> list[Disclosure]:
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


def event(
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
    returned_on = disclosure.returned_at.date()
    row = OutcomeEvent(
        disclosure_id=disclosure.id,
        kind=kind,
        code=code,
        event_date=returned_on + timedelta(days=day),
        recorded_by="Test Caseworker",
        children_affected=children,
        family_members_affected=family,
        note=note,
        supersedes_id=supersedes.id if supersedes is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def build_golden_ledger(session: Session, *, title: str = "Test agreement (version 1)") -> None:
    """The ledger the module docstring describes."""
    first = add_version(session, "1.0", valid_from=date(2019, 1, 1), valid_to=date(2019, 2, 14), title=title)
    second = add_version(
        session, "2.0", valid_from=date(2019, 2, 15), valid_to=None, title="Test agreement (version 2)"
    )

    january = returned(
        session, add_batch(session, first, month="2019-01", received=40, matched=12, review=3), 14
    )
    for n, disclosure in enumerate(january[:11]):
        event(session, disclosure, "use", "contact_attempt", day=2)
        if n < 10:
            event(session, disclosure, "onward_share", "police", day=5)
        event(session, disclosure, "result", "contact_reestablished", day=30)
    wrong = event(session, january[11], "result", "not_located", day=25)
    event(session, january[11], "result", "enforced_removal", day=26, children=2, family=1, supersedes=wrong)
    event(session, january[12], "intervention", "home_visit", day=8)

    february = add_batch(session, second, month="2019-02", received=25, matched=5, review=1)
    for disclosure in returned(session, february, 5):
        event(session, disclosure, "result", "leave_granted", day=40)
    add_batch(session, second, month="2019-02", received=6, matched=0, review=0, state="rejected")

    march = returned(
        session, add_batch(session, second, month="2019-03", received=60, matched=20, review=2), 21
    )
    for n, disclosure in enumerate(march):
        event(session, disclosure, "onward_share", "border_force", day=3)
        if n < 12:
            event(session, disclosure, "result", "no_further_action", day=15)
    event(session, march[0], "intervention", "letter", day=10)
