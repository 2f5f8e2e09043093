"""Accounts (admin): who can sign in for the organisation, with which role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.accounts import ROLE_INFO, list_users
from sharelog.web._context import Ledger
from sharelog.web._security import CurrentUser
from sharelog.web._templating import render

router = APIRouter()


@router.get("/users", response_class=HTMLResponse)
def read_users(request: Request, session: Ledger, user: CurrentUser) -> HTMLResponse:
    """The organisation's accounts: role, whether active, API tokens in use."""
    users = list_users(session, organisation_id=user.organisation_id)
    rows = [
        {
            "username": account.username,
            "name": account.display_name,
            "role": ROLE_INFO[account.role].label,
            "active": account.active,
            "tokens": sum(1 for token in account.api_tokens if token.revoked_at is None),
        }
        for account in users
    ]
    return render(
        request, "users.html", title="Users", rows=rows, organisation=user.organisation_id, roles=ROLE_INFO
    )
