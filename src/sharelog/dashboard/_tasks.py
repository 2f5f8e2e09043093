"""What each role has to do next, for the top of its dashboard: the caseworker's overdue outcomes, the reviewer's
queue, the FOI officer's cases by statutory deadline, the operator's next batch, the auditor's audit chain and
retention.

Derived when read, never stored; no personal data (references, dates and counts only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sharelog.foi import ProclaimedDay, cases_due
from sharelog.ledger import verify_audit_chain
from sharelog.ledger.models import AgreementVersion, Exchange, ReturnFile, ReviewItem
from sharelog.outcomes import OutcomeDue, outcomes_due

__all__ = [
    "OLDEST_SHOWN",
    "RETENTION_NOTICE_DAYS",
    "AuditOversight",
    "FoiCaseDue",
    "FoiDue",
    "NextBatch",
    "OverdueOutcomes",
    "ReviewQueue",
    "audit_oversight",
    "foi_due",
    "next_batch",
    "overdue_outcomes",
    "review_queue_of",
]

OLDEST_SHOWN = 3  # how many of the oldest items a panel lists before linking to the whole list
RETENTION_NOTICE_DAYS = 30  # files whose retention ends this soon are counted as due

ExtraHolidays = Iterable[date | ProclaimedDay]  # as sharelog.foi takes them


@dataclass(frozen=True)
class OverdueOutcomes:
    """Records returned to the organisation whose outcome is unknown past the agreement's window."""

    count: int
    oldest: tuple[OutcomeDue, ...]
    """The longest overdue first, at most :data:`OLDEST_SHOWN`."""


def overdue_outcomes(session: Session, *, organisation_id: str, today: date) -> OverdueOutcomes:
    """The requester organisation's overdue outcomes: how many, and the longest overdue."""
    due = outcomes_due(session, today=today, overdue_only=True, organisation_id=organisation_id)
    return OverdueOutcomes(count=len(due), oldest=tuple(due[:OLDEST_SHOWN]))


@dataclass(frozen=True)
class ReviewQueue:
    """Undecided review cases of exchanges the organisation holds the register for."""

    count: int
    exchanges: int
    oldest_since: date | None
    """When the batch of the oldest waiting case arrived (None when nothing waits)."""


def review_queue_of(session: Session, *, organisation_id: str) -> ReviewQueue:
    """How many cases wait for a reviewer, in how many exchanges, since when."""
    count, exchanges, oldest = session.execute(
        select(
            func.count(ReviewItem.id), func.count(func.distinct(Exchange.id)), func.min(Exchange.received_at)
        )
        .join(Exchange, Exchange.id == ReviewItem.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(ReviewItem.decision.is_(None), AgreementVersion.holder_id == organisation_id)
    ).one()
    return ReviewQueue(
        count=int(count), exchanges=int(exchanges), oldest_since=oldest.date() if oldest is not None else None
    )


@dataclass(frozen=True)
class FoiCaseDue:
    """One FOI case awaiting a response or an internal review, by its statutory deadline."""

    reference: str
    title: str
    due_on: date | None
    """None while the clock is paused (a fee unpaid, clarification sought)."""
    lateness: str | None
    """None, ``overdue`` or ``long_overdue``."""
    internal_review: bool


@dataclass(frozen=True)
class FoiDue:
    """FOI cases awaiting a response (or an internal review): due by the end of this week, and overdue."""

    week_ends: date
    due_this_week: int
    overdue: int
    waiting: int
    soonest: tuple[FoiCaseDue, ...] = ()
    """The earliest due first (paused ones last), at most :data:`OLDEST_SHOWN`."""


def foi_due(session: Session, *, organisation_id: str, today: date, extra_holidays: ExtraHolidays) -> FoiDue:
    """The organisation's FOI cases waiting for it, by statutory deadline (working days, bank holidays)."""
    cases = cases_due(session, today=today, organisation_id=organisation_id, extra_holidays=extra_holidays)
    week_ends = today + timedelta(days=6 - today.weekday())
    return FoiDue(
        week_ends=week_ends,
        due_this_week=sum(1 for c in cases if c.due_on is not None and today <= c.due_on <= week_ends),
        overdue=sum(1 for c in cases if c.lateness is not None),
        waiting=len(cases),
        soonest=tuple(
            FoiCaseDue(c.reference, c.title, c.due_on, c.lateness, c.state == "internal_review")
            for c in cases[:OLDEST_SHOWN]
        ),
    )


@dataclass(frozen=True)
class NextBatch:
    """The holder's operator's next monthly batch: the latest exchange run, and the month after it."""

    last_reference: str | None
    last_month: str | None
    last_state: str | None
    last_received_on: date | None
    next_month: str | None
    """The month after the latest exchange's (None before the first)."""
    awaiting_review: int
    """Exchanges whose review band is not yet decided (their supplementary return is still to come)."""


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def next_batch(exchanges: Sequence[Exchange], *, organisation_id: str) -> NextBatch:
    """From the exchanges under agreements the organisation is party to: those it holds the register for."""
    held = [e for e in exchanges if e.agreement.holder_id == organisation_id and e.state != "rejected"]
    awaiting = sum(1 for e in held if e.state == "awaiting_review")
    if not held:
        return NextBatch(None, None, None, None, None, awaiting)
    last = max(held, key=lambda e: (e.month, e.received_at, e.id))
    return NextBatch(
        last_reference=last.reference,
        last_month=last.month,
        last_state=last.state,
        last_received_on=last.received_at.date(),
        next_month=_month_after(last.month),
        awaiting_review=awaiting,
    )


@dataclass(frozen=True)
class AuditOversight:
    """What an auditor checks first: the audit chain holds, and no file outlives its retention date."""

    audit_events: int
    chain_intact: bool
    first_broken_id: int | None
    retention_overdue: int
    """Return files past their retention date and not yet deleted."""
    retention_due_soon: int
    """Return files whose retention ends within :data:`RETENTION_NOTICE_DAYS` days."""
    next_retention_on: date | None
    """The earliest retention date of a file still held, today or later."""


def audit_oversight(session: Session, *, organisation_id: str, today: date) -> AuditOversight:
    """Check the whole audit chain (one chain for the ledger) and count the organisation's files by retention."""
    chain = verify_audit_chain(session)
    held = session.execute(
        select(ReturnFile.retention_until)
        .join(Exchange, Exchange.id == ReturnFile.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(
            ReturnFile.deleted_at.is_(None),
            or_(
                AgreementVersion.holder_id == organisation_id,
                AgreementVersion.requester_id == organisation_id,
            ),
        )
    ).scalars()
    dates = list(held)
    soon = today + timedelta(days=RETENTION_NOTICE_DAYS)
    return AuditOversight(
        audit_events=chain.count,
        chain_intact=chain.ok,
        first_broken_id=chain.first_broken_id,
        retention_overdue=sum(1 for d in dates if d < today),
        retention_due_soon=sum(1 for d in dates if today <= d <= soon),
        next_retention_on=min((d for d in dates if d >= today), default=None),
    )
