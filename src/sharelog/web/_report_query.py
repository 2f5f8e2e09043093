"""The query every report route takes — period, disclosure control, profile — read once as a dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from sharelog.reports import MonthlyReport, SharesRegister, monthly_report_for, shares_register_for

__all__ = ["ReportParams", "ReportQuery", "SdcMode"]

SdcMode = Literal["publish", "internal"]
ProfileName = Literal["10-5", "1-4", "series"]


@dataclass(frozen=True)
class ReportQuery:
    """Which report: the months (``None``: the latest year with an exchange), the disclosure control, the profile."""

    first: str | None
    last: str | None
    sdc: SdcMode
    profile: ProfileName

    def monthly(self, session: Session) -> MonthlyReport:
        """The monthly outcomes report this query asks for."""
        return monthly_report_for(
            session, first=self.first, last=self.last, sdc=self.sdc, profile=self.profile
        )

    def shares(self, session: Session) -> SharesRegister:
        """The register of data shares this query asks for."""
        return shares_register_for(
            session, first=self.first, last=self.last, sdc=self.sdc, profile=self.profile
        )


def _report_query(
    first: Annotated[
        str | None, Query(alias="from", description="The first month, YYYY-MM (default: the latest year).")
    ] = None,
    last: Annotated[str | None, Query(alias="to", description="The last month, YYYY-MM.")] = None,
    sdc: Annotated[
        SdcMode,
        Query(
            description="publish: disclosure control, as published; internal: exact counts, not for publication."
        ),
    ] = "publish",
    profile: Annotated[
        ProfileName, Query(description="The disclosure-control profile (publish only).")
    ] = "series",  # reports.DEFAULT_PROFILE
) -> ReportQuery:
    return ReportQuery(first=first, last=last, sdc=sdc, profile=profile)


ReportParams = Annotated[ReportQuery, Depends(_report_query)]
