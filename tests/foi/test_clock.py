"""A case's clock: clarification restarts it, a fees notice pauses it, a public-interest extension adds to it;
overdue and long overdue are derived when read, on both sides of each boundary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.errors import Conflict, InputError
from sharelog.foi import (
    CaseView,
    ClockEvent,
    WorkingDayCalendar,
    case_clock,
    clarification_received,
    due_date,
    extend_deadline,
    fee_paid,
    give_fees_notice,
    read_case,
    request_review,
    respond,
    seek_clarification,
)
from sharelog.ledger import ledger_session

from ..worlds import SEED_DUE, SEED_RECEIVED, SEED_REFERENCE, TODAY, open_seed_case

D = date
FOIA = WorkingDayCalendar.of("foia")


def _clock(*events: ClockEvent, authority_type: str = "central_government") -> object:
    return case_clock(FOIA, received_on=SEED_RECEIVED, authority_type=authority_type, events=events)


def _read(engine: Engine, today: date) -> CaseView:
    with ledger_session(engine) as session:
        return read_case(session, case_reference=SEED_REFERENCE, today=today)


# --- derived overdue, on both sides of the boundaries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status", "lateness"),
    [
        (D(2020, 9, 9), "waiting_response", None),
        (SEED_DUE, "waiting_response", None),  # due today: not yet overdue
        (D(2020, 9, 11), "waiting_response_overdue", "overdue"),  # the day after
        (D(2020, 10, 8), "waiting_response_overdue", "overdue"),  # the 40th working day
        (D(2020, 10, 9), "waiting_response_very_overdue", "long_overdue"),
    ],
)
def test_overdue_is_derived_when_read(
    seed_case: Engine, today: date, status: str, lateness: str | None
) -> None:
    case = _read(seed_case, today)
    assert case.state == "waiting_response"  # stored: unchanged whatever the day
    assert case.status == status
    assert case.lateness == lateness
    assert case.clock.due == SEED_DUE
    assert case.clock.long_overdue_after == D(2020, 10, 8)


def test_a_school_is_long_overdue_after_60_working_days(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session, authority_type="school")
    assert _read(sqlite_ledger, D(2020, 10, 9)).status == "waiting_response_overdue"
    assert _read(sqlite_ledger, D(2020, 11, 5)).status == "waiting_response_overdue"
    case = _read(sqlite_ledger, D(2020, 11, 6))
    assert case.status == "waiting_response_very_overdue"
    assert case.clock.long_overdue_after == D(2020, 11, 5)
    assert case.clock.due == SEED_DUE  # the response is still due in 20 working days


# --- clarification restarts the clock --------------------------------------------------------------------------


def test_clarification_stops_then_restarts_the_clock(seed_case: Engine) -> None:
    with ledger_session(seed_case) as session:
        seek_clarification(
            session, case_reference=SEED_REFERENCE, sought_on=D(2020, 8, 14), actor="t", today=TODAY
        )
    waiting = _read(seed_case, D(2020, 12, 1))
    assert waiting.status == "waiting_clarification" and waiting.lateness is None
    assert waiting.clock.due is None and waiting.clock.waiting_clarification_since == D(2020, 8, 14)
    with ledger_session(seed_case) as session:
        restarted = clarification_received(
            session, case_reference=SEED_REFERENCE, received_on=D(2020, 8, 20), actor="t", today=TODAY
        )
    assert restarted.state == "waiting_response"
    assert restarted.clock.restarted and restarted.clock.start == D(2020, 8, 20)
    assert restarted.clock.due == due_date(D(2020, 8, 20)) == D(2020, 9, 18)
    assert _read(seed_case, D(2020, 9, 18)).lateness is None
    assert _read(seed_case, D(2020, 9, 19)).lateness == "overdue"


def test_a_clarification_cannot_come_before_it_was_sought(seed_case: Engine) -> None:
    with ledger_session(seed_case) as session:
        seek_clarification(
            session, case_reference=SEED_REFERENCE, sought_on=D(2020, 8, 14), actor="t", today=TODAY
        )
    with pytest.raises(
        InputError, match=r"^2020-08-13 is before the latest action .* \(2020-08-14\)"
    ) as refused:
        with ledger_session(seed_case) as session:
            clarification_received(
                session, case_reference=SEED_REFERENCE, received_on=D(2020, 8, 13), actor="t", today=TODAY
            )
    assert refused.value.field == "on"  # the day of the action, whatever the service calls it


def test_the_clock_drops_pauses_and_extensions_of_the_request_a_clarification_replaced() -> None:
    clock = case_clock(
        FOIA,
        received_on=SEED_RECEIVED,
        authority_type="other",
        events=[
            ClockEvent("extended", D(2020, 8, 13), 5),
            ClockEvent("fees_notice", D(2020, 8, 14)),
            ClockEvent("clarification_sought", D(2020, 8, 17)),
            ClockEvent("clarification_received", D(2020, 8, 20)),
        ],
    )
    assert clock.pauses == () and clock.extension_days == 0
    assert clock.due == D(2020, 9, 18)


# --- a fees notice pauses the clock ----------------------------------------------------------------------------


def test_a_fees_notice_pauses_the_clock_until_paid(seed_case: Engine) -> None:
    with ledger_session(seed_case) as session:
        give_fees_notice(
            session,
            case_reference=SEED_REFERENCE,
            given_on=D(2020, 8, 19),
            amount=35.0,
            actor="t",
            today=TODAY,
        )
    paused = _read(seed_case, D(2021, 3, 1))
    assert paused.status == "waiting_response_paused" and paused.lateness is None
    assert paused.clock.due is None and paused.clock.paused_since == D(2020, 8, 19)
    with ledger_session(seed_case) as session:
        paid = fee_paid(
            session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 26), actor="t", today=TODAY
        )
    # 13, 14, 17, 18 August count (4); 19–26 August do not; 27 August is day 5 … 18 September day 20
    assert paid.clock.due == D(2020, 9, 18)
    assert _read(seed_case, D(2020, 9, 18)).lateness is None
    assert _read(seed_case, D(2020, 9, 21)).lateness == "overdue"


def test_fees_are_refused_out_of_order(seed_case: Engine) -> None:
    with pytest.raises(Conflict, match="no fees notice is waiting for payment"):
        with ledger_session(seed_case) as session:
            fee_paid(session, case_reference=SEED_REFERENCE, paid_on=D(2020, 8, 26), actor="t", today=TODAY)
    with ledger_session(seed_case) as session:
        give_fees_notice(
            session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 19), actor="t", today=TODAY
        )
    with pytest.raises(Conflict, match="the fees notice given on 2020-08-19 is unpaid"):
        with ledger_session(seed_case) as session:
            give_fees_notice(
                session, case_reference=SEED_REFERENCE, given_on=D(2020, 8, 20), actor="t", today=TODAY
            )


def test_a_fee_paid_the_day_the_notice_was_given_disregards_that_day() -> None:
    clock = case_clock(
        FOIA,
        received_on=SEED_RECEIVED,
        authority_type="central_government",
        events=[ClockEvent("fees_notice", D(2020, 8, 19)), ClockEvent("fee_paid", D(2020, 8, 19))],
    )
    assert clock.due == D(2020, 9, 11)


# --- public-interest extension ---------------------------------------------------------------------------------


def _extend(engine: Engine, days: int, on: date, exemptions: tuple[str, ...] = ("31(1)(e)",)) -> CaseView:
    with ledger_session(engine) as session:
        return extend_deadline(
            session,
            case_reference=SEED_REFERENCE,
            days=days,
            exemptions=exemptions,
            extended_on=on,
            actor="t",
            today=TODAY,
        )


def test_an_extension_adds_working_days_up_to_20(seed_case: Engine) -> None:
    assert _extend(seed_case, 10, D(2020, 9, 8)).clock.due == D(2020, 9, 24)
    case = _extend(seed_case, 10, D(2020, 9, 9))
    assert case.clock.extension_days == 20
    assert case.clock.due == D(2020, 10, 8) == case.clock.long_overdue_after
    assert case.clock.statutory_due == SEED_DUE
    assert _read(seed_case, D(2020, 10, 8)).lateness is None
    assert _read(seed_case, D(2020, 10, 9)).lateness == "long_overdue"
    with pytest.raises(InputError, match="would be 21; the ICO expects at most 20 more"):
        _extend(seed_case, 1, D(2020, 9, 9))


@pytest.mark.parametrize(
    ("days", "on", "exemptions", "error", "message", "field"),
    [
        (0, D(2020, 9, 8), ("31(1)(e)",), InputError, "^0; extend by 1 to 20", "days"),
        (21, D(2020, 9, 8), ("31(1)(e)",), InputError, "would be 21", "days"),
        (5, D(2020, 9, 8), (), InputError, "name the qualified exemption", "exemptions"),
        (
            5,
            D(2020, 9, 8),
            ("21",),
            InputError,
            r"s\.21 is absolute: it has no public interest test",
            "exemptions",
        ),
        (5, D(2020, 9, 8), ("99",), InputError, r"s\.99 is not an exemption in FOIA Part II", "exemptions"),
        (
            5,
            D(2020, 9, 11),
            ("31(1)(e)",),
            Conflict,
            r"notified \(s\.17\(2\)\) by the 20th working day, 2020-09-10",
            "on",
        ),
    ],
)
def test_bad_extensions_are_refused(
    seed_case: Engine,
    days: int,
    on: date,
    exemptions: tuple[str, ...],
    error: type[InputError],
    message: str,
    field: str,
) -> None:
    with pytest.raises(error, match=message) as refused:
        _extend(seed_case, days, on, exemptions)
    assert refused.value.field == field


def test_foisa_has_no_public_interest_extension(sqlite_ledger: Engine) -> None:
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session, regime="foisa")
    with pytest.raises(Conflict, match="under FOISA, which has no public-interest extension"):
        _extend(sqlite_ledger, 5, D(2020, 9, 1))


def test_a_response_after_the_extended_due_date_is_late(seed_case: Engine, tmp_path: Path) -> None:
    _extend(seed_case, 5, D(2020, 9, 8))
    with ledger_session(seed_case) as session:
        result = respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="successful",
            responded_on=D(2020, 9, 18),
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    assert result.case.clock.due == D(2020, 9, 17)
    assert result.case.answered_in_time is False


# --- internal review ---------------------------------------------------------------------------------------------


def _answer(engine: Engine, out: Path) -> None:
    with ledger_session(engine) as session:
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="not_held",
            responded_on=D(2020, 9, 9),
            actor="t",
            out_dir=out,
            today=TODAY,
        )


def _review(engine: Engine, on: date, *, late: bool = False) -> CaseView:
    with ledger_session(engine) as session:
        return request_review(
            session, case_reference=SEED_REFERENCE, requested_on=on, accept_late=late, actor="t", today=TODAY
        )


def test_a_review_is_due_in_20_working_days_and_flagged_after_40(seed_case: Engine, tmp_path: Path) -> None:
    _answer(seed_case, tmp_path)
    case = _review(seed_case, D(2020, 10, 1))
    assert case.review is not None
    assert (case.review.due, case.review.long_overdue_after) == (D(2020, 10, 29), D(2020, 11, 26))
    assert _read(seed_case, D(2020, 10, 29)).status == "internal_review"
    assert _read(seed_case, D(2020, 10, 30)).status == "internal_review_overdue"
    assert _read(seed_case, D(2020, 11, 26)).status == "internal_review_overdue"
    assert _read(seed_case, D(2020, 11, 27)).status == "internal_review_very_overdue"
    assert _read(seed_case, D(2020, 11, 27)).due_on == D(2020, 10, 29)


def test_a_review_must_be_asked_for_within_40_working_days(seed_case: Engine, tmp_path: Path) -> None:
    _answer(seed_case, tmp_path)
    assert _read(seed_case, TODAY).first_response.review_by == D(2020, 11, 4)  # type: ignore[union-attr]
    with pytest.raises(
        Conflict,
        match=r"after the 40 working days from the response of 2020-09-09 \(last day "
        r"2020-11-04\); if the authority accepts it all the same, record that it was asked for late$",
    ) as late:
        _review(seed_case, D(2020, 11, 5))
    assert late.value.field == "late"  # the command line names it --late, the form its checkbox
    assert _review(seed_case, D(2020, 11, 5), late=True).events[-1].detail == {"late": True}


def test_the_last_day_of_the_review_window_is_in_time(seed_case: Engine, tmp_path: Path) -> None:
    _answer(seed_case, tmp_path)
    assert _review(seed_case, D(2020, 11, 4)).events[-1].detail == {"late": False}


def test_there_is_one_internal_review(seed_case: Engine, tmp_path: Path) -> None:
    _answer(seed_case, tmp_path)
    _review(seed_case, D(2020, 10, 1))
    with ledger_session(seed_case) as session:
        respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="not_held",
            responded_on=D(2020, 10, 20),
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    with pytest.raises(
        Conflict, match="has had its internal review; .*complain to the Information Commissioner"
    ):
        _review(seed_case, D(2020, 10, 21))
