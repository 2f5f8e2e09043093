"""FOI cases over the API: list, open, read, respond (with the published monthly report attached), record what moves
the clock, and download the letters — the same services as `sharelog foi …`, given the token's user's
organisation: another organisation's case is answered 404, as one that does not exist."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from sharelog.foi import (
    MAX_REQUEST_TEXT,
    OPEN_STATES,
    CaseView,
    ResponseView,
    clarification_received,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    list_cases,
    new_case,
    next_actions,
    read_case,
    request_review,
    respond,
    response_file,
    seek_clarification,
    withdraw_case,
)
from sharelog.reports import parse_period
from sharelog.web._context import Ledger, context_of
from sharelog.web._foi import (
    FoiBodyLimitRoute,
    extra_holidays,
    media_type,
    response_folder,
    shows_requester,
)
from sharelog.web._security import CurrentUser

# error responses (the one shape) are declared once, on the /api/v1 router
# a body larger than the longest request text can be is refused (413) before it is parsed
router = APIRouter(prefix="/foi", tags=["FOI cases"], route_class=FoiBodyLimitRoute)

Regime = Literal["foia", "foisa"]
AuthorityType = Literal["central_government", "other", "school"]
Outcome = Literal["successful", "partially_successful", "not_held", "rejected", "ncnd", "s12_cost", "s14"]
PERIOD = "a year (2019), a month (2019-03) or a range (2019-01..2019-06)"


# ---- what goes in ----


class FoiCaseCreate(BaseModel):
    """A request received: the case opens awaiting a response, due on the 20th working day after receipt."""

    title: str = Field(description="The request's subject.", max_length=300)
    request_text: str = Field(
        description=f"The request as received (at most {MAX_REQUEST_TEXT:,} characters).",
        max_length=MAX_REQUEST_TEXT,
    )
    received_on: date = Field(
        description="The day of receipt (day zero of the clock): from 2005-01-01, when FOIA came into force, to today."
    )
    regime: Regime = Field(
        "foia", description="foia: bank holidays anywhere in the UK; foisa: Scotland's only."
    )
    authority_type: AuthorityType = Field(
        "central_government", description="Sets the s.12 cost limit; a school is long overdue after 60 days."
    )
    authority: str | None = Field(None, description="The authority's name, for letters.")
    reference: str | None = Field(None, description="The case reference; default FOI-<year>-<nnnn>.")
    about: str | None = Field(None, description=f"The months the request asks about: {PERIOD}.")
    requester_name: str | None = Field(None, description="Personal data: erased after retention.")
    requester_contact: str | None = Field(None, description="Personal data: erased after retention.")


class FoiResponseCreate(BaseModel):
    """A response to a case (or the outcome of its internal review); the letter is written with it."""

    outcome: Outcome
    responded_on: date | None = Field(None, description="The day the response is sent; default today.")
    exemptions: list[str] = Field(default_factory=list, description="Citations such as 31(1)(e).")
    public_interest: str | None = Field(
        None, description="Why the public interest favours the qualified exemptions cited."
    )
    hours_estimate: float | None = Field(None, description="s12_cost only: the hours compliance would take.")
    note: str | None = Field(None, description="Further text for the letter.")
    report_months: str | None = Field(
        None, description=f"Attach the published monthly outcomes report for these months: {PERIOD}."
    )
    agreement_id: str | None = Field(None, description="The report for one agreement only.")


class FoiActionCreate(BaseModel):
    """An action on a case on a given day."""

    on: date | None = Field(None, description="The day it happened; default today.")


class FoiFeesNoticeCreate(FoiActionCreate):
    """A fees notice (s.9): the clock pauses until the fee is paid."""

    amount: float | None = Field(None, description="The fee asked for, in pounds.")


class FoiExtensionCreate(FoiActionCreate):
    """A public-interest extension (FOIA s.10(3)), notified by the 20th working day."""

    days: int = Field(description="Working days to add (at most 20 in all).")
    exemptions: list[str] = Field(
        description="The qualified exemptions whose public interest test needs the time."
    )


class FoiReviewRequestCreate(FoiActionCreate):
    """The requester asks for an internal review of the response."""

    late: bool = Field(False, description="Accept a request made after the 40 working days allowed.")


# ---- what comes out ----


class FoiEventPublic(BaseModel):
    """An event in a case's history."""

    kind: str
    on: date
    days: int | None
    detail: dict[str, Any]
    recorded_by: str


