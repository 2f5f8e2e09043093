"""Importing an outcomes file (docs/design.md §3): every row valid or nothing imported, in one transaction.

Columns: ``disclosure_id`` — or ``request_id`` with ``exchange_id`` (the exchange's reference, e.g.
``EX-2019-03-1a2b3c4d``) — then ``kind``, ``code``, ``date`` and optionally ``children_affected``,
``family_members_affected`` and ``note``. Every problem of every row is reported together, each with its row and
field and never with the value found there: a note, or a value in the wrong column, may be personal data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, InputError, Problem, ValidationFailed
from sharelog.ledger.audit import append_audit_event
from sharelog.ledger.models import MAX_INTEGER, AgreementVersion, AuditEvent, Disclosure, Exchange
from sharelog.outcomes._events import OutcomesImported
from sharelog.outcomes._files import read_outcomes_table
from sharelog.outcomes._record import add_outcome_event, event_problems, outside_agreement
from sharelog.outcomes._taxonomy import PEOPLE_FIELDS, taxonomy_problems
from sharelog.spreadsheets import neutralise

__all__ = ["IMPORT_COLUMNS", "ImportResult", "import_outcomes", "import_template"]

IMPORT_COLUMNS = (
    "disclosure_id",
    "request_id",
    "exchange_id",
    "kind",
    "code",
    "date",
    "children_affected",
    "family_members_affected",
    "note",
)
REQUIRED_COLUMNS = ("kind", "code", "date")


def import_template(records: Iterable[tuple[int, str, str]] = ()) -> str:
    """An outcomes file to fill in (CSV text): the columns the importer reads, then a row for each record given as
    ``(disclosure_id, request_id, exchange_id)`` with the rest blank — to fill in kind, code and date.

    A request reference a spreadsheet would take for a formula is left out of its row (the importer would read
    it back changed): the row's ``disclosure_id`` names the record alone.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    for disclosure_id, request_ref, exchange in records:
        safe = neutralise(request_ref) == request_ref and neutralise(exchange) == exchange
        named = (request_ref, exchange) if safe else ("", "")
        writer.writerow([disclosure_id, *named, *[""] * (len(IMPORT_COLUMNS) - 3)])
    return out.getvalue()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ImportResult:
    """What an import recorded: the events (in file order), how many of each kind, and flagged onward shares."""

    file: Path
    checksum: str
    events: tuple[int, ...]
    by_kind: dict[str, int]
    outside_agreement_rows: tuple[int, ...]
    """Rows recording an onward share to a recipient the agreement does not permit (recorded, and flagged)."""

    @property
    def recorded(self) -> int:
        """How many outcome events were recorded."""
        return len(self.events)


@dataclass(frozen=True)
class _Row:
    number: int
    disclosure: Disclosure
    kind: str
    code: str
    event_date: date
    people: dict[str, int | None]
    note: str | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a workbook stores 42 as 42.0
        return str(int(value))
    return str(value).strip()


def _whole_number(value: Any) -> tuple[bool, int | None]:
    """(readable, number): blank reads as None; 3, 3.0 and "3" as 3; anything else is unreadable."""
    if isinstance(value, bool):
        return False, None
    if isinstance(value, int):
        return True, value
    text = _text(value)
    if not text:
        return True, None
    try:
        return True, int(text)
    except ValueError:
        return False, None


def _event_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _column_problems(file: str, columns: tuple[str, ...]) -> list[Problem]:
    present = set(columns)
    if not present & set(IMPORT_COLUMNS):
        # most likely a file saved without its header, its first row of data where the names go: say so, and
        # quote none of it
        return [
            Problem(
                file,
                f"the first row names none of the columns of an outcomes file ({', '.join(IMPORT_COLUMNS)}); "
                "is the header row missing?",
                1,
            )
        ]
    problems = [
        Problem(
            file, f"not a column of an outcomes file; the columns are {', '.join(IMPORT_COLUMNS)}", 1, name
        )
        for name in columns
        if name not in IMPORT_COLUMNS
    ]
    problems += [Problem(file, "missing column", 1, name) for name in REQUIRED_COLUMNS if name not in present]
    pair = {"request_id", "exchange_id"} & present
    if len(pair) == 1:
        (alone,) = pair
        problems.append(Problem(file, "request_id and exchange_id go together; add the other", 1, alone))
    elif not pair and "disclosure_id" not in present:
        problems.append(
            Problem(
                file, "no column names the disclosure: add disclosure_id, or request_id and exchange_id", 1
            )
        )
    return problems


