"""FOI cases: the list with due dates and overdue tags, opening a case, its timeline and clock, responding with the
published report, and recording what moves the clock. Each route calls one service in :mod:`sharelog.foi`, with
the signed-in user's organisation: another organisation's case is answered as one that does not exist."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from sharelog.errors import InputError, NotFound
from sharelog.foi import (
    AUTHORITY_TYPES,
    CASE_ACTIONS,
    EXEMPTIONS,
    MAX_EXTENSION_DAYS,
    OPEN_STATES,
    OUTCOMES,
    CaseView,
    clarification_received,
    explain_case_deadline,
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
from sharelog.ledger.models import User
from sharelog.reports import parse_period
from sharelog.settings import Settings
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._foi import (
    OUTCOME_LABELS,
    FoiBodyLimitRoute,
    extra_holidays,
    media_type,
    response_folder,
    shows_requester,
)
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render
from sharelog.web.pages._foi_display import (
    AUTHORITY_TYPE_LABELS,
    EVENT_TITLES,
    case_href,
    case_tags,
    date_fields,
    due_words,
    errors_of,
    form_date,
    responses_of,
    timeline,
)

router = APIRouter(route_class=FoiBodyLimitRoute)  # a body no request could need is refused unread

_NOTICE = "foi_notice"  # the session key of the one-off "what just happened" banner


def _may(user: User, route: str) -> bool:
    access = ACCESS.get(route)
    return access is not None and allowed(access, user.role)


def _flash(request: Request, text: str) -> None:
    request.session[_NOTICE] = text


def _redirect_to_case(request: Request, reference: str, notice: str) -> RedirectResponse:
    _flash(request, notice)
    return RedirectResponse(case_href(reference), status_code=303)


# ---- the list ----


@router.get("/foi", response_class=HTMLResponse)
def read_foi_cases(
    request: Request, session: Ledger, user: CurrentUser, show: Literal["open", "all"] = "open"
) -> HTMLResponse:
    """FOI cases with their state, due date and tags: overdue, due this week, waiting for clarification."""
    settings = context_of(request).settings
    cases = list_cases(
        session,
        today=date.today(),
        organisation_id=user.organisation_id,
        states=OPEN_STATES if show == "open" else (),
        extra_holidays=extra_holidays(settings),
    )
    rows = [{"case": case, "tags": case_tags(case), "href": case_href(case.reference)} for case in cases]
    return render(
        request,
        "foi/cases.html",
        title="FOI cases",
        rows=rows,
        show=show,
        can_open=_may(user, "create_foi_case"),
        notice=request.session.pop(_NOTICE, None),
    )


# ---- opening a case ----


class FoiCaseForm(BaseModel):
    """The fields of the form that opens a case (all text, as a browser sends them)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    title: str = ""
    text: str = ""
    received_day: str = Field(default="", alias="received-day")
    received_month: str = Field(default="", alias="received-month")
    received_year: str = Field(default="", alias="received-year")
    regime: str = "foia"
    authority_type: str = "central_government"
    authority: str = ""
    reference: str = ""
    about: str = ""
    requester: str = ""
    contact: str = ""


_NEW_CASE_FIELDS = {  # in the form's order, the order its errors are listed in
    "title": ("title", "Title"),
    "text": ("text", "The request"),
    "received": ("received-day", "Date received"),
    "regime": ("regime", "Regime"),
    "authority-type": ("authority_type", "Authority type"),
    "about": ("about", "Months the request is about"),
    "reference": ("reference", "Reference"),
    "requester": ("requester", "Requester's name"),
    "contact": ("contact", "Requester's contact"),
}


def _new_case_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 422
) -> HTMLResponse:
    return render(
        request,
        "foi/new.html",
        status_code=status if errors else 200,
        title="Open an FOI case",
        values=values,
        errors=errors,
        authority_types=[
            {"value": name, "text": AUTHORITY_TYPE_LABELS.get(name, name)} for name in AUTHORITY_TYPES
        ],
    )


@router.get("/foi/new", response_class=HTMLResponse)
def read_new_foi_case(request: Request, user: CurrentUser) -> HTMLResponse:
    """The form to open an FOI case."""
    values = FoiCaseForm().model_dump(by_alias=True) | date_fields("received", date.today())
    return _new_case_page(request, values, {})


