"""Reports from the ledger: the monthly outcomes table, the register of data shares, and — for anything that
leaves the building — statistical disclosure control (the monthly-series rule by default; ONS 10-5 or 1-4 when
asked; GSS symbols).

    report = build_monthly_report(session, months=month_range("2019-01", "2019-12"), sdc="publish")
    write_monthly_report(report, Path("monthly-2019.xlsx"))
    write_monthly_charts(report, Path("charts"))

See docs/reports.md.
"""

from sharelog.reports._charts import (
    CHART_FILES,
    CHART_TITLES,
    ChartData,
    chart_data,
    chart_text,
    monthly_chart_png,
    write_monthly_charts,
)
from sharelog.reports._coverage import FOI_QUESTIONS, PERIOD_LENGTHS, Coverage, coverage
from sharelog.reports._formats import FORMATS, html_document, html_table, monthly_json
from sharelog.reports._generated import ReportGenerated, record_report_generated
from sharelog.reports._layout import Sheet, SheetRow, monthly_sheets, tidy_rows
from sharelog.reports._marks import MISSING_SYMBOLS, MissingFigure
from sharelog.reports._monthly import LABELS as MONTHLY_LABELS
from sharelog.reports._monthly import (
    MonthlyRow,
    MonthlyTable,
    latest_result,
    latest_results,
    month_range,
    monthly_table,
)
from sharelog.reports._output import write_monthly_report, write_shares_register
from sharelog.reports._period import month_label, months_between, parse_month, parse_period
from sharelog.reports._published import (
    PUBLIC_PROFILE,
    PUBLIC_SDC,
    TransparencyReport,
    default_months,
    exchange_years,
    monthly_report_for,
    public_months,
    published_monthly_report,
    published_shares_register,
    shares_register_for,
    transparency_report,
)
from sharelog.reports._report import (
    SDC_MODES,
    Column,
    MonthlyReport,
    build_monthly_report,
    monthly_structure,
    protect_monthly_table,
    series_columns,
)
from sharelog.reports._safety import neutralise
from sharelog.reports._sdc import (
    CONFIDENTIAL,
    DEFAULT_PROFILE,
    GSS_SYMBOLS,
    NOT_APPLICABLE,
    PROFILES,
    SERIES,
    UNAVAILABLE,
    Bound,
    Profile,
    ProtectedTable,
    Reason,
    Relation,
    Structure,
    suppress_small_counts,
)
from sharelog.reports._shares import (
    AgreementTerms,
    ShareRow,
    SharesRegister,
    agreement_terms,
    build_shares_register,
    shares_json,
    shares_sheets,
)
from sharelog.reports._versions import Parties, parties_of

__all__ = [
    "CHART_FILES",
    "CHART_TITLES",
    "PUBLIC_PROFILE",
    "PUBLIC_SDC",
    "ChartData",
    "Coverage",
    "FOI_QUESTIONS",
    "PERIOD_LENGTHS",
    "CONFIDENTIAL",
    "DEFAULT_PROFILE",
    "FORMATS",
    "GSS_SYMBOLS",
    "MISSING_SYMBOLS",
    "MONTHLY_LABELS",
    "NOT_APPLICABLE",
    "UNAVAILABLE",
    "PROFILES",
    "SDC_MODES",
    "SERIES",
    "AgreementTerms",
    "Bound",
    "Column",
    "MissingFigure",
    "MonthlyReport",
    "MonthlyRow",
    "MonthlyTable",
    "Parties",
    "Profile",
    "ProtectedTable",
    "Reason",
    "Relation",
    "ReportGenerated",
    "ShareRow",
    "SharesRegister",
    "Sheet",
    "SheetRow",
    "Structure",
    "TransparencyReport",
    "agreement_terms",
    "build_monthly_report",
    "build_shares_register",
    "chart_data",
    "chart_text",
    "coverage",
    "default_months",
    "exchange_years",
    "html_document",
    "html_table",
    "latest_result",
    "latest_results",
    "month_label",
    "month_range",
    "monthly_chart_png",
    "monthly_json",
    "monthly_report_for",
    "monthly_sheets",
    "monthly_structure",
    "monthly_table",
    "months_between",
    "neutralise",
    "parse_month",
    "parties_of",
    "parse_period",
    "protect_monthly_table",
    "series_columns",
    "record_report_generated",
    "public_months",
    "published_monthly_report",
    "published_shares_register",
    "shares_json",
    "shares_register_for",
    "shares_sheets",
    "suppress_small_counts",
    "tidy_rows",
    "transparency_report",
    "write_monthly_charts",
    "write_monthly_report",
    "write_shares_register",
]
