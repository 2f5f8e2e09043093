"""The public transparency page and the reports page in a real browser: a wide period's table keeps its row
labels, its total and its caption in view as it scrolls, at 1280 px and on a phone; and the published tables
download."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from ._browse import sign_in
from .conftest import Shot
from .test_public_page import assert_published

pytestmark = pytest.mark.browser

# 15 months, five whole quarters and the year 2018 (the series rule, the default): wider than the page
WIDE_PERIOD = "/transparency?from=2018-01&to=2019-03"

# Whether an element is fully inside the scrolling region's visible box and on top at its centre (not covered).
_IN_VIEW = """(element, region) => {
  const box = element.getBoundingClientRect(), frame = region.getBoundingClientRect();
  const inside = box.left >= frame.left - 1 && box.right <= frame.right + 1 && box.width > 0;
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return inside && (top === element || element.contains(top));
}"""


@dataclass(frozen=True)
class WideTable:
    """A page whose monthly table is wider than the screen, and what to look for in it."""

    path: str
    signed_in_as: str | None
    row: str  # a row label that must stay in view
    last_header: str  # the last column, which stays in view when it is a year's total
    middle_header: str  # a column that scrolls away


WIDE_TABLES = {
    # 15 months, five whole quarters and the year 2018 (the series rule, the default): wider than the page; the
    # last column is the last whole quarter, no total of part of a year
    "public": WideTable(
        WIDE_PERIOD, None, "Records received from the Home Office", "Jan–Mar 2019", "June 2018"
    ),
    # a whole year: November, December and the year's total were out of sight at 1280 px (issue 16)
    "reports": WideTable(
        "/reports?from=2019-01&to=2019-12&sdc=publish&profile=series",
        "auditor",
        "Records received from the requester",
        "Total 2019",
        "June 2019",
    ),
}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("where", sorted(WIDE_TABLES))
def test_the_row_labels_total_and_caption_stay_in_view(
    page: Page, shot: Shot, where: str, width: int
) -> None:
    wide = WIDE_TABLES[where]
    if wide.signed_in_as:
        sign_in(page, wide.signed_in_as)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(wide.path)
    region = page.get_by_role("region", name=re.compile(r"^Monthly outcomes"))
    table = region.get_by_role("table")
    label = table.get_by_role("rowheader", name=wide.row)
    row = page.get_by_role("rowheader", name=wide.row)  # inside the row
    total = table.get_by_role("row").filter(has=row).get_by_role("cell").last
    caption = table.locator("caption")
    header = table.get_by_role("columnheader").last
    section = table.locator(".sharelog-section-text", has_text="shared onward, by recipient")
    expect(header).to_have_text(wide.last_header)
    scroll = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert scroll[0] > scroll[1] + 200, "the period's table is wider than the page, so it scrolls"

    label.scroll_into_view_if_needed()  # the row in the viewport, to look at what is drawn on top
    for end in ("start", "end"):
        region.evaluate("(r, end) => { r.scrollLeft = end === 'start' ? 0 : r.scrollWidth; }", end)
        for element in (label, total, header):
            assert element.evaluate(_IN_VIEW, region.element_handle()), f"hidden, scrolled to the {end}"
        assert section.evaluate(
            "(s, r) => s.getBoundingClientRect().left >= r.getBoundingClientRect().left - 1"
            " && s.getBoundingClientRect().right <= r.getBoundingClientRect().right + 1",
            region.element_handle(),
        ), f"a section's heading is cut off with the table scrolled to its {end}"
        # the caption is never wider than what the region shows, so none of it is cut off
        assert caption.evaluate(
            "(c, r) => c.getBoundingClientRect().left >= r.getBoundingClientRect().left - 1"
            " && c.getBoundingClientRect().right <= r.getBoundingClientRect().right + 1",
            region.element_handle(),
        ), f"the caption is cut off with the table scrolled to its {end}"
        if end == "end":
            # a month in the middle has gone under the sticky columns or out of view
            middle = table.get_by_role("columnheader", name=wide.middle_header)
            assert not middle.evaluate(_IN_VIEW, region.element_handle())
    shot(f"wide-table-{width}px-scrolled")


def test_the_published_tables_download_as_shown(page: Page, shot: Shot) -> None:
    page.goto("/transparency?year=2019")
    table = page.get_by_role("table", name=re.compile(r"^Monthly outcomes"))
    shown = [text.strip().replace(",", "") for text in table.get_by_role("cell").all_inner_texts()]
    downloads = page.get_by_role("list").filter(has=page.get_by_role("link", name=re.compile("CSV")))
    shot("downloads")

    with page.expect_download() as csv_download:
        downloads.get_by_role("link", name="Monthly outcomes (CSV)").click()
    assert csv_download.value.suggested_filename == "published-monthly-outcomes-2019-01-to-2019-03.csv"
    rows = list(csv.reader(io.StringIO(csv_download.value.path().read_text(encoding="utf-8"))))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    assert [cell for row in rows[header + 1 :] if len(row) > 1 for cell in row[1:]] == shown

    with page.expect_download() as xlsx_download:
        downloads.get_by_role("link", name=re.compile(r"^Register of data shares \(XLSX")).click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    sheet = workbook.worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, int)]
    assert_published(cells, only_counts=False)
    assert cells, "the register has figures"
