"""Every page of the app, as each role and signed out, checked in the browser.

The pages are found as a person finds them: from the start page (signed out) or the dashboard (signed in), every
link on every page is followed, and a GET form (the report's "Show report") is submitted with what it holds. Each
page route is visited once per role (once more with a query, so a report is drawn as well as its form). Each page
loads, has a title and one h1, marks its menu link as the current page, shows no markup as text, draws no browser
error (a script the content security policy blocked, a missing asset, a script error) and passes axe-core with no
serious or critical finding and nothing outside a landmark; a full-page screenshot of each is kept.

Then every page the role may open (the access table, :mod:`sharelog.web._access`) must have been reached: a new
page that no link leads to fails here, so that it is checked like the rest.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from playwright.sync_api import Page, expect

from sharelog.web import pages
from sharelog.web._access import ACCESS, PUBLIC, allowed

from ...worlds import LedgerWorld
from ..conftest import EXCHANGE_LEDGER, USER_OF_ROLE
from ._browse import (
    check_accessible,
    check_no_markup_as_text,
    check_page_basics,
    sign_in,
    sign_out,
    watch_errors,
)
from .conftest import LiveServer, Shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_PAGES = 60  # per role: a crawl that goes on longer has found a loop of ever-new links
# pages the e2e world (the golden ledger) has nothing for, with the world that has: a review case needs an exchange
# whose review band is not yet decided
ELSEWHERE: dict[str, tuple[str, LedgerWorld]] = {
    "read_review_case": ("exchange awaiting review", EXCHANGE_LEDGER)
}


def _page_routes() -> list[APIRoute]:
    """The app's pages: the GET routes of the page routers that answer HTML, in the order the app matches them."""
    return [
        route
        for router in pages.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods and route.response_class is HTMLResponse
    ]


PAGE_ROUTES = _page_routes()


def _page_of(path: str) -> str | None:
    """The name of the page route a path opens (the first that matches, as the app does), or None."""
    for route in PAGE_ROUTES:
        if route.path_regex.match(path):
            return route.name
    return None


def _pages_of(role: str | None) -> set[str]:
    """The pages ``role`` may open (signed out: the public ones; signed in: the others, the public pages being
    checked signed out)."""
    names = set()
    for route in PAGE_ROUTES:
        access = ACCESS.get(route.name)
        if access is None or not allowed(access, role):
            continue
        if (access == PUBLIC) == (role is None):
            names.add(route.name)
    return names


def _menu(page: Page) -> list[tuple[str, str]]:
    """The menu's links: (text, href)."""
    links = page.get_by_role("navigation", name="Menu").get_by_role("link").all()
    return [(link.inner_text().strip(), link.get_attribute("href") or "") for link in links]


