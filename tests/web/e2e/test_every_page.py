"""A smoke test of every page each role can reach from the menu, and of the pages open to everyone: each loads,
has a title and one h1, marks its menu link as the current page, shows no markup as text, and the browser
reports no error (a script blocked by the content security policy, a missing asset, a script error)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from ..conftest import USER_OF_ROLE
from ._browse import check_no_markup_as_text, check_page_basics, sign_in
from .conftest import Shot

pytestmark = pytest.mark.browser


def _watch_errors(page: Page) -> list[str]:
    """Collect what the browser reports as errors on every page from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: console: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"{page.url}: script error: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


def _open(page: Page, path: str) -> None:
    response = page.goto(path)
    status = response.status if response is not None else None
    assert status == 200, f"{path} answered {status}"
    check_page_basics(page)
    check_no_markup_as_text(page)


def _menu(page: Page) -> list[tuple[str, str]]:
    """The menu's links: (text, href)."""
    links = page.get_by_role("navigation", name="Menu").get_by_role("link").all()
    return [(link.inner_text().strip(), link.get_attribute("href") or "") for link in links]


def test_the_pages_open_to_everyone(page: Page, shot: Shot) -> None:
    problems = _watch_errors(page)
    for path, name in (("/", "start"), ("/sign-in", "sign-in"), ("/transparency", "transparency")):
        _open(page, path)
        shot(name)
    assert [text for text, _href in _menu(page)] == ["Transparency"]
    assert problems == []


@pytest.mark.parametrize("role", sorted(USER_OF_ROLE))
def test_every_menu_page_of_a_role(page: Page, shot: Shot, role: str) -> None:
    problems = _watch_errors(page)
    sign_in(page, USER_OF_ROLE[role])
    expect(page.get_by_text("Signed in as")).to_be_visible()
    menu = _menu(page)
    assert menu, f"{role} has a menu"
    for text, href in menu:
        _open(page, href)
        current = page.get_by_role("navigation", name="Menu").get_by_role("link", name=text, exact=True)
        expect(current).to_have_attribute("aria-current", re.compile(r"^(page|true)$"))
        shot(href.strip("/").replace("/", "-"))
    assert problems == []