@router.post("/foi", response_class=HTMLResponse)
def create_foi_case(
    request: Request, session: Ledger, user: CurrentUser, form: Annotated[FoiCaseForm, Form()]
) -> Response:
    """Open an FOI case: the response is due on the 20th working day after receipt."""
    values = form.model_dump(by_alias=True)
    errors: dict[str, str] = {}
    received = form_date(values, "received", "the date the request was received", errors)
    if errors or received is None:
        return _new_case_page(request, values, errors)
    settings = context_of(request).settings_for(user.username)
    try:
        case = new_case(
            session,
            received_on=received,
            title=form.title,
            request_text=form.text,
            actor=settings.actor,
            organisation_id=user.organisation_id,
            regime=form.regime,
            authority_type=form.authority_type,
            authority=form.authority.strip() or None,
            reference=form.reference.strip() or None,
            requester_name=form.requester.strip() or None,
            requester_contact=form.contact.strip() or None,
            about=parse_period(form.about, field="about") if form.about.strip() else None,
            retention_days=settings.foi_case_retention_days,
            extra_holidays=extra_holidays(settings),
        )
    except InputError as error:
        return _new_case_page(request, values, errors_of(error, _NEW_CASE_FIELDS, "title"), error.status)
    return _redirect_to_case(
        request, case.reference, f"Case {case.reference} opened: response {due_words(case)}."
    )


# ---- one case ----


@router.get("/foi/{case_reference:path}/files/{file_name}")
def read_foi_file(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, file_name: str
) -> FileResponse:
    """Download a file a response wrote: the letter (Word or text) or the attached monthly report."""
    found = response_file(
        session, case_reference=case_reference, name=file_name, organisation_id=user.organisation_id
    )
    return FileResponse(found.path, media_type=media_type(found.path), filename=found.path.name)


class FoiResponseForm(BaseModel):
    """The fields of the response form."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    outcome: str = ""
    responded_day: str = Field(default="", alias="responded-day")
    responded_month: str = Field(default="", alias="responded-month")
    responded_year: str = Field(default="", alias="responded-year")
    exemption: list[str] = []
    public_interest: str = ""
    hours: str = ""
    report_months: str = ""
    note: str = ""


_RESPONSE_FIELDS = {  # in the form's order, the order its errors are listed in
    "outcome": ("outcome", "Outcome"),
    "report_months": ("report_months", "Report months"),
    "exemption": ("exemption", "Exemptions"),
    "public-interest": ("public_interest", "Public interest"),
    "hours": ("hours", "Hours"),
    "on": ("responded-day", "Date of the response"),
}


def _respond_page(
    request: Request, case: CaseView, values: dict[str, Any], errors: dict[str, str], status: int = 422
) -> HTMLResponse:
    return render(
        request,
        "foi/respond.html",
        status_code=status if errors else 200,
        title=f"Respond to case {case.reference}",
        case=case,
        case_href=case_href(case.reference),
        action_href=case_href(case.reference, "respond"),
        can_respond=any(action.name == "respond" for action in next_actions(case)),
        values=values,
        errors=errors,
        outcomes=[(name, OUTCOME_LABELS.get(name, name)) for name in OUTCOMES],
        exemptions=list(EXEMPTIONS.values()) if case.regime == "foia" else [],
    )


def _read(request: Request, session: Ledger, user: User, case_reference: str) -> CaseView:
    """The case, if it is one of ``user``'s organisation (else 404, as for a case that does not exist)."""
    settings = context_of(request).settings
    return read_case(
        session,
        case_reference=case_reference,
        today=date.today(),
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays(settings),
    )


@router.get("/foi/{case_reference:path}/respond", response_class=HTMLResponse)
def read_foi_respond(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str
) -> HTMLResponse:
    """The response form: outcome, exemptions, public interest, the months of the report to attach."""
    case = _read(request, session, user, case_reference)
    report = f"{case.about[0]}..{case.about[1]}" if case.about else ""
    values = FoiResponseForm(report_months=report).model_dump(by_alias=True)
    return _respond_page(request, case, values | date_fields("responded", date.today()), {})


def _hours(text: str, errors: dict[str, str]) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        errors["hours"] = "Hours must be a number, like 30 or 27.5"
        return None


