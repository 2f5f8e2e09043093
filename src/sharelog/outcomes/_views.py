"""What a requester's caseworker sees of the records returned to its organisation: a disclosure found by the
request reference it sent, one disclosure with its outcome history, and the outcomes still due.

Every function here takes the caseworker's ``organisation_id`` and answers only about disclosures made to it
(through an agreement naming it as the requester): another organisation's disclosure is not found, exactly as
one that does not exist. The routes of the web app and the API call these, never the models.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from sharelog.errors import InputError
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, OutcomeEvent
from sharelog.outcomes._record import disclosure_for, returned_on
from sharelog.outcomes._status import (
    DisclosureOutcomes,
    OutcomeDue,
    _window_days,
    due_on,
    outcome_history,
    outcomes_due,
)

__all__ = [
    "RECORD_SORTS",
    "RECORD_STATUSES",
    "DisclosureRecord",
    "DisclosureSummary",
    "OutcomesOverview",
    "ReturnedRecord",
    "ReturnedRecords",
    "disclosure_record",
    "find_disclosures",
    "outcomes_overview",
    "returned_records",
]

MAX_DUE_SHOWN = 200
"""The outcomes-due list is cut here (longest overdue first); the totals still count every one."""


@dataclass(frozen=True)
class DisclosureSummary:
    """One returned record as its requester sees it: where it came from, what was returned, until when."""

    id: int
    exchange: str
    exchange_month: str
    agreement: str
    """The agreement version it was returned under, e.g. ``ho-dfe-2019-update v1.0``."""
    request_ref: str
    returned_on: date
    fields_returned: tuple[str, ...]
    retention_until: date
    due_on: date
    """The last day an outcome is on time."""


@dataclass(frozen=True)
class DisclosureRecord:
    """A disclosure with its outcome history (events, latest result, unknown or overdue)."""

    disclosure: DisclosureSummary
    history: DisclosureOutcomes


@dataclass(frozen=True)
class OutcomesOverview:
    """A caseworker's starting point: the disclosures a request reference names, and the outcomes due."""

    request_ref: str | None
    found: tuple[DisclosureSummary, ...]
    due: tuple[OutcomeDue, ...]
    """The first :data:`MAX_DUE_SHOWN` outcomes due, longest overdue first."""
    due_total: int
    overdue_total: int


def _summary(disclosure: Disclosure) -> DisclosureSummary:
    exchange = disclosure.exchange
    return DisclosureSummary(
        id=disclosure.id,
        exchange=exchange.reference,
        exchange_month=exchange.month,
        agreement=f"{exchange.agreement.agreement_id} v{exchange.agreement.version}",
        request_ref=disclosure.request_ref,
        returned_on=returned_on(disclosure),
        fields_returned=tuple(disclosure.fields_returned),
        retention_until=disclosure.retention_until,
        due_on=due_on(disclosure),
    )


def find_disclosures(session: Session, *, request_ref: str, organisation_id: str) -> list[DisclosureSummary]:
    """The records returned to ``organisation_id`` for the request it sent as ``request_ref`` (exactly as sent,
    spaces around it ignored), newest first: the same reference may have been sent in several batches."""
    reference = request_ref.strip()
    if not reference:
        return []
    rows = (
        session.execute(
            select(Disclosure)
            .join(Exchange, Exchange.id == Disclosure.exchange_id)
            .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
            .where(Disclosure.request_ref == reference, AgreementVersion.requester_id == organisation_id)
            .order_by(Disclosure.returned_at.desc(), Disclosure.id.desc())
        )
        .scalars()
        .all()
    )
    return [_summary(row) for row in rows]


def disclosure_record(
    session: Session, *, disclosure_id: int, organisation_id: str, today: date | None = None
) -> DisclosureRecord:
    """One disclosure made to ``organisation_id`` with its outcome history.

    Raises:
        NotFound: no such disclosure, or one made to another organisation.
    """
    disclosure = disclosure_for(session, disclosure_id, organisation_id=organisation_id)
    history = outcome_history(
        session, disclosure_id=disclosure.id, today=today, organisation_id=organisation_id
    )
    return DisclosureRecord(disclosure=_summary(disclosure), history=history)


def outcomes_overview(
    session: Session, *, organisation_id: str, request_ref: str | None = None, today: date | None = None
) -> OutcomesOverview:
    """The disclosures ``request_ref`` names (if given) and the outcomes due from ``organisation_id``."""
    due = outcomes_due(session, today=today or date.today(), organisation_id=organisation_id)
    due.sort(key=lambda d: (-d.days_overdue, d.exchange, d.request_ref))
    found = (
        find_disclosures(session, request_ref=request_ref, organisation_id=organisation_id)
        if request_ref
        else []
    )
    return OutcomesOverview(
        request_ref=request_ref.strip() if request_ref else None,
        found=tuple(found),
        due=tuple(due[:MAX_DUE_SHOWN]),
        due_total=len(due),
        overdue_total=sum(1 for d in due if d.overdue),
    )


RECORD_STATUSES = ("unknown", "overdue", "due", "recorded", "all")
"""What :func:`returned_records` can list: outcome unknown (overdue or not), overdue, due (unknown, still in its
window), a result recorded, or every record."""
RECORD_SORTS = ("longest_overdue", "newest", "reference")
"""How it can order them: by due date (the longest overdue first), the newest returned first, or by reference."""


@dataclass(frozen=True)
class ReturnedRecord:
    """One record returned to the organisation, with where its outcome stands."""

    disclosure_id: int
    request_ref: str
    exchange: str
    exchange_month: str
    returned_on: date
    due_on: date
    result: str | None
    """The latest result's code; None: outcome unknown."""
    days_overdue: int
    """Days past the due date while the outcome is unknown (negative: still in the window; 0 once recorded)."""

    @property
    def status(self) -> str:
        """``recorded``, ``overdue`` or ``due``."""
        if self.result is not None:
            return "recorded"
        return "overdue" if self.days_overdue > 0 else "due"


