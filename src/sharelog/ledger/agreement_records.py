"""Recording agreement versions (and their parties) in the ledger, so every exchange can point at one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict
from sharelog.ledger.audit import AgreementRecorded, append_audit_event
from sharelog.ledger.models import AgreementVersion, Organisation

if TYPE_CHECKING:
    from sharelog.agreements import Agreement

__all__ = ["record_agreement"]


def _ensure_organisation(session: Session, *, org_id: str, name: str, kind: str) -> None:
    if session.get(Organisation, org_id) is None:
        session.add(Organisation(id=org_id, name=name, kind=kind))
        session.flush()


def record_agreement(session: Session, agreement: Agreement, *, actor: str) -> AgreementVersion:
    """Store one agreement version unless the ledger already holds it; return the ledger's row.

    A version is immutable once recorded: the same id and version with a different file checksum is refused,
    because exchanges already run under it would otherwise point at terms that changed after the fact.

    Raises:
        Conflict: the ledger holds this id and version with different content.
    """
    existing = session.execute(
        select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement.id, AgreementVersion.version == agreement.version
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.checksum != agreement.checksum:
            raise Conflict(
                f"{agreement.file_name()}: agreement {agreement.id} version {agreement.version} differs from the copy "
                "recorded in the ledger; a recorded version cannot change — give the new terms a new version"
            )
        return existing
    parties = agreement.parties
    _ensure_organisation(session, org_id=parties.holder.id, name=parties.holder.name, kind="holder")
    _ensure_organisation(session, org_id=parties.requester.id, name=parties.requester.name, kind="requester")
    row = AgreementVersion(
        agreement_id=agreement.id,
        version=agreement.version,
        title=agreement.title,
        holder_id=parties.holder.id,
        requester_id=parties.requester.id,
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
        checksum=agreement.checksum,
        document=agreement.document(),
    )
    session.add(row)
    session.flush()
    append_audit_event(
        session,
        AgreementRecorded(
            actor=actor,
            object_type="agreement",
            object_id=f"{agreement.id}@{agreement.version}",
            detail={"checksum": agreement.checksum},
        ),
    )
    return row
