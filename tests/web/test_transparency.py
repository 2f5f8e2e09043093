"""The public transparency page: publish-SDC figures only, whatever is asked, for anyone, signed in or not.

The golden ledger is full of small counts (3, 1 and 2 sent to review, 1 enforced removal, 2 children…), so a
figure that escaped disclosure control would show here. The page publishes under the default rule, the monthly
series: a count of 1 to 4 is [low], every other figure rounded to the nearest 5, a month's breakdowns given by
quarter and year.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import AgreementVersion
from sharelog.reports import (
    CHART_TITLES,
    PUBLIC_PROFILE,
    build_monthly_report,
    chart_data,
    published_monthly_report,
)

from ..worlds import MONTHS, golden_batch
from .conftest import table_cells

THRESHOLD = 5  # the series rule: counts of 1 to 4 are never published exactly ([low])
BASE = 5


def _counts(html: str) -> list[str]:
    """Every figure the page shows in a count cell, as text."""
    cells = re.findall(r'<td class="[^"]*sharelog-count[^"]*">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_page_publishes_under_the_series_rule() -> None:
    assert PUBLIC_PROFILE == "series"


def _safe(figure: str) -> bool:
    if figure in ("[c]", "[low]", "[x]", "[z]"):
        return True
    value = int(figure.replace(",", ""))
    return value == 0 or (value >= THRESHOLD and value % BASE == 0)


def _safe_all(figures: list[str]) -> bool:
    return bool(figures) and all(_safe(f) for f in figures)


def test_a_visitor_sees_the_page_without_signing_in(client):
    page = client.get("/transparency")
    assert page.status_code == 200
    assert "January to March 2019" in page.text
    assert "Sign out" not in page.text


def test_every_figure_on_the_page_is_published_safely(client):
    page = client.get("/transparency").text
    figures = _counts(page)
    assert len(figures) > 100  # the monthly table and the register of data shares
    unsafe = [f for f in figures if not _safe(f)]
    assert not unsafe, f"figures below the threshold or unrounded on the public page: {unsafe}"
    assert "[low]" in figures  # the small counts are there, and marked


@pytest.mark.parametrize(
    "query",
    [
        {"sdc": "internal"},
        {"sdc": "internal", "profile": "1-4"},
        {"profile": "1-4"},
        {"mode": "internal", "format": "raw", "exact": "1"},
    ],
)
def test_the_query_string_cannot_ask_for_other_figures(client, query):
    published = _counts(client.get("/transparency").text)
    assert _counts(client.get("/transparency", params=query).text) == published
    chart = client.get("/transparency/chart/sent_returned.png").content
    assert client.get("/transparency/chart/sent_returned.png", params=query).content == chart


def test_signed_in_users_see_the_same_published_figures(client, as_role):
    published = _counts(client.get("/transparency").text)
    assert _counts(as_role("requester_caseworker").get("/transparency", params={"sdc": "internal"}).text) == (
        published
    )


def test_the_exact_small_counts_appear_nowhere(client):
    page = client.get("/transparency").text
    returned = re.search(
        r"Records returned from Department for Education to Home Office</th>(.*?)</tr>", page, re.S
    )
    assert returned is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", returned.group(1), re.S)
    ]
    assert cells == ["15", "5", "20", "40"]  # exact: 14, 5, 21, 40 — rounded; 5 is not small under the rule
    review = re.search(r"Sent to review</th>(.*?)</tr>", page, re.S)
    assert review is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", review.group(1), re.S)
    ]
    assert cells == ["[low]", "[low]", "[low]", "5"]  # exact: 3, 1, 2, 6


def test_the_symbols_are_explained_in_plain_words(client):
    page = client.get("/transparency").text
    assert "<strong>[low]</strong> means a count between 1 and 4" in page
    assert "given for each quarter" in page
    assert "<strong>[c]</strong> means the figure is hidden" in page
    assert "<strong>[x]</strong> means there is no figure" in page
    assert "<strong>[z]</strong> means the question does not apply" in page
    assert "rounded to the nearest 5" in page
    assert 'aria-describedby="how-to-read-list"' in page


def test_the_register_of_agreements_and_data_shares(client):
    page = client.get("/transparency").text
    register = page.split('id="shares"', 1)[1]
    assert "March 2019" in register and "ho-dfe-test v2.0" in register
    assert "Test agreement (version 2) (ho-dfe-test v2.0)" in page
    assert "Re-establish contact with families." in page
    assert "not stated (unknown)" in page  # a term that is not public is flagged


@pytest.mark.parametrize("chart", ["sent_returned", "result_mix", "outcome_unknown"])
def test_the_charts_are_public_png(client, chart):
    response = client.get(f"/transparency/chart/{chart}.png", params={"year": 2019})
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")


def test_the_charts_draw_only_published_figures(web_settings):
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        report = published_monthly_report(session)
        exact = build_monthly_report(session, months=MONTHS, sdc="internal")
    engine.dispose()
    assert report.profile is not None and report.profile.name == PUBLIC_PROFILE
    data = chart_data(report)
    drawn = [v for series in (data.received, data.returned) for v in series if v is not None]
    drawn += [v for _label, series in data.results.values() for v in series if v is not None]
    assert all(v == 0 or (v >= THRESHOLD and v % BASE == 0) for v in drawn)
    assert chart_data(exact).returned == (14, 5, 21)


def test_a_period_of_months_can_be_chosen(client):
    page = client.get("/transparency", params={"from": "2018-12", "to": "2019-02"})
    assert page.status_code == 200
    header = table_cells(page.text, "monthly")[0]
    assert header[1:3] == ["December 2018", "January 2019"] and "March 2019" not in header
    assert 'href="/transparency/download?from=2018-12&amp;to=2019-02&amp;table=monthly&amp;format=xlsx"' in (
        page.text
    )
    assert _safe_all(_counts(page.text))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2019-01"}, "to", "Enter both the first and the last month"),
        ({"from": "2019-13", "to": "2019-03"}, "from", "is not a month written YYYY-MM"),
        ({"from": "2019-03", "to": "2019-01"}, "to", "The period ends"),
    ],
)
def test_a_period_that_cannot_be_shown_is_explained_at_its_field(client, query, field, message):
    page = client.get("/transparency", params=query)
    assert page.status_code == 400
    summary = page.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert f'href="#{field}"' in summary and message in summary


def test_a_period_without_exchanges_says_so_in_words(client):
    page = client.get("/transparency", params={"year": 2017})
    assert page.status_code == 200
    assert "No records were exchanged in January to December 2017" in page.text
    assert 'href="/transparency?year=2019"' in page.text  # where figures are published
    assert 'id="monthly"' not in page.text and _counts(page.text) == []
    assert client.get("/transparency/chart/result_mix.png", params={"year": 2017}).status_code == 404
    download = client.get(
        "/transparency/download", params={"year": 2017, "table": "monthly", "format": "csv"}
    )
    assert download.status_code == 404
    months = client.get("/transparency", params={"from": "2015-07", "to": "2015-12"})
    assert months.status_code == 200 and "No records were exchanged in July to December 2015" in months.text


def test_the_parties_are_named_from_the_agreements(client):
    page = client.get("/transparency").text
    assert "How many records the Home Office asked the Department for Education to trace" in page
    assert "Records sent from Home Office to Department for Education</th>" in page
    assert "the requester" not in page and ">Requester<" not in page and ">Holder<" not in page


def _csv_figures(text: str) -> list[str]:
    """The figures of the Monthly sheet's CSV: every cell after the label, below the header."""
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Measure")
    return [cell for row in rows[header + 1 :] if len(row) > 1 for cell in row[1:]]


