"""One handler for every error: an HTML page for people, one JSON shape for the API.

The JSON shape, for every status: ``{"error": {"status": 404, "type": "not_found", "message": "…",
"details": ["…"], "pointer": "/month", "problems": [{"where": "…", "row": 3, "pointer": "/dob", "message": "…"}]}}``.
``pointer`` is the field the error is about as a JSON pointer (``null`` when it is about no one field); for an
error listing problems (422), ``problems`` gives each with its own pointer. Messages come from sharelog's own
errors, which never quote a value from a data file and never name a command-line option: an error's CLI hint is
the command line's alone.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sharelog.errors import Problem, SharelogError, SignInRequired, ValidationFailed

__all__ = ["API_PREFIX", "error_body", "install_error_handlers", "json_pointer"]

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


def json_pointer(*parts: str | int) -> str:
    """``/month``, ``/exemptions/0``: a JSON pointer (RFC 6901) to the field named by ``parts``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _problem_item(problem: Problem) -> dict[str, object]:
    return {
        "where": problem.file,
        "row": problem.row,
        "pointer": json_pointer(problem.field) if problem.field is not None else None,
        "message": problem.message,
    }


def error_body(
    status: int,
    message: str,
    details: list[str] | None = None,
    *,
    pointer: str | None = None,
    problems: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    """The API's one error shape."""
    kind = _TYPES.get(status, "error")
    return {
        "error": {
            "status": status,
            "type": kind,
            "message": message,
            "details": details or [],
            "pointer": pointer,
            "problems": problems or [],
        }
    }


def sharelog_error_body(error: SharelogError) -> dict[str, object]:
    """``error`` in the API's one error shape: its field as a pointer, each of its problems with its own."""
    problems = error.problems if isinstance(error, ValidationFailed) else ()
    return error_body(
        error.status,
        error.message,
        error.details(),
        pointer=json_pointer(error.field) if error.field is not None else None,
        problems=[_problem_item(problem) for problem in problems],
    )


# what a person sees of an error on the server's side: the details (which may name the ledger's location or the
# operator's command) go to the log only
SERVER_SIDE_MESSAGE = (
    "something went wrong inside sharelog; the error has been logged for the people who run it"
)


def _respond(
    request: Request, status: int, message: str, details: list[str], body: dict[str, object]
) -> Response:
    if request.url.path.startswith(API_PREFIX):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    from sharelog.web._templating import render  # templates need the security module, which needs this one

    title = _TITLES.get(status, "There is a problem")
    return render(request, "error.html", status_code=status, title=title, message=message, details=details)


def _field_parts(location: tuple[object, ...]) -> list[str]:
    return [str(part) for part in location if part not in ("body", "query", "path", "form")]


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(SharelogError)
    async def sharelog_error(request: Request, error: SharelogError) -> Response:
        if isinstance(error, SignInRequired) and not request.url.path.startswith(API_PREFIX):
            target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
            return RedirectResponse(f"/sign-in?next={target}", status_code=303)
        if error.status >= 500:
            # the operator reads the log: the message (which may name the ledger's location) and the
            # command-line advice (``run `sharelog db upgrade```) are for them, not for whoever is browsing
            hint = f" ({error.cli_hint})" if error.cli_hint else ""
            log.error(
                "%s on %s %s: %s%s",
                type(error).__name__,
                request.method,
                request.url.path,
                error.message,
                hint,
            )
            message = SERVER_SIDE_MESSAGE
            return _respond(request, error.status, message, [], error_body(error.status, message))
        return _respond(request, error.status, error.message, error.details(), sharelog_error_body(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        # pydantic's messages describe the expected type; the offending input is left out on purpose
        message = "the request has problems"
        details, problems = [], []
        for item in error.errors():
            parts = _field_parts(tuple(item["loc"]))
            details.append(f"{'.'.join(parts) or 'request'}: {item['msg']}")
            pointer = json_pointer(*parts) if parts else None
            problems.append({"where": "request", "row": None, "pointer": pointer, "message": item["msg"]})
        return _respond(request, 422, message, details, error_body(422, message, details, problems=problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        messages = {404: "there is nothing at this address", 405: "this address does not take that method"}
        message = messages.get(error.status_code, str(error.detail))
        return _respond(request, error.status_code, message, [], error_body(error.status_code, message))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> Response:
        # the exception's text may quote data, so only its type is logged
        log.error(
            "unexpected %s on %s %s",
            type(error).__name__,
            request.method,
            re.sub(r"\d+", "N", request.url.path),
        )
        return _respond(request, 500, SERVER_SIDE_MESSAGE, [], error_body(500, SERVER_SIDE_MESSAGE))
