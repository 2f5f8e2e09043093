"""The exchanges of the user's organisation: a list with counts, and one exchange in full (no personal data)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.exchange import exchange_for, exchanges_for
from sharelog.retention import overdue_deletions
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()

# How each state reads, and its tag colour (the words carry the meaning; the colour only repeats it).
STATES = {
    "received": ("Received", "grey"),
    "matching": ("Matching", "blue"),
    "awaiting_review": ("Awaiting review", "yellow"),
    "returned": ("Returned", "green"),
    "rejected": ("Rejected", "red"),
}


def _fetches_return_files(role: str) -> bool:
    """Whether the role may download return files (the API rule decides; auditors never may)."""
    return allowed(ACCESS.get("api_read_return_file", frozenset()), role)


@router.get("/exchanges", response_class=HTMLResponse)
def read_exchanges(request: Request, user: CurrentUser, session: Ledger) -> HTMLResponse:
    """The exchanges under agreements the user's organisation is party to, with their counts."""
    exchanges = exchanges_for(session, organisation_id=user.organisation_id)
    return render(
        request,
        "exchanges.html",
        title="Exchanges",
        exchanges=exchanges,
        states=STATES,
        organisation=user.organisation.name,
        may_run=allowed(ACCESS.get("start_exchange_run", frozenset()), user.role),
    )


@router.get("/exchanges/{reference}", response_class=HTMLResponse)
def read_exchange(request: Request, user: CurrentUser, session: Ledger, reference: str) -> HTMLResponse:
    """One exchange: counts, state, checksums, the linkage model and its return files with their retention."""
    may_fetch = _fetches_return_files(user.role)
    detail = exchange_for(
        session, organisation_id=user.organisation_id, reference=reference, with_file_paths=may_fetch
    )
    today = date.today()
    overdue = overdue_deletions(
        session, organisation_id=user.organisation_id, today=today, exchange=detail.summary.reference
    )
    return render(
        request,
        "exchange.html",
        today=today,
        overdue_deletions=overdue,
        title=f"Exchange {detail.summary.reference}",
        detail=detail,
        exchange=detail.summary,
        states=STATES,
        may_fetch=may_fetch,
        may_review=allowed(ACCESS.get("read_review_queue", frozenset()), user.role),
    )
