"""Recording outcome events: append-only, a correction supersedes an earlier event and never edits it.

Every check that a person's input can fail is collected by :func:`event_problems`, shared by the one-at-a-time
:func:`record_outcome` and the whole-file import, so both refuse the same things with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, NotFound, Problem, ValidationFailed
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import MAX_INTEGER, Disclosure, OutcomeEvent
from sharelog.outcomes._events import OutcomeCorrected, OutcomeRecorded
from sharelog.outcomes._taxonomy import MAX_NOTE_CHARS, PEOPLE_FIELDS, taxonomy_problems

__all__ = [
    "add_outcome_event",
    "disclosure_for",
    "event_problems",
    "outside_agreement",
    "permitted_recipients",
    "record_outcome",
    "record_outcomes",
    "returned_on",
    "SEVERAL_AT_ONCE",
]

SEVERAL_AT_ONCE = ("onward_share", "intervention")
"""The kinds of which one submission may record several events (0..n recipients, 0..n interventions)."""


def disclosure_for(session: Session, disclosure_id: int, *, organisation_id: str | None = None) -> Disclosure:
    """The disclosure ``disclosure_id``, if it was made to ``organisation_id`` (None: to anyone).

    A disclosure made to another organisation is answered exactly as one that does not exist, so that a
    requester cannot even learn which ids another organisation's disclosures have.

    Raises:
        NotFound: no such disclosure, or not one made to ``organisation_id``.
    """
    disclosure = session.get(Disclosure, disclosure_id) if 0 < disclosure_id <= MAX_INTEGER else None
    if disclosure is None or (
        organisation_id is not None and disclosure.exchange.agreement.requester_id != organisation_id
    ):
        raise NotFound(f"no disclosure {disclosure_id} in the ledger")
    return disclosure


def returned_on(disclosure: Disclosure) -> date:
    """The day a record was returned: the UTC date of ``returned_at``."""
    return disclosure.returned_at.astimezone(UTC).date()


def permitted_recipients(disclosure: Disclosure) -> tuple[str, ...]:
    """The onward recipients the disclosure's agreement version permits (none when it names none)."""
    return tuple(disclosure.exchange.agreement.document.get("onward_recipients") or ())


def outside_agreement(event: OutcomeEvent) -> bool:
    """Whether ``event`` is an onward share to a recipient its disclosure's agreement does not permit.

    Derived when read from the event and the agreement version recorded with the exchange (which never changes),
    so it is the same answer every time it is asked.
    """
    return event.kind == "onward_share" and event.code not in permitted_recipients(event.disclosure)


def event_problems(
    disclosure: Disclosure,
    *,
    kind: str,
    code: str,
    event_date: date | None,
    people: Mapping[str, object],
    today: date,
) -> list[tuple[str, str]]:
    """Everything wrong with an outcome event about ``disclosure``, as ``(field, message)`` pairs.

    Checks the taxonomy (kind, code, people only on results) and the date: not after ``today`` and not before
    the record was returned.
    """
    problems = taxonomy_problems(kind, code, people)
    if event_date is not None:
        if event_date > today:
            problems.append(("date", "is after today; record only what has happened"))
        elif event_date < returned_on(disclosure):
            problems.append(
                (
                    "date",
                    f"is before the record was returned ({returned_on(disclosure)}); "
                    "nothing can happen to a record before it is disclosed",
                )
            )
    return problems


_NOT_AN_EVENT_ID = "not an outcome event's id (a whole number)"
_NOT_AN_EVENT_OF_IT = "not one of this disclosure's outcome events; a correction is about the same disclosure"


def _event_id(supersedes: int | str) -> int | None:
    """The event id ``supersedes`` gives (as typed in a form, or as a number): a whole number above 0, or None."""
    if isinstance(supersedes, bool):
        return None
    if isinstance(supersedes, str):
        text = supersedes.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INTEGER)):
            return None
        supersedes = int(text)
    return supersedes if 0 < supersedes <= MAX_INTEGER else None


