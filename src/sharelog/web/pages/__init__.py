"""The server-rendered pages (GOV.UK Design System), one router per area; each route calls one service."""

from fastapi import APIRouter

from sharelog.web.pages import _account, _dashboard, _foi, _users

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [_account.router, _dashboard.router, _users.router, _foi.router]
