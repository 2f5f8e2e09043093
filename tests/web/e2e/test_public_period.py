"""The public transparency page in a real browser: a wide period's table keeps its row labels, its total and its
caption in view as it scrolls, at 1280 px and on a phone; and the published tables download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_row_labels_total_and_caption_stay_in_view(page: Page, shot: Shot, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(WIDE_PERIOD)
    region = page.get_by_role("region", name=re.compile(r"^Monthly outcomes"))
    table = region.get_by_role("table")
    label = table.get_by_role("rowheader", name="Records received from the Home Office")
    row = page.get_by_role("rowheader", name="Records received from the Home Office")  # inside the row
    total = table.get_by_role("row").filter(has=row).get_by_role("cell").last
    caption = table.locator("caption")
    header = table.get_by_role("columnheader").last
    section = table.locator(".sharelog-section-text", has_text="shared onward, by recipient")
    expect(header).to_have_text("Jan–Mar 2019")  # the last whole quarter: no total of part of a year
    scroll = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert scroll[0] > scroll[1] + 200, "the period's table is wider than the page, so it scrolls"

    label.scroll_into_view_if_needed()  # the row in the viewport, to look at what is drawn on top
    for where in ("start", "end"):
        region.evaluate("(r, where) => { r.scrollLeft = where === 'start' ? 0 : r.scrollWidth; }", where)
        for element in (label, total, header):
            assert element.evaluate(_IN_VIEW, region.element_handle()), f"hidden, scrolled to the {where}"
        assert section.evaluate(
            "(s, r) => s.getBoundingClientRect().left >= r.getBoundingClientRect().left - 1"
            " && s.getBoundingClientRect().right <= r.getBoundingClientRect().right + 1",
            region.element_handle(),
        ), f"a section's heading is cut off with the table scrolled to its {where}"
        # the caption is never wider than what the region shows, so none of it is cut off
        assert caption.evaluate(
            "(c, r) => c.getBoundingClientRect().left >= r.getBoundingClientRect().left - 1"
            " && c.getBoundingClientRect().right <= r.getBoundingClientRect().right + 1",
            region.element_handle(),
        ), f"the caption is cut off with the table scrolled to its {where}"
        if where == "end":
            # a month in the middle has gone under the sticky columns or out of view
            middle = table.get_by_role("columnheader", name="June 2018")
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
