"""Running a month's batch from the web, for the holder's operator: upload it under an agreement and purpose,
watch it match, see the result — or every problem, against the form's fields.

The route only turns the form into values (a month from its two boxes); the batch is run by the same service the
API and the command line call (:func:`sharelog.exchange.run_exchange`, through ``web/_exchange_runs.py``), and its
errors name the field they are about, which the page puts against its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request
from fastapi import UploadFile as FormFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sharelog.agreements import read_agreements_folder
from sharelog.errors import (
    AccessDenied,
    Conflict,
    InputError,
    NotFound,
    Problem,
    SharelogError,
    ValidationFailed,
)
from sharelog.web._context import context_of
from sharelog.web._exchange_runs import STAGES, ExchangeRun, ExchangeRunRequest
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render
from sharelog.web._uploads import MAX_BATCH_BYTES, BatchBodyLimitRoute
from sharelog.web.pages._form_errors import in_form_order

router = APIRouter(route_class=BatchBodyLimitRoute)  # a body no batch could need is refused unread

# the form's inputs top to bottom: the error summary lists problems in this order
INPUTS = ("agreement_id", "purpose", "month-month", "batch", "rerun")
# the service's fields → the input each is shown against
_ANCHORS = {"agreement_id": "agreement_id", "agreement": "agreement_id", "purpose": "purpose"}
_ANCHORS.update({"month": "month-month", "batch": "batch", "rerun": "rerun"})
REFRESH_SECONDS = 2


@dataclass(frozen=True)
class HeldAgreement:
    """An agreement the operator's organisation holds: its latest title and every purpose of its versions."""

    id: str
    title: str
    purposes: dict[str, str] = field(default_factory=dict)  # code → what it is for


@dataclass
class RunForm:
    """The form as typed, kept to show it again with its errors."""

    agreement_id: str = ""
    purpose: str = ""
    month: str = ""
    year: str = ""
    rerun: bool = False


def held_agreements(request: Request, organisation_id: str) -> list[HeldAgreement]:
    """The agreements in the folder whose holder is ``organisation_id`` (the only ones its operator may run)."""
    folder = read_agreements_folder(context_of(request).settings.agreements_path())
    held: dict[str, HeldAgreement] = {}
    for agreement in folder.agreements:  # by id, then version: the latest version's words win
        if agreement.parties.holder.id != organisation_id:
            continue
        earlier = held.get(agreement.id)
        purposes = earlier.purposes if earlier is not None else {}
        purposes.update({purpose.code: purpose.text for purpose in agreement.purposes})
        held[agreement.id] = HeldAgreement(agreement.id, agreement.title, purposes)
    return sorted(held.values(), key=lambda a: a.id)


def _purposes(agreements: Sequence[HeldAgreement]) -> dict[str, tuple[str, list[str]]]:
    """Every purpose code of the agreements: what it is for, and which agreements have it."""
    purposes: dict[str, tuple[str, list[str]]] = {}
    for agreement in agreements:
        for code, text in agreement.purposes.items():
            purposes.setdefault(code, (text, []))[1].append(agreement.id)
    return purposes


def parse_run_form(form: RunForm, *, has_file: bool) -> tuple[ExchangeRunRequest | None, dict[str, str]]:
    """The run asked for, or the errors (input id → message) that stop it being started."""
    errors: dict[str, str] = {}
    if not form.agreement_id:
        errors["agreement_id"] = "Select the agreement the batch was sent under"
    if not form.purpose:
        errors["purpose"] = "Select the purpose the batch was sent for"
    month, year = form.month.strip(), form.year.strip()
    if not month and not year:
        errors["month-month"] = "Enter the month the batch counts towards"
    elif not (month.isdigit() and 1 <= int(month) <= 12 and year.isdigit() and len(year) == 4):
        errors["month-month"] = "The month must be a real month and year, for example 3 2019"
    if not has_file:
        errors["batch"] = "Select the request batch file, a .csv or .parquet file"
    if errors:
        return None, errors
    asked = ExchangeRunRequest(form.agreement_id, form.purpose, f"{year}-{int(month):02d}", form.rerun)
    return asked, {}


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def run_errors(error: SharelogError, *, batch_name: str) -> tuple[dict[str, str], tuple[Problem, ...]]:
    """A refused run as form errors (input id → message) and the batch's problems to list row by row."""
    if isinstance(error, ValidationFailed):
        errors: dict[str, str] = {}
        listed = tuple(p for p in error.problems if p.field != "purpose")
        for problem in error.problems:
            if problem.field == "purpose":
                errors.setdefault("purpose", _sentence(problem.message))
        if listed:
            count = f"{len(listed)} problem{'' if len(listed) == 1 else 's'}"
            errors["batch"] = (
                f"{batch_name} was refused whole: fix the {count} listed below and upload it again"
            )
        return errors, listed
    if isinstance(error, Conflict):
        anchor = "rerun"
    elif error.field in _ANCHORS:
        anchor = _ANCHORS[error.field]
    elif isinstance(error, (NotFound, AccessDenied)):
        anchor = "agreement_id"
    else:
        anchor = "batch"
    return {anchor: _sentence(error.message)}, ()


