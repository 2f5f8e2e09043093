"""Reading cases: the stored case with everything time decides — its clock, due dates, overdue and long overdue,
the review's deadlines — derived for the day asked about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sharelog.errors import InputError, NotFound
from sharelog.foi._calendar import DeadlineExplanation, ProclaimedDay, WorkingDayCalendar
from sharelog.foi._clock import (
    MAX_EXTENSION_DAYS,
    RESPONSE_DAYS,
    REVIEW_WINDOW_DAYS,
    Clock,
    ClockEvent,
    ReviewClock,
    case_clock,
    review_clock,
)
from sharelog.foi._exemptions import Exemption, exemption
from sharelog.foi._states import OPEN_STATES, RESPONSE_STATES, allowed_next, state_label
from sharelog.ledger.models import FoiCase, FoiResponse

__all__ = [
    "DUE_SOON_DAYS",
    "CaseEventView",
    "CaseView",
    "ResponseView",
    "case_calendar",
    "case_view",
    "cases_due",
    "explain_case_deadline",
    "list_cases",
    "load_case",
    "read_case",
]

ExtraHolidays = Iterable[date | ProclaimedDay]
DUE_SOON_DAYS = 7  # "due this week": the due date is today or within the next six days


@dataclass(frozen=True)
class CaseEventView:
    """One event in a case's history."""

    id: int
    kind: str
    on: date
    days: int | None
    detail: dict[str, Any]
    recorded_by: str


@dataclass(frozen=True)
class ResponseView:
    """A response as recorded, with its exemptions looked up in the catalogue."""

    id: int
    stage: str  # initial or internal_review
    outcome: str
    responded_on: date
    exemptions: tuple[Exemption, ...]
    public_interest: str | None
    hours_estimate: float | None
    cost_limit: int | None
    note: str | None
    report_months: str | None
    files: dict[str, Any]
    recorded_by: str
    review_by: date  # the last day the requester can ask for an internal review (of a first response)


@dataclass(frozen=True)
class CaseView:
    """A case as read on ``today``: stored facts, and the clock and status derived from them."""

    reference: str
    organisation_id: str  # the organisation that received the request
    title: str
    request_text: str
    regime: str
    authority_type: str
    authority: str | None
    received_on: date
    about: tuple[str, str] | None
    state: str
    status: str  # the stored state, or a derived one (waiting_response_overdue …)
    today: date
    clock: Clock
    review: ReviewClock | None
    events: tuple[CaseEventView, ...]
    responses: tuple[ResponseView, ...]
    requester_name: str | None
    requester_contact: str | None
    requester_erase_after: date
    requester_erased_on: date | None
    opened_by: str

    @property
    def status_label(self) -> str:
        return state_label(self.status)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def due_on(self) -> date | None:
        """What is due next: the review's due date during a review, else the response's (None when paused)."""
        if self.state == "internal_review" and self.review is not None:
            return self.review.due
        return self.clock.due

    @property
    def lateness(self) -> str | None:
        """``overdue`` or ``long_overdue`` while a response or review is awaited; None otherwise."""
        if self.state == "waiting_response":
            return self.clock.lateness(self.today)
        if self.state == "internal_review" and self.review is not None:
            return self.review.lateness(self.today)
        return None

    @property
    def due_this_week(self) -> bool:
        """Whether a response or review is awaited, not late yet, and due within :data:`DUE_SOON_DAYS` days."""
        due = self.due_on
        if self.state not in ("waiting_response", "internal_review") or due is None or self.lateness:
            return False
        return self.today <= due < self.today + timedelta(days=DUE_SOON_DAYS)

    @property
    def first_response(self) -> ResponseView | None:
        return next((r for r in self.responses if r.stage == "initial"), None)

    @property
    def review_response(self) -> ResponseView | None:
        return next((r for r in self.responses if r.stage == "internal_review"), None)

    @property
    def next_action_names(self) -> tuple[str, ...]:
        """The names of the actions that may be recorded now — allowed by its state's transitions and its clock —
        in the order a person would consider them (:func:`sharelog.foi.next_actions` gives the actions)."""
        following = allowed_next(self.state)
        names: list[str] = []
        if any(s in following for s in RESPONSE_STATES):
            names.append("respond")
        if "waiting_clarification" in following:
            names.append("seek-clarification")
        if self.state == "waiting_clarification":
            names.append("clarification-received")
        if self.state == "waiting_response":
            names.append("fee-paid" if self.clock.paused_since is not None else "fees-notice")
            if self.regime == "foia" and self.clock.extension_days < MAX_EXTENSION_DAYS:
                names.append("extend")
        if "internal_review" in following and self.review is None:
            names.append("request-review")
        if "user_withdrawn" in following:
            names.append("withdraw")
        return tuple(names)

    @property
    def answered_in_time(self) -> bool | None:
        """Whether the first response came by the due date (with any extension); None before it came."""
        first = self.first_response
        if first is None:
            return None
        return self.clock.due is None or first.responded_on <= self.clock.due


