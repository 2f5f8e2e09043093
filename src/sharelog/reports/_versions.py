"""The agreement versions the ledger recorded, as reports describe them: who, what for, which data, how long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from sharelog.errors import NotFound
from sharelog.ledger.models import AgreementVersion, Organisation
from sharelog.reports._period import month_bounds

__all__ = ["AgreementVersionInfo", "Parties", "parties_of", "recorded_versions", "versions_in_force"]


@dataclass(frozen=True)
class AgreementVersionInfo:
    """One recorded agreement version, with the terms a register of data shares shows."""

    agreement_id: str
    version: str
    title: str
    holder: str
    requester: str
    valid_from: date
    valid_to: date | None
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``ho-dfe-2019-update v1.0``."""
        return f"{self.agreement_id} v{self.version}"

    def in_force_during(self, month: str) -> bool:
        """Whether the version was in force on any day of ``month`` (``YYYY-MM``)."""
        first, last = month_bounds(month)
        return self.valid_from <= last and (self.valid_to is None or self.valid_to >= first)

    def validity_text(self) -> str:
        return (
            f"{self.valid_from} to {self.valid_to}"
            if self.valid_to
            else f"from {self.valid_from}, open-ended"
        )

    def term(self, name: str) -> Any:
        """A term of the recorded document (None when the document does not state it)."""
        return self.document.get(name)


def recorded_versions(session: Session, *, agreement_id: str | None = None) -> list[AgreementVersionInfo]:
    """Every agreement version in the ledger (or every version of one agreement), by id then validity.

    Raises:
        NotFound: ``agreement_id`` names no agreement the ledger recorded (the message lists those it did).
    """
    holder, requester = aliased(Organisation), aliased(Organisation)
    query = (
        select(AgreementVersion, holder.name, requester.name)
        .join(holder, AgreementVersion.holder_id == holder.id)
        .join(requester, AgreementVersion.requester_id == requester.id)
        .order_by(AgreementVersion.agreement_id, AgreementVersion.valid_from, AgreementVersion.id)
    )
    rows = session.execute(query).all()
    versions = [
        AgreementVersionInfo(
            agreement_id=row.agreement_id,
            version=row.version,
            title=row.title,
            holder=holder_name,
            requester=requester_name,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            document=dict(row.document or {}),
        )
        for row, holder_name, requester_name in rows
    ]
    if agreement_id is None:
        return versions
    chosen = [v for v in versions if v.agreement_id == agreement_id]
    if not chosen:
        known = sorted({v.agreement_id for v in versions})
        listing = f"the ledger has: {', '.join(known)}" if known else "the ledger has recorded no agreement"
        raise NotFound(f"no agreement '{agreement_id}' in the ledger; {listing}", field="agreement")
    return chosen


def versions_in_force(
    versions: Sequence[AgreementVersionInfo], months: Sequence[str], used: dict[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    """Month → the versions in force that month (by their validity), plus any an exchange of the month used."""
    return {
        month: tuple(
            sorted({v.label for v in versions if v.in_force_during(month)} | set(used.get(month, [])))
        )
        for month in months
    }


@dataclass(frozen=True)
class Parties:
    """The two organisations of an exchange, by name: the one that holds the records (the Department for
    Education) and the one that asks it to trace people (the Home Office)."""

    holder: str
    requester: str


def _names(names: Sequence[str]) -> str:
    unique = list(dict.fromkeys(names))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]


def parties_of(
    versions: Sequence[AgreementVersionInfo], *, labels: Sequence[str] | None = None
) -> Parties | None:
    """The parties of the versions named by ``labels`` (every version when None or when none of them is
    recorded), as the agreements name them; None when no version is recorded.

    Where versions name different organisations, each side lists them (``A or B``).
    """
    chosen = [v for v in versions if labels is None or v.label in labels] or list(versions)
    if not chosen:
        return None
    return Parties(holder=_names([v.holder for v in chosen]), requester=_names([v.requester for v in chosen]))
