"""The review band, decided by a named person.

Requests the matcher was not sure of wait in the review queue. A reviewer compares the request with the
candidate side by side (from the exchange's review file and the prepared register) and accepts or rejects it.
When the last item of an exchange is decided, the accepted ones go to the requester in a supplementary return
file and become disclosures; the exchange is then ``returned`` and its review file deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, NotFound
from sharelog.exchange._encryption import file_key
from sharelog.exchange._events import ReviewCompleted, ReviewDecided, ReviewFileDeleted
from sharelog.exchange._files import (
    crash_point,
    exchange_file_path,
    file_checksum,
    files_in_flight,
    read_exchange_file,
    review_file_path,
    write_exchange_csv,
)
from sharelog.exchange._run import REQUEST_DETAIL_COLUMNS as REVIEW_DETAIL_FIELDS
from sharelog.ledger import append_audit_event, ledger_session
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, ReturnFile, ReviewItem
from sharelog.linkage import ComparisonEvidence, register_rows
from sharelog.settings import Settings

__all__ = [
    "ReviewCase",
    "ReviewDecision",
    "decide",
    "decide_review",
    "review_candidates",
    "review_case",
    "review_queue",
]


@dataclass(frozen=True)
class ReviewCase:
    """One item of the queue; ``request``, the candidates and the evidence are filled only when a reviewer opens
    it, with only the ``fields`` the agreement matches on (the request's and the register's alike)."""

    exchange: str
    request_ref: str
    match_probability: float
    reason: str
    request: dict[str, Any] | None = None
    candidate: dict[str, Any] | None = None
    candidate_id: str | None = None
    decision: str | None = None  # accepted or rejected, once decided
    decided_by: str | None = None
    received_at: datetime | None = None  # when the exchange's batch was received: the case waits since then
    fields: tuple[str, ...] = ()
    runner_up: dict[str, Any] | None = None
    runner_up_id: str | None = None
    runner_up_probability: float | None = None
    gap_bits: float | None = None
    evidence: tuple[ComparisonEvidence, ...] = ()
    """Each comparison's level and weight for the candidate and the runner-up (empty for a review file written
    before the evidence was kept)."""

    def differs_on(self, comparison: str) -> bool:
        """Whether the candidate's value of ``comparison`` (``forename``, ``dob``…) differs from the request's:
        by the matcher's evidence, or (without it, or where it cannot tell) by the values as written, ignoring
        case and spaces."""
        for row in self.evidence:
            if row.comparison == comparison and row.best_agrees is not None:
                return not row.best_agrees
        asked, found = (_plain((side or {}).get(comparison)) for side in (self.request, self.candidate))
        return bool(asked and found and asked != found)

    @property
    def needs_confirmation(self) -> bool:
        """Forename and date of birth both differ: accepting such a candidate takes a second, explicit yes."""
        return self.differs_on("forename") and self.differs_on("dob")


def _plain(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class ReviewDecision:
    """The outcome of one decision, and what completing the exchange produced."""

    exchange: str
    request_ref: str
    decision: str
    remaining: int
    supplementary_file: Path | None = None
    returned: int = 0
    partial_file: Path | None = None
    review_file: Path | None = None

    def finish(self) -> None:
        """After the ledger committed: move the supplementary file into place and drop the review file."""
        if self.partial_file is not None and self.supplementary_file is not None:
            self.partial_file.replace(self.supplementary_file)
        if self.review_file is not None:
            self.review_file.unlink(missing_ok=True)


def _exchange(session: Session, reference: str, *, holder: str | None = None) -> Exchange:
    query = select(Exchange).where(Exchange.reference == reference)
    if holder is not None:
        query = query.join(AgreementVersion).where(AgreementVersion.holder_id == holder)
    exchange = session.execute(query).scalar_one_or_none()
    if exchange is None:
        raise NotFound(f"no exchange {reference!r} in the ledger" + (f" held by {holder}" if holder else ""))
    return exchange


def review_queue(
    session: Session, *, exchange: str | None = None, holder: str | None = None
) -> list[ReviewCase]:
    """Every undecided review item (of one exchange, or all), oldest exchange first. No personal data.

    Args:
        exchange: Only this exchange's items.
        holder: Only items of exchanges this organisation holds the register for (a reviewer's own).
    """
    query = (
        select(ReviewItem, Exchange.reference, Exchange.received_at)
        .join(Exchange)
        .where(ReviewItem.decision.is_(None))
    )
    if exchange is not None:
        query = query.where(Exchange.id == _exchange(session, exchange, holder=holder).id)
    if holder is not None:
        query = query.join(AgreementVersion).where(AgreementVersion.holder_id == holder)
    rows = session.execute(query.order_by(Exchange.received_at, Exchange.id, ReviewItem.id)).all()
    return [
        ReviewCase(
            exchange=ref,
            request_ref=item.request_ref,
            match_probability=item.match_probability,
            reason=item.reason,
            received_at=received_at,
        )
        for item, ref, received_at in rows
    ]


def _review_file(settings: Settings, reference: str) -> dict[str, Any]:
    path = review_file_path(settings.review_path(), reference)
    if not path.is_file():
        raise InputError(f"the review file of {reference} is missing (was the exchange completed?)")
    document: dict[str, Any] = json.loads(read_exchange_file(settings, path).decode("utf-8"))
    return document


def review_case(
    session: Session, settings: Settings, *, exchange: str, request_ref: str, holder: str | None = None
) -> ReviewCase:
    """One item with the request and the candidate side by side (personal data: for the reviewer only).

    ``holder``: refuse (as not found) an item of an exchange whose register another organisation holds.
    """
    item = _item(session, exchange, request_ref, holder=holder)
    if item.decision is not None and not review_file_path(settings.review_path(), exchange).is_file():
        # the review is complete and its file deleted: the decision is what remains, without personal data
        return ReviewCase(
            exchange=exchange,
            request_ref=request_ref,
            match_probability=item.match_probability,
            reason=item.reason,
            decision=item.decision,
            decided_by=item.decided_by,
        )
    entry = next(
        (e for e in _review_file(settings, exchange)["items"] if e["request_id"] == request_ref), None
    )
    if entry is None:
        raise InputError(f"the review file of {exchange} has no entry for this request")
    fields = _reviewed_fields(item.exchange.agreement)
    runner_up_id = entry.get("runner_up_id")
    wanted = [entry["pupil_id"], *([runner_up_id] if runner_up_id else [])]
    # the register's columns differ from holder to holder: read the rows, keep the fields the reviewer may see
    rows = {
        pupil: {"pupil_id": pupil, **{f: row[f] for f in fields if f in row}}
        for pupil, row in register_rows(settings.register_path(), wanted).items()
    }
    return ReviewCase(
        exchange=exchange,
        request_ref=request_ref,
        match_probability=item.match_probability,
        reason=item.reason,
        received_at=item.exchange.received_at,
        request={field: value for field, value in entry["details"].items() if field in fields},
        candidate=rows.get(entry["pupil_id"]),
        candidate_id=entry["pupil_id"],
        decision=item.decision,
        decided_by=item.decided_by,
        fields=fields,
        runner_up=rows.get(runner_up_id) if runner_up_id else None,
        runner_up_id=runner_up_id,
        runner_up_probability=entry.get("runner_up_probability"),
        gap_bits=entry.get("gap_bits"),
        evidence=tuple(ComparisonEvidence(**row) for row in entry.get("evidence", [])),
    )


def _reviewed_fields(agreement: AgreementVersion) -> tuple[str, ...]:
    """The fields a reviewer compares: those of the request's details the agreement matches on (every agreement
    file names them; a document recorded without, those it lets the requester send)."""
    document = agreement.document
    allowed = set(document.get("match_fields", document.get("request_fields", ())))
    return tuple(field for field in REVIEW_DETAIL_FIELDS if field in allowed)


def review_candidates(settings: Settings, exchange: str) -> dict[str, str]:
    """Each request of an exchange's review band and the pupil id of its candidate, read from its review file
    at once (a reviewer working down a whole exchange; :func:`review_case` opens one case with the records).

    Raises:
        InputError: the exchange has no review file (none, or its review is complete).
    """
    return {entry["request_id"]: entry["pupil_id"] for entry in _review_file(settings, exchange)["items"]}


def _item(session: Session, exchange: str, request_ref: str, *, holder: str | None = None) -> ReviewItem:
    record = _exchange(session, exchange, holder=holder)
    found = session.execute(
        select(ReviewItem).where(ReviewItem.exchange_id == record.id, ReviewItem.request_ref == request_ref)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"exchange {exchange} has no request {request_ref!r} in its review band")
    return found


def decide_review(
    session: Session,
    settings: Settings,
    *,
    exchange: str,
    request_ref: str,
    accept: bool,
    decided_by: str,
    note: str | None = None,
    now: datetime | None = None,
    holder: str | None = None,
) -> ReviewDecision:
    """Record a reviewer's decision; when it is the exchange's last, return the accepted ones and complete it.

    ``holder``: refuse (as not found) an item of an exchange whose register another organisation holds.

    Raises:
        NotFound: no such exchange or review item.
        Conflict: the item was already decided.
    """
    now = now or datetime.now(UTC)
    item = _item(session, exchange, request_ref, holder=holder)
    if item.decision is not None:
        raise Conflict(f"{exchange} / {request_ref} was already {item.decision} by {item.decided_by}")
    if not decided_by.strip():
        raise InputError("name the person deciding", field="decided_by")
    item.decision = "accepted" if accept else "rejected"
    item.decided_by = decided_by
    item.decided_at = now
    item.note = note
    session.flush()
    append_audit_event(
        session,
        ReviewDecided(
            actor=decided_by,
            object_type="review-item",
            object_id=f"{exchange}/{request_ref}",
            detail={"decision": item.decision},
            occurred_at=now,
        ),
    )
    record = item.exchange
    remaining = sum(1 for other in record.review_items if other.decision is None)
    if remaining:
        return ReviewDecision(exchange, request_ref, item.decision, remaining)
    partial, final, returned = _complete(session, settings, record, now=now)
    _record_completion(session, record, actor=decided_by, now=now)
    review_file = review_file_path(settings.review_path(), record.reference)
    return ReviewDecision(exchange, request_ref, item.decision, 0, final, returned, partial, review_file)


def _complete(
    session: Session, settings: Settings, record: Exchange, *, now: datetime
) -> tuple[Path | None, Path | None, int]:
    """Return the accepted items in a supplementary file, record them as disclosures, mark the exchange returned."""
    accepted = [item for item in record.review_items if item.decision == "accepted"]
    record.state = "returned"
    if not accepted:
        return None, None, 0
    document = record.agreement.document
    entries = {e["request_id"]: e for e in _review_file(settings, record.reference)["items"]}
    fields = list(document["return_fields"])
    registered = register_rows(
        settings.register_path(), [entries[i.request_ref]["pupil_id"] for i in accepted]
    )
    available = [f for f in fields if all(f in row for row in registered.values())]
    rows = [
        {
            "request_id": i.request_ref,
            "match_probability": round(i.match_probability, 6),
            **{f: registered[entries[i.request_ref]["pupil_id"]][f] for f in available},
        }
        for i in accepted
    ]
    key = file_key(settings)  # encrypted at rest when there is one, as the main return file
    final = exchange_file_path(settings.returns_path(), f"{record.reference}.supplementary.csv", key=key)
    partial, checksum = write_exchange_csv(pa.Table.from_pylist(rows), final, key=key)
    reference = str(final.relative_to(settings.data_dir))
    retention_until = (now + timedelta(days=int(document["retention_days"]))).date()
    session.add_all(
        Disclosure(
            exchange_id=record.id,
            request_ref=i.request_ref,
            subject_key=i.subject_key,
            fields_returned=available,
            match_probability=i.match_probability,
            returned_at=now,
            retention_until=retention_until,
            return_file_ref=reference,
            decided_by=i.decided_by,
        )
        for i in accepted
    )
    session.add(
        ReturnFile(
            exchange_id=record.id,
            kind="supplementary",
            path=reference,
            checksum=checksum,
            rows=len(rows),
            retention_until=retention_until,
            created_at=now,
        )
    )
    record.n_returned += len(rows)
    session.flush()
    crash_point("review-before-commit")
    return partial, final, len(rows)


def _record_completion(session: Session, record: Exchange, *, actor: str, now: datetime) -> None:
    """The exchange left the review band: what was accepted, rejected and returned (ids and counts only)."""
    decisions = [item.decision for item in record.review_items]
    supplementary = session.execute(
        select(ReturnFile).where(ReturnFile.exchange_id == record.id, ReturnFile.kind == "supplementary")
    ).scalar_one_or_none()
    detail = {
        "accepted": decisions.count("accepted"),
        "rejected": decisions.count("rejected"),
        "returned": supplementary.rows if supplementary is not None else 0,
        "supplementary_file": (
            {"path": supplementary.path, "sha256": supplementary.checksum}
            if supplementary is not None
            else None
        ),
    }
    append_audit_event(
        session,
        ReviewCompleted(
            actor=actor, object_type="exchange", object_id=record.reference, detail=detail, occurred_at=now
        ),
    )


def _finish_and_record(engine: Engine, settings: Settings, result: ReviewDecision, *, actor: str) -> None:
    """Move the files into place; when the review file goes, record it — deleted first, then recorded, as
    retention does, so the ledger never claims a deletion that did not happen."""
    review_file = result.review_file
    digest = file_checksum(review_file) if review_file is not None and review_file.is_file() else None
    result.finish()
    if review_file is None:
        return
    with ledger_session(engine) as session:
        append_audit_event(
            session,
            ReviewFileDeleted(
                actor=actor,
                object_type="review_file",
                object_id=result.exchange,
                detail={
                    "reason": "review-completed",
                    "path": str(review_file.relative_to(settings.data_dir)),
                    "sha256": digest,
                    "found": digest is not None,
                },
            ),
        )


def decide(
    settings: Settings,
    *,
    engine: Engine,
    exchange: str,
    request_ref: str,
    accept: bool,
    decided_by: str,
    note: str | None = None,
    now: datetime | None = None,
    holder: str | None = None,
) -> ReviewDecision:
    """Decide one review item in its own transaction, then put the exchange's files in order.

    ``engine``: the ledger's (the caller's one engine: the decision and the review file's deletion commit apart).
    ``holder``: only an item of an exchange whose register this organisation holds (else not found).

    The ledger commits first; a crash before the files move is completed by the next exchange run (see
    :func:`sharelog.exchange.recover_exchange_files`).
    """
    with files_in_flight(settings.data_dir):  # another run's recovery leaves these files alone
        with ledger_session(engine) as session:
            result = decide_review(
                session,
                settings,
                exchange=exchange,
                request_ref=request_ref,
                accept=accept,
                decided_by=decided_by,
                note=note,
                now=now,
                holder=holder,
            )
        crash_point("review-after-commit")
        _finish_and_record(engine, settings, result, actor=decided_by)
    return result