def case_calendar(case: FoiCase, extra_holidays: ExtraHolidays = ()) -> WorkingDayCalendar:
    """The working-day calendar of the case's regime."""
    return WorkingDayCalendar.of(case.regime, extra_holidays)


def load_case(session: Session, reference: str, *, organisation_id: str | None = None) -> FoiCase:
    """The stored case with its events and responses.

    A case belongs to the organisation that received the request, and references are unique within an
    organisation. With ``organisation_id`` (the web app and the API: the reader's organisation) another
    organisation's case is answered exactly as a case that does not exist, so references cannot be probed.
    Without it (the operator's command line) a reference two organisations use must be narrowed to one of them.

    Raises:
        NotFound: no case has that reference (in ``organisation_id``).
        InputError: without ``organisation_id``, more than one organisation has a case with that reference.
    """
    query = (
        select(FoiCase)
        .where(FoiCase.reference == reference)
        .options(selectinload(FoiCase.events), selectinload(FoiCase.responses))
    )
    if organisation_id is not None:
        query = query.where(FoiCase.organisation_id == organisation_id)
    cases = session.execute(query.order_by(FoiCase.organisation_id)).scalars().all()
    if not cases:
        raise NotFound(
            f"no FOI case '{reference}' in the ledger", cli_hint="`sharelog foi list` shows the cases"
        )
    if len(cases) > 1:
        holders = ", ".join(case.organisation_id for case in cases)
        raise InputError(
            f"{len(cases)} organisations have a case '{reference}' ({holders})",
            field="organisation",
            cli_hint="name one with --org",
        )
    return cases[0]


def _clock_events(case: FoiCase) -> list[ClockEvent]:
    events = sorted(case.events, key=lambda e: (e.event_date, e.id))
    return [ClockEvent(e.kind, e.event_date, e.days) for e in events]


def _response_view(response: FoiResponse, calendar: WorkingDayCalendar) -> ResponseView:
    return ResponseView(
        id=response.id,
        stage=response.stage,
        outcome=response.outcome,
        responded_on=response.responded_on,
        exemptions=tuple(exemption(c) for c in response.exemptions),
        public_interest=response.public_interest,
        hours_estimate=response.hours_estimate,
        cost_limit=response.cost_limit,
        note=response.note,
        report_months=response.report_months,
        files=dict(response.files),
        recorded_by=response.recorded_by,
        review_by=calendar.working_days_after(response.responded_on, REVIEW_WINDOW_DAYS),
    )


def _status(case: FoiCase, clock: Clock, review: ReviewClock | None, today: date) -> str:
    if case.state == "waiting_response":
        if clock.paused_since is not None:
            return "waiting_response_paused"
        lateness = clock.lateness(today)
        if lateness == "long_overdue":
            return "waiting_response_very_overdue"
        return "waiting_response_overdue" if lateness == "overdue" else case.state
    if case.state == "internal_review" and review is not None:
        lateness = review.lateness(today)
        if lateness == "long_overdue":
            return "internal_review_very_overdue"
        return "internal_review_overdue" if lateness == "overdue" else case.state
    return case.state


