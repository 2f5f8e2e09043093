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
    symbols: dict[str, str] = {}


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
    value: int | str = Field(description="A count, or a GSS symbol such as c (confidential).")


class MonthlyReportPublic(BaseModel):
    """The monthly outcomes table as tidy rows, with what a reader needs to interpret them."""

    title: str
    period: PeriodPublic
    agreement: str | None
    agreement_versions: list[AgreementVersionPublic]
    agreement_versions_in_force: dict[str, list[str]]
    disclosure_control: DisclosureControlPublic
    not_for_publication: bool
    generated_at: str
    rows: list[MonthlyRowPublic]


class ShareRowPublic(BaseModel):
    """One agreement version in one month: individuals requested and returned, with the agreement's terms."""

    month: str
    individuals_requested: int | str
    individuals_returned: int | str
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
