"""Jinja2 templates with the GOV.UK Frontend macros, and :func:`render` that fills in what every page needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape

from sharelog.reports import GSS_SYMBOLS
from sharelog.web._durations import time_between
from sharelog.web._navigation import navigation_for
from sharelog.web._security import csrf_token

__all__ = ["TEMPLATES_DIR", "make_templates", "render"]

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _thousands(value: int | float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def make_templates() -> Jinja2Templates:
    """The app's templates: ``web/templates`` first, then ``govuk_frontend_jinja/…`` for the macros."""
    loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(
        loader=loader, autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )
    env.filters["thousands"] = _thousands
    env.filters["time_between"] = time_between  # {{ due_on | time_between(today) }}: "7 years 8 months"
    env.globals["gss_symbols"] = GSS_SYMBOLS  # what each [c], [x], [z] in a published table means
    return Jinja2Templates(env=env)


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the signed-in user, the navigation, the CSRF token and the CSP nonce."""
    templates: Jinja2Templates = request.app.state.sharelog.templates
    user = getattr(request.state, "principal", None)
    context.setdefault("user", user)
    context.setdefault(
        "navigation", navigation_for(user.role if user is not None else None, request.url.path)
    )
    context.setdefault("csrf_token", csrf_token(request) if "session" in request.scope else "")
    context.setdefault("cspNonce", getattr(request.state, "csp_nonce", None))
    response: HTMLResponse = templates.TemplateResponse(request, template, context, status_code=status_code)
    return response
