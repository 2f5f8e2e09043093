"""Signing in and out, the start page and a health check."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sharelog.accounts import (
    authenticate,
    end_web_session,
    record_failed_sign_in,
    record_sign_in,
    record_sign_in_throttled,
    start_web_session,
)
from sharelog.web._context import Ledger, context_of
from sharelog.web._security import MaybeUser, end_session, session_token, start_session
from sharelog.web._templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) is a place to go after signing in."""
    if not target:
        return "/dashboard"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/dashboard"
    return target


@router.get("/", response_class=HTMLResponse)
def read_home(request: Request, user: MaybeUser) -> Response:
    """The start page: the dashboard when signed in, otherwise what sharelog is and where to look."""
    if user is not None:
        return RedirectResponse("/dashboard", status_code=303)
    return render(request, "home.html", title="sharelog")


@router.get("/health")
def read_health() -> JSONResponse:
    """Liveness check for a load balancer."""
    return JSONResponse({"status": "ok"})


@router.get("/sign-in", response_class=HTMLResponse)
def read_sign_in(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    """The sign-in form."""
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "sign_in.html", title="Sign in", next=_safe_next(next), errors={}, username="")


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: Ledger,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/dashboard",
) -> Response:
    """Check the username and password; on success start a session and go on."""
    throttle = context_of(request).throttle
    # the connection's address, or a trusted proxy's X-Forwarded-For (SHARELOG_TRUSTED_PROXIES; see _app.py)
    address = request.client.host if request.client is not None else "unknown"
    username = username.strip().lower()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        refusal = throttle.refusal(username=username, address=address)
        if refusal is not None:
            if refusal.first:  # once per account or address and window: a flood must not flood the chain
                record_sign_in_throttled(session, username=username, limit=refusal.limit, via="web")
            return render(
                request,
                "sign_in.html",
                status_code=429,
                title="Sign in",
                next=_safe_next(next),
                errors={"username": "Too many failed sign-ins: wait 15 minutes and try again"},
                username=username,
            )
        user = authenticate(session, username=username, password=password)
        if user is None:
            throttle.failed(username=username, address=address)
            record_failed_sign_in(session, username=username, via="web")
            errors["username"] = "The username or password is not right"
        else:
            throttle.succeeded(username=username)
            earlier = session_token(request)
            if earlier is not None:  # signing in again in the same browser ends the session it had
                end_web_session(session, earlier, via="web")
            record_sign_in(session, user, via="web")
            start_session(request, start_web_session(session, user))
            return RedirectResponse(_safe_next(next), status_code=303)
    return render(
        request,
        "sign_in.html",
        status_code=400 if errors else 200,
        title="Sign in",
        next=_safe_next(next),
        errors=errors,
        username=username,
    )


@router.post("/sign-out")
def sign_out(request: Request, session: Ledger) -> Response:
    """End the session, for every copy of its cookie."""
    token = session_token(request)
    if token is not None:
        end_web_session(session, token, via="web")
    end_session(request)
    return RedirectResponse("/", status_code=303)
