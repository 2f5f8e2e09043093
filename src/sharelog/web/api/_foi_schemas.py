"""The FOI API's JSON shapes: what a client sends (``*Create``) and what it gets back (``*Public``).

The public models are read off the :mod:`sharelog.foi` views (``model_validate(view)``, ``from_attributes``), so a
field the views gain or lose shows here at once instead of being copied by hand; what the API says differently
(the months asked about as one period, a file as a download link, the requester's details for some readers only)
is said once, in a validator. :func:`case_public` builds a case.

FastAPI validates a model an endpoint returns once more, from its own attributes: each validator leaves a value it
has already made as it is (a list of files stays a list, an address stays the address).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sharelog.foi import MAX_REQUEST_TEXT, CaseView

__all__ = [
    "FoiActionCreate",
    "FoiCaseCreate",
    "FoiCasePublic",
    "FoiCaseSummaryPublic",
    "FoiCasesPublic",
    "FoiExtensionCreate",
    "FoiFeesNoticeCreate",
    "FoiResponseCreate",
    "FoiReviewRequestCreate",
    "case_path",
    "case_public",
]

Regime = Literal["foia", "foisa"]
AuthorityType = Literal["central_government", "other", "school"]
Outcome = Literal["successful", "partially_successful", "not_held", "rejected", "ncnd", "s12_cost", "s14"]
PERIOD = "a year (2019), a month (2019-03) or a range (2019-01..2019-06)"


def case_path(reference: str) -> str:
    """The API address of the case ``reference``."""
    return f"/api/v1/foi/cases/{quote(reference, safe='/')}"


# ---- what goes in ----


class FoiCaseCreate(BaseModel):
    """A request received: the case opens awaiting a response, due on the 20th working day after receipt."""

    title: str = Field(description="The request's subject.", max_length=300)
    request_text: str = Field(
        description=f"The request as received (at most {MAX_REQUEST_TEXT:,} characters).",
        max_length=MAX_REQUEST_TEXT,
    )
    received_on: date = Field(
        description="The day of receipt (day zero of the clock): from 2005-01-01, when FOIA came into force, to today."
    )
    regime: Regime = Field(
        "foia", description="foia: bank holidays anywhere in the UK; foisa: Scotland's only."
    )
    authority_type: AuthorityType = Field(
        "central_government", description="Sets the s.12 cost limit; a school is long overdue after 60 days."
    )
    authority: str | None = Field(None, description="The authority's name, for letters.")
    reference: str | None = Field(None, description="The case reference; default FOI-<year>-<nnnn>.")
    about: str | None = Field(None, description=f"The months the request asks about: {PERIOD}.")
    requester_name: str | None = Field(None, description="Personal data: erased after retention.")
    requester_contact: str | None = Field(None, description="Personal data: erased after retention.")


class FoiResponseCreate(BaseModel):
    """A response to a case (or the outcome of its internal review); the letter is written with it."""

    outcome: Outcome
    responded_on: date | None = Field(None, description="The day the response is sent; default today.")
    exemptions: list[str] = Field(default_factory=list, description="Citations such as 31(1)(e).")
    public_interest: str | None = Field(
        None, description="Why the public interest favours the qualified exemptions cited."
    )
    hours_estimate: float | None = Field(None, description="s12_cost only: the hours compliance would take.")
    note: str | None = Field(None, description="Further text for the letter.")
    report_months: str | None = Field(
        None, description=f"Attach the published monthly outcomes report for these months: {PERIOD}."
    )
    agreement_id: str | None = Field(None, description="The report for one agreement only.")


class FoiActionCreate(BaseModel):
    """An action on a case on a given day."""

    on: date | None = Field(None, description="The day it happened; default today.")


class FoiFeesNoticeCreate(FoiActionCreate):
    """A fees notice (s.9): the clock pauses until the fee is paid."""

    amount: float | None = Field(None, description="The fee asked for, in pounds.")


class FoiExtensionCreate(FoiActionCreate):
    """A public-interest extension (FOIA s.10(3)), notified by the 20th working day."""

    days: int = Field(description="Working days to add (at most 20 in all).")
    exemptions: list[str] = Field(
        description="The qualified exemptions whose public interest test needs the time."
    )


class FoiReviewRequestCreate(FoiActionCreate):
    """The requester asks for an internal review of the response."""

    late: bool = Field(False, description="Accept a request made after the 40 working days allowed.")


# ---- what comes out: read off the views ----


class _FromView(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FoiEventPublic(_FromView):
    """An event in a case's history."""

    kind: str
    on: date
    days: int | None
    detail: dict[str, Any]
    recorded_by: str


