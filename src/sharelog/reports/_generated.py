"""Recording that a report left sharelog as a file: which report, which period, which disclosure control, and the
checksum of every file written — so a published figure can be traced to the ledger state that produced it.

Building a report changes nothing (previews and the web pages build them all the time); writing one to a file is
what is recorded, by whoever wrote it, once the file is complete: ``write_monthly_report(...)`` then
``record_report_generated(session, report, files=[path], actor=...)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sqlalchemy.orm import Session

from sharelog.ledger.audit import LedgerEvent, append_audit_event
from sharelog.ledger.models import AuditEvent
from sharelog.reports._report import MonthlyReport
from sharelog.reports._shares import SharesRegister

__all__ = ["ReportGenerated", "record_report_generated"]


@dataclass(frozen=True, kw_only=True)
class ReportGenerated(LedgerEvent):
    """A report was written to a file (detail: period, disclosure control, each file's sha256)."""

    action: ClassVar[str] = "report-generated"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_report_generated(
    session: Session,
    report: MonthlyReport | SharesRegister,
    *,
    files: Sequence[Path],
    actor: str,
    via: str = "cli",
) -> AuditEvent:
    """Append a ``report-generated`` event for ``report``, written to ``files`` (read here for their checksums).

    Args:
        files: every file written from this report (the report itself, then any charts).
        via: where it was asked for: ``cli``, ``web`` or ``api``.
    """
    if isinstance(report, MonthlyReport):
        kind, months, agreement = "monthly", tuple(report.table.months), report.agreement_id
    else:
        kind, months, agreement = "shares", tuple(report.months), None
    period = f"{months[0]}..{months[-1]}" if months else ""
    detail = {
        "report": kind,
        "period": {"from": months[0] if months else None, "to": months[-1] if months else None},
        "agreement": agreement,
        "sdc": report.mode,
        "profile": report.profile.name if report.profile is not None else None,
        "generated_at": report.generated_at.isoformat(),
        "via": via,
        "files": [
            {"name": path.name, "sha256": _sha256(path), "bytes": path.stat().st_size} for path in files
        ],
    }
    return append_audit_event(
        session,
        ReportGenerated(actor=actor, object_type="report", object_id=f"{kind}/{period}", detail=detail),
    )