class _Disclosures:
    """Finds the disclosure a row names, by id or by exchange reference and request reference — among those
    made to ``organisation_id`` when it is given (another organisation's look as if they did not exist)."""

    def __init__(self, session: Session, organisation_id: str | None = None) -> None:
        self.session = session
        self.organisation_id = organisation_id
        self.exchanges: dict[str, int | None] = {}

    def by_id(self, text: str) -> tuple[Disclosure | None, str | None]:
        readable, number = _whole_number(text)
        if not readable or number is None or number <= 0:
            return None, "not a disclosure id (a whole number)"
        found = self.session.get(Disclosure, number) if number <= MAX_INTEGER else None
        if found is not None and self.organisation_id is not None:
            found = found if found.exchange.agreement.requester_id == self.organisation_id else None
        return found, None if found is not None else "no disclosure with this id in the ledger"

    def by_reference(self, exchange: str, request: str) -> tuple[Disclosure | None, tuple[str, str] | None]:
        if exchange not in self.exchanges:
            query = select(Exchange.id).where(Exchange.reference == exchange)
            if self.organisation_id is not None:
                query = query.join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk).where(
                    AgreementVersion.requester_id == self.organisation_id
                )
            self.exchanges[exchange] = self.session.execute(query).scalar_one_or_none()
        exchange_pk = self.exchanges[exchange]
        if exchange_pk is None:
            return None, ("exchange_id", "no exchange with this reference in the ledger")
        found = self.session.execute(
            select(Disclosure).where(Disclosure.exchange_id == exchange_pk, Disclosure.request_ref == request)
        ).scalar_one_or_none()
        if found is None:
            return None, ("request_id", "no record was returned for this request in that exchange")
        return found, None


def _disclosure_of(
    file: str, number: int, values: dict[str, Any], disclosures: _Disclosures
) -> tuple[Disclosure | None, list[Problem]]:
    problems: list[Problem] = []
    by_id = by_reference = None
    id_text = _text(values.get("disclosure_id"))
    request, exchange = _text(values.get("request_id")), _text(values.get("exchange_id"))
    if id_text:
        by_id, message = disclosures.by_id(id_text)
        if message:
            problems.append(Problem(file, message, number, "disclosure_id"))
    if request and exchange:
        by_reference, failure = disclosures.by_reference(exchange, request)
        if failure:
            problems.append(Problem(file, failure[1], number, failure[0]))
    elif request or exchange:
        missing = "exchange_id" if request else "request_id"
        problems.append(Problem(file, "missing; request_id and exchange_id go together", number, missing))
    elif not id_text:
        problems.append(
            Problem(file, "names no disclosure: fill disclosure_id, or request_id and exchange_id", number)
        )
    if by_id is not None and by_reference is not None and by_id.id != by_reference.id:
        problems.append(
            Problem(
                file, "names a different disclosure from request_id and exchange_id", number, "disclosure_id"
            )
        )
        return None, problems
    return by_id or by_reference, problems


