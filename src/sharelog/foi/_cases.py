"""Opening FOI cases, internal review, withdrawal and erasing requesters' details after retention — and the helpers
every change to a case shares (``_clock_changes.py`` records clarification, fees and extensions).

Every change is checked against the state machine (``_states.py``), dated no earlier than what came before it
and no later than today, and appends an audit event whose detail never holds the requester's name or contact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, Problem, ValidationFailed
from sharelog.foi._calendar import REGIMES, check_regime
from sharelog.foi._clock import REVIEW_WINDOW_DAYS
from sharelog.foi._events import (
    FoiCaseOpened,
    FoiCaseWithdrawn,
    FoiRequesterErased,
    FoiReviewRequested,
)
from sharelog.foi._states import OPEN_STATES, check_transition
from sharelog.foi._views import CaseView, ExtraHolidays, case_calendar, case_view, load_case
from sharelog.ledger.audit import LedgerEvent, append_audit_event
from sharelog.ledger.models import FOI_AUTHORITY_TYPES, FoiCase, FoiCaseEvent, Organisation, utc_now

__all__ = [
    "ABOUT_FIRST_MONTH",
    "AUTHORITY_TYPES",
    "DEFAULT_RETENTION_DAYS",
    "FOIA_IN_FORCE",
    "MAX_ABOUT_MONTHS",
    "MAX_REQUEST_TEXT",
    "MAX_REQUEST_TEXT_BYTES",
    "add_case_event",
    "audit_case",
    "check_action_day",
    "erase_expired_requesters",
    "new_case",
    "receiving_organisation",
    "request_review",
    "today_or",
    "withdraw_case",
]

AUTHORITY_TYPES = FOI_AUTHORITY_TYPES
DEFAULT_RETENTION_DAYS = 3 * 365
# The limits of what a case takes — the same from the command line, the web form and the API, which all open
# cases through new_case. A request is a letter or an email: 100,000 characters is some forty pages, far more than
# any request seen, and small enough that a pasted file, or /dev/zero, cannot fill the ledger.
MAX_REQUEST_TEXT = 100_000  # characters
MAX_REQUEST_TEXT_BYTES = 4 * MAX_REQUEST_TEXT  # a file of the text: UTF-8 takes at most 4 bytes a character
# FOIA's right of access (s.1) came into force on 1 January 2005, as FOISA's did: no request received earlier is an
# FOI request.
FOIA_IN_FORCE = date(2005, 1, 1)
# The months a request asks about: none before 2000 (the exchange began long after), none after this month, and
# at most ten years of them, as a report's period.
ABOUT_FIRST_MONTH = "2000-01"
MAX_ABOUT_MONTHS = 120
_BOM = "\ufeff"
# matched whole (fullmatch): ``$`` would let a trailing newline through, into the ledger
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
_MONTH = re.compile(r"(?!0000)[0-9]{4}-(0[1-9]|1[0-2])")


def today_or(today: date | None) -> date:
    return today or date.today()


def audit_case(
    session: Session, event_type: type[LedgerEvent], case: FoiCase, actor: str, **detail: Any
) -> None:
    # references are unique within an organisation only: the event names the organisation too
    detail = {**detail, "organisation": case.organisation_id}
    append_audit_event(
        session,
        event_type(actor=actor, object_type="foi_case", object_id=case.reference, detail=detail),
    )


def _last_action_on(case: FoiCase) -> date:
    days = [case.received_on, *(e.event_date for e in case.events), *(r.responded_on for r in case.responses)]
    return max(days)


def check_action_day(case: FoiCase, day: date, *, today: date, field: str) -> None:
    """Refuse a day after today or before the case's latest recorded action (the error names ``field``, the day's
    name where it was given: ``on`` for an action, ``responded_on`` for a response)."""
    if day > today:
        raise InputError(f"{day} is after today ({today}); record only what has happened", field=field)
    if day < case.received_on:
        raise InputError(
            f"{day} is before case {case.reference} was received ({case.received_on})", field=field
        )
    latest = _last_action_on(case)
    if day < latest:
        raise InputError(
            f"{day} is before the latest action recorded on case {case.reference} ({latest}); "
            "record events in the order they happened",
            field=field,
        )


def add_case_event(
    session: Session,
    case: FoiCase,
    *,
    kind: str,
    on: date,
    actor: str,
    days: int | None = None,
    detail: dict[str, Any] | None = None,
) -> FoiCaseEvent:
    row = FoiCaseEvent(
        case_id=case.id, kind=kind, event_date=on, days=days, detail=detail or {}, recorded_by=actor
    )
    session.add(row)
    case.events.append(row)
    session.flush()
    return row


def _reference_taken(session: Session, organisation_id: str, reference: str) -> bool:
    found = session.execute(
        select(FoiCase.id).where(FoiCase.organisation_id == organisation_id, FoiCase.reference == reference)
    ).first()
    return found is not None


def _next_reference(session: Session, organisation_id: str, year: int) -> str:
    """The organisation's next ``FOI-<year>-<nnnn>``: numbered within the organisation, so that a number says
    nothing about another organisation's cases."""
    prefix = f"FOI-{year}-"
    taken = session.execute(
        select(func.count())
        .select_from(FoiCase)
        .where(FoiCase.organisation_id == organisation_id, FoiCase.reference.like(f"{prefix}%"))
    ).scalar_one()
    number = taken + 1
    while _reference_taken(session, organisation_id, f"{prefix}{number:04d}"):
        number += 1
    return f"{prefix}{number:04d}"


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def _about_problems(about: Sequence[str], today: date) -> list[str]:
    if not about:
        return ["names no month"]
    if not all(isinstance(month, str) and _MONTH.fullmatch(month) for month in about):
        return ["months are written YYYY-MM"]
    first, last, this_month = min(about), max(about), f"{today:%Y-%m}"
    problems = []
    if first < ABOUT_FIRST_MONTH:
        problems.append(f"starts in {first}, before {ABOUT_FIRST_MONTH}")
    if last > this_month:
        problems.append(f"ends in {last}, after this month ({this_month})")
    if _month_index(last) - _month_index(first) + 1 > MAX_ABOUT_MONTHS:
        problems.append(f"spans more than {MAX_ABOUT_MONTHS} months")
    return problems