def test_the_downloads_are_the_published_table_on_the_page(client):
    page = client.get("/transparency").text
    shown = [f.replace(",", "") for f in _counts(page.split('id="shares"', 1)[0])]
    download = client.get("/transparency/download", params={"table": "monthly", "format": "csv"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "published-monthly-outcomes-2019-01-to-2019-03.csv" in download.headers["content-disposition"]
    assert _csv_figures(download.text) == shown
    asked = client.get(
        "/transparency/download",
        params={"table": "monthly", "format": "csv", "sdc": "internal", "profile": "1-4"},
    )
    assert asked.text == download.text


@pytest.mark.parametrize("table", ["monthly", "shares"])
def test_the_downloaded_workbooks_hold_published_figures_only(client, table):
    response = client.get(
        "/transparency/download", params={"table": table, "format": "xlsx", "sdc": "internal"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    counts = [
        value
        for sheet in workbook.worksheets
        if sheet.title != "Notes"
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, int)
    ]
    assert counts, "the workbook has figures"
    assert all(v == 0 or (v >= THRESHOLD and v % BASE == 0) for v in counts), counts
    assert "INTERNAL" not in str(workbook.worksheets[0].cell(1, 1).value)


def test_every_chart_says_what_it_leaves_out(client):
    page = client.get("/transparency").text
    alts = re.findall(
        r'<img class="sharelog-chart" src="/transparency/chart/(\w+)\.png\?year=2019" alt="([^"]*)"', page
    )
    assert [name for name, _ in alts] == list(CHART_TITLES)
    texts = dict(alts)
    assert "Every figure is drawn" in texts["sent_returned"]  # sent and returned: published every month
    # the results are given by quarter, so they are drawn by quarter; the quarter's [low]s and [z]s are named
    assert "by quarter" in texts["outcome_unknown"] and "Every figure is drawn" in texts["outcome_unknown"]
    assert "Home visit ([low]): Jan–Mar 2019" in texts["interventions"]
    for name in ("onward_sharing", "interventions"):
        assert texts[name].startswith(f"Chart: {CHART_TITLES[name].lower()}, January to March 2019.")


def test_a_month_without_an_exchange_is_not_available_and_said_so(client, web_settings):
    # an exchange in May 2019 (none returned): the public year runs January to May, and April had none
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        version = session.execute(
            select(AgreementVersion).where(AgreementVersion.version == "2.0")
        ).scalar_one()
        golden_batch(session, version, month="2019-05", received=12, matched=0, review=0)
    engine.dispose()
    page = client.get("/transparency", params={"year": 2019}).text
    assert "January to May 2019" in page
    notice = re.search(r'<div class="govuk-inset-text" id="no-data">(.*?)</div>', page, re.S)
    assert notice is not None and "no exchange for 1 of the 5 months (April 2019)" in notice.group(1)
    april = re.search(r"Records sent from Home Office to Department for Education</th>(.*?)</tr>", page, re.S)
    assert april is not None
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", april.group(1), re.S)
    ]
    # January to March, their quarter, then April (not 0) and May (12 received, rounded); no part of a quarter
    assert cells[4] == "[x]" and cells[5] == "10" and len(cells) == 6
    assert '<abbr title="not available: the ledger holds no figure for it">[x]</abbr>' in page
    # and the recipients no agreement version provides for are not applicable, not 0
    assert '<abbr title="not applicable: the agreement in force did not provide for it">[z]</abbr>' in page


def test_the_register_shows_a_version_without_a_batch_as_not_available(client):
    page = client.get("/transparency").text
    rows = re.findall(
        r'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>February 2019</th>(.*?)</tr>', page, re.S
    )
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]
    assert ["ho-dfe-test v1.0", "[x]", "[x]"] in cells  # in force until 14 February, no batch under it