def _form_page(
    request: Request,
    user: CurrentUser,
    *,
    form: RunForm,
    errors: Mapping[str, str],
    problems: Sequence[Problem] = (),
    batch_name: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    agreements = held_agreements(request, user.organisation_id)
    return render(
        request,
        "exchange_run_new.html",
        status_code=status_code,
        title="Run a month's batch",
        form=form,
        errors=in_form_order(errors, INPUTS),
        problems=problems,
        batch_name=batch_name,
        agreements=agreements,
        purposes=_purposes(agreements),
        max_megabytes=MAX_BATCH_BYTES // (1024 * 1024),
    )


@router.get("/exchanges/new", response_class=HTMLResponse)
def read_exchange_run(request: Request, user: CurrentUser) -> HTMLResponse:
    """The form to upload a month's batch under an agreement and purpose."""
    today = date.today()
    return _form_page(request, user, form=RunForm(month=str(today.month), year=str(today.year)), errors={})


@router.post("/exchanges/new", response_class=HTMLResponse)
def start_exchange_run(
    request: Request,
    user: CurrentUser,
    agreement_id: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    month: Annotated[str, Form(alias="month-month")] = "",
    year: Annotated[str, Form(alias="month-year")] = "",
    rerun: Annotated[str, Form()] = "",
    batch: Annotated[FormFile | None, File()] = None,
) -> Response:
    """Start matching an uploaded batch; answers with the run's status page, which follows it to the end."""
    form = RunForm(agreement_id, purpose, month, year, rerun == "yes")
    has_file = batch is not None and bool(batch.filename)
    asked, errors = parse_run_form(form, has_file=has_file)
    if asked is None or batch is None:
        return _form_page(request, user, form=form, errors=errors, status_code=400)
    context = context_of(request)
    try:
        run = context.runs.start(
            context.settings_for(user.username),
            engine=context.engine,
            upload=batch,
            asked=asked,
            username=user.username,
            holder=user.organisation_id,
        )
    except InputError as error:
        return _form_page(
            request, user, form=form, errors=run_errors(error, batch_name="")[0], status_code=400
        )
    return RedirectResponse(f"/exchanges/runs/{run.id}", status_code=303)


def _asked_form(run: ExchangeRun) -> RunForm:
    year, month = run.asked.month.split("-", 1)
    return RunForm(run.asked.agreement_id, run.asked.purpose, str(int(month)), year, run.asked.rerun)


@router.get("/exchanges/runs/{run_id}", response_class=HTMLResponse)
def read_exchange_run_status(request: Request, user: CurrentUser, run_id: str) -> HTMLResponse:
    """A batch run's progress while it matches; then its result, or the form again with every problem."""
    run = context_of(request).runs.find(run_id, username=user.username)
    if run.stage == "failed" and run.error is not None:
        errors, problems = run_errors(run.error, batch_name=run.batch_name)
        return _form_page(
            request, user, form=_asked_form(run), errors=errors, problems=problems, batch_name=run.batch_name
        )
    return render(
        request,
        "exchange_run.html",
        title="Batch finished" if run.finished else "Running the batch",
        run=run,
        stages=STAGES,
        refresh_seconds=REFRESH_SECONDS,
    )