def _case_problems(
    *,
    reference: str | None,
    title: str,
    request_text: str,
    regime: str,
    authority_type: str,
    received_on: date,
    today: date,
    authority: str | None,
    requester_name: str | None,
    requester_contact: str | None,
    about: Sequence[str] | None,
) -> list[Problem]:
    where = "new case"
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(where, message, field=field))

    if reference is not None and not _REFERENCE.fullmatch(reference):
        problem(
            "reference",
            "must be 1 to 40 letters, digits, '.', '_', '/' or '-', starting with a letter or digit",
        )
    if not title.strip():
        problem("title", "is empty; give the request's subject, e.g. its email subject line")
    elif len(title) > 300:
        problem("title", f"is {len(title)} characters long; at most 300")
    if not request_text.strip():
        problem("request_text", "is empty; record the request as received")
    elif len(request_text) > MAX_REQUEST_TEXT:
        problem("request_text", f"is {len(request_text):,} characters long; at most {MAX_REQUEST_TEXT:,}")
    if regime not in REGIMES:
        problem("regime", f"'{regime}' is not one of {', '.join(REGIMES)}")
    if authority_type not in AUTHORITY_TYPES:
        problem("authority_type", f"'{authority_type}' is not one of {', '.join(AUTHORITY_TYPES)}")
    if received_on > today:
        problem("received_on", f"{received_on} is after today ({today})")
    elif received_on < FOIA_IN_FORCE:
        problem("received_on", f"{received_on} is before FOIA came into force ({FOIA_IN_FORCE})")
    if authority is not None and len(authority) > 200:
        problem("authority", "is longer than 200 characters")
    if requester_name is not None and len(requester_name) > 200:
        problem("requester_name", "is longer than 200 characters")
    if requester_contact is not None and len(requester_contact) > 300:
        problem("requester_contact", "is longer than 300 characters")
    texts = {
        "title": title,
        "request_text": request_text,
        "authority": authority,
        "requester_name": requester_name,
        "requester_contact": requester_contact,
    }
    for field, value in texts.items():
        if value is not None and "\x00" in value:  # never typed by a person, and PostgreSQL cannot store it
            problem(field, "holds a NUL character (pasted from a damaged file?)")
    if about is not None:
        for message in _about_problems(about, today):
            problem("about", message)
    return problems


