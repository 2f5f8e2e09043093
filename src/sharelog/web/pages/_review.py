"""The review band, holder side: the queue by exchange, one case with the request beside its best candidate and the
runner-up (each field's level and weight, why it is in review), and the reviewer's decision — confirmed a second
time when the forename and the date of birth both differ. The candidates come from the register: only the
holder's reviewer opens a case, and sees only the fields the agreement matches on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from sharelog.exchange import ReviewCase, decide, review_case, review_queue
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._durations import time_since
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()

COMPARED_FIELDS = {
    "forename": "Forename",
    "middle_names": "Middle names",
    "surname": "Surname",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
}
COMPARISON_FIELDS = {"middle_name": "middle_names"}
"""The model's comparison → the field it compares, where their names differ (the others share theirs)."""
NOTE_LIMIT = 500
DECIDED_KEY = "review_decided"  # the confirmation shown once, on the next case or the queue, after a decision
CONFIRM_ERROR = "Select yes if the candidate is the person in the request"


@dataclass(frozen=True)
class FieldRow:
    """One row of the side-by-side table: a field's values and what the matcher made of each candidate's."""

    label: str
    shown: bool  # the agreement lets the reviewer see the values
    request: Any
    best: Any
    runner_up: Any
    best_level: str | None
    best_weight: float | None
    best_agrees: bool | None
    runner_up_level: str | None
    runner_up_weight: float | None
    runner_up_agrees: bool | None


MISSING = "missing on one side"
ELSE_LEVEL = "All other comparisons"  # Splink's name for a comparison's last level


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _reading(
    level: str | None, agrees: bool | None, asked: Any, found: Any, *, shown: bool, label: str
) -> tuple[str | None, bool | None]:
    """A level as the reviewer reads it. Where the weight could not tell levels apart (``a or b``), the values
    shown settle it: missing on one side, or not (then it is a level below the strongest: the values differ)."""
    if level is None:
        return None, agrees
    if " or " in level and shown:
        options = level.split(" or ")
        if _blank(asked) or _blank(found):
            return MISSING, None
        options = [option for option in options if option != MISSING]
        if len(options) == 1:
            level, agrees = options[0], False
    if level == ELSE_LEVEL:
        level = f"{label.lower()}: different"
    return level, agrees


def field_rows(case: ReviewCase) -> list[FieldRow]:
    """The fields the agreement shows, each with its comparison's evidence; then the comparisons of fields it does
    not show (the level and weight, never a value)."""
    evidence = {COMPARISON_FIELDS.get(e.comparison, e.comparison): e for e in case.evidence}
    names = [*case.fields, *(f for f in evidence if f not in case.fields)]
    rows = []
    for name in names:
        found = evidence.get(name)
        label = COMPARED_FIELDS.get(name, name.replace("_", " ").capitalize())
        shown = name in case.fields
        asked = (case.request or {}).get(name)
        best = (case.candidate or {}).get(name)
        runner_up = (case.runner_up or {}).get(name)
        best_level, best_agrees = _reading(
            found.best_level if found else None,
            found.best_agrees if found else None,
            asked,
            best,
            shown=shown,
            label=label,
        )
        second_level, second_agrees = _reading(
            found.runner_up_level if found else None,
            found.runner_up_agrees if found else None,
            asked,
            runner_up,
            shown=shown,
            label=label,
        )
        rows.append(
            FieldRow(
                label=label,
                shown=shown,
                request=asked,
                best=best,
                runner_up=runner_up,
                best_level=best_level,
                best_weight=found.best_weight if found else None,
                best_agrees=best_agrees,
                runner_up_level=second_level,
                runner_up_weight=found.runner_up_weight if found else None,
                runner_up_agrees=second_agrees,
            )
        )
    return rows


def reason_in_words(case: ReviewCase) -> str:
    """Why the matcher left this request to a person, in a sentence or two."""
    gap = f" by {case.gap_bits:.1f} bits" if case.gap_bits is not None else ""
    runner_up = (
        f" ({100 * case.runner_up_probability:.1f}%)" if case.runner_up_probability is not None else ""
    )
    words = {
        "runner-up too close": (
            f"Another pupil, the runner-up{runner_up}, fits the request almost as well: the best candidate leads it "
            f"only{gap}. Twins and brothers or sisters at one address look like this. Nothing is returned unless "
            "you decide which one, if either, is the person in the request."
        ),
        "below the match threshold": (
            "The evidence is middling: the best candidate's probability is below the level at which a record is "
            "returned without a person checking it, but too high to dismiss."
        ),
        "could be a relative of this child": (
            "The candidate shares the surname and the household, but the forename or the date of birth differs: "
            "it could be a brother, sister or twin of the child in the request."
        ),
        "another request in the batch claims this pupil": (
            "Another request in the same batch matches this pupil clearly too. A pupil is returned for one "
            "request at most unless a person decides."
        ),
    }
    return words.get(case.reason, case.reason[:1].upper() + case.reason[1:] + ".")


@dataclass(frozen=True)
class ExchangeQueue:
    """One exchange's undecided cases, and how long they have waited (since its batch was received)."""

    exchange: str
    waited: str
    cases: list[ReviewCase]