@dataclass(frozen=True)
class ReturnedRecords:
    """One page of the records returned to an organisation, filtered and sorted, with what the filters offer."""

    records: tuple[ReturnedRecord, ...]
    total: int
    """How many records the filters select (every page)."""
    page: int
    pages: int
    per_page: int
    counts: dict[str, int]
    """How many records each status (of :data:`RECORD_STATUSES`) would select with the same exchange filter."""
    exchanges: tuple[tuple[str, str], ...]
    """The organisation's exchanges that returned records, as (reference, month), the latest month first."""


def _current_results(session: Session, organisation_id: str) -> dict[int, str]:
    """The latest current result's code of every disclosure made to the organisation that has one."""
    later = aliased(OutcomeEvent)
    rows = session.execute(
        select(OutcomeEvent.disclosure_id, OutcomeEvent.code, OutcomeEvent.event_date, OutcomeEvent.id)
        .join(Disclosure, Disclosure.id == OutcomeEvent.disclosure_id)
        .join(Exchange, Exchange.id == Disclosure.exchange_id)
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(
            AgreementVersion.requester_id == organisation_id,
            OutcomeEvent.kind == "result",
            ~select(later.id).where(later.supersedes_id == OutcomeEvent.id).exists(),
        )
        .order_by(OutcomeEvent.event_date, OutcomeEvent.id)  # the latest last: it wins below
    ).all()
    return {disclosure_id: code for disclosure_id, code, _day, _id in rows}


def _records(session: Session, organisation_id: str, today: date) -> list[ReturnedRecord]:
    results = _current_results(session, organisation_id)
    agreements = session.execute(
        select(AgreementVersion).where(AgreementVersion.requester_id == organisation_id)
    ).scalars()
    windows = {
        a.id: timedelta(days=_window_days(a.document, f"{a.agreement_id}@{a.version}")) for a in agreements
    }
    rows = session.execute(  # plain columns, not ORM objects: a caseworker's organisation may have many thousands
        select(
            Disclosure.id,
            Disclosure.request_ref,
            Disclosure.returned_at,
            Exchange.reference,
            Exchange.month,
            Exchange.agreement_pk,
        )
        .join(Exchange, Exchange.id == Disclosure.exchange_id)
        .where(Exchange.agreement_pk.in_(windows))
    ).all()
    records = []
    for disclosure_id, request_ref, returned_at, reference, month, agreement_pk in rows:
        returned = returned_at.date()  # read back in UTC
        deadline = returned + windows[agreement_pk]
        result = results.get(disclosure_id)
        records.append(
            ReturnedRecord(
                disclosure_id=disclosure_id,
                request_ref=request_ref,
                exchange=reference,
                exchange_month=month,
                returned_on=returned,
                due_on=deadline,
                result=result,
                days_overdue=0 if result is not None else (today - deadline).days,
            )
        )
    return records


def _selects(record: ReturnedRecord, status: str) -> bool:
    if status == "all":
        return True
    if status == "unknown":
        return record.result is None
    return record.status == status


def _sorted(records: list[ReturnedRecord], sort: str) -> list[ReturnedRecord]:
    if sort == "newest":
        return sorted(records, key=lambda r: (-r.returned_on.toordinal(), r.exchange, r.request_ref))
    if sort == "reference":
        return sorted(records, key=lambda r: (r.request_ref, r.exchange))
    # longest overdue first: unknown outcomes by due date, then the records with a result
    return sorted(records, key=lambda r: (r.result is not None, r.due_on, r.exchange, r.request_ref))


def returned_records(
    session: Session,
    *,
    organisation_id: str,
    today: date,
    status: str = "unknown",
    exchange: str | None = None,
    sort: str = "longest_overdue",
    page: int = 1,
    per_page: int = 25,
) -> ReturnedRecords:
    """The records returned to ``organisation_id``, filtered by status and exchange, sorted, one page of them.

    A page past the last gives the last page (a list that shrank while someone paged through it).

    Raises:
        InputError: a status or sort not in :data:`RECORD_STATUSES` / :data:`RECORD_SORTS` (field ``status`` or
            ``sort``), or a page below 1 (field ``page``).
    """
    if status not in RECORD_STATUSES:
        raise InputError(f"not a status to list; the statuses: {', '.join(RECORD_STATUSES)}", field="status")
    if sort not in RECORD_SORTS:
        raise InputError(f"not an order to list in; the orders: {', '.join(RECORD_SORTS)}", field="sort")
    if page < 1 or per_page < 1:
        raise InputError("pages are numbered from 1", field="page")
    everything = _records(session, organisation_id, today)
    months = {(r.exchange, r.exchange_month) for r in everything}
    in_exchange = [r for r in everything if exchange is None or r.exchange == exchange]
    by_status = Counter(r.status for r in in_exchange)
    counts = {**{name: by_status[name] for name in ("overdue", "due", "recorded")}, "all": len(in_exchange)}
    counts["unknown"] = counts["overdue"] + counts["due"]
    chosen = _sorted([r for r in in_exchange if _selects(r, status)], sort)
    pages = max(1, -(-len(chosen) // per_page))
    page = min(page, pages)
    return ReturnedRecords(
        records=tuple(chosen[(page - 1) * per_page : page * per_page]),
        total=len(chosen),
        page=page,
        pages=pages,
        per_page=per_page,
        counts=counts,
        exchanges=tuple(sorted(months, key=lambda m: (m[1], m[0]), reverse=True)),
    )