@dataclass
class _Crawl:
    """What a crawl of one role's pages found."""

    page: Page
    shot: Shot
    origin: str
    wanted: set[str]  # the routes to check (a public page is not checked again signed in)
    # (route, whether with a query) → the URL checked
    visited: dict[tuple[str, bool], str] = field(default_factory=dict)

    def run(self, start: str) -> None:
        queue = deque([start])
        queued = {start}
        while queue and len(self.visited) < MAX_PAGES:
            url = queue.popleft()
            for found in self._check(url):
                if found not in queued:
                    queued.add(found)
                    queue.append(found)

    def _key(self, url: str) -> tuple[str, bool] | None:
        parts = urlsplit(url)
        if parts.netloc and parts.scheme + "://" + parts.netloc != self.origin:
            return None
        name = _page_of(parts.path)
        if name is None or name not in self.wanted:
            return None
        return name, bool(parts.query)

    def _check(self, url: str) -> list[str]:
        key = self._key(url)
        if key is None or key in self.visited:
            return []
        response = self.page.goto(url)
        status = response.status if response is not None else None
        assert status == 200, f"{url} answered {status}"
        landed = self._key(self.page.url)  # after a redirect, the page it landed on
        if landed is None or (landed != key and landed in self.visited):
            return []
        self.visited[landed] = url
        check_page_basics(self.page)
        check_no_markup_as_text(self.page)
        path = urlsplit(self.page.url).path
        for text, href in _menu(self.page):
            if href == path:
                current = self.page.get_by_role("navigation", name="Menu").get_by_role(
                    "link", name=text, exact=True
                )
                expect(current).to_have_attribute("aria-current", re.compile(r"^(page|true)$"))
        step = path + ("-query" if landed[1] else "")
        self.shot(re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-") or "start")
        check_accessible(self.page)
        self._reveal()
        return self._links() + self._get_forms()

    def _reveal(self) -> None:
        """Choose each radio that reveals a further question, and check the page again as it then stands."""
        revealing = self.page.locator(".govuk-radios__input[aria-controls]")
        for index in range(revealing.count()):
            radio = revealing.nth(index)
            if radio.is_visible() and not radio.is_checked():
                radio.check()
                check_accessible(self.page)

    def _links(self) -> list[str]:
        hrefs: list[str] = self.page.locator("a[href]:not([download])").evaluate_all(
            "links => links.map(link => link.href.split('#')[0])"
        )
        return [href for href in hrefs if href]

    def _get_forms(self) -> list[str]:
        """The URLs the page's GET forms would open, submitted as they stand."""
        urls: list[str] = self.page.locator("form").evaluate_all(
            """forms => forms
                .filter(form => (form.getAttribute('method') || 'get').toLowerCase() === 'get')
                .map(form => {
                  const url = new URL(form.action || location.href);
                  url.search = new URLSearchParams(new FormData(form)).toString();
                  return url.href;
                })"""
        )
        return [url for url in urls if parse_qsl(urlsplit(url).query)]


def test_every_page_signed_out(page: Page, shot: Shot, live_server: LiveServer) -> None:
    problems = watch_errors(page)
    crawl = _Crawl(page, shot, live_server.url, wanted=_pages_of(None))
    crawl.run(live_server.at("/"))
    crawl.run(live_server.at("/sign-in"))  # the start page's button signs in; the form itself is a page too
    assert [text for text, _href in _menu(page)] == ["Transparency"]
    unreached = sorted(_pages_of(None) - {name for name, _query in crawl.visited})
    assert not unreached, f"public pages no link reaches: {unreached}"
    assert problems == []
    # a form's error state (answered 400, which the browser reports): the error summary, messages at the fields
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    shot("sign-in-errors")
    check_accessible(page)


@pytest.mark.parametrize("role", sorted(USER_OF_ROLE))
def test_every_page_of_a_role(page: Page, shot: Shot, live_server: LiveServer, role: str) -> None:
    problems = watch_errors(page)
    sign_in(page, USER_OF_ROLE[role])
    expect(page.get_by_text("Signed in as")).to_be_visible()
    assert _menu(page), f"{role} has a menu"
    crawl = _Crawl(page, shot, live_server.url, wanted=_pages_of(role))
    crawl.run(page.url)
    unreached = sorted(_pages_of(role) - set(ELSEWHERE) - {name for name, _query in crawl.visited})
    assert not unreached, (
        f"pages {role} may open that no link reaches (link them, or give the test data): {unreached}"
    )
    assert problems == []


@pytest.mark.parametrize(
    ("served_world", "route"),
    [(world, route) for route, (_what, world) in ELSEWHERE.items()],
    ids=list(ELSEWHERE),
)
def test_the_pages_of_another_world(page: Page, shot: Shot, live_server: LiveServer, route: str) -> None:
    """Each page the e2e world has nothing for, reached by the roles that may open it, in a world that has."""
    problems = watch_errors(page)
    roles = [role for role in sorted(USER_OF_ROLE) if route in _pages_of(role)]
    assert roles, f"no role may open {route}"
    for role in roles:
        sign_in(page, USER_OF_ROLE[role])
        crawl = _Crawl(page, lambda step, role=role: shot(f"{role}-{step}"), live_server.url, _pages_of(role))
        crawl.run(page.url)
        assert (route, False) in crawl.visited, f"{role} reached no {route} page: {ELSEWHERE[route][0]}"
        sign_out(page)
    assert problems == []
