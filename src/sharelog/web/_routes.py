"""Every route of the app with its full path template, as the OpenAPI document and the access log need them.

FastAPI (0.16x) keeps an included router's routes inside it, each with the path it was declared with (``/me``); the
full template (``/api/v1/me``) belongs to the inclusion. ``iter_route_contexts`` is how FastAPI's own OpenAPI
builder walks them; before it existed, included routes were copied into ``app.routes`` with their full path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # an older FastAPI: app.routes is already flat

    def iter_route_contexts(routes: Iterable[Any]) -> Iterator[Any]:  # type: ignore[misc]
        return iter(routes)


__all__ = ["AppRoute", "app_routes"]


@dataclass(frozen=True)
class AppRoute:
    """One route: the route object a request's scope names, its full path template, name and methods."""

    route: Any
    path: str
    name: str | None
    methods: frozenset[str]
    in_schema: bool


def app_routes(app: FastAPI) -> list[AppRoute]:
    """The app's routes (pages, API, mounts) with their full path templates (``{name}``, no converters)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "original_route", context)
        path = str(getattr(context, "path_format", None) or getattr(route, "path", ""))
        methods = frozenset(getattr(context, "methods", None) or ())
        in_schema = isinstance(route, APIRoute) and route.include_in_schema
        found.append(AppRoute(route, path, getattr(route, "name", None), methods, in_schema))
    return found