class FoiFilePublic(BaseModel):
    """A file a response wrote, with where to download it."""

    kind: str
    name: str
    sha256: str
    href: str


class FoiResponsePublic(BaseModel):
    """A response as recorded."""

    stage: str
    outcome: str
    responded_on: date
    exemptions: list[str]
    public_interest: str | None
    hours_estimate: float | None
    cost_limit: int | None
    note: str | None
    report_months: str | None
    review_by: date
    recorded_by: str
    files: list[FoiFilePublic]


class FoiPausePublic(BaseModel):
    """Working days not counted: from a fees notice to its payment."""

    start: date
    end: date | None


class FoiClockPublic(BaseModel):
    """The response clock, derived from the day of receipt and the events."""

    start: date
    restarted: bool
    waiting_clarification_since: date | None
    paused_since: date | None
    pauses: list[FoiPausePublic]
    extension_days: int
    statutory_due: date | None
    due: date | None
    long_overdue_after: date | None


class FoiReviewPublic(BaseModel):
    """An internal review's deadlines."""

    requested_on: date
    due: date
    long_overdue_after: date


class FoiCaseSummaryPublic(BaseModel):
    """A case in a list: its state and what time makes of it today."""

    reference: str
    title: str
    received_on: date
    regime: str
    state: str
    status: str
    status_label: str
    is_open: bool
    due_on: date | None
    lateness: str | None
    due_this_week: bool
    href: str


class FoiCasesPublic(BaseModel):
    """A list of cases."""

    data: list[FoiCaseSummaryPublic]
    count: int


class FoiCasePublic(FoiCaseSummaryPublic):
    """A case in full. The requester's name and contact are given to the FOI officers of the organisation that
    received the request only (null otherwise)."""

    request_text: str
    authority_type: str
    authority: str | None
    about: str | None
    today: date
    clock: FoiClockPublic
    review: FoiReviewPublic | None
    answered_in_time: bool | None
    events: list[FoiEventPublic]
    responses: list[FoiResponsePublic]
    next_actions: list[str]
    requester_name: str | None
    requester_contact: str | None
    requester_erase_after: date | None
    requester_erased_on: date | None
    opened_by: str


# ---- views → models ----


def _case_path(reference: str) -> str:
    return f"/api/v1/foi/cases/{quote(reference, safe='/')}"


def _summary_fields(case: CaseView) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "title": case.title,
        "received_on": case.received_on,
        "regime": case.regime,
        "state": case.state,
        "status": case.status,
        "status_label": case.status_label,
        "is_open": case.is_open,
        "due_on": case.due_on if case.is_open else None,
        "lateness": case.lateness,
        "due_this_week": case.due_this_week,
        "href": _case_path(case.reference),
    }


def _response_public(reference: str, response: ResponseView) -> FoiResponsePublic:
    files = [
        FoiFilePublic(
            kind=kind,
            name=Path(entry["path"]).name,
            sha256=entry["sha256"],
            href=f"{_case_path(reference)}/files/{quote(Path(entry['path']).name, safe='')}",
        )
        for kind, entry in sorted(response.files.items())
    ]
    return FoiResponsePublic(
        stage=response.stage,
        outcome=response.outcome,
        responded_on=response.responded_on,
        exemptions=[e.citation for e in response.exemptions],
        public_interest=response.public_interest,
        hours_estimate=response.hours_estimate,
        cost_limit=response.cost_limit,
        note=response.note,
        report_months=response.report_months,
        review_by=response.review_by,
        recorded_by=response.recorded_by,
        files=files,
    )


