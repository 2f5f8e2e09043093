"""The web app and HTTP API: ``create_app(settings)`` gives the FastAPI application ``sharelog serve`` runs;
``ensure_demo_accounts`` and ``ensure_demo_foi_case`` add what ``sharelog serve --demo`` shows to the demo ledger."""

from sharelog.web._access_log import configure_access_log
from sharelog.web._app import SESSION_COOKIE, create_app
from sharelog.web._demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoAccount,
    ensure_demo_accounts,
    ensure_demo_foi_case,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "SESSION_COOKIE",
    "DemoAccount",
    "configure_access_log",
    "create_app",
    "ensure_demo_accounts",
    "ensure_demo_foi_case",
]
