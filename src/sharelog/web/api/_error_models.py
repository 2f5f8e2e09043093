"""The API's one error shape as OpenAPI models, so that the document describes errors as they are sent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

__all__ = ["ApiErrorPublic", "error_responses"]


class ApiErrorDetailPublic(BaseModel):
    """What went wrong: the HTTP status, a short type, a message and any further lines."""

    status: int
    type: str
    message: str
    details: list[str]


class ApiErrorPublic(BaseModel):
    """The API's one error shape: ``{"error": {"status", "type", "message", "details"}}``."""

    error: ApiErrorDetailPublic


_DESCRIPTIONS = {
    400: "The request cannot be used as given",
    401: "No valid API token or session",
    403: "The role or organisation may not do this",
    404: "No such record, or not one of your organisation's",
    409: "The action clashes with what the ledger holds",
    422: "The body, a file or a value has problems, each listed",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each in the one error shape."""
    return {status: {"model": ApiErrorPublic, "description": _DESCRIPTIONS[status]} for status in statuses}
