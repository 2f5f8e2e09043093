"""The reports page: choose a period and a disclosure-control mode, preview the table, download it and its charts."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sharelog.reports._sdc import UNAVAILABLE

PERIOD = {"from": "2019-01", "to": "2019-03"}


def _row(html: str, label: str) -> list[str]:
    """The cells of the preview row labelled ``label`` (symbols as their text)."""
    found = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert found is not None, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


@pytest.fixture
def auditor(as_role):
    return as_role("auditor")


def test_the_page_previews_the_latest_year_with_published_figures_by_default(auditor):
    page = auditor.get("/reports")
    assert page.status_code == 200
    assert "January to March 2019" in page.text
    # the series rule, the default: 14, 5 and 21 returned rounded to 15, 5 and 20; the quarter's 40
    assert _row(page.text, "Records returned from Department for Education to Home Office") == [
        "15",
        "5",
        "20",
        "40",
    ]
    assert 'value="series" checked' in page.text
    assert 'value="2019-01"' in page.text and 'value="2019-03"' in page.text
    assert (
        "/reports/download?from=2019-01&amp;to=2019-03&amp;sdc=publish&amp;profile=series&amp;format=xlsx"
        in page.text
    )
    assert 'src="/reports/chart/result_mix.png?from=2019-01' in page.text
    assert "not for publication" not in page.text.lower()


def test_exact_counts_are_marked_not_for_publication(auditor):
    page = auditor.get("/reports", params={**PERIOD, "sdc": "internal"}).text
    assert _row(page, "Records returned from Department for Education to Home Office") == [
        "14",
        "5",
        "21",
        "40",
    ]
    assert "not for publication" in page.lower()
    assert "sdc=internal" in page


def test_the_10_5_profile_when_asked_for(auditor):
    page = auditor.get("/reports", params={**PERIOD, "sdc": "publish", "profile": "10-5"}).text
    assert _row(page, "Records returned from Department for Education to Home Office") == [
        "[c]",
        "[c]",
        "20",
        "40",
    ]  # 14 and 5: small
    assert 'value="10-5" checked' in page and 'value="series" checked' not in page
    assert "profile=10-5&amp;format=xlsx" in page


def test_the_1_4_profile_shows_counts_of_5_to_9(auditor):
    page = auditor.get("/reports", params={**PERIOD, "sdc": "publish", "profile": "1-4"}).text
    assert "[c]" in _row(page, "Sent to review")
    assert _row(page, "Records sent from Home Office to Department for Education")[0] == "40"


def test_the_series_profile_shows_outcomes_by_quarter(auditor):
    page = auditor.get("/reports", params={**PERIOD, "sdc": "publish", "profile": "series"}).text
    assert "Jan–Mar 2019" in page
    assert _row(page, "Records sent from Home Office to Department for Education")[0] == "40"
    assert _row(page, "Police")[:3] == [UNAVAILABLE] * 3  # not published by month
    assert 'value="series" checked' in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2019-13", "to": "2019-03"}, "from", "is not a month written YYYY-MM"),
        ({"from": "2019-03", "to": "2019-01"}, "to", "The period ends (2019-01) before it starts (2019-03)"),
        ({"from": "2019-01"}, "to", "Enter the last month"),
    ],
)
def test_a_period_that_cannot_be_used_is_shown_against_its_field(auditor, params, field, message):
    page = auditor.get("/reports", params=params)
    assert page.status_code == 400
    assert f'href="#{field}"' in page.text
    assert message in page.text
    assert "sharelog-monthly" not in page.text


def test_an_unknown_mode_is_refused(auditor):
    assert auditor.get("/reports", params={"sdc": "raw"}).status_code == 422


def test_the_xlsx_download_is_a_real_workbook(auditor):
    response = auditor.get("/reports/download", params={**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="monthly-outcomes-2019-01-to-2019-03.xlsx"' in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        assert workbook.sheetnames == ["Monthly", "Data", "Notes"]
        values = [cell for row in workbook["Monthly"].iter_rows(values_only=True) for cell in row]
        assert "Records returned from Department for Education to Home Office" in values
        assert 14 not in values  # January's exact returned count is suppressed in a published workbook
    finally:
        workbook.close()


def test_the_internal_download_says_so_in_its_name(auditor):
    response = auditor.get("/reports/download", params={**PERIOD, "sdc": "internal", "format": "xlsx"})
    assert "INTERNAL" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        values = [cell for row in workbook["Monthly"].iter_rows(values_only=True) for cell in row]
        assert 14 in values
    finally:
        workbook.close()


def test_csv_and_json_downloads(auditor):
    text = auditor.get("/reports/download", params={**PERIOD, "format": "csv"}).text
    rows = list(csv.reader(io.StringIO(text)))
    returned = next(
        row
        for row in rows
        if row and row[0] == "Records returned from Department for Education to Home Office"
    )
    assert returned[1:] == ["15", "5", "20", "40"]  # the series rule, the default
    data = json.loads(auditor.get("/reports/download", params={**PERIOD, "format": "json"}).content)
    assert data["disclosure_control"]["mode"] == "publish"
    assert data["disclosure_control"]["profile"] == "series"
    assert data["not_for_publication"] is False


def test_downloads_leave_no_file_behind(auditor):
    before = set(Path(tempfile.gettempdir()).glob("sharelog-report-*"))
    assert auditor.get("/reports/download", params=PERIOD).status_code == 200
    assert set(Path(tempfile.gettempdir()).glob("sharelog-report-*")) <= before


@pytest.mark.parametrize("chart", ["sent_returned", "result_mix", "outcome_unknown"])
def test_the_charts_are_png(auditor, chart):
    response = auditor.get(f"/reports/chart/{chart}.png", params=PERIOD)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_an_unknown_chart_or_format_is_refused(auditor):
    assert auditor.get("/reports/chart/everything.png").status_code == 422
    assert auditor.get("/reports/download", params={"format": "exe"}).status_code == 422


@pytest.mark.parametrize(
    "role", ["holder_operator", "holder_reviewer", "requester_caseworker", "foi_officer"]
)
def test_every_role_inside_the_exchange_may_read_reports(as_role, role):
    assert as_role(role).get("/reports").status_code == 200


def test_an_admin_and_a_visitor_may_not(client, as_role):
    response = client.get("/reports/download")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    assert as_role("admin").get("/reports").status_code == 403


def test_a_download_is_recorded_in_the_audit_trail(auditor, web_settings):
    from sqlalchemy import select

    from sharelog.ledger import create_ledger_engine, ledger_session
    from sharelog.ledger.models import AuditEvent

    assert auditor.get("/reports/download", params={**PERIOD, "format": "csv"}).status_code == 200
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "report-generated").order_by(AuditEvent.id.desc())
        ).scalar_one()
    engine.dispose()
    assert event.actor == "auditor" and event.detail["via"] == "web"


def test_a_period_with_no_data_says_so_and_shows_no_zeros(auditor):
    page = auditor.get("/reports", params={"from": "2015-07", "to": "2015-12"}).text
    notice = re.search(r'<div class="govuk-inset-text" id="no-data">(.*?)</div>', page, re.S)
    assert notice is not None
    assert "No data: the ledger holds no exchange for July to December 2015" in notice.group(1)
    for label in (
        # no agreement in force then, and two pairs of parties in the ledger: the roles, not names
        "Records received from the requester",
        "Records returned to the requester",
        "Outcome unknown",
    ):
        # six months and their two whole quarters (no total of part of a year): not available, never 0
        assert _row(page, label) == ["[x]"] * 8, label
    assert '<abbr title="not available: the ledger holds no figure for it">[x]</abbr>' in page
