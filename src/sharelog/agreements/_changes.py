"""What changed between two versions of an agreement, term by term, and each version beside its predecessor.

A list term (fields, recipients, purposes) says what was added and what removed, so that "nationality is no longer
returned" reads as one removal rather than two long lists to compare by eye. A term whose value stayed the same
but whose provenance changed (say, from *reported* to *assumed*) is a change too: what we know about it moved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sharelog.agreements._model import Agreement, Purpose
from sharelog.agreements._registry import agreement_versions
from sharelog.agreements._vocabulary import ALL_TERMS, Term, version_key
from sharelog.errors import NotFound

__all__ = ["AgreementChanges", "TermChange", "agreement_changes", "version_with_changes"]


@dataclass(frozen=True)
class TermChange:
    """One term that differs between two versions.

    ``added`` and ``removed`` are filled for list terms (purposes by code, with their text); ``before`` and
    ``after`` hold the two values as text for any other term. ``provenance_before``/``_after`` are set when the
    term's provenance status changed.
    """

    term: Term
    before: str | None = None
    after: str | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reworded: tuple[str, ...] = ()  # purposes kept under the same code with new text
    provenance_before: str | None = None
    provenance_after: str | None = None

    @property
    def value_changed(self) -> bool:
        """Whether the term's value (not only its provenance) changed."""
        return bool(self.added or self.removed or self.reworded or self.before != self.after)


@dataclass(frozen=True)
class AgreementChanges:
    """One agreement version, the version before it (if any) and what changed between the two."""

    agreement: Agreement
    previous: Agreement | None
    changes: tuple[TermChange, ...]
    later_versions: tuple[str, ...]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _party_text(agreement: Agreement) -> str:
    holder, requester = agreement.parties.holder, agreement.parties.requester
    return f"holder: {holder.name} ({holder.id}); requester: {requester.name} ({requester.id})"


def _purpose_change(before: tuple[Purpose, ...], after: tuple[Purpose, ...]) -> TermChange | None:
    old = {purpose.code: purpose.text for purpose in before}
    new = {purpose.code: purpose.text for purpose in after}
    added = tuple(f"{code}: {new[code]}" for code in new if code not in old)
    removed = tuple(f"{code}: {old[code]}" for code in old if code not in new)
    reworded = tuple(f"{code}: {new[code]}" for code in new if code in old and old[code] != new[code])
    if not (added or removed or reworded):
        return None
    return TermChange("purposes", added=added, removed=removed, reworded=reworded)


def _term_change(previous: Agreement, current: Agreement, term: Term) -> TermChange | None:
    before, after = getattr(previous, term), getattr(current, term)
    if term == "purposes":
        return _purpose_change(before, after)
    if isinstance(before, tuple):
        added = tuple(item for item in after if item not in before)
        removed = tuple(item for item in before if item not in after)
        if added or removed:
            return TermChange(term, added=added, removed=removed)
        return None
    before_text: str | None = _party_text(previous) if term == "parties" else _text(before)
    after_text: str | None = _party_text(current) if term == "parties" else _text(after)
    return TermChange(term, before=before_text, after=after_text) if before_text != after_text else None


def agreement_changes(previous: Agreement, current: Agreement) -> list[TermChange]:
    """Every term whose value or provenance status differs between two versions, in the order of the terms.

    Args:
        previous: The earlier version.
        current: The later version (normally of the same agreement).

    Returns:
        One :class:`TermChange` per changed term; empty when the two say the same.
    """
    changes: list[TermChange] = []
    for term in ALL_TERMS:
        if term not in previous.terms() and term not in current.terms():
            continue  # an optional term neither version gives
        change = _term_change(previous, current, term)
        status_before = _status(previous, term)
        status_after = _status(current, term)
        if status_before != status_after:
            change = replace(
                change or TermChange(term), provenance_before=status_before, provenance_after=status_after
            )
        if change is not None:
            changes.append(change)
    return changes


def _status(agreement: Agreement, term: Term) -> str | None:
    return agreement.provenance_of(term).status if term in agreement.terms() else None


def version_with_changes(agreement_id: str, *, version: str, directory: Path | str) -> AgreementChanges:
    """One version of an agreement with the version before it and what changed since.

    Args:
        agreement_id: The agreement's id, e.g. ``ho-dfe-2015-mou``.
        version: The version wanted, e.g. ``"2.1"``.
        directory: The agreements folder.

    Raises:
        NotFound: No such agreement or version (the message lists what exists).
        ValidationFailed: The folder has problems.
    """
    versions = sorted(
        agreement_versions(agreement_id, directory=directory), key=lambda a: version_key(a.version)
    )
    position = next((i for i, agreement in enumerate(versions) if agreement.version == version), None)
    if position is None:
        listing = ", ".join(agreement.version for agreement in versions)
        raise NotFound(f"agreement '{agreement_id}' has no version '{version}'; its versions: {listing}")
    current = versions[position]
    previous = versions[position - 1] if position > 0 else None
    changes = tuple(agreement_changes(previous, current)) if previous is not None else ()
    later = tuple(agreement.version for agreement in versions[position + 1 :])
    return AgreementChanges(agreement=current, previous=previous, changes=changes, later_versions=later)
