"""What the scenarios do in the browser again and again: sign in, and check what every page must have."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ..conftest import PASSWORD


def sign_in(page: Page, username: str, password: str = PASSWORD, *, next_path: str | None = None) -> None:
    """Sign in through the form, as a person would; the app then goes on to ``next_path`` or the dashboard."""
    page.goto("/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    """Sign out with the button every signed-in page carries."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


# HTML that reached the reader as text: a tag, or an entity escaped twice
_MARKUP_AS_TEXT = re.compile(r"</?[a-z][a-z0-9]*(\s[^>]*)?>|&(lt|gt|amp|quot|#\d+);")


def check_page_basics(page: Page) -> None:
    """Every page has a non-empty <title> and exactly one h1 (screen-reader users navigate by both)."""
    assert page.title().strip(), f"{page.url} has no <title>"
    expect(page.locator("h1"), f"{page.url} has exactly one h1").to_have_count(1)


def check_no_markup_as_text(page: Page) -> None:
    """No HTML reaches the reader as text (a value escaped where it was meant as markup, or escaped twice)."""
    shown = _MARKUP_AS_TEXT.search(page.locator("body").inner_text())
    assert shown is None, f"{page.url} shows markup as text: {shown.group(0)!r}"
