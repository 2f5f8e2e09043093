"""What the outcome events add up to, derived when read and never stored.

- A disclosure's **latest result** is its newest current ``result`` event (current: not superseded), newest by
  event date, then by recording order. None ⇒ **outcome unknown**.
- An outcome is **due by** the day the record was returned (UTC date) plus the agreement's
  ``outcome_reporting_window_days``. An unknown outcome is **overdue** from the day after that: on the due date
  itself it is still on time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from sharelog.errors import LedgerError
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, OutcomeEvent
from sharelog.outcomes._record import disclosure_for, outside_agreement, returned_on

__all__ = [
    "DisclosureOutcomes",
    "OutcomeDue",
    "OutcomeEventView",
    "due_on",
    "latest_result",
    "outcome_history",
    "outcomes_due",
]

WINDOW_TERM = "outcome_reporting_window_days"


@dataclass(frozen=True)
class OutcomeEventView:
    """One outcome event as read back, with what supersedes it and whether it breaks the agreement."""

    id: int
    kind: str
    code: str
    event_date: date
    recorded_by: str
    recorded_at: datetime
    children_affected: int | None
    family_members_affected: int | None
    note: str | None
    supersedes_id: int | None
    superseded_by_id: int | None
    outside_agreement: bool

    @property
    def current(self) -> bool:
        """Not superseded by a later correction."""
        return self.superseded_by_id is None


@dataclass(frozen=True)
class DisclosureOutcomes:
    """A disclosure's outcome events (in recording order), its latest result and whether it is overdue."""

    disclosure_id: int
    exchange: str
    request_ref: str
    returned_on: date
    due_on: date
    today: date
    events: tuple[OutcomeEventView, ...]
    latest_result: OutcomeEventView | None

    @property
    def outcome_unknown(self) -> bool:
        """No current result has been recorded."""
        return self.latest_result is None

    @property
    def days_overdue(self) -> int:
        """Days since the due date while the outcome is unknown; 0 when a result is in or it is not yet late."""
        return max((self.today - self.due_on).days, 0) if self.outcome_unknown else 0

    @property
    def overdue(self) -> bool:
        """Outcome unknown and the due date has passed."""
        return self.days_overdue > 0


@dataclass(frozen=True)
class OutcomeDue:
    """A disclosure whose outcome is unknown, and when it is (or was) due."""

    disclosure_id: int
    exchange: str
    request_ref: str
    returned_on: date
    due_on: date
    days_overdue: int
    """Days past the due date: 1 the day after it; 0 on it; negative while still in the window."""

    @property
    def overdue(self) -> bool:
        """The due date has passed."""
        return self.days_overdue > 0


def _window_days(document: dict[str, Any], agreement: str) -> int:
    window = document.get(WINDOW_TERM)
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise LedgerError(f"agreement {agreement} in the ledger has no valid {WINDOW_TERM}")
    return window


def due_on(disclosure: Disclosure) -> date:
    """The last day an outcome about ``disclosure`` is on time: returned date + the agreement's window."""
    agreement = disclosure.exchange.agreement
    window = _window_days(agreement.document, f"{agreement.agreement_id}@{agreement.version}")
    return returned_on(disclosure) + timedelta(days=window)


def _latest(events: Iterable[OutcomeEventView]) -> OutcomeEventView | None:
    results = [e for e in events if e.kind == "result" and e.current]
    return max(results, key=lambda e: (e.event_date, e.id), default=None)


def latest_result(session: Session, *, disclosure_id: int) -> OutcomeEvent | None:
    """The disclosure's newest current result event, or None: its outcome is unknown."""
    later = aliased(OutcomeEvent)
    superseded = select(later.id).where(later.supersedes_id == OutcomeEvent.id).exists()
    return session.execute(
        select(OutcomeEvent)
        .where(OutcomeEvent.disclosure_id == disclosure_id, OutcomeEvent.kind == "result", ~superseded)
        .order_by(OutcomeEvent.event_date.desc(), OutcomeEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def outcome_history(
    session: Session, *, disclosure_id: int, today: date | None = None, organisation_id: str | None = None
) -> DisclosureOutcomes:
    """Every outcome event of a disclosure with its supersessions, its latest result and its due date.

    Args:
        disclosure_id: the disclosure.
        today: the day "overdue" is measured from; default: the clock.
        organisation_id: only a disclosure made to this (requester) organisation is found; None: any.

    Raises:
        NotFound: no such disclosure (or none made to ``organisation_id``).
    """
    disclosure = disclosure_for(session, disclosure_id, organisation_id=organisation_id)
    rows = (
        session.execute(
            select(OutcomeEvent).where(OutcomeEvent.disclosure_id == disclosure_id).order_by(OutcomeEvent.id)
        )
        .scalars()
        .all()
    )
    superseded_by = {row.supersedes_id: row.id for row in rows if row.supersedes_id is not None}
    events = tuple(
        OutcomeEventView(
            id=row.id,
            kind=row.kind,
            code=row.code,
            event_date=row.event_date,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
            children_affected=row.children_affected,
            family_members_affected=row.family_members_affected,
            note=row.note,
            supersedes_id=row.supersedes_id,
            superseded_by_id=superseded_by.get(row.id),
            outside_agreement=outside_agreement(row),
        )
        for row in rows
    )
    return DisclosureOutcomes(
        disclosure_id=disclosure.id,
        exchange=disclosure.exchange.reference,
        request_ref=disclosure.request_ref,
        returned_on=returned_on(disclosure),
        due_on=due_on(disclosure),
        today=today or date.today(),
        events=events,
        latest_result=_latest(events),
    )


def outcomes_due(
    session: Session, *, today: date, overdue_only: bool = False, organisation_id: str | None = None
) -> list[OutcomeDue]:
    """Every disclosure whose outcome is unknown, with its due date, the longest overdue first.

    Args:
        today: the day to measure from (an outcome due by ``today`` is not yet overdue).
        overdue_only: leave out the ones still within their window.
        organisation_id: only disclosures made to this (requester) organisation; None: every disclosure.
    """
    result = aliased(OutcomeEvent)
    later = aliased(OutcomeEvent)
    has_current_result = (
        select(result.id)
        .where(
            result.disclosure_id == Disclosure.id,
            result.kind == "result",
            ~select(later.id).where(later.supersedes_id == result.id).exists(),
        )
        .exists()
    )
    query = (
        select(
            Disclosure.id,
            Disclosure.request_ref,
            Disclosure.returned_at,
            Exchange.reference,
            AgreementVersion,
        )
        .join(Exchange, Exchange.id == Disclosure.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(~has_current_result)
    )
    if organisation_id is not None:
        query = query.where(AgreementVersion.requester_id == organisation_id)
    rows = session.execute(query).all()
    due: list[OutcomeDue] = []
    for disclosure_id, request_ref, returned_at, reference, agreement in rows:
        returned = returned_at.date()  # read back in UTC
        window = _window_days(agreement.document, f"{agreement.agreement_id}@{agreement.version}")
        deadline = returned + timedelta(days=window)
        due.append(
            OutcomeDue(
                disclosure_id=disclosure_id,
                exchange=reference,
                request_ref=request_ref,
                returned_on=returned,
                due_on=deadline,
                days_overdue=(today - deadline).days,
            )
        )
    if overdue_only:
        due = [d for d in due if d.overdue]
    return sorted(due, key=lambda d: (d.due_on, d.exchange, d.request_ref))
