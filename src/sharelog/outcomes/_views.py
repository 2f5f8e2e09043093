"""What a requester's caseworker sees of the records returned to its organisation: a disclosure found by the
request reference it sent, one disclosure with its outcome history, and the outcomes still due.

Every function here takes the caseworker's ``organisation_id`` and answers only about disclosures made to it
(through an agreement naming it as the requester): another organisation's disclosure is not found, exactly as
one that does not exist. The routes of the web app and the API call these, never the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange
from sharelog.outcomes._record import disclosure_for, returned_on
from sharelog.outcomes._status import DisclosureOutcomes, OutcomeDue, due_on, outcome_history, outcomes_due

__all__ = [
    "DisclosureRecord",
    "DisclosureSummary",
    "OutcomesOverview",
    "disclosure_record",
    "find_disclosures",
    "outcomes_overview",
]

MAX_DUE_SHOWN = 200
"""The outcomes-due list is cut here (longest overdue first); the totals still count every one."""


@dataclass(frozen=True)
class DisclosureSummary:
    """One returned record as its requester sees it: where it came from, what was returned, until when."""

    id: int
    exchange: str
    exchange_month: str
    agreement: str
    """The agreement version it was returned under, e.g. ``ho-dfe-2019-update v1.0``."""
    request_ref: str
    returned_on: date
    fields_returned: tuple[str, ...]
    retention_until: date
    due_on: date
    """The last day an outcome is on time."""


@dataclass(frozen=True)
class DisclosureRecord:
    """A disclosure with its outcome history (events, latest result, unknown or overdue)."""

    disclosure: DisclosureSummary
    history: DisclosureOutcomes


@dataclass(frozen=True)
class OutcomesOverview:
    """A caseworker's starting point: the disclosures a request reference names, and the outcomes due."""

    request_ref: str | None
    found: tuple[DisclosureSummary, ...]
    due: tuple[OutcomeDue, ...]
    """The first :data:`MAX_DUE_SHOWN` outcomes due, longest overdue first."""
    due_total: int
    overdue_total: int


def _summary(disclosure: Disclosure) -> DisclosureSummary:
    exchange = disclosure.exchange
    return DisclosureSummary(
        id=disclosure.id,
        exchange=exchange.reference,
        exchange_month=exchange.month,
        agreement=f"{exchange.agreement.agreement_id} v{exchange.agreement.version}",
        request_ref=disclosure.request_ref,
        returned_on=returned_on(disclosure),
        fields_returned=tuple(disclosure.fields_returned),
        retention_until=disclosure.retention_until,
        due_on=due_on(disclosure),
    )


def find_disclosures(session: Session, *, request_ref: str, organisation_id: str) -> list[DisclosureSummary]:
    """The records returned to ``organisation_id`` for the request it sent as ``request_ref`` (exactly as sent,
    spaces around it ignored), newest first: the same reference may have been sent in several batches."""
    reference = request_ref.strip()
    if not reference:
        return []
    rows = (
        session.execute(
            select(Disclosure)
            .join(Exchange, Exchange.id == Disclosure.exchange_id)
            .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
            .where(Disclosure.request_ref == reference, AgreementVersion.requester_id == organisation_id)
            .order_by(Disclosure.returned_at.desc(), Disclosure.id.desc())
        )
        .scalars()
        .all()
    )
    return [_summary(row) for row in rows]


def disclosure_record(
    session: Session, *, disclosure_id: int, organisation_id: str, today: date | None = None
) -> DisclosureRecord:
    """One disclosure made to ``organisation_id`` with its outcome history.

    Raises:
        NotFound: no such disclosure, or one made to another organisation.
    """
    disclosure = disclosure_for(session, disclosure_id, organisation_id=organisation_id)
    history = outcome_history(
        session, disclosure_id=disclosure.id, today=today, organisation_id=organisation_id
    )
    return DisclosureRecord(disclosure=_summary(disclosure), history=history)


def outcomes_overview(
    session: Session, *, organisation_id: str, request_ref: str | None = None, today: date | None = None
) -> OutcomesOverview:
    """The disclosures ``request_ref`` names (if given) and the outcomes due from ``organisation_id``."""
    due = outcomes_due(session, today=today or date.today(), organisation_id=organisation_id)
    due.sort(key=lambda d: (-d.days_overdue, d.exchange, d.request_ref))
    found = (
        find_disclosures(session, request_ref=request_ref, organisation_id=organisation_id)
        if request_ref
        else []
    )
    return OutcomesOverview(
        request_ref=request_ref.strip() if request_ref else None,
        found=tuple(found),
        due=tuple(due[:MAX_DUE_SHOWN]),
        due_total=len(due),
        overdue_total=sum(1 for d in due if d.overdue),
    )
