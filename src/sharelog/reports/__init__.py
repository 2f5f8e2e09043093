"""Reports from the ledger: the monthly outcomes table (and, with disclosure control, what can be published)."""

from sharelog.reports._monthly import MonthlyRow, MonthlyTable, latest_result, month_range, monthly_table

__all__ = ["MonthlyRow", "MonthlyTable", "latest_result", "month_range", "monthly_table"]
