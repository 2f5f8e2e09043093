"""The access log: one line per request on the logger ``sharelog.access``, without personal data.

A line holds the time (the handler's), the method, the route's template (``/exchanges/{reference}``: never the
values in the address, never its query string), the status, the duration, who asked (the account's id, role and
whether by session or API token; ``-`` when signed out) and a keyed hash of the client's address.

Why a hash and not the address: an IP address is personal data (UK GDPR), and the log is kept and copied for
months; but an auditor looking at an attack must see that many requests came from one place. The hash is
HMAC-SHA256 of the address under a key derived from the web secret, cut to 16 hex digits: the same client gets
the same value in every line (and in every process sharing the secret), and no one without the secret can tell
which address it stands for, or test a guess. Whoever holds the secret can test a guess: that is the point of
keeping it, and what to ask for when an incident needs the address (the proxy's logs keep it too).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sys
import time
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sharelog.web._routes import app_routes

__all__ = ["ACCESS_LOGGER", "AccessLog", "configure_access_log"]

ACCESS_LOGGER = "sharelog.access"
_PATH_SAFE = "/{}-._~!$&'()*+,;=:@"  # what may stay as it is in a logged path; anything else is %-escaped
_UNMATCHED_PATH_CHARS = 100  # an address no route matched is logged (escaped) up to this length
log = logging.getLogger(ACCESS_LOGGER)


class _StandardError(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged (not when the handler was made)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_access_log() -> None:
    """Send the access log to standard error (what ``sharelog serve`` does), one line per request, UTC times."""
    if any(isinstance(handler, _StandardError) for handler in log.handlers):
        return
    handler = _StandardError()
    formatter = logging.Formatter("%(asctime)s.%(msecs)03dZ access %(message)s", datefmt="%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _principal_of(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if principal is None:
        return "user=- role=- via=-"
    return f"user={principal.user_id} role={principal.role} via={principal.via}"


class AccessLog:
    """ASGI middleware that logs one line per HTTP request (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, secret: str, routes_of: FastAPI) -> None:
        self.app = app
        self._key = hmac.new(secret.encode("utf-8"), b"sharelog access log client", hashlib.sha256).digest()
        self._routes_of = routes_of
        self._templates: dict[int, str] | None = None  # id of a route object → its full path template

    def _route_of(self, scope: Scope) -> str:
        if self._templates is None:  # the routes are all in place by the first request
            self._templates = {
                id(found.route): found.path
                for found in app_routes(self._routes_of)
                if not isinstance(found.route, Mount)
            }
        template = self._templates.get(id(scope.get("route")))
        if template is not None:
            return template
        # a static file, or no route at all: the address as asked for, escaped, cut short, no query string
        return quote(str(scope.get("path", ""))[:_UNMATCHED_PATH_CHARS], safe=_PATH_SAFE)

    def _client_of(self, scope: Scope) -> str:
        client = scope.get("client")
        if not client:
            return "-"
        return hmac.new(self._key, str(client[0]).encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s %s %d %dms %s client=%s",
                    scope.get("method", "-"),
                    self._route_of(scope),
                    status,
                    round((time.perf_counter() - started) * 1000),
                    _principal_of(scope),
                    self._client_of(scope),
                )