def _event_to_supersede(session: Session, disclosure: Disclosure, event_id: int) -> OutcomeEvent | None:
    """The disclosure's own event ``event_id``; None when there is none, whichever disclosure (and organisation)
    an event of that id may be about — so that no caller learns that another organisation's event exists, nor
    which disclosure it is about.

    Raises:
        Conflict: the event was already corrected (it is the disclosure's own, so saying so tells nothing new).
    """
    earlier = session.get(OutcomeEvent, event_id)
    if earlier is None or earlier.disclosure_id != disclosure.id:
        return None
    later = session.execute(
        select(OutcomeEvent.id).where(OutcomeEvent.supersedes_id == earlier.id)
    ).scalar_one_or_none()
    if later is not None:
        raise Conflict(
            f"outcome event {event_id} was already corrected by event {later}; "
            f"to change it again, supersede event {later}",
            field="supersedes",
        )
    return earlier


def _superseded(
    session: Session, disclosure: Disclosure, supersedes: int | str | None, problems: list[tuple[str, str]]
) -> OutcomeEvent | None:
    """The event ``supersedes`` names (None: a new event), or None with its problem added to ``problems``."""
    if supersedes is None or (isinstance(supersedes, str) and not supersedes.strip()):
        return None
    event_id = _event_id(supersedes)
    if event_id is None:
        problems.append(("supersedes", _NOT_AN_EVENT_ID))
        return None
    earlier = _event_to_supersede(session, disclosure, event_id)
    if earlier is None:
        problems.append(("supersedes", _NOT_AN_EVENT_OF_IT))
    return earlier


def add_outcome_event(
    session: Session,
    disclosure: Disclosure,
    *,
    kind: str,
    code: str,
    event_date: date,
    recorded_by: str,
    people: Mapping[str, int | None],
    note: str | None,
    supersedes: OutcomeEvent | None = None,
    audit_detail: Mapping[str, Any] | None = None,
) -> OutcomeEvent:
    """Add a checked event and its audit event to the session (callers check with :func:`event_problems`)."""
    event = OutcomeEvent(
        disclosure_id=disclosure.id,
        kind=kind,
        code=code,
        event_date=event_date,
        recorded_by=recorded_by,
        children_affected=people.get("children_affected"),
        family_members_affected=people.get("family_members_affected"),
        note=note if note and note.strip() else None,
        supersedes_id=supersedes.id if supersedes is not None else None,
    )
    try:
        with session.begin_nested():  # a savepoint, so a refused write leaves the caller's transaction usable
            session.add(event)
    except IntegrityError:
        if supersedes is None:
            raise
        # the unique supersedes_id: someone corrected the same event between our check and this write
        raise Conflict(
            f"outcome event {supersedes.id} was corrected by someone else meanwhile; "
            "look at the disclosure's history and try again",
            field="supersedes",
        ) from None
    detail: dict[str, Any] = {
        "disclosure": disclosure.id,
        "exchange": disclosure.exchange.reference,
        "kind": kind,
        "code": code,
        "event_date": event_date.isoformat(),
    }
    detail.update({field: people[field] for field in PEOPLE_FIELDS if people.get(field) is not None})
    if kind == "onward_share":
        detail["outside_agreement"] = outside_agreement(event)
    if supersedes is not None:
        detail["supersedes"] = supersedes.id
    detail.update(audit_detail or {})
    event_class = OutcomeCorrected if supersedes is not None else OutcomeRecorded
    append_audit_event(
        session,
        event_class(actor=recorded_by, object_type="outcome_event", object_id=str(event.id), detail=detail),
    )
    return event


def _note_problems(note: str | None) -> list[tuple[str, str]]:
    if note is not None and "\x00" in note:  # never typed by a person, and PostgreSQL cannot store it
        return [("note", "holds a NUL character (pasted from a damaged file?)")]
    if note is not None and len(note) > MAX_NOTE_CHARS:
        return [("note", f"is longer than {MAX_NOTE_CHARS:,} characters")]
    return []


