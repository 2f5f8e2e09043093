"""One handler for every error: an HTML page for people, one JSON shape for the API.

The JSON shape, for every status: ``{"error": {"status": 404, "type": "not_found", "message": "…",
"details": ["…"]}}``. Messages come from sharelog's own errors, which never quote a value from a data file.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sharelog.errors import SharelogError, SignInRequired

__all__ = ["API_PREFIX", "error_body", "install_error_handlers"]

API_PREFIX = "/api/"
log = logging.getLogger("sharelog.web")

_TYPES = {
    400: "bad_request",
    401: "sign_in_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_attempts",
    500: "internal_error",
}
_TITLES = {
    400: "There is a problem",
    401: "Sign in",
    403: "You cannot see this page",
    404: "Page not found",
    405: "Not allowed",
    409: "This clashes with the ledger",
    422: "There is a problem",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def error_body(status: int, message: str, details: list[str] | None = None) -> dict[str, object]:
    """The API's one error shape."""
    kind = _TYPES.get(status, "error")
    return {"error": {"status": status, "type": kind, "message": message, "details": details or []}}


def _respond(request: Request, status: int, message: str, details: list[str]) -> Response:
    if request.url.path.startswith(API_PREFIX):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)
    from sharelog.web._templating import render  # templates need the security module, which needs this one

    title = _TITLES.get(status, "There is a problem")
    return render(request, "error.html", status_code=status, title=title, message=message, details=details)


def _field_of(location: tuple[object, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "form")]
    return ".".join(parts) or "request"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(SharelogError)
    async def sharelog_error(request: Request, error: SharelogError) -> Response:
        if isinstance(error, SignInRequired) and not request.url.path.startswith(API_PREFIX):
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
            return RedirectResponse(f"/sign-in?next={target}", status_code=303)
        if error.status >= 500:
            log.error(
                "%s on %s %s: %s", type(error).__name__, request.method, request.url.path, error.message
            )
        return _respond(request, error.status, error.message, error.details())

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        # pydantic's messages describe the expected type; the offending input is left out on purpose
        details = [f"{_field_of(tuple(item['loc']))}: {item['msg']}" for item in error.errors()]
        return _respond(request, 422, "the request has problems", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = {404: "there is nothing at this address", 405: "this address does not take that method"}
        return _respond(request, error.status_code, message.get(error.status_code, str(error.detail)), [])

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> Response:
        # the exception's text may quote data, so only its type is logged
        log.error(
            "unexpected %s on %s %s",
            type(error).__name__,
            request.method,
            re.sub(r"\d+", "N", request.url.path),
        )
        return _respond(request, 500, "something went wrong inside sharelog; the error has been logged", [])
