"""The review band, holder side: the queue, one case with the request and the candidate side by side, and the
reviewer's decision. The candidate comes from the register: only the holder's reviewer opens a case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sharelog.exchange import ReviewCase, decide, review_case, review_queue
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
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
NOTE_LIMIT = 500
DECIDED_KEY = "review_decided"  # the confirmation shown once on the queue after a decision


def _case_page(
    request: Request, case: ReviewCase, *, errors: dict[str, str], decision: str, note: str, status: int
) -> Response:
    return render(
        request,
        "review_case.html",
        status_code=status,
        title=f"Review {case.request_ref}",
        case=case,
        fields=COMPARED_FIELDS,
        errors=errors,
        note=note,
        decision=decision,
        note_limit=NOTE_LIMIT,
    )


@router.get("/review", response_class=HTMLResponse)
def read_review_queue(request: Request, user: CurrentUser, session: Ledger) -> HTMLResponse:
    """The undecided review items of exchanges the user's organisation holds the register for."""
    queue = review_queue(session, holder=user.organisation_id)
    decided: dict[str, Any] | None = request.session.pop(DECIDED_KEY, None)
    return render(
        request,
        "review_queue.html",
        title="Review queue",
        queue=queue,
        decided=decided,
        can_decide=allowed(ACCESS.get("read_review_case", frozenset()), user.role),
    )


@router.get("/review/{reference}/{request_ref}", response_class=HTMLResponse)
def read_review_case(
    request: Request, user: CurrentUser, session: Ledger, reference: str, request_ref: str
) -> Response:
    """One request and its candidate side by side, with the match probability and why it is in review."""
    case = review_case(
        session,
        context_of(request).settings,
        exchange=reference,
        request_ref=request_ref,
        holder=user.organisation_id,
    )
    return _case_page(request, case, errors={}, decision="", note="", status=200)


@router.post("/review/{reference}/{request_ref}", response_class=HTMLResponse)
def decide_review_case(
    request: Request,
    user: CurrentUser,
    session: Ledger,
    reference: str,
    request_ref: str,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Accept or reject the candidate, with an optional note; then back to the queue with a confirmation."""
    errors: dict[str, str] = {}
    if decision not in ("accept", "reject"):
        errors["decision"] = "Select whether the candidate is the person in the request"
    if len(note) > NOTE_LIMIT:
        errors["note"] = f"The note must be {NOTE_LIMIT} characters or fewer"
    if errors:
        case = review_case(
            session,
            context_of(request).settings,
            exchange=reference,
            request_ref=request_ref,
            holder=user.organisation_id,
        )
        return _case_page(request, case, errors=errors, decision=decision, note=note, status=400)
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
    return RedirectResponse("/review", status_code=303)
