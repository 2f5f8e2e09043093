"""Reading exchanges as one organisation sees them: lists and details with counts, checksums and return files.

Nothing here is personal data: counts, references of exchanges, checksums, dates. An organisation sees an
exchange only when it is a party to the exchange's agreement (holder or requester). Any other exchange is
"not found" — the same answer as for a reference that names nothing, so that probing learns nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from sharelog.errors import NotFound
from sharelog.exchange._events import ReturnFileFetched
from sharelog.exchange._files import plain_name, read_return_file
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import AgreementVersion, Exchange, ReturnFile
from sharelog.settings import Settings

__all__ = [
    "ExchangeCounts",
    "ExchangeDetail",
    "ExchangeSummary",
    "ReturnFileView",
    "exchange_for",
    "exchanges_for",
    "return_file_for",
    "fetch_return_file",
    "FetchedReturnFile",
]


@dataclass(frozen=True)
class ExchangeCounts:
    """How many requests an exchange received, and what became of them."""

    received: int
    invalid: int
    matched: int
    review: int
    no_match: int
    returned: int


@dataclass(frozen=True)
class ExchangeSummary:
    """One exchange in a list: what it ran under, its state and its counts."""

    reference: str
    month: str
    agreement_id: str
    agreement_version: str
    agreement_title: str
    purpose: str
    state: str
    received_at: datetime
    counts: ExchangeCounts
    rerun_of: str | None


@dataclass(frozen=True)
class ReturnFileView:
    """A return file as the ledger records it; ``path`` is None for a reader who may not fetch return files."""

    kind: str
    path: str | None
    rows: int
    checksum: str
    created_at: datetime
    retention_until: date
    deleted_at: datetime | None

    @property
    def deleted(self) -> bool:
        """Deleted under the retention rule."""
        return self.deleted_at is not None


@dataclass(frozen=True)
class ExchangeDetail:
    """One exchange in full: the summary, the parties, the checksums, the model and its return files."""

    summary: ExchangeSummary
    holder: str
    requester: str
    completed_at: datetime | None
    input_checksum: str
    output_checksum: str | None
    model_checksum: str | None
    splink_version: str | None
    rejection: str | None
    undecided_reviews: int
    return_files: tuple[ReturnFileView, ...]


def _party_to(organisation_id: str) -> ColumnElement[bool]:
    return or_(
        AgreementVersion.holder_id == organisation_id, AgreementVersion.requester_id == organisation_id
    )


def _summary(exchange: Exchange, agreement: AgreementVersion, rerun_of: str | None) -> ExchangeSummary:
    return ExchangeSummary(
        reference=exchange.reference,
        month=exchange.month,
        agreement_id=agreement.agreement_id,
        agreement_version=agreement.version,
        agreement_title=agreement.title,
        purpose=exchange.purpose_code,
        state=exchange.state,
        received_at=exchange.received_at,
        counts=ExchangeCounts(
            received=exchange.n_received,
            invalid=exchange.n_invalid,
            matched=exchange.n_matched,
            review=exchange.n_review,
            no_match=exchange.n_no_match,
            returned=exchange.n_returned,
        ),
        rerun_of=rerun_of,
    )


def exchanges_for(
    session: Session, *, organisation_id: str, month: str | None = None
) -> list[ExchangeSummary]:
    """Every exchange under an agreement the organisation is party to, the latest month first.

    Args:
        organisation_id: The reader's organisation (holder or requester of the agreements shown).
        month: Only exchanges of this ``YYYY-MM`` month.
    """
    query = (
        select(Exchange, AgreementVersion)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(_party_to(organisation_id))
    )
    if month is not None:
        query = query.where(Exchange.month == month)
    rows = session.execute(
        query.order_by(Exchange.month.desc(), Exchange.received_at.desc(), Exchange.id)
    ).all()
    references = {exchange.id: exchange.reference for exchange, _agreement in rows}
    return [
        _summary(exchange, agreement, _rerun_reference(session, exchange, references))
        for exchange, agreement in rows
    ]


def _rerun_reference(session: Session, exchange: Exchange, known: dict[int, str]) -> str | None:
    if exchange.rerun_of_id is None:
        return None
    if exchange.rerun_of_id in known:
        return known[exchange.rerun_of_id]
    earlier = session.get(Exchange, exchange.rerun_of_id)
    return earlier.reference if earlier is not None else None


def _exchange_in_scope(session: Session, *, organisation_id: str, reference: str) -> Exchange:
    found = session.execute(
        select(Exchange)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(Exchange.reference == reference, _party_to(organisation_id))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("no exchange with this reference that your organisation is party to")
    return found


def exchange_for(
    session: Session, *, organisation_id: str, reference: str, with_file_paths: bool = True
) -> ExchangeDetail:
    """One exchange the organisation is party to, in full.

    Args:
        organisation_id: The reader's organisation.
        reference: The exchange's reference, e.g. ``EX-2019-03-1a2b3c4d``.
        with_file_paths: Include where each return file is; leave out for readers who may not fetch them.

    Raises:
        NotFound: No such exchange, or the organisation is not party to its agreement.
    """
    exchange = _exchange_in_scope(session, organisation_id=organisation_id, reference=reference)
    agreement = exchange.agreement
    files = session.execute(
        select(ReturnFile).where(ReturnFile.exchange_id == exchange.id).order_by(ReturnFile.id)
    ).scalars()
    return ExchangeDetail(
        summary=_summary(exchange, agreement, _rerun_reference(session, exchange, {})),
        holder=agreement.holder_id,
        requester=agreement.requester_id,
        completed_at=exchange.completed_at,
        input_checksum=exchange.input_checksum,
        output_checksum=exchange.output_checksum,
        model_checksum=exchange.model_checksum,
        splink_version=exchange.splink_version,
        rejection=exchange.rejection,
        undecided_reviews=sum(1 for item in exchange.review_items if item.decision is None),
        return_files=tuple(
            ReturnFileView(
                kind=row.kind,
                path=row.path if with_file_paths else None,
                rows=row.rows,
                checksum=row.checksum,
                created_at=row.created_at,
                retention_until=row.retention_until,
                deleted_at=row.deleted_at,
            )
            for row in files
        ),
    )


def return_file_for(
    session: Session, *, organisation_id: str, reference: str, data_dir: Path, kind: str = "main"
) -> Path:
    """Where one return file of an exchange the organisation is party to is, while it is kept.

    Args:
        organisation_id: The reader's organisation.
        reference: The exchange's reference.
        data_dir: The data folder return-file paths are relative to.
        kind: ``main`` (the exchange's return) or ``supplementary`` (the matches a reviewer accepted).

    Raises:
        NotFound: No such exchange in scope, no such file, or the file was deleted under the retention rule.
    """
    exchange = _exchange_in_scope(session, organisation_id=organisation_id, reference=reference)
    row = session.execute(
        select(ReturnFile).where(ReturnFile.exchange_id == exchange.id, ReturnFile.kind == kind)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"exchange {reference} has no {kind} return file")
    if row.deleted_at is not None:
        raise NotFound(
            f"the {kind} return file of {reference} was deleted under the retention rule on {row.deleted_at:%Y-%m-%d}"
        )
    path = data_dir / row.path
    if not path.is_file():
        raise NotFound(f"the {kind} return file of {reference} is not in the data folder")
    return path


@dataclass(frozen=True)
class FetchedReturnFile:
    """A return file handed to an entitled reader: its plain name and bytes (decrypted if kept encrypted)."""

    name: str
    content: bytes


def fetch_return_file(
    session: Session,
    settings: Settings,
    *,
    organisation_id: str,
    reference: str,
    kind: str = "main",
    via: str = "api",
) -> FetchedReturnFile:
    """Hand over one return file of an exchange the organisation is party to, and record who fetched it.

    Args:
        settings: the data folder, the file key, and the actor recorded in the ``return-file-fetched`` event.
        via: how it was fetched (``api`` or ``web``), kept with the event.

    Raises:
        NotFound: as :func:`return_file_for`.
        InputError: the file is encrypted and no key, or another key, is configured.
    """
    path = return_file_for(
        session, organisation_id=organisation_id, reference=reference, data_dir=settings.data_dir, kind=kind
    )
    content = read_return_file(settings, path)
    detail = {"kind": kind, "sha256_on_disk": hashlib.sha256(path.read_bytes()).hexdigest(), "via": via}
    event = ReturnFileFetched(
        actor=settings.actor, object_type="exchange", object_id=reference, detail=detail
    )
    append_audit_event(session, event)
    return FetchedReturnFile(name=plain_name(path), content=content)
