"""The public transparency page, signed out: only figures after publication disclosure control (the default, the
series rule: no count from 1 to 4 given exactly, the rest rounded to 5), the symbols explained, charts drawn — and
the signed-in pages stay closed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from ._browse import check_page_basics
from .conftest import LiveServer, Shot

pytestmark = pytest.mark.browser

THRESHOLD = 5  # the series rule: counts of 1 to 4 are shown as [low]
ROUNDING = 5
SYMBOLS = {"[c]", "[z]", "[x]", "[low]"}  # GSS symbols a published table may show instead of a count
COUNT = re.compile(r"^\d{1,3}(,\d{3})*$")


def _cell_texts(table: Locator) -> list[str]:
    return [text.strip() for text in table.get_by_role("cell").all_inner_texts()]


def assert_published(texts: list[str], *, only_counts: bool) -> None:
    """Every count is 0 or at least the threshold and a multiple of the rounding base; with ``only_counts``,
    every other cell is a GSS symbol."""
    assert texts, "the table has cells"
    for text in texts:
        if COUNT.match(text):
            value = int(text.replace(",", ""))
            assert value == 0 or (value >= THRESHOLD and value % ROUNDING == 0), f"unprotected count {text}"
        elif only_counts:
            assert text in SYMBOLS, f"a cell that is neither a count nor a GSS symbol: {text!r}"


def test_the_public_page_shows_only_published_figures(
    page: Page, shot: Shot, live_server: LiveServer
) -> None:
    response = page.goto("/transparency")

    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparency: published figures")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    shot("transparency")

    monthly = page.get_by_role("table", name=re.compile(r"^Monthly outcomes"))
    expect(monthly).to_be_visible()
    monthly_cells = _cell_texts(monthly)
    assert_published(monthly_cells, only_counts=True)
    assert "[low]" in monthly_cells, "the golden ledger has small counts, so some cells are marked [low]"
    # the exact January counts (12 matched, 3 for review) are not on the page; 40 received rounds to itself
    assert "12" not in monthly_cells and "3" not in monthly_cells
    assert "40" in monthly_cells

    shares = page.get_by_role("table", name=re.compile(r"register of data shares", re.IGNORECASE))
    assert_published(_cell_texts(shares), only_counts=False)

    # the symbols are explained in words, and on the symbols themselves
    expect(page.get_by_text(re.compile(r"\[low\] means a count between 1 and 4"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"\[c\] means the figure is hidden \(confidential\)"))).to_be_visible()
    expect(monthly.locator("abbr", has_text="[low]").first).to_have_attribute("title", re.compile("1 to 4"))

    charts = page.get_by_role("img", name=re.compile(r"^Chart: ")).all()
    assert charts, "the page has charts"
    for image in charts:
        chart = page.request.get(live_server.at(image.get_attribute("src") or ""))
        assert chart.status == 200 and chart.headers["content-type"] == "image/png"
        image.scroll_into_view_if_needed()  # they load lazily: drawn in the browser once in view
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shot("transparency-with-charts")

    expect(page.get_by_role("heading", name="Data-sharing agreements")).to_be_visible()


def test_the_public_page_takes_no_other_disclosure_control(page: Page) -> None:
    page.goto("/transparency")
    published = _cell_texts(page.get_by_role("table", name=re.compile(r"^Monthly outcomes")))

    page.goto("/transparency?sdc=internal&profile=1-4")

    assert _cell_texts(page.get_by_role("table", name=re.compile(r"^Monthly outcomes"))) == published


@pytest.mark.parametrize("path", ["/dashboard", "/outcomes", "/foi", "/reports"])
def test_signed_in_pages_send_a_visitor_to_sign_in(page: Page, shot: Shot, path: str) -> None:
    page.goto(path)

    expect(page).to_have_url(re.compile(r"/sign-in\?next=" + re.escape(path.replace("/", "%2F")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page_basics(page)
    if path == "/dashboard":
        shot("dashboard-signed-out")