@router.post("/foi/{case_reference:path}/respond", response_class=HTMLResponse)
def respond_foi_case(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    case_reference: str,
    form: Annotated[FoiResponseForm, Form()],
) -> Response:
    """Respond to the case: record the outcome, write the letter and attach the published monthly report."""
    case = _read(request, session, user, case_reference)
    values = form.model_dump(by_alias=True)
    errors: dict[str, str] = {}
    if not form.outcome:
        errors["outcome"] = "Select the outcome of the response"
    responded = form_date(values, "responded", "the date of the response", errors)
    hours = _hours(form.hours, errors)
    if errors or responded is None:
        return _respond_page(request, case, values, errors)
    settings = context_of(request).settings_for(user.username)
    try:
        result = respond(
            session,
            case_reference=case.reference,
            outcome=form.outcome,
            responded_on=responded,
            actor=settings.actor,
            out_dir=response_folder(settings, case),
            exemptions=form.exemption,
            public_interest=form.public_interest.strip() or None,
            hours_estimate=hours,
            note=form.note.strip() or None,
            report_months=(
                parse_period(form.report_months, field="report_months")
                if form.report_months.strip()
                else None
            ),
            retention_days=settings.foi_case_retention_days,
            organisation_id=user.organisation_id,
            extra_holidays=extra_holidays(settings),
        )
    except NotFound:
        raise
    except InputError as error:
        errors = errors_of(error, _RESPONSE_FIELDS, "outcome")
        return _respond_page(request, case, values, errors, error.status)
    stage = "Internal review of case" if result.response.stage == "internal_review" else "Case"
    return _redirect_to_case(
        request,
        case.reference,
        f"{stage} {case.reference} answered: {OUTCOME_LABELS.get(form.outcome, form.outcome).lower()}. "
        "The letter is ready to download.",
    )


# ---- what moves the clock: one form per action, one service per action ----


