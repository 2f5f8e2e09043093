"""Reports over the API: the monthly outcomes table and the register of data shares, as JSON.

``sdc=publish`` (the default) gives the figures after disclosure control, as published; ``sdc=internal`` the
exact counts, marked not for publication. Both are for people inside the two organisations (the public reads
the transparency page).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from sharelog.reports import monthly_json, shares_json
from sharelog.web._context import Ledger
from sharelog.web._report_query import ReportParams
from sharelog.web._security import CurrentUser

router = APIRouter(tags=["reports"])


class PeriodPublic(BaseModel):
    """The first and last month a report covers."""

    first: str = Field(alias="from", serialization_alias="from")
    last: str = Field(alias="to", serialization_alias="to")


class DisclosureControlPublic(BaseModel):
    """The disclosure control applied: ``internal`` has none (exact counts)."""

    mode: str
    profile: str | None
    rule: str | None = None


class MissingReasonPublic(BaseModel):
    """One kind of missing figure: the symbol tables show for it and what it means."""

    symbol: str
    meaning: str


class MissingFiguresPublic(BaseModel):
    """How the report gives a figure it cannot give: never as 0, but null with a symbol and a reason."""

    about: str
    no_data: str | None = Field(
        description="In words, the months of the period without any exchange, if any."
    )
    reasons: dict[str, MissingReasonPublic]
    symbols: dict[str, str] = Field(
        description="The Government Analysis Function's shorthand: [c], [x], [z]."
    )


class AgreementVersionPublic(BaseModel):
    """An agreement version the ledger recorded."""

    id: str
    version: str
    title: str
    valid_from: str
    valid_to: str | None


class MonthlyRowPublic(BaseModel):
    """One figure of the table in tidy form (DfE open-data style): a measure and category in one period."""

    time_period: str
    time_identifier: str
    measure: str
    category: str
    value: int | None = Field(description="A count; null where the report cannot give the figure.")
    symbol: str | None = Field(description="Where value is null: the table's symbol, [c], [x] or [z].")
    reason: str | None = Field(
        description="Where value is null: suppressed, before_first_exchange, no_exchange, outcome_not_yet_due "
        "or not_applicable (see missing_figures)."
    )


class MonthlyReportPublic(BaseModel):
    """The monthly outcomes table as tidy rows, with what a reader needs to interpret them."""

    title: str
    period: PeriodPublic
    agreement: str | None
    agreement_versions: list[AgreementVersionPublic]
    agreement_versions_in_force: dict[str, list[str]]
    disclosure_control: DisclosureControlPublic
    missing_figures: MissingFiguresPublic
    not_for_publication: bool
    generated_at: str
    rows: list[MonthlyRowPublic]


class MissingReasonCodePublic(BaseModel):
    """Why a figure is missing: the symbol tables show and the reason's code."""

    symbol: str
    reason: str


class ShareRowPublic(BaseModel):
    """One agreement version in one month: individuals requested and returned, with the agreement's terms."""

    month: str
    individuals_requested: int | None = Field(description="A count; null where missing (see missing).")
    individuals_returned: int | None = Field(description="A count; null where missing (see missing).")
    missing: dict[str, MissingReasonCodePublic] = Field(
        description="For each figure that is null: its symbol ([c] or [x]) and why (suppressed, no_exchange)."
    )
    agreement: str
    version: str
    title: str
    holder: str
    requester: str
    purposes: str
    legal_basis: str
    data_items_requested: str
    data_items_returned: str
    retention: str


class SharesRegisterPublic(BaseModel):
    """The register of data shares for a period."""

    title: str
    period: PeriodPublic
    disclosure_control: DisclosureControlPublic
    not_for_publication: bool
    generated_at: str
    rows: list[ShareRowPublic]


@router.get("/reports/monthly", summary="Read the monthly outcomes table")
def api_read_monthly_report(session: Ledger, user: CurrentUser, query: ReportParams) -> MonthlyReportPublic:
    """The monthly outcomes table for a period as tidy rows, after disclosure control unless sdc=internal."""
    report = query.monthly(session)
    return MonthlyReportPublic.model_validate(monthly_json(report))


@router.get("/reports/shares", summary="Read the register of data shares")
def api_read_shares_register(session: Ledger, user: CurrentUser, query: ReportParams) -> SharesRegisterPublic:
    """One row per agreement version and month: individuals requested and returned, with the agreement's terms."""
    register = query.shares(session)
    return SharesRegisterPublic.model_validate(shares_json(register))
