"""FOI cases over the API: list, open, read, respond (with the published monthly report attached), record what moves
the clock, and download the letters — the same services as `sharelog foi …`, given the token's user's
organisation: another organisation's case is answered 404, as one that does not exist.

The actions that move the clock have one path each (so that each has its own body in the OpenAPI document), all
made from one table, :data:`ACTION_ROUTES`, and recorded through :func:`sharelog.foi.apply_case_action`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from sharelog.foi import (
    CASE_ACTIONS,
    OPEN_STATES,
    CaseAction,
    apply_case_action,
    extra_holidays_of,
    list_cases,
    new_case,
    read_case,
    respond,
    response_file,
)
from sharelog.reports import parse_period
from sharelog.web._context import Ledger, context_of
from sharelog.web._foi import FoiBodyLimitRoute, media_type, shows_requester
from sharelog.web._security import CurrentUser
from sharelog.web.api._foi_schemas import (
    FoiActionCreate,
    FoiCaseCreate,
    FoiCasePublic,
    FoiCasesPublic,
    FoiCaseSummaryPublic,
    FoiExtensionCreate,
    FoiFeesNoticeCreate,
    FoiResponseCreate,
    FoiReviewRequestCreate,
    case_public,
)

# error responses (the one shape) are declared once, on the /api/v1 router
# a body larger than the longest request text can be is refused (413) before it is parsed
router = APIRouter(prefix="/foi", tags=["FOI cases"], route_class=FoiBodyLimitRoute)


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
        extra_holidays=extra_holidays_of(context_of(request).settings),
    )
    return FoiCasesPublic(data=[FoiCaseSummaryPublic.model_validate(c) for c in cases], count=len(cases))


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
        extra_holidays=extra_holidays_of(settings),
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
        extra_holidays=extra_holidays_of(context_of(request).settings),
    )
    return case_public(case, show_requester=shows_requester(user, case))


@router.post("/cases/{case_reference:path}/responses", status_code=201, summary="Respond to an FOI case")
def api_respond_foi_case(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiResponseCreate
) -> FoiCasePublic:
    """Record the response (or the internal review's outcome), write the letter and attach the published report."""
    settings = context_of(request).settings_for(user.username)
    result = respond(
        session,
        case_reference=case_reference,
        outcome=body.outcome,
        responded_on=_on(body.responded_on),
        actor=settings.actor,
        data_dir=settings.data_dir,
        exemptions=body.exemptions,
        public_interest=body.public_interest,
        hours_estimate=body.hours_estimate,
        note=body.note,
        report_months=parse_period(body.report_months, field="report_months") if body.report_months else None,
        agreement_id=body.agreement_id,
        retention_days=settings.foi_case_retention_days,
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays_of(settings),
    )
    return case_public(result.case, show_requester=shows_requester(user, result.case))


# ---- the actions that move the clock: one path each, made from one table ----


@dataclass(frozen=True)
class ActionRoute:
    """Where the API records one action of :data:`sharelog.foi.CASE_ACTIONS`, and how the document names it."""

    action: str
    path: str  # under the case's address
    name: str  # the route's name (the access table's key)
    summary: str
    description: str
    body: type[FoiActionCreate] = FoiActionCreate


ACTION_ROUTES = (
    ActionRoute(
        "seek-clarification",
        "clarification-requests",
        "api_seek_foi_clarification",
        "Seek clarification",
        "Record that clarification was asked for (s.1(3)): no deadline runs until the reply.",
    ),
    ActionRoute(
        "clarification-received",
        "clarifications",
        "api_record_foi_clarification",
        "Record a clarification received",
        "Record the requester's clarification: a new 20 working days start from its receipt (s.10(6)(b)).",
    ),
    ActionRoute(
        "fees-notice",
        "fees-notices",
        "api_give_foi_fees_notice",
        "Give a fees notice",
        "Record a fees notice (s.9): the clock is paused until the fee is paid (s.10(2)).",
        FoiFeesNoticeCreate,
    ),
    ActionRoute(
        "fee-paid",
        "fee-payments",
        "api_record_foi_fee_paid",
        "Record a fee as paid",
        "Record the fee's receipt: the clock runs again, the paused working days disregarded.",
    ),
    ActionRoute(
        "extend",
        "extensions",
        "api_extend_foi_deadline",
        "Extend to consider the public interest",
        "Extend the deadline for a public interest test (FOIA s.10(3)): at most 20 more working days in all.",
        FoiExtensionCreate,
    ),
    ActionRoute(
        "request-review",
        "internal-reviews",
        "api_request_foi_review",
        "Record a request for internal review",
        "Record the requester's request for an internal review of the response: due in 20 working days.",
        FoiReviewRequestCreate,
    ),
    ActionRoute(
        "withdraw",
        "withdrawal",
        "api_withdraw_foi_case",
        "Record the request as withdrawn",
        "Record that the requester withdrew the request (or never answered a request for clarification).",
    ),
)


def _action_endpoint(action: CaseAction, body_model: type[FoiActionCreate]) -> Callable[..., FoiCasePublic]:
    """The endpoint that records ``action`` from a body of ``body_model``: the day, and what the action needs."""
    change = action.change
    assert change is not None, f"{action.name} is not recorded through apply_case_action"

    def record_foi_action(
        request: Request, session: Ledger, user: CurrentUser, case_reference: str, body: FoiActionCreate
    ) -> FoiCasePublic:
        settings = context_of(request).settings_for(user.username)
        case = apply_case_action(
            session,
            reference=case_reference,
            action=change(on=_on(body.on), **body.model_dump(include=set(action.needs))),
            actor=settings.actor,
            organisation_id=user.organisation_id,
            extra_holidays=extra_holidays_of(settings),
        )
        return case_public(case, show_requester=shows_requester(user, case))

    # FastAPI reads the body's model from the signature: each action's own, so that the document shows it
    record_foi_action.__annotations__["body"] = body_model
    return record_foi_action


for _route in ACTION_ROUTES:
    router.add_api_route(
        f"/cases/{{case_reference:path}}/{_route.path}",
        _action_endpoint(CASE_ACTIONS[_route.action], _route.body),
        methods=["POST"],
        name=_route.name,
        summary=_route.summary,
        description=_route.description,
    )
