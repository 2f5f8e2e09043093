"""The API documentation page: Swagger UI served by the app itself (no CDN, no inline script) lists every operation
of the OpenAPI document, under the app's content security policy."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from ..conftest import USER_OF_ROLE
from ._browse import check_accessible, sign_in, watch_errors
from .conftest import LiveServer, Shot

pytestmark = pytest.mark.browser

METHODS = ("get", "put", "post", "delete", "patch")


def test_the_api_docs_list_every_operation(page: Page, shot: Shot, live_server: LiveServer) -> None:
    problems = watch_errors(page)
    elsewhere: list[str] = []

    def on_request(request: Request) -> None:
        if urlsplit(request.url).netloc != urlsplit(live_server.url).netloc:
            elsewhere.append(request.url)

    page.on("request", on_request)
    document = page.request.get("/api/v1/openapi.json").json()
    operations = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    ]
    assert len(operations) > 10, "the OpenAPI document describes the API"

    response = page.goto("/api/v1/docs")
    assert response is not None and response.status == 200
    assert "nonce-" in response.headers["content-security-policy"], "the page is served under the app's CSP"
    shown = page.locator(".opblock-summary")
    expect(shown).to_have_count(len(operations))
    for method, path in operations:
        operation = shown.filter(has=page.locator(f".opblock-summary-path[data-path='{path}']")).filter(
            has=page.locator(".opblock-summary-method", has_text=re.compile(f"^{method}$"))
        )
        expect(operation, f"{method} {path} is listed").to_have_count(1)
    shot("signed-out")
    check_accessible(page)
    # an operation opened: its parameters, answers and "Try it out"
    shown.filter(has=page.locator(".opblock-summary-path[data-path='/api/v1/reports/monthly']")).locator(
        ".opblock-summary-control"
    ).click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    shot("operation-open")
    check_accessible(page)

    # signed in, the page is the same list under the app's layout
    sign_in(page, USER_OF_ROLE["auditor"])
    page.goto("/api/v1/docs")
    expect(shown).to_have_count(len(operations))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert problems == [], "the browser reported errors (a script blocked by the CSP, a missing asset)"
    assert elsewhere == [], "the page fetched nothing from another site"
