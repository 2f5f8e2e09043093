"""Outcomes, for the requester's caseworkers: find a returned record, record what happened to it, import a file.

Every service call names the caseworker's organisation, so a record returned to another organisation is not
found. The form parsing here only turns fields into values (a date from its three boxes, a number from text);
whether an event makes sense is the outcomes service's to say, and its problems are shown against the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sharelog.errors import Conflict, InputError, Problem, ValidationFailed
from sharelog.ledger.models import User
from sharelog.outcomes import (
    IMPORT_COLUMNS,
    OUTCOME_CODES,
    SEVERAL_AT_ONCE,
    DisclosureRecord,
    disclosure_record,
    find_disclosures,
    import_outcomes,
    import_template,
    record_outcome,
    record_outcomes,
    returned_records,
)
from sharelog.web._context import Ledger
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render
from sharelog.web._uploads import saved_upload, upload_name
from sharelog.web.pages._dates import date_of_parts
from sharelog.web.pages._form_errors import in_form_order

router = APIRouter()

KIND_LABELS = {
    "use": "Use of the record",
    "onward_share": "Shared onward",
    "intervention": "Intervention",
    "result": "Result",
}
KIND_QUESTIONS = {
    "use": "What was done with the record?",
    "onward_share": "Who was the record shared with? Select all that apply",
    "intervention": "What interventions were there? Select all that apply",
    "result": "Where did the case end up?",
}
KIND_HINTS = {
    "use": "What your organisation did with the record",
    "onward_share": "Who it was passed on to: each recipient chosen is recorded as an event of its own",
    "intervention": "What was done to or for the person: each one chosen is recorded as an event of its own",
    "result": "Where the case ended up: the latest result is the one that counts",
}
_CODE_LABELS = {
    "border_force": "Border Force",
    "contact_reestablished": "Contact re-established",
    "leave_granted": "Leave granted (including visa renewal)",
    "other_government": "Other government department",
}
# How a problem from the outcomes service reads against its field: the label starts the sentence.
_FIELD_LABELS = {
    "kind": "The kind of event",
    "code": "What happened",
    "date": "The date",
    "children_affected": "Children affected",
    "family_members_affected": "Other family members affected",
    "note": "The note",
    "supersedes": "The event it corrects",
}


def code_label(code: str) -> str:
    """An outcome code in words: ``home_visit`` → ``Home visit``."""
    return _CODE_LABELS.get(code, code.replace("_", " ").capitalize())


@dataclass
class OutcomeForm:
    """The outcome form as typed, kept to show it again with its errors."""

    kind: str = ""
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind → the codes chosen under it
    day: str = ""
    month: str = ""
    year: str = ""
    children: str = ""
    family: str = ""
    note: str = ""
    supersedes: str = ""

    @property
    def chosen(self) -> tuple[str, ...]:
        """The codes chosen under the selected kind (several only where :data:`SEVERAL_AT_ONCE` allows)."""
        return tuple(code for code in self.codes.get(self.kind, ()) if code)


@dataclass(frozen=True)
class OutcomeInput:
    """The form's values, ready for :func:`sharelog.outcomes.record_outcome`."""

    kind: str
    codes: tuple[str, ...]
    """One code; or, for a kind of :data:`SEVERAL_AT_ONCE`, one or more: an event each, recorded all or none."""
    event_date: date
    children_affected: int | None
    family_members_affected: int | None
    note: str | None
    supersedes: str
    """As chosen: the outcomes service reads it, so that the form and the API refuse the same ids alike."""