class FoiActionForm(BaseModel):
    """The fields of an action's form (each action reads the ones it needs)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    on_day: str = Field(default="", alias="on-day")
    on_month: str = Field(default="", alias="on-month")
    on_year: str = Field(default="", alias="on-year")
    amount: str = ""
    days: str = ""
    exemption: list[str] = []
    late: str = ""


_ACTION_FIELDS = {option: ("on-day", "Date") for option in ("on", "sought", "received", "notice", "paid")} | {
    "amount": ("amount", "Amount"),
    "days": ("days", "Working days"),
    "exemption": ("exemption", "Exemptions"),
}

_ACTION_DATES = {
    "seek-clarification": "the date clarification was asked for",
    "clarification-received": "the date the clarification was received",
    "fees-notice": "the date the fees notice was given",
    "fee-paid": "the date the fee was received",
    "extend": "the date the extension was notified",
    "request-review": "the date the internal review was asked for",
    "withdraw": "the date the request was withdrawn",
}

_EVENT_OF = {
    "seek-clarification": "clarification_sought",
    "clarification-received": "clarification_received",
    "fees-notice": "fees_notice",
    "fee-paid": "fee_paid",
    "extend": "extended",
    "request-review": "review_requested",
    "withdraw": "withdrawn",
}


def _record(
    session: Ledger,
    action: str,
    *,
    reference: str,
    organisation_id: str,
    on: date,
    inputs: dict[str, Any],
    settings: Settings,
) -> CaseView:
    """Call the one service that records ``action`` (on a case of ``organisation_id`` only)."""
    common: dict[str, Any] = {
        "case_reference": reference,
        "actor": settings.actor,
        "organisation_id": organisation_id,
        "extra_holidays": extra_holidays(settings),
    }
    match action:
        case "seek-clarification":
            return seek_clarification(session, sought_on=on, **common)
        case "clarification-received":
            return clarification_received(session, received_on=on, **common)
        case "fees-notice":
            return give_fees_notice(session, given_on=on, amount=inputs["amount"], **common)
        case "fee-paid":
            return fee_paid(session, paid_on=on, **common)
        case "extend":
            return extend_deadline(
                session, days=inputs["days"], exemptions=inputs["exemption"], extended_on=on, **common
            )
        case "request-review":
            return request_review(session, requested_on=on, accept_late=inputs["late"], **common)
        case _:
            return withdraw_case(session, withdrawn_on=on, **common)


def _action_of(case_action: str) -> str:
    if case_action not in _ACTION_DATES:
        raise NotFound(f"'{case_action}' is not something that can be recorded on an FOI case")
    return case_action


def _action_page(
    request: Request,
    case: CaseView,
    action: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 422,
) -> HTMLResponse:
    return render(
        request,
        "foi/action.html",
        status_code=status if errors else 200,
        title=f"{CASE_ACTIONS[action].label}: case {case.reference}",
        case=case,
        action=CASE_ACTIONS[action],
        allowed_now=any(a.name == action for a in next_actions(case)),
        date_label=_ACTION_DATES[action],
        case_href=case_href(case.reference),
        action_href=case_href(case.reference, "actions", action),
        values=values,
        errors=errors,
        qualified=[e for e in EXEMPTIONS.values() if not e.absolute],
        max_days=MAX_EXTENSION_DAYS - case.clock.extension_days,
    )


@router.get("/foi/{case_reference:path}/actions/{case_action}", response_class=HTMLResponse)
def read_foi_action(
    request: Request, session: Ledger, user: CurrentUser, case_reference: str, case_action: str
) -> HTMLResponse:
    """The form for one action on a case: clarification, fees, extension, internal review or withdrawal."""
    action = _action_of(case_action)
    case = _read(request, session, user, case_reference)
    values = FoiActionForm().model_dump(by_alias=True) | date_fields("on", date.today())
    return _action_page(request, case, action, values, {})


def _action_inputs(action: str, form: FoiActionForm, errors: dict[str, str]) -> dict[str, Any]:
    inputs: dict[str, Any] = {"amount": None, "days": 0, "exemption": form.exemption, "late": bool(form.late)}
    if action == "fees-notice" and form.amount.strip():
        try:
            inputs["amount"] = float(form.amount.strip().removeprefix("£").replace(",", ""))
        except ValueError:
            errors["amount"] = "Amount must be in pounds, like 35 or 35.50"
    if action == "extend":
        if not form.days.strip().isdigit():
            errors["days"] = "Enter the number of working days to add, like 20"
        else:
            inputs["days"] = int(form.days)
    return inputs


@router.post("/foi/{case_reference:path}/actions/{case_action}", response_class=HTMLResponse)
def record_foi_action(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    case_reference: str,
    case_action: str,
    form: Annotated[FoiActionForm, Form()],
) -> Response:
    """Record one action on a case; the clock and the due date follow from it."""
    action = _action_of(case_action)
    case = _read(request, session, user, case_reference)
    values = form.model_dump(by_alias=True)
    errors: dict[str, str] = {}
    on = form_date(values, "on", _ACTION_DATES[action], errors)
    inputs = _action_inputs(action, form, errors)
    if errors or on is None:
        return _action_page(request, case, action, values, errors)
    settings: Settings = context_of(request).settings_for(user.username)
    try:
        after = _record(
            session,
            action,
            reference=case.reference,
            organisation_id=user.organisation_id,
            on=on,
            inputs=inputs,
            settings=settings,
        )
    except NotFound:
        raise
    except InputError as error:
        errors = errors_of(error, _ACTION_FIELDS, "on-day")
        return _action_page(request, case, action, values, errors, error.status)
    return _redirect_to_case(
        request,
        case.reference,
        f"{EVENT_TITLES.get(_EVENT_OF[action], action)} on {on:%-d %B %Y}. {after.status_label}: "
        f"{due_words(after)}.",
    )


@router.get("/foi/{case_reference:path}", response_class=HTMLResponse)
def read_foi_case(request: Request, session: Ledger, user: CurrentUser, case_reference: str) -> HTMLResponse:
    """One case: its timeline, clock and deadline (and why), responses with their files, and what can be done next."""
    case = _read(request, session, user, case_reference)
    settings = context_of(request).settings
    can_manage = _may(user, "record_foi_action")
    actions = [
        {
            "action": action,
            "href": case_href(
                case.reference, *(["respond"] if action.name == "respond" else ["actions", action.name])
            ),
        }
        for action in (next_actions(case) if can_manage else ())
    ]
    return render(
        request,
        "foi/case.html",
        title=f"FOI case {case.reference}",
        case=case,
        tags=case_tags(case),
        timeline=timeline(case),
        responses=responses_of(case),
        explanation=explain_case_deadline(case, extra_holidays=extra_holidays(settings)),
        actions=actions,
        show_requester=shows_requester(user, case),
        notice=request.session.pop(_NOTICE, None),
    )