def case_public(case: CaseView, *, show_requester: bool) -> FoiCasePublic:
    """``case`` as the API gives it; the requester's details only when ``show_requester``."""
    clock = case.clock
    return FoiCasePublic(
        **_summary_fields(case),
        request_text=case.request_text,
        authority_type=case.authority_type,
        authority=case.authority,
        about=f"{case.about[0]}..{case.about[1]}" if case.about else None,
        today=case.today,
        clock=FoiClockPublic(
            start=clock.start,
            restarted=clock.restarted,
            waiting_clarification_since=clock.waiting_clarification_since,
            paused_since=clock.paused_since,
            pauses=[FoiPausePublic(start=p.start, end=p.end) for p in clock.pauses],
            extension_days=clock.extension_days,
            statutory_due=clock.statutory_due,
            due=clock.due,
            long_overdue_after=clock.long_overdue_after,
        ),
        review=(
            FoiReviewPublic(
                requested_on=case.review.requested_on,
                due=case.review.due,
                long_overdue_after=case.review.long_overdue_after,
            )
            if case.review is not None
            else None
        ),
        answered_in_time=case.answered_in_time,
        events=[
            FoiEventPublic(kind=e.kind, on=e.on, days=e.days, detail=e.detail, recorded_by=e.recorded_by)
            for e in case.events
        ],
        responses=[_response_public(case.reference, r) for r in case.responses],
        next_actions=[action.name for action in next_actions(case)],
        requester_name=case.requester_name if show_requester else None,
        requester_contact=case.requester_contact if show_requester else None,
        requester_erase_after=case.requester_erase_after if show_requester else None,
        requester_erased_on=case.requester_erased_on,
        opened_by=case.opened_by,
    )


def _on(day: date | None) -> date:
    return day if day is not None else date.today()


# ---- endpoints ----


@router.get("/cases", summary="List FOI cases")
def api_read_foi_cases(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    open_only: Annotated[bool, Query(alias="open", description="Only cases awaiting something.")] = False,
) -> FoiCasesPublic:
    """FOI cases, oldest first, with their state, due date and whether they are overdue today."""
    cases = list_cases(
        session,
        today=date.today(),
        organisation_id=user.organisation_id,
        states=OPEN_STATES if open_only else (),
        extra_holidays=extra_holidays(context_of(request).settings),
    )
    return FoiCasesPublic(data=[FoiCaseSummaryPublic(**_summary_fields(c)) for c in cases], count=len(cases))


