"""The HTTP API under /api/v1: JSON in and out, one error shape, the same services as the CLI."""

from fastapi import APIRouter

from sharelog.web.api import _exchanges, _foi, _me, _outcomes, _reports

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [_me.router, _foi.router, _exchanges.router, _outcomes.router, _reports.router]
