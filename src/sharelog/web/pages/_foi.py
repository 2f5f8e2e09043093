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
    CaseAction,
    CaseChange,
    CaseView,
    apply_case_action,
    exemptions_for,
    explain_case_deadline,
    extra_holidays_of,
    list_cases,
    new_case,
    next_actions,
    read_case,
    respond,
    response_file,
)
from sharelog.ledger.models import User
from sharelog.reports import parse_period
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._foi import OUTCOME_LABELS, FoiBodyLimitRoute, media_type, shows_requester
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
        extra_holidays=extra_holidays_of(settings),
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


_NEW_CASE_FIELDS = {  # the service's field → (input, label), in the form's order, the order its errors are listed in
    "title": ("title", "Title"),
    "request_text": ("text", "The request"),
    "received_on": ("received-day", "Date received"),
    "regime": ("regime", "Regime"),
    "authority_type": ("authority_type", "Authority type"),
    "authority": ("authority", "Authority"),
    "about": ("about", "Months the request is about"),
    "reference": ("reference", "Reference"),
    "requester_name": ("requester", "Requester's name"),
    "requester_contact": ("contact", "Requester's contact"),
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
            extra_holidays=extra_holidays_of(settings),
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
    show: str = ""  # "exemptions": list the exemptions that fit the outcome chosen, and record nothing yet


_RESPONSE_FIELDS = {  # the service's field → (input, label), in the form's order
    "outcome": ("outcome", "Outcome"),
    "report_months": ("report_months", "Report months"),
    "exemptions": ("exemption", "Exemptions"),
    "public_interest": ("public_interest", "Public interest"),
    "hours_estimate": ("hours", "Hours"),
    "note": ("note", "Further text"),
    "responded_on": ("responded-day", "Date of the response"),
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
        can_respond="respond" in case.next_action_names,
        values=values,
        errors=errors,
        outcomes=[(name, OUTCOME_LABELS.get(name, name)) for name in OUTCOMES],
        catalogued=case.regime == "foia",
        exemption_groups=_exemption_groups(values.get("outcome", "")) if case.regime == "foia" else [],
        outcome_label=OUTCOME_LABELS.get(values.get("outcome", ""), ""),
    )


def _exemption_groups(outcome: str) -> list[tuple[str, list[Any]]]:
    """The exemptions that fit ``outcome``, absolute ones first (they need no public interest test)."""
    fitting = exemptions_for(outcome)
    groups = [
        ("Absolute exemptions: no public interest test", [e for e in fitting if e.absolute]),
        (
            "Qualified exemptions: each needs the public interest test below",
            [e for e in fitting if not e.absolute],
        ),
    ]
    return [(legend, found) for legend, found in groups if found]


def _read(request: Request, session: Ledger, user: User, case_reference: str) -> CaseView:
    """The case, if it is one of ``user``'s organisation (else 404, as for a case that does not exist)."""
    settings = context_of(request).settings
    return read_case(
        session,
        case_reference=case_reference,
        today=date.today(),
        organisation_id=user.organisation_id,
        extra_holidays=extra_holidays_of(settings),
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
    if (
        form.show == "exemptions"
    ):  # the exemptions for the outcome chosen, without JavaScript; nothing recorded
        return _respond_page(request, case, values, {})
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
            data_dir=settings.data_dir,
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
            extra_holidays=extra_holidays_of(settings),
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


# ---- what moves the clock: one form, each action recorded through apply_case_action ----


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


_ACTION_FIELDS = {  # the fields of a CaseChange → (input, label), in the form's order
    "amount": ("amount", "Amount"),
    "days": ("days", "Working days"),
    "exemptions": ("exemption", "Exemptions"),
    "late": ("late", ""),  # a refusal of a late review says why in a sentence of its own
    "on": ("on-day", "Date"),
}


def _action_of(case_action: str) -> CaseAction:
    """The action named in the address: one recorded through :func:`apply_case_action` (else 404)."""
    action = CASE_ACTIONS.get(case_action)
    if action is None or action.change is None:
        raise NotFound(f"'{case_action}' is not something that can be recorded on an FOI case")
    return action


def _action_page(
    request: Request,
    case: CaseView,
    action: CaseAction,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 422,
) -> HTMLResponse:
    return render(
        request,
        "foi/action.html",
        status_code=status if errors else 200,
        title=f"{action.label}: case {case.reference}",
        case=case,
        action=action,
        allowed_now=action.name in case.next_action_names,
        date_label=action.date_label,
        case_href=case_href(case.reference),
        action_href=case_href(case.reference, "actions", action.name),
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


def _change_of(
    action: CaseAction, on: date | None, form: FoiActionForm, errors: dict[str, str]
) -> CaseChange | None:
    """What the form asks to record: the day and what ``action`` needs besides, read from the form's text — or
    None, with what cannot be read in ``errors``."""
    inputs: dict[str, Any] = {}
    if "amount" in action.needs and form.amount.strip():
        try:
            inputs["amount"] = float(form.amount.strip().removeprefix("£").replace(",", ""))
        except ValueError:
            errors["amount"] = "Amount must be in pounds, like 35 or 35.50"
    if "days" in action.needs:
        if form.days.strip().isdigit():
            inputs["days"] = int(form.days)
        else:
            errors["days"] = "Enter the number of working days to add, like 20"
    if "exemptions" in action.needs:
        inputs["exemptions"] = form.exemption
    if "late" in action.needs:
        inputs["late"] = bool(form.late)
    if errors or on is None or action.change is None:
        return None
    return action.change(on=on, **inputs)


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
    change = _change_of(action, form_date(values, "on", action.date_label, errors), form, errors)
    if change is None:
        return _action_page(request, case, action, values, errors)
    settings = context_of(request).settings_for(user.username)
    try:
        after = apply_case_action(
            session,
            reference=case.reference,
            action=change,
            actor=settings.actor,
            organisation_id=user.organisation_id,
            extra_holidays=extra_holidays_of(settings),
        )
    except NotFound:
        raise
    except InputError as error:
        errors = errors_of(error, _ACTION_FIELDS, "on-day")
        return _action_page(request, case, action, values, errors, error.status)
    return _redirect_to_case(
        request,
        case.reference,
        f"{EVENT_TITLES.get(action.event or '', action.name)} on {change.on:%-d %B %Y}. {after.status_label}: "
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
        explanation=explain_case_deadline(case, extra_holidays=extra_holidays_of(settings)),
        actions=actions,
        show_requester=shows_requester(user, case),
        notice=request.session.pop(_NOTICE, None),
    )
