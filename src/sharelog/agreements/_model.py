"""The agreement document as pydantic models: one file, one version of one agreement.

The models check each term on its own (types, vocabularies, formats). Rules that relate several terms — match
fields drawn from the request fields, dates in order, provenance consistent with null values — are in
``_rules.py`` so that they run even when some term has the wrong type, and every problem is reported at once.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import duckdb
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from sharelog.agreements._vocabulary import (
    MAX_PATTERN_LENGTH,
    OPTIONAL_TERMS,
    SLUG_PATTERN,
    TERMS,
    VERSION_PATTERN,
    OnwardRecipient,
    ProvenanceStatus,
    RequestField,
    ReturnField,
    Term,
)

__all__ = ["Agreement", "AgreementDocument", "Party", "Parties", "Provenance", "Purpose"]


def _iso_date(value: Any) -> Any:
    """Accept a calendar date (YAML reads ``2015-07-01`` as one) or the same written as quoted text."""
    if isinstance(value, datetime):
        raise ValueError("must be a date written YYYY-MM-DD, without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a real date, written YYYY-MM-DD")


def _usable_pattern(value: str) -> str:
    """A regular expression in RE2's syntax — what exchanges test request ids with: linear time whatever the id,
    so that no batch can make a pattern run for ever (Python's own ``re`` backtracks)."""
    if len(value) > MAX_PATTERN_LENGTH:
        raise ValueError(f"must be at most {MAX_PATTERN_LENGTH} characters: the form of an id, not a program")
    try:
        with duckdb.connect() as con:
            con.execute("SELECT regexp_full_match('', ?)", [value]).fetchall()
    except duckdb.Error:
        raise ValueError(
            "is not a regular expression sharelog can use: write it in RE2 syntax, without look-arounds or "
            "back-references, e.g. 'HO-[0-9]{4}-[0-9]{2}-[0-9]{5}'"
        ) from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
RequestIdPattern = Annotated[str, Field(min_length=1), AfterValidator(_usable_pattern)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
PositiveInt = Annotated[int, Field(gt=0)]


class _Strict(BaseModel):
    # Strict: YAML's own types must already be right (no "1500" for 1500, no 1.0 for "1.0"). Lists become tuples,
    # hence strict=False on the sequence fields; their items stay strict.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Party(_Strict):
    """One side of the agreement."""

    id: Slug
    name: Text
    detail: Text | None = None


class Parties(_Strict):
    """The holder, who matches and returns, and the requester, who sends the batches."""

    holder: Party
    requester: Party


class Purpose(_Strict):
    """One purpose a batch may be sent for; each exchange names exactly one."""

    code: Slug
    text: Text


class Provenance(_Strict):
    """Where one term's value comes from, and how sure we are of it."""

    status: ProvenanceStatus
    note: Text


class AgreementDocument(_Strict):
    """The terms of one version of an agreement, exactly as its YAML file states them."""

    id: Slug
    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    title: Text
    parties: Parties
    legal_basis: Text | None
    dpia_reference: Text | None
    valid_from: IsoDate
    valid_to: IsoDate | None
    review_date: IsoDate | None
    purposes: Annotated[tuple[Purpose, ...], Field(strict=False, min_length=1)]
    request_fields: Annotated[tuple[RequestField, ...], Field(strict=False, min_length=1)]
    match_fields: Annotated[tuple[RequestField, ...], Field(strict=False, min_length=1)]
    return_fields: Annotated[tuple[ReturnField, ...], Field(strict=False, min_length=1)]
    monthly_cap: PositiveInt
    retention_days: PositiveInt
    onward_recipients: Annotated[tuple[OnwardRecipient, ...], Field(strict=False)]
    outcome_reporting_window_days: PositiveInt
    provenance: dict[Term, Provenance]
    sources: Annotated[tuple[Text, ...], Field(strict=False, min_length=1)]
    notes: Text | None = None
    matching: dict[str, Any] = Field(default_factory=dict)  # per-agreement linkage thresholds, reserved
    # the form every request_id must have (RE2, matched whole); without it, any id up to 100 characters is taken
    request_id_pattern: RequestIdPattern | None = None


class Agreement(AgreementDocument):
    """One version of an agreement as loaded from its file: the terms plus where they were read from."""

    path: Path
    checksum: str  # sha256 of the file's bytes, hex

    def file_name(self) -> str:
        """The file's name within the agreements folder, ``<id>/v<version>.yaml``: what messages call it (never
        the folder, which is the server's business)."""
        return f"{self.id}/v{self.version}.yaml"

    def document(self) -> dict[str, Any]:
        """The terms as plain JSON-ready data (dates as ISO text), as the ledger stores them."""
        return self.model_dump(mode="json", exclude={"path", "checksum"})

    def in_force_on(self, day: date) -> bool:
        """Whether this version covers ``day`` (both ends inclusive; no end date means open-ended)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def validity_text(self) -> str:
        """The period this version is in force, e.g. ``2016-10-07 to 2018-12-31`` or ``2019-01-01, open-ended``."""
        if self.valid_to is None:
            return f"{self.valid_from}, open-ended"
        return f"{self.valid_from} to {self.valid_to}"

    def provenance_of(self, term: Term) -> Provenance:
        """Where ``term`` comes from (every term has an entry once the file has loaded; an optional term that is
        not given has none: see :meth:`terms`)."""
        return self.provenance[term]

    def terms(self) -> tuple[Term, ...]:
        """The terms this version states: every required one, and the optional ones it gives."""
        return (*TERMS, *(term for term in OPTIONAL_TERMS if getattr(self, term) is not None))

    def purpose_codes(self) -> tuple[str, ...]:
        """The codes of the purposes, in the file's order."""
        return tuple(purpose.code for purpose in self.purposes)
