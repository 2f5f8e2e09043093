"""The dashboard's figures: counted like the monthly report, scoped to one organisation, derived for a day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from sharelog.dashboard import DASHBOARD_MONTHS, dashboard_figures
from sharelog.foi import new_case
from sharelog.ledger import ledger_session
from sharelog.reports import monthly_table

from ..worlds import MONTHS, add_review_item, golden_batch, golden_version

# January's two unknowns were returned on 2019-01-11 and March's nine on 2019-03-11, each with a 90-day window
JANUARY_DUE = date(2019, 4, 11)
MARCH_DUE = date(2019, 6, 9)


def test_the_figures_agree_with_the_monthly_table(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        figures = dashboard_figures(session, organisation_id="home-office", today=date(2019, 7, 1))
        table = monthly_table(session, months=MONTHS)
    assert [(m.month, m.sent, m.returned) for m in figures.months] == [
        (month, table.row("received").values[i], table.row("returned").values[i])
        for i, month in enumerate(MONTHS)
    ]
    assert {r.code: r.count for r in figures.results} == {r.key: r.total for r in table.section("result")}
    assert figures.returned == 40 and figures.outcome_unknown == 11 and figures.exchanges == 4
    assert figures.unknown_share == pytest.approx(27.5)
    assert figures.results[-1].code == "outcome_unknown"
    assert figures.review_queue is None and figures.foi is None and not figures.empty


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (JANUARY_DUE, 0),  # on the due date itself an outcome is still on time
        (date(2019, 4, 12), 2),
        (MARCH_DUE, 2),
        (date(2019, 6, 10), 11),
    ],
)
def test_overdue_counts_unknown_outcomes_past_their_window(
    golden_sqlite: Engine, today: date, overdue: int
) -> None:
    with ledger_session(golden_sqlite) as session:
        figures = dashboard_figures(session, organisation_id="dfe", today=today)
    assert figures.overdue == overdue
    assert figures.overdue_share == pytest.approx(100 * overdue / 40)


def test_an_organisation_sees_only_the_exchanges_of_its_agreements(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        figures = dashboard_figures(
            session, organisation_id="dwp", today=date(2019, 7, 1), with_review_queue=True
        )
    assert figures.empty and figures.months == () and figures.returned == 0
    assert figures.unknown_share is None and figures.overdue_share is None
    assert all(r.count == 0 for r in figures.results) and figures.review_queue is not None
    assert figures.review_queue.count == 0 and figures.review_queue.oldest_since is None


def test_the_review_queue_counts_undecided_items_of_the_holder(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        version = golden_version(session, "3.0", valid_from=date(2019, 4, 1), valid_to=None, title="Test v3")
        exchange = golden_batch(session, version, month="2019-04", received=5, matched=1, review=2)
        first = add_review_item(session, exchange, request_ref="HO-1", pupil_id="P1")
        add_review_item(session, exchange, request_ref="HO-2", pupil_id="P2")
        first.decision = "accepted"
        session.flush()
        holder = dashboard_figures(
            session, organisation_id="dfe", today=date(2019, 7, 1), with_review_queue=True
        )
        requester = dashboard_figures(
            session, organisation_id="home-office", today=date(2019, 7, 1), with_review_queue=True
        )
    assert holder.review_queue is not None and requester.review_queue is not None
    assert (holder.review_queue.count, holder.review_queue.exchanges) == (1, 1)
    assert holder.review_queue.oldest_since == date(2019, 4, 10)  # the batch's arrival, whatever is decided
    assert requester.review_queue.count == 0  # the requester holds no register: nothing of its own to review
    assert holder.months[-1].month == "2019-04" and holder.months[-1].sent == 5


def test_the_chart_shows_at_most_a_year_ending_at_the_latest_month(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        version = golden_version(session, "3.0", valid_from=date(2019, 4, 1), valid_to=None, title="Test v3")
        golden_batch(session, version, month="2020-06", received=7, matched=0, review=0)
        figures = dashboard_figures(session, organisation_id="dfe", today=date(2020, 7, 1))
    months = [m.month for m in figures.months]
    assert len(months) == DASHBOARD_MONTHS
    assert months[0] == "2019-07" and months[-1] == "2020-06"
    assert [m.sent for m in figures.months if m.month != "2020-06"] == [0] * (DASHBOARD_MONTHS - 1)


def test_foi_cases_due_this_week_and_overdue(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        # received 12 Aug 2020 → due 10 Sep 2020 (a Thursday); 1 Jul 2020 → due 29 Jul 2020
        for received, title in ((date(2020, 8, 12), "Outcomes"), (date(2020, 7, 1), "Volumes")):
            new_case(
                session,
                received_on=received,
                title=title,
                request_text="…",
                actor="foi",
                organisation_id="dfe",
            )
        figures = dashboard_figures(session, organisation_id="dfe", today=date(2020, 9, 7), with_foi=True)
    assert figures.foi is not None
    assert figures.foi.week_ends == date(2020, 9, 13)
    assert (figures.foi.due_this_week, figures.foi.overdue, figures.foi.waiting) == (1, 1, 2)


def test_foi_cases_due_are_the_organisations_own(golden_sqlite: Engine) -> None:
    with ledger_session(golden_sqlite) as session:
        new_case(
            session,
            received_on=date(2020, 7, 1),
            title="Volumes",
            request_text="…",
            actor="foi",
            organisation_id="home-office",
        )
        holder = dashboard_figures(session, organisation_id="dfe", today=date(2020, 9, 7), with_foi=True)
        requester = dashboard_figures(
            session, organisation_id="home-office", today=date(2020, 9, 7), with_foi=True
        )
    assert holder.foi is not None and requester.foi is not None
    assert (holder.foi.due_this_week, holder.foi.overdue, holder.foi.waiting) == (0, 0, 0)
    assert (requester.foi.due_this_week, requester.foi.overdue, requester.foi.waiting) == (0, 1, 1)
