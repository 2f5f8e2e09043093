"""The API's one error shape as OpenAPI models, so that the document describes errors as they are sent."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["ApiErrorPublic", "error_responses"]


class ApiProblemPublic(BaseModel):
    """One problem of several: where it is (a file, or the request), the row, the field and what is wrong."""

    where: str = Field(description="The file or document the problem is in, or `request`.")
    row: int | None = Field(description="The row of the file, when the problem is in one.")
    pointer: str | None = Field(
        description="The field the problem is about, as a JSON pointer (`/reference`), or null.",
        examples=["/reference"],
    )
    message: str


class ApiErrorDetailPublic(BaseModel):
    """What went wrong: the HTTP status, a short type, a message, any further lines, the field it is about and,
    for a request or file with problems, each problem."""

    status: int
    type: str
    message: str
    details: list[str]
    pointer: str | None = Field(
        description="The field of the request the error is about, as a JSON pointer (`/month`), or null.",
        examples=["/month"],
    )
    problems: list[ApiProblemPublic] = Field(
        description="Each problem with its own pointer (a 422 lists them); empty otherwise."
    )


class ApiErrorPublic(BaseModel):
    """The API's one error shape: ``{"error": {"status", "type", "message", "details", "pointer",
    "problems"}}``."""

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
