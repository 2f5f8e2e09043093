"""How the OpenAPI document says who may call each operation: the two ways to sign in, as security schemes, and
``security`` on every /api/v1 operation the access table does not make public."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from sharelog.web._access import ACCESS, PUBLIC
from sharelog.web._routes import app_routes

__all__ = ["API_TOKEN_SCHEME", "SESSION_COOKIE_SCHEME", "declare_security"]

API_TOKEN_SCHEME = "apiToken"
SESSION_COOKIE_SCHEME = "sessionCookie"


def _schemes(cookie: str) -> dict[str, Any]:
    return {
        API_TOKEN_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `sharelog users token USERNAME`, sent as "
            "`Authorization: Bearer slt_…`: it acts with its user's role and organisation.",
        },
        SESSION_COOKIE_SCHEME: {
            "type": "apiKey",
            "in": "cookie",
            "name": cookie,
            "description": "The web app's session cookie, set by signing in at /sign-in. A request that changes "
            "something must also send the session's CSRF token in the `X-CSRF-Token` header.",
        },
    }


def _operations(app: FastAPI, document: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """Each operation of the document with the name of the route behind it."""
    found = []
    for route in app_routes(app):
        item = document.get("paths", {}).get(route.path, {}) if route.in_schema else {}
        for method in sorted(route.methods):
            if method.lower() in item:
                found.append((route.name, item[method.lower()]))
    return found


def declare_security(app: FastAPI, *, cookie: str) -> None:
    """Add the security schemes to ``app``'s OpenAPI document, and to each operation the ways to call it: a
    bearer token or the session cookie, or none for a public one (``security: []``)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI keeps the document once built; this adds to it once
        components = document.setdefault("components", {})
        if "securitySchemes" not in components:
            components["securitySchemes"] = _schemes(cookie)
            for name, operation in _operations(app, document):
                public = name is not None and ACCESS.get(name) == PUBLIC
                operation["security"] = (
                    [] if public else [{API_TOKEN_SCHEME: []}, {SESSION_COOKIE_SCHEME: []}]
                )
        return document

    app.openapi = openapi  # type: ignore[method-assign]
