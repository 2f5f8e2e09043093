"""The dashboard is counted on the reports' fixed small ledger (tests/reports/_golden_ledger.py)."""

from ..reports.conftest import golden_sqlite

__all__ = ["golden_sqlite"]
