"""The dashboard: figures for the user's organisation, a chart with a table beside it, role-dependent panels."""

from __future__ import annotations

import re

from ..worlds import add_outsider, session_of
from .conftest import sign_in, table_cells


def test_the_dashboard_shows_the_months_the_result_mix_and_the_unknown_share(as_role):
    page = as_role("requester_caseworker").get("/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html and 'role="img"' in html and '<title id="chart-sent-returned-title">' in html
    assert table_cells(html, "table-sent-returned")[1:] == [
        ["January 2019", "40", "14", "35.0%"],
        ["February 2019", "31", "5", "16.1%"],
        ["March 2019", "60", "21", "35.0%"],
    ]
    mix = {row[0]: row[1] for row in table_cells(html, "table-result-mix")[1:]}
    assert mix["Contact re-established"] == "11"
    assert mix["Leave granted (incl. visa renewal)"] == "5"
    assert mix["No further action"] == "12"
    assert mix["Enforced removal"] == "1"
    assert mix["Outcome unknown"] == "11"
    assert mix["Records returned"] == "40"
    # returned in January and March 2019 with a 90-day window: every unknown outcome is long overdue
    assert re.search(r'id="figure-unknown">27.5%<', html)
    assert re.search(r'id="figure-overdue">27.5%<', html)
    assert 'id="figure-review"' not in html and 'id="figure-foi"' not in html


def test_holder_roles_see_the_review_queue_and_foi_roles_the_cases_due(client):
    sign_in(client, "reviewer")
    html = client.get("/dashboard").text
    assert re.search(r'id="figure-review">0<', html) and 'id="figure-foi"' not in html
    client.cookies.clear()
    sign_in(client, "foi")
    html = client.get("/dashboard").text
    assert re.search(r'id="figure-foi">\d+<', html) and 'id="figure-review"' not in html


def test_an_organisation_with_no_exchanges_sees_an_empty_state(client, web_settings):
    with session_of(web_settings) as session:
        add_outsider(session, username="outsider", role="auditor")
    sign_in(client, "outsider")
    html = client.get("/dashboard").text
    assert (
        "No exchanges yet" in html
        and "chart-sent-returned" not in html
        and 'id="table-result-mix"' not in html
    )
