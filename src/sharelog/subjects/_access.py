"""Subject access: everything the ledger holds about one pupil, found by their subject key, nothing else.

The pupil id is turned into the subject key (HMAC-SHA256 under the holder's key) exactly as the exchange did,
and the ledger is searched by that key only: the disclosures about the pupil with their outcome events, the
review items that named the pupil as a candidate, and the exchanges these belong to. After a key rotation the
subject keys of the earlier holder keys are searched for too, since rows written before the rotation keep the
subject key they were written with. Requests that did not match leave nothing that can be tied to a pupil, by
design, so they cannot be found here either.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import InputError
from sharelog.exchange import subject_key
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import Disclosure, Exchange, ReturnFile, ReviewItem
from sharelog.outcomes import DisclosureOutcomes, outcome_history
from sharelog.subjects._events import SubjectAccessSearched

__all__ = [
    "SubjectAccessReport",
    "SubjectDisclosure",
    "SubjectExchange",
    "SubjectReviewItem",
    "subject_access",
]


@dataclass(frozen=True)
class SubjectExchange:
    """An exchange that returned a record about the pupil, or named them as a candidate for review."""

    reference: str
    month: str
    agreement: str
    purpose: str
    state: str
    received_at: datetime


@dataclass(frozen=True)
class SubjectDisclosure:
    """A record about the pupil that was returned to the requester, and what happened to it."""

    disclosure_id: int
    exchange: str
    request_ref: str
    fields_returned: tuple[str, ...]
    match_probability: float
    returned_at: datetime
    retention_until: date
    return_file: str
    return_file_deleted_at: datetime | None
    decided_by: str | None
    outcomes: DisclosureOutcomes


@dataclass(frozen=True)
class SubjectReviewItem:
    """A request for which the pupil was a candidate the matcher was unsure of, and what a reviewer decided."""

    exchange: str
    request_ref: str
    match_probability: float
    reason: str
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class SubjectAccessReport:
    """What one search found. ``search`` is the reference of its ``subject-access-searched`` audit event."""

    search: str
    pupil_id: str
    searched_at: datetime
    searched_by: str
    case_reference: str | None
    exchanges: tuple[SubjectExchange, ...]
    disclosures: tuple[SubjectDisclosure, ...]
    review_items: tuple[SubjectReviewItem, ...]

    @property
    def outcome_events(self) -> int:
        """How many outcome events (current or superseded) the disclosures carry."""
        return sum(len(d.outcomes.events) for d in self.disclosures)

    def counts(self) -> dict[str, int]:
        """How much was found, by what."""
        return {
            "exchanges": len(self.exchanges),
            "disclosures": len(self.disclosures),
            "outcome_events": self.outcome_events,
            "review_items": len(self.review_items),
        }

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (dates and times as ISO text)."""
        document = asdict(self)
        for disclosure, found in zip(document["disclosures"], self.disclosures, strict=True):
            outcomes = disclosure["outcomes"]
            outcomes["outcome_unknown"] = found.outcomes.outcome_unknown
            outcomes["overdue"] = found.outcomes.overdue
        document["counts"] = self.counts()
        return _iso(document)


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _exchange_of(exchange: Exchange) -> SubjectExchange:
    agreement = exchange.agreement
    return SubjectExchange(
        reference=exchange.reference,
        month=exchange.month,
        agreement=f"{agreement.agreement_id}@{agreement.version}",
        purpose=exchange.purpose_code,
        state=exchange.state,
        received_at=exchange.received_at,
    )


def _disclosure_of(session: Session, disclosure: Disclosure, today: date) -> SubjectDisclosure:
    deleted_at = session.execute(
        select(ReturnFile.deleted_at).where(ReturnFile.path == disclosure.return_file_ref)
    ).scalar_one_or_none()
    return SubjectDisclosure(
        disclosure_id=disclosure.id,
        exchange=disclosure.exchange.reference,
        request_ref=disclosure.request_ref,
        fields_returned=tuple(disclosure.fields_returned),
        match_probability=disclosure.match_probability,
        returned_at=disclosure.returned_at,
        retention_until=disclosure.retention_until,
        return_file=disclosure.return_file_ref,
        return_file_deleted_at=deleted_at,
        decided_by=disclosure.decided_by,
        outcomes=outcome_history(session, disclosure_id=disclosure.id, today=today),
    )


def _review_item_of(item: ReviewItem) -> SubjectReviewItem:
    return SubjectReviewItem(
        exchange=item.exchange.reference,
        request_ref=item.request_ref,
        match_probability=item.match_probability,
        reason=item.reason,
        decision=item.decision,
        decided_by=item.decided_by,
        decided_at=item.decided_at,
        note=item.note,
    )


def subject_access(
    session: Session,
    *,
    pupil_id: str,
    key: bytes,
    searched_by: str,
    case_reference: str | None = None,
    today: date | None = None,
    previous_keys: Sequence[bytes] = (),
) -> SubjectAccessReport:
    """Find every exchange, disclosure, outcome event and review item about one pupil, and audit the search.

    The search is recorded as a ``subject-access-searched`` audit event with its own reference, who ran it, the
    optional case reference (the data-protection team's own case, where the requester's identity is held) and
    how much was found — never the pupil id or the subject key, so the audit trail cannot be read as a list of
    people who asked.

    Args:
        pupil_id: the pupil's id in the holder's register.
        key: the holder's secret key (``Settings.holder_key_bytes()``).
        searched_by: who runs the search.
        case_reference: the subject access request's case reference, if any.
        today: the day outcomes are judged overdue against; default: the clock.
        previous_keys: the holder's keys before a rotation (``Settings.holder_previous_key_bytes()``): rows
            written under them are found too. The audit event then says how many keys were tried.

    Raises:
        InputError: a blank pupil id or ``searched_by``.
    """
    pupil_id = pupil_id.strip()
    if not pupil_id:
        raise InputError("PUPIL_ID: give the pupil's id in the register")
    if not searched_by.strip():
        raise InputError("searched_by: name the person running the search")
    wanted = {subject_key(pupil_id, key=k) for k in (key, *previous_keys)}
    disclosures = (
        session.execute(
            select(Disclosure)
            .where(Disclosure.subject_key.in_(wanted))
            .order_by(Disclosure.returned_at, Disclosure.id)
        )
        .scalars()
        .all()
    )
    review_items = (
        session.execute(select(ReviewItem).where(ReviewItem.subject_key.in_(wanted)).order_by(ReviewItem.id))
        .scalars()
        .all()
    )
    exchanges = {d.exchange.id: d.exchange for d in disclosures} | {
        i.exchange.id: i.exchange for i in review_items
    }
    today = today or date.today()
    report = SubjectAccessReport(
        search=f"SAR-{uuid.uuid4().hex[:12]}",
        pupil_id=pupil_id,
        searched_at=datetime.now(UTC),
        searched_by=searched_by,
        case_reference=case_reference or None,
        exchanges=tuple(
            _exchange_of(e) for e in sorted(exchanges.values(), key=lambda e: (e.received_at, e.id))
        ),
        disclosures=tuple(_disclosure_of(session, d, today) for d in disclosures),
        review_items=tuple(_review_item_of(item) for item in review_items),
    )
    detail: dict[str, Any] = dict(report.counts())
    if report.case_reference:
        detail["case_reference"] = report.case_reference
    if previous_keys:
        detail["holder_keys_tried"] = 1 + len(previous_keys)
    append_audit_event(
        session,
        SubjectAccessSearched(
            actor=searched_by,
            object_type="subject_access_search",
            object_id=report.search,
            detail=detail,
            occurred_at=report.searched_at,
        ),
    )
    return report
