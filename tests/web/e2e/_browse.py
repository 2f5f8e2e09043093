"""What the scenarios do in the browser again and again: sign in, and check what every page must have."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from ..conftest import PASSWORD

# axe-core from npm (package.json pins it; `make` runs npm ci): the accessibility rules the pages are checked against
AXE_SCRIPT = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
# what fails a page: any finding of these impacts, and any finding of these rules whatever axe-core rates it —
# "region" (content outside every landmark, as the phase banner once was) is only "moderate"
FAILING_IMPACTS = frozenset({"serious", "critical"})
FAILING_RULES = frozenset({"region"})


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


def watch_errors(page: Page) -> list[str]:
    """Collect what the browser reports as errors on every page from now on (a script or style the content
    security policy blocked, a missing asset, a script error)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: console: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"{page.url}: script error: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make test` (it installs the npm packages)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_findings(page: Page) -> list[str]:
    """axe-core's findings on the page as it stands that fail it (see FAILING_IMPACTS and FAILING_RULES), one line
    each: the page, the rule, its impact and the elements it found.

    axe-core is evaluated through the DevTools protocol, not added as a <script>: the page's content security
    policy stays in force (and would block an inline script).
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(_axe_source())
    results: dict[str, Any] = page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in results["violations"]:
        if violation["impact"] in FAILING_IMPACTS or violation["id"] in FAILING_RULES:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(
                f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
                + "; ".join(targets[:5])
                + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
            )
    return found


def check_accessible(page: Page) -> None:
    """The page as it stands has no failing axe-core finding (the message lists each rule and element)."""
    found = axe_findings(page)
    assert not found, f"axe-core found {len(found)} problem(s):\n" + "\n".join(found)