class FoiFilePublic(_FromView):
    """A file a response wrote, with where to download it."""

    kind: str
    name: str
    sha256: str
    href: str


class FoiResponsePublic(_FromView):
    """A response as recorded."""

    stage: str
    outcome: str
    responded_on: date
    exemptions: list[str]
    public_interest: str | None
    hours_estimate: float | None
    cost_limit: int | None
    note: str | None
    report_months: str | None
    review_by: date
    recorded_by: str
    files: list[FoiFilePublic]

    @field_validator("exemptions", mode="before")
    @classmethod
    def _citations(cls, exemptions: Any) -> Any:
        return [getattr(cited, "citation", cited) for cited in exemptions]

    @field_validator("files", mode="before")
    @classmethod
    def _downloads(cls, files: Any, info: ValidationInfo) -> Any:
        """The files recorded (kind → path and hash) as download links under the case's address, which the
        validation context gives (``{"case_path": …}``)."""
        if not isinstance(files, dict):
            return files
        under = f"{(info.context or {})['case_path']}/files"
        links = []
        for kind, entry in sorted(files.items()):
            name = Path(entry["path"]).name
            links.append(
                {
                    "kind": kind,
                    "name": name,
                    "sha256": entry["sha256"],
                    "href": f"{under}/{quote(name, safe='')}",
                }
            )
        return links


class FoiPausePublic(_FromView):
    """Working days not counted: from a fees notice to its payment."""

    start: date
    end: date | None


class FoiClockPublic(_FromView):
    """The response clock, derived from the day of receipt and the events."""

    start: date
    restarted: bool
    waiting_clarification_since: date | None
    paused_since: date | None
    pauses: list[FoiPausePublic]
    extension_days: int
    statutory_due: date | None
    due: date | None
    long_overdue_after: date | None


class FoiReviewPublic(_FromView):
    """An internal review's deadlines."""

    requested_on: date
    due: date
    long_overdue_after: date


class FoiCaseSummaryPublic(_FromView):
    """A case in a list: its state and what time makes of it today."""

    reference: str
    title: str
    received_on: date
    regime: str
    state: str
    status: str
    status_label: str
    is_open: bool
    due_on: date | None
    lateness: str | None
    due_this_week: bool
    href: str = Field(validation_alias="reference")  # the address is made from the reference

    @field_validator("href", mode="before")
    @classmethod
    def _address(cls, reference: str) -> str:
        return case_path(reference)

    @model_validator(mode="after")
    def _nothing_due_when_closed(self) -> FoiCaseSummaryPublic:
        if not self.is_open:
            self.due_on = None
        return self


class FoiCasesPublic(BaseModel):
    """A list of cases."""

    data: list[FoiCaseSummaryPublic]
    count: int


class FoiCasePublic(FoiCaseSummaryPublic):
    """A case in full. The requester's name and contact are given to the FOI officers of the organisation that
    received the request only (null otherwise)."""

    request_text: str
    authority_type: str
    authority: str | None
    about: str | None
    today: date
    clock: FoiClockPublic
    review: FoiReviewPublic | None
    answered_in_time: bool | None
    events: list[FoiEventPublic]
    responses: list[FoiResponsePublic]
    next_actions: list[str] = Field(validation_alias=AliasChoices("next_action_names", "next_actions"))
    requester_name: str | None
    requester_contact: str | None
    requester_erase_after: date | None
    requester_erased_on: date | None
    opened_by: str

    @field_validator("about", mode="before")
    @classmethod
    def _period(cls, about: Any) -> Any:
        return f"{about[0]}..{about[1]}" if isinstance(about, tuple) else about


_REQUESTER_HIDDEN = {"requester_name": None, "requester_contact": None, "requester_erase_after": None}


def case_public(case: CaseView, *, show_requester: bool) -> FoiCasePublic:
    """``case`` as the API gives it; the requester's details only when ``show_requester``."""
    public = FoiCasePublic.model_validate(case, context={"case_path": case_path(case.reference)})
    return public if show_requester else public.model_copy(update=_REQUESTER_HIDDEN)
