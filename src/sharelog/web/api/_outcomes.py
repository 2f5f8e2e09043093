"""Outcomes over the API: record one event, import a file of them, read a returned record's history.

Only a requester's caseworker may call these, and only about records returned to its organisation (the
outcomes services check it: another organisation's record is 404, as one that does not exist).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from sharelog.outcomes import (
    MAX_NOTE_CHARS,
    OutcomeEventView,
    import_outcomes,
    outcome_history,
    outside_agreement,
    record_outcome,
)
from sharelog.web._context import Ledger
from sharelog.web._security import CurrentUser
from sharelog.web._uploads import saved_upload, upload_name

router = APIRouter(tags=["outcomes"])


class OutcomeCreate(BaseModel):
    """An outcome event to record about a returned record."""

    kind: str = Field(description="use, onward_share, intervention or result.", examples=["result"])
    code: str = Field(description="One of the kind's codes.", examples=["contact_reestablished"])
    date: dt.date = Field(
        description="When it happened: not before the record was returned, not after today."
    )
    children_affected: int | None = Field(None, ge=0, description="Children affected (results only).")
    family_members_affected: int | None = Field(
        None, ge=0, description="Other family members affected (results only)."
    )
    note: str | None = Field(
        None,
        max_length=MAX_NOTE_CHARS,
        description="Free text kept with the event, never in the audit trail.",
    )
    supersedes: int | None = Field(
        None, description="The id of an earlier event of this record that this corrects."
    )


class OutcomeEventPublic(BaseModel):
    """One outcome event as recorded."""

    id: int
    disclosure_id: int
    kind: str
    code: str
    date: dt.date
    recorded_by: str
    recorded_at: dt.datetime
    children_affected: int | None
    family_members_affected: int | None
    note: str | None
    supersedes: int | None
    superseded_by: int | None
    outside_agreement: bool = Field(
        description="An onward share to a recipient the agreement does not permit."
    )


class DisclosureOutcomesPublic(BaseModel):
    """A returned record's outcome events (oldest first), its latest result and whether it is overdue."""

    disclosure_id: int
    exchange: str
    request_ref: str
    returned_on: dt.date
    due_on: dt.date
    outcome_unknown: bool
    overdue: bool
    days_overdue: int
    latest_result: OutcomeEventPublic | None
    events: list[OutcomeEventPublic]


class OutcomesImportPublic(BaseModel):
    """What an import recorded."""

    file: str
    sha256: str
    recorded: int
    events: list[int]
    by_kind: dict[str, int]
    outside_agreement_rows: list[int] = Field(
        description="Rows recording an onward share the agreement does not permit."
    )


def _event(view: OutcomeEventView, disclosure_id: int) -> OutcomeEventPublic:
    return OutcomeEventPublic(
        id=view.id,
        disclosure_id=disclosure_id,
        kind=view.kind,
        code=view.code,
        date=view.event_date,
        recorded_by=view.recorded_by,
        recorded_at=view.recorded_at,
        children_affected=view.children_affected,
        family_members_affected=view.family_members_affected,
        note=view.note,
        supersedes=view.supersedes_id,
        superseded_by=view.superseded_by_id,
        outside_agreement=view.outside_agreement,
    )


@router.get("/disclosures/{disclosure_id}/outcomes", summary="Read a returned record's outcome events")
def api_read_outcomes(session: Ledger, user: CurrentUser, disclosure_id: int) -> DisclosureOutcomesPublic:
    """A returned record's outcome events, its latest result, and whether its outcome is unknown or overdue."""
    history = outcome_history(session, disclosure_id=disclosure_id, organisation_id=user.organisation_id)
    return DisclosureOutcomesPublic(
        disclosure_id=history.disclosure_id,
        exchange=history.exchange,
        request_ref=history.request_ref,
        returned_on=history.returned_on,
        due_on=history.due_on,
        outcome_unknown=history.outcome_unknown,
        overdue=history.overdue,
        days_overdue=history.days_overdue,
        latest_result=_event(history.latest_result, disclosure_id) if history.latest_result else None,
        events=[_event(event, disclosure_id) for event in history.events],
    )


@router.post(
    "/disclosures/{disclosure_id}/outcomes", status_code=201, summary="Record an outcome event about a record"
)
def api_create_outcome(
    session: Ledger, user: CurrentUser, disclosure_id: int, body: OutcomeCreate
) -> OutcomeEventPublic:
    """Record what happened to a returned record (append-only: to correct an event, supersede it)."""
    event = record_outcome(
        session,
        disclosure_id=disclosure_id,
        kind=body.kind,
        code=body.code,
        event_date=body.date,
        recorded_by=user.username,
        children_affected=body.children_affected,
        family_members_affected=body.family_members_affected,
        note=body.note,
        supersedes=body.supersedes,
        organisation_id=user.organisation_id,
    )
    return OutcomeEventPublic(
        id=event.id,
        disclosure_id=event.disclosure_id,
        kind=event.kind,
        code=event.code,
        date=event.event_date,
        recorded_by=event.recorded_by,
        recorded_at=event.recorded_at,
        children_affected=event.children_affected,
        family_members_affected=event.family_members_affected,
        note=event.note,
        supersedes=event.supersedes_id,
        superseded_by=None,
        outside_agreement=outside_agreement(event),
    )


@router.post("/outcomes/import", status_code=201, summary="Import a CSV or XLSX file of outcome events")
def api_import_outcomes(
    session: Ledger,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="The outcomes file (.csv or .xlsx).")],
) -> OutcomesImportPublic:
    """Record every outcome event in the file, or none: a 422 lists every problem by row and field."""
    name = upload_name(file)
    with saved_upload(file) as path:
        result = import_outcomes(
            session, path=path, recorded_by=user.username, organisation_id=user.organisation_id, name=name
        )
    return OutcomesImportPublic(
        file=name,
        sha256=result.checksum,
        recorded=result.recorded,
        events=list(result.events),
        by_kind=result.by_kind,
        outside_agreement_rows=list(result.outside_agreement_rows),
    )
