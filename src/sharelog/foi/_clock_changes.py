"""What moves a case's clock before the response: clarification sought and received (s.1(3)), a fees notice and
its payment (s.9, s.10(2)), and a public-interest extension (s.10(3)). The clock itself is derived when read
(``_clock.py``); these record the events it is derived from, each checked and audited.

Each takes the acting officer's ``organisation_id`` (the web app and the API pass it; the operator's command line
does not): a case of another organisation is answered as one that does not exist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError
from sharelog.foi._cases import add_case_event, audit_case, check_action_day, today_or
from sharelog.foi._clock import MAX_EXTENSION_DAYS
from sharelog.foi._events import (
    FoiClarificationReceived,
    FoiClarificationSought,
    FoiDeadlineExtended,
    FoiFeePaid,
    FoiFeesNoticeGiven,
)
from sharelog.foi._exemptions import exemption
from sharelog.foi._states import check_transition, state_label
from sharelog.foi._views import CaseView, ExtraHolidays, case_view, load_case
from sharelog.ledger.audit import LedgerEvent
from sharelog.ledger.models import FoiCase

__all__ = [
    "clarification_received",
    "extend_deadline",
    "fee_paid",
    "give_fees_notice",
    "seek_clarification",
]


def seek_clarification(
    session: Session,
    *,
    case_reference: str,
    sought_on: date,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record that the authority asked the requester to clarify (s.1(3)): the clock stops.

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: the case is not awaiting a response.
        InputError: the day is in the future or before the case's latest action.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    check_transition(case.reference, case.state, "waiting_clarification", action="seek clarification")
    check_action_day(case, sought_on, today=day, field="on")
    add_case_event(session, case, kind="clarification_sought", on=sought_on, actor=actor)
    case.state = "waiting_clarification"
    audit_case(session, FoiClarificationSought, case, actor, sought_on=sought_on.isoformat())
    return case_view(case, today=day, extra_holidays=extra_holidays)


def clarification_received(
    session: Session,
    *,
    case_reference: str,
    received_on: date,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record the requester's clarification: a new 20 working days start from its receipt (s.10(6)(b)).

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: no clarification was sought.
        InputError: the day is in the future or before the request for clarification.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    check_transition(case.reference, case.state, "waiting_response", action="record a clarification")
    check_action_day(case, received_on, today=day, field="on")
    add_case_event(session, case, kind="clarification_received", on=received_on, actor=actor)
    case.state = "waiting_response"
    return _audited_with_due(
        session,
        FoiClarificationReceived,
        case,
        actor,
        today=day,
        extra_holidays=extra_holidays,
        received_on=received_on.isoformat(),
    )


def _audited_with_due(
    session: Session,
    event_type: type[LedgerEvent],
    case: FoiCase,
    actor: str,
    *,
    today: date,
    extra_holidays: ExtraHolidays,
    **detail: Any,
) -> CaseView:
    """The case as read after a change that moves its due date, the change audited with ``detail`` and the new
    due date (``due_on``)."""
    view = case_view(case, today=today, extra_holidays=extra_holidays)
    due = view.clock.due
    audit_case(session, event_type, case, actor, **detail, due_on=due.isoformat() if due else None)
    return view


def _require_waiting_response(case: FoiCase, action: str) -> None:
    if case.state != "waiting_response":
        raise Conflict(
            f"case {case.reference} is {case.state} ({state_label(case.state)}): cannot {action}; that is "
            "possible only while the case is waiting_response"
        )


def give_fees_notice(
    session: Session,
    *,
    case_reference: str,
    given_on: date,
    actor: str,
    amount: float | None = None,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record a fees notice (s.9): the clock is paused from that day until the fee is paid (s.10(2)).

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: the case is not awaiting a response, or a fees notice is already unpaid.
        InputError: a bad day or a negative amount.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    _require_waiting_response(case, "give a fees notice")
    view = case_view(case, today=day, extra_holidays=extra_holidays)
    if view.clock.paused_since is not None:
        raise Conflict(
            f"case {case.reference}: the fees notice given on {view.clock.paused_since} is unpaid; record its "
            "payment first",
            cli_hint=f"`sharelog foi fees {case.reference} --paid DATE`",
        )
    if amount is not None and amount < 0:
        raise InputError(f"{amount} is negative", field="amount")
    check_action_day(case, given_on, today=day, field="on")
    add_case_event(session, case, kind="fees_notice", on=given_on, actor=actor, detail={"amount": amount})
    audit_case(session, FoiFeesNoticeGiven, case, actor, given_on=given_on.isoformat(), amount=amount)
    return case_view(case, today=day, extra_holidays=extra_holidays)


def fee_paid(
    session: Session,
    *,
    case_reference: str,
    paid_on: date,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record the fee's receipt: the clock runs again, the paused working days disregarded.

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: no fees notice is unpaid.
        InputError: a bad day.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    _require_waiting_response(case, "record a fee")
    if case_view(case, today=day, extra_holidays=extra_holidays).clock.paused_since is None:
        raise Conflict(f"case {case.reference}: no fees notice is waiting for payment")
    check_action_day(case, paid_on, today=day, field="on")
    add_case_event(session, case, kind="fee_paid", on=paid_on, actor=actor)
    return _audited_with_due(
        session,
        FoiFeePaid,
        case,
        actor,
        today=day,
        extra_holidays=extra_holidays,
        paid_on=paid_on.isoformat(),
    )


def extend_deadline(
    session: Session,
    *,
    case_reference: str,
    days: int,
    exemptions: Sequence[str],
    extended_on: date,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Extend the deadline to consider the public interest (FOIA s.10(3)): at most 20 more working days in all.

    The extension is for qualified exemptions only, and must be notified (s.17(2)) by the 20th working day.

    Raises:
        NotFound: no such case (in ``organisation_id``, when given).
        Conflict: a FOISA case (no such extension), a case not awaiting a response, or notice after the 20th
            working day.
        InputError: no exemption, an absolute one, or days out of range.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    if case.regime != "foia":
        raise Conflict(
            f"case {case.reference} is under FOISA, which has no public-interest extension: the response is "
            "due within 20 working days"
        )
    _require_waiting_response(case, "extend the deadline")
    view = case_view(case, today=day, extra_holidays=extra_holidays)
    if days < 1:
        raise InputError(f"{days}; extend by 1 to {MAX_EXTENSION_DAYS} working days", field="days")
    if view.clock.extension_days + days > MAX_EXTENSION_DAYS:
        raise InputError(
            f"with the {view.clock.extension_days} working days already added the extension would be "
            f"{view.clock.extension_days + days}; the ICO expects at most {MAX_EXTENSION_DAYS} more (40 in all)",
            field="days",
        )
    if not exemptions:
        raise InputError(
            "name the qualified exemption(s) whose public interest test needs the time", field="exemptions"
        )
    cited = [exemption(c) for c in exemptions]
    absolute = [e for e in cited if e.absolute]
    if absolute:
        raise InputError(
            f"s.{absolute[0].citation} is absolute: it has no public interest test, so no extension",
            field="exemptions",
        )
    check_action_day(case, extended_on, today=day, field="on")
    if view.clock.statutory_due is not None and extended_on > view.clock.statutory_due:
        raise Conflict(
            f"case {case.reference}: an extension must be notified (s.17(2)) by the 20th working day, "
            f"{view.clock.statutory_due}; {extended_on} is after it",
            field="on",
        )
    citations = [e.citation for e in cited]
    add_case_event(
        session,
        case,
        kind="extended",
        on=extended_on,
        actor=actor,
        days=days,
        detail={"exemptions": citations},
    )
    return _audited_with_due(
        session,
        FoiDeadlineExtended,
        case,
        actor,
        today=day,
        extra_holidays=extra_holidays,
        extended_on=extended_on.isoformat(),
        days=days,
        exemptions=citations,
    )