def case_view(case: FoiCase, *, today: date, extra_holidays: ExtraHolidays = ()) -> CaseView:
    """``case`` as read on ``today``."""
    calendar = case_calendar(case, extra_holidays)
    clock = case_clock(
        calendar, received_on=case.received_on, authority_type=case.authority_type, events=_clock_events(case)
    )
    requested = [e.event_date for e in case.events if e.kind == "review_requested"]
    review = review_clock(calendar, requested_on=requested[-1]) if requested else None
    events = tuple(
        CaseEventView(e.id, e.kind, e.event_date, e.days, dict(e.detail), e.recorded_by)
        for e in sorted(case.events, key=lambda e: (e.event_date, e.id))
    )
    erased = case.requester_erased_at
    return CaseView(
        reference=case.reference,
        organisation_id=case.organisation_id,
        title=case.title,
        request_text=case.request_text,
        regime=case.regime,
        authority_type=case.authority_type,
        authority=case.authority,
        received_on=case.received_on,
        about=(case.about_first, case.about_last) if case.about_first and case.about_last else None,
        state=case.state,
        status=_status(case, clock, review, today),
        today=today,
        clock=clock,
        review=review,
        events=events,
        responses=tuple(_response_view(r, calendar) for r in sorted(case.responses, key=lambda r: r.id)),
        requester_name=case.requester_name,
        requester_contact=case.requester_contact,
        requester_erase_after=case.requester_erase_after,
        requester_erased_on=erased.date() if erased is not None else None,
        opened_by=case.opened_by,
    )


def explain_case_deadline(
    view: CaseView, *, extra_holidays: ExtraHolidays = ()
) -> DeadlineExplanation | None:
    """How the response's due date was counted: from the clock's start (the day of receipt, or of the
    clarification that restarted it), the days not counted on the way — weekends, holidays and working days paused
    by a fees notice — and the working days counted (20, plus any public-interest extension).

    None while no deadline runs (waiting for clarification, or a fee unpaid).
    """
    clock = view.clock
    if clock.due is None:
        return None
    calendar = WorkingDayCalendar.of(view.regime, extra_holidays)
    skipped: list[tuple[date, str]] = []
    day = clock.start
    while day < clock.due:
        day += timedelta(days=1)
        reason = calendar.non_working_reason(day)
        if reason is None and any(pause.covers(day) for pause in clock.pauses):
            reason = "clock paused: fees notice awaiting payment (s.10(2))"
        if reason is not None:
            skipped.append((day, reason))
    days = RESPONSE_DAYS + clock.extension_days
    return DeadlineExplanation(clock.start, days, calendar.regime, clock.due, tuple(skipped))


def read_case(
    session: Session,
    *,
    case_reference: str,
    today: date,
    organisation_id: str | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """One case as read on ``today``; with ``organisation_id``, only a case of that organisation.

    Raises:
        NotFound: no case has that reference (in ``organisation_id``).
    """
    case = load_case(session, case_reference, organisation_id=organisation_id)
    return case_view(case, today=today, extra_holidays=extra_holidays)


def list_cases(
    session: Session,
    *,
    today: date,
    organisation_id: str | None = None,
    states: Sequence[str] = (),
    received_in: int | None = None,
    extra_holidays: ExtraHolidays = (),
) -> list[CaseView]:
    """Every case of ``organisation_id`` (None: of every organisation) — or those in ``states``, or received in
    the year ``received_in`` — oldest first."""
    query = select(FoiCase).options(selectinload(FoiCase.events), selectinload(FoiCase.responses))
    if organisation_id is not None:
        query = query.where(FoiCase.organisation_id == organisation_id)
    if states:
        query = query.where(FoiCase.state.in_(list(states)))
    if received_in is not None:
        query = query.where(
            FoiCase.received_on >= date(received_in, 1, 1), FoiCase.received_on <= date(received_in, 12, 31)
        )
    cases = session.execute(query.order_by(FoiCase.received_on, FoiCase.id)).scalars().all()
    return [case_view(case, today=today, extra_holidays=extra_holidays) for case in cases]


def cases_due(
    session: Session,
    *,
    today: date,
    organisation_id: str | None = None,
    overdue_only: bool = False,
    extra_holidays: ExtraHolidays = (),
) -> list[CaseView]:
    """Cases of ``organisation_id`` (None: of every organisation) awaiting a response or a review, the earliest
    due first (paused ones last); with ``overdue_only``, only those past their due date."""
    waiting = list_cases(
        session,
        today=today,
        organisation_id=organisation_id,
        states=("waiting_response", "internal_review"),
        extra_holidays=extra_holidays,
    )
    if overdue_only:
        waiting = [case for case in waiting if case.lateness is not None]
    return sorted(waiting, key=lambda c: (c.due_on is None, c.due_on or date.max, c.reference))