def record_outcome(
    session: Session,
    *,
    disclosure_id: int,
    kind: str,
    code: str,
    event_date: date,
    recorded_by: str,
    children_affected: int | None = None,
    family_members_affected: int | None = None,
    note: str | None = None,
    supersedes: int | str | None = None,
    today: date | None = None,
    organisation_id: str | None = None,
) -> OutcomeEvent:
    """Record what happened to one returned record, in the caller's transaction.

    Append-only: to correct an event, record the right one with ``supersedes`` set to the wrong one's id; an
    event can be superseded once. An onward share to a recipient the agreement does not permit is recorded all
    the same — it happened — and flagged ``outside_agreement`` in the audit event (see :func:`outside_agreement`).
    The note may hold personal data, so it goes into the event only: never into the audit trail or a message.

    Args:
        disclosure_id: the disclosure (returned record) the event is about.
        kind: ``use``, ``onward_share``, ``intervention`` or ``result``.
        code: one of the kind's codes (see ``OUTCOME_CODES``).
        event_date: when it happened: not after ``today``, not before the record was returned.
        recorded_by: who records it.
        children_affected: children affected (results only).
        family_members_affected: other family members affected (results only).
        note: free text kept with the event.
        supersedes: the id of the event this one corrects: one of the same disclosure's events. Given as typed
            (a form's text) or as a number; the same checks apply to both, and blank text means none.
        today: the date "after today" is measured from; default: the clock.
        organisation_id: the requester organisation recording it: a disclosure made to another organisation is
            not found (None: any disclosure, as the command line, run by the ledger's operator, may).

    Raises:
        NotFound: no such disclosure (or none made to ``organisation_id``).
        ValidationFailed: an unknown kind or code, people on an event that is not a result, a date out of range,
            a note too long, or ``supersedes`` naming none of the disclosure's events (a missing event, another
            disclosure's and another organisation's are refused in the same words).
        InputError: no ``recorded_by``.
        Conflict: the event to supersede was already superseded.
    """
    disclosure = disclosure_for(session, disclosure_id, organisation_id=organisation_id)
    if not recorded_by.strip():
        raise InputError("recorded_by: name the person recording the outcome")
    people = {"children_affected": children_affected, "family_members_affected": family_members_affected}
    problems = event_problems(
        disclosure, kind=kind, code=code, event_date=event_date, people=people, today=today or date.today()
    )
    problems += _note_problems(note)
    earlier = _superseded(session, disclosure, supersedes, problems)
    if problems:
        raise ValidationFailed(
            Problem(f"disclosure {disclosure_id}", message, field=field) for field, message in problems
        )
    return add_outcome_event(
        session,
        disclosure,
        kind=kind,
        code=code,
        event_date=event_date,
        recorded_by=recorded_by,
        people=people,
        note=note,
        supersedes=earlier,
    )


def record_outcomes(
    session: Session,
    *,
    disclosure_id: int,
    kind: str,
    codes: Sequence[str],
    event_date: date,
    recorded_by: str,
    note: str | None = None,
    today: date | None = None,
    organisation_id: str | None = None,
) -> list[OutcomeEvent]:
    """Record several events of one kind on one day — each onward recipient, or each intervention — all or none.

    Each code becomes an event of its own (reports count recipients and interventions one by one), with the same
    date and note; a code given twice counts once. Every event is checked before any is added, so a problem with
    one leaves the ledger as it was. A correction supersedes one event: use :func:`record_outcome` for it.

    Raises:
        NotFound: no such disclosure (or none made to ``organisation_id``).
        ValidationFailed: no code, a kind of which only one event is recorded at a time (``use``, ``result``)
            given several codes, or any problem :func:`record_outcome` would find with one of the events.
        InputError: no ``recorded_by``.
    """
    disclosure = disclosure_for(session, disclosure_id, organisation_id=organisation_id)
    if not recorded_by.strip():
        raise InputError("recorded_by: name the person recording the outcome")
    chosen = list(dict.fromkeys(codes))
    problems: list[tuple[str, str]] = []
    if not chosen:
        problems.append(("code", "missing: choose at least one"))
    elif len(chosen) > 1 and kind not in SEVERAL_AT_ONCE:
        problems.append(("code", "is one answer for this kind of event; record the others one at a time"))
    for code in chosen or [""]:
        for problem in event_problems(
            disclosure, kind=kind, code=code, event_date=event_date, people={}, today=today or date.today()
        ):
            if problem not in problems and (code or problem[0] != "code"):
                problems.append(problem)
    problems += _note_problems(note)
    if problems:
        raise ValidationFailed(
            Problem(f"disclosure {disclosure_id}", message, field=field) for field, message in problems
        )
    with session.begin_nested():  # all or none, even should the ledger refuse one of them
        return [
            add_outcome_event(
                session,
                disclosure,
                kind=kind,
                code=code,
                event_date=event_date,
                recorded_by=recorded_by,
                people={},
                note=note,
            )
            for code in chosen
        ]
