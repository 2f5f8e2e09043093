"""The server-rendered pages (GOV.UK Design System), one router per area; each route calls one service."""

from fastapi import APIRouter

from sharelog.web.pages import (
    _account,
    _agreements,
    _api_docs,
    _dashboard,
    _exchange_runs,
    _exchanges,
    _foi,
    _outcomes,
    _reports,
    _review,
    _transparency,
    _users,
)

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    _account.router,
    _dashboard.router,
    _users.router,
    _foi.router,
    _agreements.router,
    _exchange_runs.router,  # before _exchanges: /exchanges/new is not an exchange's reference
    _exchanges.router,
    _review.router,
    _outcomes.router,
    _reports.router,
    _transparency.router,
    _api_docs.router,
]
