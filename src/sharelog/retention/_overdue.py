"""Files kept past their retention date: what a person must be warned about until retention deletes them.

A return file is past retention when its ``retention_until`` is before today and no deletion is recorded — the
same rule :func:`~sharelog.retention.apply_retention` deletes by, so a warning lasts exactly until the next run of
retention. Only counts and dates: no file path, no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sharelog.ledger.models import AgreementVersion, Exchange, ReturnFile

__all__ = ["OverdueDeletion", "overdue_deletions"]


@dataclass(frozen=True)
class OverdueDeletion:
    """A return file still held after its retention date."""

    exchange: str
    kind: str
    """``main`` or ``supplementary``."""
    retention_until: date
    """Its last day: it should have been deleted the day after."""
    days_over: int
    """Days since its last day (1 the day after)."""


def overdue_deletions(
    session: Session, *, organisation_id: str | None, today: date, exchange: str | None = None
) -> list[OverdueDeletion]:
    """The return files past retention and not deleted, the longest over first.

    Args:
        organisation_id: only exchanges under agreements this organisation is party to (None: every exchange).
        today: the day retention is measured from (a file's ``retention_until`` is its last day).
        exchange: only this exchange's files (its reference).
    """
    query = (
        select(Exchange.reference, ReturnFile.kind, ReturnFile.retention_until)
        .join(Exchange, Exchange.id == ReturnFile.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(ReturnFile.retention_until < today, ReturnFile.deleted_at.is_(None))
        .order_by(ReturnFile.retention_until, Exchange.reference, ReturnFile.kind)
    )
    if organisation_id is not None:
        query = query.where(
            or_(
                AgreementVersion.holder_id == organisation_id,
                AgreementVersion.requester_id == organisation_id,
            )
        )
    if exchange is not None:
        query = query.where(Exchange.reference == exchange)
    return [
        OverdueDeletion(exchange=reference, kind=kind, retention_until=until, days_over=(today - until).days)
        for reference, kind, until in session.execute(query).all()
    ]
