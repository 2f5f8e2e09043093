"""The dashboard: each role's tasks first, then figures for the user's organisation, a chart with a table beside
it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from sharelog.ledger.models import AgreementVersion, Exchange
from sharelog.outcomes import outcomes_due
from sharelog.web._durations import time_between
from sharelog.web.pages._dashboard import RUN_BATCH_PATH, TASKS

from ..worlds import add_outsider, add_review_item, session_of
from .conftest import USER_OF_ROLE, sign_in, table_cells

TASK_IDS = ("overdue-outcomes", "review-queue", "foi", "next-batch", "oversight", "accounts")


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


@pytest.mark.parametrize("role", sorted(USER_OF_ROLE))
def test_each_role_sees_its_own_tasks_first(client, role):
    sign_in(client, USER_OF_ROLE[role])
    html = client.get("/dashboard").text
    shown = sorted(
        (t for t in TASK_IDS if f'id="task-{t}"' in html), key=lambda t: html.index(f'id="task-{t}"')
    )
    assert shown == [task.replace("_", "-") for task in TASKS[role]]
    assert html.index('id="your-tasks"') < html.index('id="exchanges-at-a-glance"')


def test_the_caseworker_sees_the_longest_overdue_outcomes_with_links(client, web_settings):
    with session_of(web_settings) as session:
        due = outcomes_due(session, today=date.today(), overdue_only=True, organisation_id="home-office")
    sign_in(client, "caseworker")
    html = client.get("/dashboard").text
    assert re.search(rf'id="task-overdue-count">{len(due)}<', html)
    rows = table_cells(html, "table-overdue-oldest")[1:]
    assert [row[0].split(",")[0] for row in rows] == [d.request_ref for d in due[:3]]
    assert [row[2] for row in rows] == [time_between(d.due_on, date.today()) for d in due[:3]]
    for item in due[:3]:
        assert f'href="/outcomes/disclosures/{item.disclosure_id}"' in html
    assert f"See all {len(due)} overdue outcomes" in html and 'href="/outcomes"' in html
    assert "days" not in " ".join(row[2] for row in rows), "years ago is said in years, not thousands of days"


def test_the_reviewer_sees_the_queue_and_how_long_the_oldest_case_has_waited(client, web_settings):
    sign_in(client, "reviewer")
    assert "No case waits for review" in client.get("/dashboard").text
    with session_of(web_settings) as session:
        exchange = (
            session.execute(
                select(Exchange)
                .join(AgreementVersion)
                .where(AgreementVersion.holder_id == "dfe")
                .order_by(Exchange.received_at)
            )
            .scalars()
            .first()
        )
        assert exchange is not None
        add_review_item(session, exchange, request_ref="HO-REVIEW-1", pupil_id="P1")
        waited = time_between(exchange.received_at.date(), date.today())
    html = client.get("/dashboard").text
    assert re.search(r'id="task-review-count">1<', html)
    assert re.search(rf'id="task-review-oldest">{waited}<', html)
    assert '<a class="govuk-link" href="/review">Decide the review cases</a>' in html
    # the operator sees the same queue, read only
    client.cookies.clear()
    sign_in(client, "operator")
    html = client.get("/dashboard").text
    assert re.search(r'id="task-review-count">1<', html) and "See the review queue" in html


def test_the_operator_sees_the_next_month_to_run(client):
    sign_in(client, "operator")
    html = client.get("/dashboard").text
    # the web ledger's latest exchange is March 2019's
    assert re.search(r'id="task-next-month">April 2019<', html)
    assert "was March 2019's" in html


def test_the_operator_is_linked_to_the_page_that_runs_a_batch_where_there_is_one(client):
    sign_in(client, "operator")
    html = client.get("/dashboard").text
    routes = [(getattr(r, "path", None), getattr(r, "methods", None) or ()) for r in client.app.routes]
    has_page = any(path == RUN_BATCH_PATH and "GET" in methods for path, methods in routes)
    assert (f'href="{RUN_BATCH_PATH}?month=2019-04"' in html) == has_page
    assert ('href="/exchanges">All exchanges' in html) == (not has_page)


def test_the_foi_officer_sees_the_cases_by_deadline(client):
    sign_in(client, "foi")
    html = client.get("/dashboard").text
    listed = re.search(r'<ul class="govuk-list" id="task-foi-soonest">(.*?)</ul>', html, re.S)
    assert listed is not None and 'href="/foi/' in listed.group(1) and "due " in listed.group(1)
    assert re.search(r'id="task-foi-waiting">\d+<', html) and 'href="/foi">All FOI cases' in html


def test_the_auditor_sees_the_audit_chain_and_retention(client):
    sign_in(client, "auditor")
    html = client.get("/dashboard").text
    assert re.search(r'id="task-audit-chain">.*Intact', html) and 'id="task-retention"' in html


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