@router.post("/cases", status_code=201, summary="Open an FOI case")
def api_create_foi_case(
    request: Request, session: Ledger, user: CurrentUser, body: FoiCaseCreate
) -> FoiCasePublic:
    """Open a case for a request received on ``received_on``: the response is due on the 20th working day."""
    settings = context_of(request).settings_for(user.username)
    case = new_case(
        session,
        received_on=body.received_on,
        title=body.title,
        request_text=body.request_text,
        actor=settings.actor,
        organisation_id=user.organisation_id,
        regime=body.regime,
        authority_type=body.authority_type,
        authority=body.authority,
        reference=body.reference,
        requester_name=body.requester_name,
        requester_contact=body.requester_contact,
        about=parse_period(body.about, field="about") if body.about else None,
        retention_days=settings.foi_case_retention_days,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.get("/cases/{case_reference:path}/files/{file_name}", summary="Download a response file")
def api_read_foi_file(
    session: Ledger, user: CurrentUser, case_reference: str, file_name: str
) -> FileResponse:
    """A letter (Word or Markdown) or attached report that a response wrote, checked against its recorded hash."""
    found = response_file(
        session, case_reference=case_reference, name=file_name, organisation_id=user.organisation_id
    )
    return FileResponse(found.path, media_type=media_type(found.path), filename=found.path.name)


@router.get("/cases/{case_reference:path}", summary="Read an FOI case")
def api_read_foi_case(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str
) -> FoiCasePublic:
    """One case: clock, due dates, events, responses with their files, and the actions possible next."""
    case = read_case(
        session,
        case_reference=case_reference,
        today=date.today(),
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(context_of(request).settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/responses", status_code=201, summary="Respond to an FOI case")
def api_respond_foi_case(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiResponseCreate
) -> FoiCasePublic:
    """Record the response (or the internal review's outcome), write the letter and attach the published report."""
    settings = context_of(request).settings_for(user.username)
    case = read_case(
        session,
        case_reference=case_reference,
        today=date.today(),
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    result = respond(
        session,
        case_reference=case.reference,
        outcome=body.outcome,
        responded_on=_on(body.responded_on),
        actor=settings.actor,
        out_dir=response_folder(settings, case),
        exemptions=body.exemptions,
        public_interest=body.public_interest,
        hours_estimate=body.hours_estimate,
        note=body.note,
        report_months=parse_period(body.report_months, field="report_months")
        if body.report_months
        else None,
        agreement_id=body.agreement_id,
        retention_days=settings.foi_case_retention_days,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(result.case, show_requester=shows_requester(user, result.case))


@router.post("/cases/{case_reference:path}/clarification-requests", summary="Seek clarification")
def api_seek_foi_clarification(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiActionCreate
) -> FoiCasePublic:
    """Record that clarification was asked for (s.1(3)): no deadline runs until the reply."""
    settings = context_of(request).settings_for(user.username)
    case = seek_clarification(
        session,
        case_reference=case_reference,
        sought_on=_on(body.on),
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/clarifications", summary="Record a clarification received")
def api_record_foi_clarification(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiActionCreate
) -> FoiCasePublic:
    """Record the requester's clarification: a new 20 working days start from its receipt (s.10(6)(b))."""
    settings = context_of(request).settings_for(user.username)
    case = clarification_received(
        session,
        case_reference=case_reference,
        received_on=_on(body.on),
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/fees-notices", summary="Give a fees notice")
def api_give_foi_fees_notice(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiFeesNoticeCreate
) -> FoiCasePublic:
    """Record a fees notice (s.9): the clock is paused until the fee is paid (s.10(2))."""
    settings = context_of(request).settings_for(user.username)
    case = give_fees_notice(
        session,
        case_reference=case_reference,
        given_on=_on(body.on),
        amount=body.amount,
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/fee-payments", summary="Record a fee as paid")
def api_record_foi_fee_paid(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiActionCreate
) -> FoiCasePublic:
    """Record the fee's receipt: the clock runs again, the paused working days disregarded."""
    settings = context_of(request).settings_for(user.username)
    case = fee_paid(
        session,
        case_reference=case_reference,
        paid_on=_on(body.on),
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/extensions", summary="Extend to consider the public interest")
def api_extend_foi_deadline(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiExtensionCreate
) -> FoiCasePublic:
    """Extend the deadline for a public interest test (FOIA s.10(3)): at most 20 more working days in all."""
    settings = context_of(request).settings_for(user.username)
    case = extend_deadline(
        session,
        case_reference=case_reference,
        days=body.days,
        exemptions=body.exemptions,
        extended_on=_on(body.on),
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/internal-reviews", summary="Record a request for internal review")
def api_request_foi_review(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiReviewRequestCreate
) -> FoiCasePublic:
    """Record the requester's request for an internal review of the response: due in 20 working days."""
    settings = context_of(request).settings_for(user.username)
    case = request_review(
        session,
        case_reference=case_reference,
        requested_on=_on(body.on),
        accept_late=body.late,
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/withdrawal", summary="Record the request as withdrawn")
def api_withdraw_foi_case(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiActionCreate
) -> FoiCasePublic:
    """Record that the requester withdrew the request (or never answered a request for clarification)."""
    settings = context_of(request).settings_for(user.username)
    case = withdraw_case(
        session,
        case_reference=case_reference,
        withdrawn_on=_on(body.on),
        actor=settings.actor,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))
