"""A year's statistics: the cases received in the year, answered, in time, outcomes, exemptions, reviews."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from sharelog.foi import (
    extend_deadline,
    foi_stats,
    request_review,
    respond,
    seek_clarification,
    withdraw_case,
)
from sharelog.ledger import ledger_session

from ..worlds import TODAY, open_seed_case

D = date


def test_stats_of_a_year(sqlite_ledger: Engine, tmp_path: Path) -> None:
    with ledger_session(sqlite_ledger) as session:

        def case(reference: str, received: date, **changes: object) -> None:
            open_seed_case(session, reference=reference, received_on=received, **changes)

        def answer(reference: str, on: date, outcome: str, **changes: object) -> None:
            respond(
                session,
                case_reference=reference,
                outcome=outcome,
                responded_on=on,
                actor="t",
                out_dir=tmp_path / reference,
                today=TODAY,
                **changes,  # type: ignore[arg-type]
            )

        # A: answered in time (due 2020-09-10), then a review that changed the outcome
        case("A", D(2020, 8, 12))
        answer(
            "A", D(2020, 9, 10), "rejected", exemptions=["31(1)(e)"], public_interest="Immigration control."
        )
        request_review(session, case_reference="A", requested_on=D(2020, 9, 20), actor="t", today=TODAY)
        answer("A", D(2020, 10, 5), "partially_successful", exemptions=["40(2)"])
        # B: late by a day
        case("B", D(2020, 8, 12))
        answer("B", D(2020, 9, 11), "successful")
        # C: extended by 10, answered after the 20th working day but by the extended due date
        case("C", D(2020, 8, 12))
        extend_deadline(
            session,
            case_reference="C",
            days=10,
            exemptions=["31(1)(e)"],
            extended_on=D(2020, 9, 1),
            actor="t",
            today=TODAY,
        )
        answer("C", D(2020, 9, 24), "rejected", exemptions=["31(1)(e)", "21"], public_interest="As before.")
        # D: withdrawn after a request for clarification
        case("D", D(2020, 8, 12))
        seek_clarification(session, case_reference="D", sought_on=D(2020, 8, 13), actor="t", today=TODAY)
        withdraw_case(session, case_reference="D", withdrawn_on=D(2020, 9, 1), actor="t", today=TODAY)
        # E: still open and long overdue; F: open, not yet due
        case("E", D(2020, 8, 12))
        case("F", D(2020, 12, 21))
        # G: received in 2019, not counted
        case("G", D(2019, 12, 2))
        answer("G", D(2019, 12, 3), "not_held")

        stats = foi_stats(session, year=2020, today=D(2021, 1, 4))

    assert stats.received == 6
    assert stats.answered == 3
    assert stats.answered_in_time == 2  # A and C
    assert stats.answered_within_20 == 1  # A
    assert stats.answered_late == 1
    assert stats.in_time_share == 2 / 3
    assert stats.extended == 1 and stats.clarification_sought == 1 and stats.withdrawn == 1
    assert stats.awaiting == 2 and stats.overdue_now == 1 and stats.long_overdue_now == 1
    assert stats.outcomes == {"successful": 1, "rejected": 2}
    assert stats.outcomes_after_review == {"successful": 1, "partially_successful": 1, "rejected": 1}
    assert (stats.reviews_requested, stats.reviews_answered, stats.reviews_changed) == (1, 1, 1)
    assert stats.exemptions == {"31(1)(e)": 2, "21": 1, "40(2)": 1}
    assert stats.median_working_days == 21  # A 20, B 21, C 30


def test_stats_of_a_year_without_cases(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        stats = foi_stats(session, year=2020, today=TODAY)
    assert (stats.received, stats.answered, stats.in_time_share, stats.median_working_days) == (
        0,
        0,
        None,
        None,
    )
    assert stats.outcomes == {} and stats.exemptions == {}