def queue_by_exchange(queue: list[ReviewCase], now: datetime) -> list[ExchangeQueue]:
    """The queue grouped by exchange, oldest exchange first (the order the queue is in)."""
    groups: dict[str, list[ReviewCase]] = {}
    for case in queue:
        groups.setdefault(case.exchange, []).append(case)
    return [
        ExchangeQueue(exchange=reference, waited=time_since(cases[0].received_at, now), cases=cases)
        for reference, cases in groups.items()
    ]


def _case(
    request: Request, session: Session, user: CurrentUser, reference: str, request_ref: str
) -> ReviewCase:
    return review_case(
        session,
        context_of(request).settings,
        exchange=reference,
        request_ref=request_ref,
        holder=user.organisation_id,
    )


def _case_page(
    request: Request,
    case: ReviewCase,
    *,
    errors: dict[str, str],
    decision: str,
    note: str,
    status: int,
    decided: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "review_case.html",
        status_code=status,
        title=f"Review {case.request_ref}",
        case=case,
        rows=field_rows(case),
        reason_words=reason_in_words(case),
        waited=time_since(case.received_at, datetime.now(UTC)),
        errors=errors,
        note=note,
        decision=decision,
        note_limit=NOTE_LIMIT,
        decided=decided,
    )


@router.get("/review", response_class=HTMLResponse)
def read_review_queue(request: Request, user: CurrentUser, session: Ledger) -> HTMLResponse:
    """The undecided review items of exchanges the user's organisation holds the register for, by exchange."""
    queue = review_queue(session, holder=user.organisation_id)
    decided: dict[str, Any] | None = request.session.pop(DECIDED_KEY, None)
    return render(
        request,
        "review_queue.html",
        title="Review queue",
        queue=queue,
        groups=queue_by_exchange(queue, datetime.now(UTC)),
        decided=decided,
        can_decide=allowed(ACCESS.get("read_review_case", frozenset()), user.role),
    )


@router.get("/review/{reference}/{request_ref}", response_class=HTMLResponse)
def read_review_case(
    request: Request, user: CurrentUser, session: Ledger, reference: str, request_ref: str
) -> Response:
    """One request beside its best candidate and the runner-up, each field's evidence, and why it is in review."""
    case = _case(request, session, user, reference, request_ref)
    decided: dict[str, Any] | None = request.session.pop(DECIDED_KEY, None)
    return _case_page(request, case, errors={}, decision="", note="", status=200, decided=decided)


@router.post("/review/{reference}/{request_ref}", response_class=HTMLResponse)
def decide_review_case(
    request: Request,
    user: CurrentUser,
    session: Ledger,
    reference: str,
    request_ref: str,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
    step: Annotated[str, Form()] = "",
    then: Annotated[str, Form()] = "queue",
) -> Response:
    """Accept or reject the candidate, with an optional note; a candidate whose forename and date of birth both
    differ is accepted only once confirmed. Then the next case, or the queue, with a confirmation."""
    errors: dict[str, str] = {}
    if decision not in ("accept", "reject"):
        errors["decision"] = "Select whether the candidate is the person in the request"
    if len(note) > NOTE_LIMIT:
        errors["note"] = f"The note must be {NOTE_LIMIT} characters or fewer"
    if errors:
        case = _case(request, session, user, reference, request_ref)
        return _case_page(request, case, errors=errors, decision=decision, note=note, status=400)
    if decision == "accept":
        case = _case(request, session, user, reference, request_ref)
        if case.needs_confirmation and case.decision is None and confirmed != "yes":
            if step != "confirm":
                return _confirm_page(request, case, note=note, then=then, error=False)
            if confirmed == "no":
                return RedirectResponse(_case_href(reference, request_ref), status_code=303)
            return _confirm_page(request, case, note=note, then=then, error=True)
    context = context_of(request)
    result = decide(
        context.settings_for(user.username),
        engine=context.engine,
        exchange=reference,
        request_ref=request_ref,
        accept=decision == "accept",
        decided_by=user.username,
        note=note.strip() or None,
        holder=user.organisation_id,
    )
    request.session[DECIDED_KEY] = {
        "exchange": result.exchange,
        "request_ref": result.request_ref,
        "decision": result.decision,
        "remaining": result.remaining,
        "returned": result.returned,
    }
    return RedirectResponse(_after_decision(session, user, then), status_code=303)


def _confirm_page(request: Request, case: ReviewCase, *, note: str, then: str, error: bool) -> Response:
    """The second step before accepting a candidate whose forename and date of birth both differ."""
    return render(
        request,
        "review_confirm.html",
        status_code=400 if error else 200,
        title=f"Confirm: accept the candidate for {case.request_ref}",
        case=case,
        rows=[row for row in field_rows(case) if row.label in ("Forename", "Date of birth")],
        note=note,
        then=then,
        errors={"confirmed": CONFIRM_ERROR} if error else {},
    )


def _after_decision(session: Session, user: CurrentUser, then: str) -> str:
    """Where a decision leads: the oldest undecided case (``then=next``), or the queue when none is left."""
    if then == "next":
        session.expire_all()  # the decision committed on the app's engine, apart from this request's session
        waiting = review_queue(session, holder=user.organisation_id)
        if waiting:
            return _case_href(waiting[0].exchange, waiting[0].request_ref)
    return "/review"


def _case_href(reference: str, request_ref: str) -> str:
    return f"/review/{quote(reference, safe='')}/{quote(request_ref, safe='')}"