def receiving_organisation(session: Session, organisation_id: str | None = None) -> str:
    """The organisation a new case goes to: ``organisation_id`` when given, else the ledger's only organisation —
    with two or more, the one that received the request must be named (a case given to the wrong one would show
    its requester to the wrong FOI officers).

    Raises:
        InputError: none given and the ledger holds no organisation, or more than one.
    """
    if organisation_id is not None:
        return organisation_id
    known = session.execute(select(Organisation.id).order_by(Organisation.id)).scalars().all()
    if len(known) == 1:
        return known[0]
    if not known:
        raise InputError(
            "the ledger holds no organisation yet; organisations are recorded with the agreements they are "
            "party to",
            field="organisation",
        )
    raise InputError(
        f"name the organisation that received the request: one of {', '.join(known)}", field="organisation"
    )


def _check_organisation(session: Session, organisation_id: str) -> None:
    if not isinstance(organisation_id, str) or session.get(Organisation, organisation_id) is None:
        raise InputError(
            "no such organisation in the ledger; the organisation that received the request must be a "
            "party to a recorded agreement",
            field="organisation",
        )


def new_case(
    session: Session,
    *,
    received_on: date,
    title: str,
    request_text: str,
    actor: str,
    organisation_id: str,
    regime: str = "foia",
    authority_type: str = "central_government",
    authority: str | None = None,
    reference: str | None = None,
    requester_name: str | None = None,
    requester_contact: str | None = None,
    about: Sequence[str] | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Open a case for a request received on ``received_on`` (state ``waiting_response``).

    Args:
        session: a ledger session.
        received_on: the day of receipt (day zero of the clock; may be a weekend or holiday), from
            :data:`FOIA_IN_FORCE` to today.
        title: the request's subject.
        request_text: the request as received (at most :data:`MAX_REQUEST_TEXT` characters; a leading
            byte-order mark is dropped).
        actor: who opens the case.
        organisation_id: the organisation that received the request (in the ledger): only its FOI officers and
            auditors see the case.
        regime: ``foia`` or ``foisa``.
        authority_type: ``central_government`` (s.12 limit £600), ``other`` (£450) or ``school`` (long overdue
            after 60 working days instead of 40).
        authority: the authority's name, for letters.
        reference: the case reference, unique within the organisation; default ``FOI-<year>-<nnnn>``.
        requester_name: personal data: kept until ``retention_days`` after the last response, then erased.
        requester_contact: personal data, as the name.
        about: the months the request asks about (``2019-01`` …), if it names a period: a ``not_held`` response
            is then refused while the ledger holds exchanges in those months. From :data:`ABOUT_FIRST_MONTH` to
            this month, at most :data:`MAX_ABOUT_MONTHS` of them.
        retention_days: how long the requester's details are kept after receipt (and after each response).
        today: the day it is (default: today).
        extra_holidays: newly proclaimed bank holidays.

    Raises:
        ValidationFailed: every problem with the input, listed.
        InputError: no such organisation.
        Conflict: the organisation has a case with that reference.
    """
    day = today_or(today)
    _check_organisation(session, organisation_id)
    request_text = request_text.removeprefix(_BOM)
    problems = _case_problems(
        reference=reference,
        title=title,
        request_text=request_text,
        regime=regime,
        authority_type=authority_type,
        received_on=received_on,
        today=day,
        authority=authority,
        requester_name=requester_name,
        requester_contact=requester_contact,
        about=about,
    )
    if problems:
        raise ValidationFailed(problems)
    if reference is not None:
        if _reference_taken(session, organisation_id, reference):
            raise Conflict(
                f"case {reference} already exists",
                field="reference",
                cli_hint=f"`sharelog foi show {reference}`",
            )
    else:
        reference = _next_reference(session, organisation_id, received_on.year)
    months = sorted(about) if about else None
    case = FoiCase(
        reference=reference,
        title=title.strip(),
        request_text=request_text,
        regime=check_regime(regime),
        authority_type=authority_type,
        authority=authority,
        received_on=received_on,
        about_first=months[0] if months else None,
        about_last=months[-1] if months else None,
        state="waiting_response",
        requester_name=requester_name or None,
        requester_contact=requester_contact or None,
        requester_erase_after=received_on + timedelta(days=retention_days),
        opened_by=actor,
        organisation_id=organisation_id,
    )
    session.add(case)
    session.flush()
    view = case_view(case, today=day, extra_holidays=extra_holidays)
    audit_case(
        session,
        FoiCaseOpened,
        case,
        actor,
        received_on=received_on.isoformat(),
        regime=case.regime,
        authority_type=authority_type,
        due_on=view.clock.due.isoformat() if view.clock.due else None,
        requester_held=case.requester_name is not None or case.requester_contact is not None,
    )
    return view


def request_review(
    session: Session,
    *,
    case_reference: str,
    requested_on: date,
    actor: str,
    accept_late: bool = False,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record the requester's request for an internal review of the response: due in 20 working days.

    A review must be asked for within 40 working days of the response; a later one is refused unless the
    authority accepts it all the same (``accept_late``). There is one review per case (single stage, as the
    s.45 code expects); after it, the requester can complain to the ICO (s.50).

    With ``organisation_id`` only a case of that organisation is found (as in every change to a case).

    Raises:
        NotFound: no such case (in ``organisation_id``).
        Conflict: no response yet, a review already held, or asked for too late without ``accept_late``.
        InputError: a bad day.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    if any(e.kind == "review_requested" for e in case.events):
        raise Conflict(
            f"case {case.reference} has had its internal review; the requester can complain to the Information "
            "Commissioner (FOIA s.50)"
        )
    check_transition(case.reference, case.state, "internal_review", action="request an internal review")
    check_action_day(case, requested_on, today=day, field="on")
    calendar = case_calendar(case, extra_holidays)
    responded = max(r.responded_on for r in case.responses)
    last_day = calendar.working_days_after(responded, REVIEW_WINDOW_DAYS)
    late = requested_on > last_day
    if late and not accept_late:
        raise Conflict(
            f"case {case.reference}: the review was asked for on {requested_on}, after the {REVIEW_WINDOW_DAYS} "
            f"working days from the response of {responded} (last day {last_day}); if the authority accepts it "
            "all the same, record that it was asked for late",
            field="late",
        )
    add_case_event(
        session, case, kind="review_requested", on=requested_on, actor=actor, detail={"late": late}
    )
    case.state = "internal_review"
    view = case_view(case, today=day, extra_holidays=extra_holidays)
    assert view.review is not None
    audit_case(
        session,
        FoiReviewRequested,
        case,
        actor,
        requested_on=requested_on.isoformat(),
        late=late,
        due_on=view.review.due.isoformat(),
    )
    return view


def withdraw_case(
    session: Session,
    *,
    case_reference: str,
    withdrawn_on: date,
    actor: str,
    organisation_id: str | None = None,
    today: date | None = None,
    extra_holidays: ExtraHolidays = (),
) -> CaseView:
    """Record that the requester withdrew the request (or never replied to a request for clarification).

    Raises:
        NotFound: no such case (in ``organisation_id``).
        Conflict: the case has been answered or withdrawn already.
        InputError: a bad day.
    """
    day = today_or(today)
    case = load_case(session, case_reference, organisation_id=organisation_id)
    check_transition(case.reference, case.state, "user_withdrawn", action="withdraw the case")
    check_action_day(case, withdrawn_on, today=day, field="on")
    previous = case.state
    add_case_event(session, case, kind="withdrawn", on=withdrawn_on, actor=actor, detail={"from": previous})
    case.state = "user_withdrawn"
    audit_case(
        session, FoiCaseWithdrawn, case, actor, withdrawn_on=withdrawn_on.isoformat(), previous=previous
    )
    return case_view(case, today=day, extra_holidays=extra_holidays)


def erase_expired_requesters(session: Session, *, actor: str, today: date | None = None) -> list[str]:
    """Erase the requester's name and contact from every closed case whose retention has ended (and that holds
    any).

    A case still open (awaiting a response, clarification or review) keeps them whatever the date: its
    retention runs from the last response. Returns the references of the cases erased.
    """
    day = today_or(today)
    due = (
        session.execute(
            select(FoiCase)
            .where(
                FoiCase.requester_erase_after < day,
                FoiCase.requester_erased_at.is_(None),
                FoiCase.state.not_in(OPEN_STATES),
                (FoiCase.requester_name.is_not(None)) | (FoiCase.requester_contact.is_not(None)),
            )
            .order_by(FoiCase.id)
        )
        .scalars()
        .all()
    )
    erased = []
    for case in due:
        case.requester_name = None
        case.requester_contact = None
        case.requester_erased_at = utc_now()
        audit_case(
            session, FoiRequesterErased, case, actor, erase_after=case.requester_erase_after.isoformat()
        )
        erased.append(case.reference)
    session.flush()
    return erased