def _count(text: str, key: str, what: str, errors: dict[str, str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        errors[key] = f"Enter the number of {what} as a whole number, 0 or more"
        return None
    return int(text)


def _event_date(form: OutcomeForm, errors: dict[str, str]) -> date | None:
    found = date_of_parts(form.day, form.month, form.year)
    if isinstance(found, date):
        return found
    if found == "missing":
        errors["date-day"] = "Enter the date it happened"
    else:
        errors["date-day"] = "The date must be a real date, for example 27 3 2019"
    return None


def parse_outcome_form(form: OutcomeForm) -> tuple[OutcomeInput | None, dict[str, str]]:
    """The values typed, or the errors (field id → message) that stop them being used.

    Only the code chosen under the selected kind counts, and the people affected only for a result: the other
    kinds' questions are hidden once a kind is chosen (and ignored without JavaScript, as GOV.UK forms do).
    """
    errors: dict[str, str] = {}
    if form.kind not in OUTCOME_CODES:
        errors["kind"] = "Select the kind of event"
    elif not form.chosen:
        errors[f"code-{form.kind}"] = f"Select an answer to: {KIND_QUESTIONS[form.kind]}"
    elif len(form.chosen) > 1 and form.supersedes.strip():
        errors["supersedes"] = "A correction replaces one event: select one answer, or record a new event"
    event_date = _event_date(form, errors)
    children = family = None
    if form.kind == "result":
        children = _count(form.children, "children_affected", "children affected", errors)
        family = _count(form.family, "family_members_affected", "other family members affected", errors)
    if errors or event_date is None:
        return None, errors
    note = form.note.strip() or None
    return OutcomeInput(form.kind, form.chosen, event_date, children, family, note, form.supersedes), {}


def problem_errors(problems: Sequence[Problem], *, kind: str) -> dict[str, str]:
    """The outcomes service's problems as form errors: field id → a sentence naming the field."""
    anchors = {
        "kind": "kind",
        "code": f"code-{kind}" if kind in OUTCOME_CODES else "kind",
        "date": "date-day",
        "children_affected": "children_affected",
        "family_members_affected": "family_members_affected",
        "note": "note",
        "supersedes": "supersedes",
    }
    errors: dict[str, str] = {}
    for problem in problems:
        name = problem.field or "kind"
        label, message = _FIELD_LABELS.get(name, "The event"), problem.message
        if message.startswith(("is ", "must ")):
            text = f"{label} {message}"
        elif message.startswith(("missing", "not ")):
            text = f"{label} is {message}"
        else:
            text = f"{label}: {message}"
        errors.setdefault(anchors.get(name, "kind"), text)
    return errors


def _disclosure_page(
    request: Request,
    record: DisclosureRecord,
    *,
    form: OutcomeForm,
    errors: Mapping[str, str],
    recorded: Sequence[int] = (),
    status_code: int = 200,
) -> HTMLResponse:
    just_recorded = [e for e in record.history.events if e.id in recorded]
    # the form's inputs top to bottom: the kind, with its codes and counts revealed under it, then the rest
    inputs = ["kind", f"code-{form.kind}", "children_affected", "family_members_affected", "date-day"]
    return render(
        request,
        "outcome_disclosure.html",
        status_code=status_code,
        title=f"Returned record {record.disclosure.request_ref}",
        record=record,
        form=form,
        errors=in_form_order(errors, [*inputs, "supersedes", "note"]),
        recorded=just_recorded,
        kinds=OUTCOME_CODES,
        kind_labels=KIND_LABELS,
        kind_questions=KIND_QUESTIONS,
        kind_hints=KIND_HINTS,
        several_at_once=SEVERAL_AT_ONCE,
        code_label=code_label,
    )


STATUS_LABELS = {
    "unknown": "Outcome unknown",
    "overdue": "Overdue",
    "due": "Due, not yet overdue",
    "recorded": "Result recorded",
    "all": "All records",
}
SORT_LABELS = {
    "longest_overdue": "Longest overdue first",
    "newest": "Newest returned first",
    "reference": "Request reference, A to Z",
}
PER_PAGE = 25


def page_links(page: int, pages: int, href: Callable[[int], str]) -> dict[str, object]:
    """The GOV.UK pagination component's parameters: the first and last pages, two either side of this one, an
    ellipsis for each gap, and previous and next links."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, object]] = []
    for number in shown:
        if items and number > int(str(items[-1].get("number", 0))) + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    links: dict[str, object] = {"items": items}
    if page > 1:
        links["previous"] = {"href": href(page - 1)}
    if page < pages:
        links["next"] = {"href": href(page + 1)}
    return links


@router.get("/outcomes", response_class=HTMLResponse)
def read_outcomes(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    ref: str | None = None,
    status: str = "unknown",
    exchange: str = "",
    sort: str = "longest_overdue",
    page: int = 1,
) -> HTMLResponse:
    """Find a returned record by the request reference sent; list the records returned, filtered and sorted."""
    today = date.today()
    reference = (ref or "").strip()
    found = find_disclosures(session, request_ref=reference, organisation_id=user.organisation_id)
    listed = returned_records(
        session,
        organisation_id=user.organisation_id,
        today=today,
        status=status,
        exchange=exchange or None,
        sort=sort,
        page=page,
        per_page=PER_PAGE,
    )
    chosen = {"status": status, "exchange": exchange, "sort": sort}

    def href(number: int) -> str:
        return "/outcomes?" + urlencode({**chosen, "page": number}) + "#records"

    return render(
        request,
        "outcomes.html",
        title="Outcomes",
        request_ref=reference or None,
        found=found,
        listed=listed,
        chosen=chosen,
        pagination=page_links(listed.page, listed.pages, href) if listed.pages > 1 else None,
        status_labels=STATUS_LABELS,
        sort_labels=SORT_LABELS,
        today=today,
        code_label=code_label,
    )


@router.get("/outcomes/disclosures/{disclosure_id}", response_class=HTMLResponse)
def read_disclosure_outcomes(
    request: Request, session: Ledger, user: CurrentUser, disclosure_id: int, recorded: str = ""
) -> HTMLResponse:
    """One returned record: what was returned, its outcome events, and the form to record another."""
    record = disclosure_record(session, disclosure_id=disclosure_id, organisation_id=user.organisation_id)
    ids = [int(part) for part in recorded.split(",") if part.strip().isdigit()]
    return _disclosure_page(request, record, form=OutcomeForm(), errors={}, recorded=ids)


def _record(session: Ledger, user: User, disclosure_id: int, values: OutcomeInput) -> list[int]:
    if values.kind in SEVERAL_AT_ONCE and not values.supersedes.strip():
        events = record_outcomes(
            session,
            disclosure_id=disclosure_id,
            kind=values.kind,
            codes=values.codes,
            event_date=values.event_date,
            recorded_by=user.username,
            note=values.note,
            organisation_id=user.organisation_id,
        )
        return [event.id for event in events]
    event = record_outcome(
        session,
        disclosure_id=disclosure_id,
        kind=values.kind,
        code=values.codes[0],
        event_date=values.event_date,
        recorded_by=user.username,
        children_affected=values.children_affected,
        family_members_affected=values.family_members_affected,
        note=values.note,
        supersedes=values.supersedes,
        organisation_id=user.organisation_id,
    )
    return [event.id]


@router.post("/outcomes/disclosures/{disclosure_id}", response_class=HTMLResponse)
def create_outcome(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    disclosure_id: int,
    kind: Annotated[str, Form()] = "",
    code_use: Annotated[str, Form()] = "",
    code_onward_share: Annotated[list[str] | None, Form()] = None,
    code_intervention: Annotated[list[str] | None, Form()] = None,
    code_result: Annotated[str, Form()] = "",
    day: Annotated[str, Form(alias="date-day")] = "",
    month: Annotated[str, Form(alias="date-month")] = "",
    year: Annotated[str, Form(alias="date-year")] = "",
    children_affected: Annotated[str, Form()] = "",
    family_members_affected: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    supersedes: Annotated[str, Form()] = "",
) -> Response:
    """Record an outcome event about a returned record (append-only; a correction supersedes an event)."""
    codes = {
        "use": (code_use,),
        "onward_share": tuple(code_onward_share or ()),
        "intervention": tuple(code_intervention or ()),
        "result": (code_result,),
    }
    form = OutcomeForm(
        kind, codes, day, month, year, children_affected, family_members_affected, note, supersedes
    )
    values, errors = parse_outcome_form(form)
    status_code = 400
    if values is not None:
        try:
            event_ids = _record(session, user, disclosure_id, values)
        except ValidationFailed as failure:
            errors = problem_errors(failure.problems, kind=form.kind)
        except Conflict as conflict:  # the event named was corrected already: say so at the field
            problem = Problem("outcome", conflict.message, field=conflict.field or "supersedes")
            errors, status_code = problem_errors([problem], kind=form.kind), 409
        else:
            target = f"/outcomes/disclosures/{disclosure_id}?recorded={','.join(map(str, event_ids))}"
            return RedirectResponse(target, status_code=303)
    record = disclosure_record(session, disclosure_id=disclosure_id, organisation_id=user.organisation_id)
    return _disclosure_page(request, record, form=form, errors=errors, status_code=status_code)


def _import_page(request: Request, *, status_code: int = 200, **context: object) -> HTMLResponse:
    context.setdefault("errors", {})
    context.setdefault("problems", ())
    return render(
        request,
        "outcomes_import.html",
        status_code=status_code,
        title="Import outcomes",
        columns=IMPORT_COLUMNS,
        kinds=OUTCOME_CODES,
        kind_labels=KIND_LABELS,
        **context,
    )


@router.get("/outcomes/import", response_class=HTMLResponse)
def read_outcomes_import(request: Request, user: CurrentUser) -> HTMLResponse:
    """The form to upload a CSV or XLSX file of outcome events, and the columns it needs."""
    return _import_page(request)


TEMPLATE_ROWS = 5000
"""The most records a template lists (the longest overdue first): a month's work, well inside the import's bounds."""


@router.get("/outcomes/import/template.csv", response_class=Response)
def download_outcomes_template(session: Ledger, user: CurrentUser) -> Response:
    """A CSV to fill in: the import's columns and a row for each record returned to you with outcome unknown."""
    unknown = returned_records(
        session, organisation_id=user.organisation_id, today=date.today(), per_page=TEMPLATE_ROWS
    )
    text = import_template((r.disclosure_id, r.request_ref, r.exchange) for r in unknown.records)
    disposition = 'attachment; filename="outcomes-template.csv"'
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )


@router.post("/outcomes/import", response_class=HTMLResponse)
def import_outcomes_file(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import a file of outcome events: every row is recorded, or none (each problem listed by row and field)."""
    if file is None or not file.filename:
        return _import_page(
            request, status_code=400, errors={"file": "Select a CSV or XLSX file of outcomes"}
        )
    name = upload_name(file)
    try:
        with saved_upload(file) as path:
            result = import_outcomes(
                session, path=path, recorded_by=user.username, organisation_id=user.organisation_id, name=name
            )
    except ValidationFailed as failure:
        return _import_page(
            request,
            status_code=422,
            errors={"file": f"{name} was not imported: fix the problems listed below and upload it again"},
            problems=failure.problems,
            name=name,
        )
    except InputError as error:
        return _import_page(
            request, status_code=400, errors={"file": error.message[:1].upper() + error.message[1:]}
        )
    return _import_page(request, result=result, name=name)