def _parse_row(
    file: str, number: int, values: dict[str, Any], disclosures: _Disclosures, today: date
) -> tuple[_Row | None, list[Problem]]:
    # a NUL is never text a person typed (a damaged or binary file), and PostgreSQL cannot store one
    damaged = [name for name, value in values.items() if isinstance(value, str) and "\x00" in value]
    if damaged:
        return None, [
            Problem(file, "holds a NUL character (a damaged file?)", number, name) for name in damaged
        ]
    disclosure, problems = _disclosure_of(file, number, values, disclosures)
    kind, code = _text(values.get("kind")), _text(values.get("code"))
    people: dict[str, int | None] = {}
    for field in PEOPLE_FIELDS:
        readable, people[field] = _whole_number(values.get(field))
        if not readable:
            problems.append(Problem(file, "must be a whole number, 0 or more", number, field))
    event_date = _event_date(values.get("date"))
    if event_date is None:
        message = "missing" if not _text(values.get("date")) else "not a date written YYYY-MM-DD"
        problems.append(Problem(file, message, number, "date"))
    if disclosure is not None:
        found = event_problems(
            disclosure, kind=kind, code=code, event_date=event_date, people=people, today=today
        )
    else:
        found = taxonomy_problems(kind, code, people)
    problems += [Problem(file, message, number, field) for field, message in found]
    if problems or disclosure is None or event_date is None:
        return None, problems
    note = _text(values.get("note")) or None
    return _Row(number, disclosure, kind, code, event_date, people, note), []


def _refuse_repeat(session: Session, file: str, checksum: str) -> None:
    earlier = session.execute(
        select(AuditEvent)
        .where(AuditEvent.action == OutcomesImported.action, AuditEvent.object_id == checksum)
        .limit(1)
    ).scalar_one_or_none()
    if earlier is not None:
        raise Conflict(
            f"{file}: this file (same sha256) was already imported on {earlier.occurred_at:%Y-%m-%d} by "
            f"{earlier.actor}; nothing was imported again"
        )


def import_outcomes(
    session: Session,
    *,
    path: Path,
    recorded_by: str,
    today: date | None = None,
    organisation_id: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Record every outcome event in an outcomes file, or none of them, in the caller's transaction.

    The rows are checked as :func:`record_outcome` checks one event; if any row has a problem, nothing is
    recorded and every problem is raised together. Each event gets its own audit event (``outcome-recorded``,
    with the file's sha256 and the row), and the file one ``outcomes-imported`` event. The same file (by sha256)
    cannot be imported twice. Corrections are not imported: record them with ``supersedes``.

    Args:
        path: the CSV or XLSX file.
        recorded_by: who records the events.
        today: the date "after today" is measured from; default: the clock.
        organisation_id: the requester organisation importing: a row naming a disclosure made to another
            organisation is a problem, worded as for one that does not exist (None: any disclosure).
        name: how problems name the file (an upload's own name rather than where it was saved); default: the path.

    Raises:
        InputError: no such file, not CSV or XLSX, or no ``recorded_by``.
        ValidationFailed: the file cannot be read, or some row has a problem (every one listed).
        Conflict: this very file was imported before.
    """
    if not recorded_by.strip():
        raise InputError("recorded_by: name the person recording the outcomes")
    table = read_outcomes_table(path, name=name)
    file = table.source
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    _refuse_repeat(session, name or str(path), checksum)
    column_problems = _column_problems(file, table.columns)
    if column_problems:
        raise ValidationFailed(column_problems)
    if not table.rows and not table.problems:
        raise ValidationFailed([Problem(file, "no outcome rows under the header")])
    disclosures = _Disclosures(session, organisation_id)
    rows: list[_Row] = []
    problems: list[Problem] = list(table.problems)
    for number, values in table.rows:
        row, row_problems = _parse_row(file, number, values, disclosures, today or date.today())
        problems += row_problems
        if row is not None:
            rows.append(row)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: p.row or 0))
    events = []
    flagged = []
    for row in rows:
        event = add_outcome_event(
            session,
            row.disclosure,
            kind=row.kind,
            code=row.code,
            event_date=row.event_date,
            recorded_by=recorded_by,
            people=row.people,
            note=row.note,
            audit_detail={"file_sha256": checksum, "row": row.number},
        )
        events.append(event.id)
        if outside_agreement(event):
            flagged.append(row.number)
    by_kind = dict(Counter(row.kind for row in rows))
    append_audit_event(
        session,
        OutcomesImported(
            actor=recorded_by,
            object_type="outcomes_file",
            object_id=checksum,
            detail={"events": len(events), "by_kind": by_kind, "outside_agreement": len(flagged)},
        ),
    )
    return ImportResult(
        file=path,
        checksum=checksum,
        events=tuple(events),
        by_kind=by_kind,
        outside_agreement_rows=tuple(flagged),
    )
