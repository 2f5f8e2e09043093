"""Figures a report cannot give, each marked for its reason and never shown as 0.

A published table has four kinds of missing figure, each shown with the Government Analysis Function's shorthand
("Using symbols and shorthand", 2022: a letter in square brackets, explained where it is used):

- **No exchange that month** — ``[x]`` (not available): the ledger holds no batch for the month, either because the
  month comes before the first exchange it holds (``before_first_exchange``) or because none was sent
  (``no_exchange``). A total over months none of which had an exchange is ``[x]`` too; a total over some of them
  counts the months that had one.
- **Outcome not yet due** — ``[x]``: some record returned that month has no result and its agreement's
  outcome-reporting window is still open on the day the report is made, so what happened to that month's records
  is not known yet (``outcome_not_yet_due``). Every outcome row of the month, and of any total over it, is marked.
- **Not applicable under the agreement** — ``[z]``: an onward-sharing recipient that none of the agreement versions
  the month's exchanges ran under permits, with nothing recorded (``not_applicable``). A share that *was* recorded
  is counted whatever the agreement says: hiding it would hide a breach.
- **Suppressed** — ``[c]`` (confidential): withheld by disclosure control (``suppressed``). Which cells are
  suppressed is decided in ``_sdc.py``; this module only names them.
- **Published by quarter** — ``[x]``: under the series rule, a month's onward sharing, interventions and results
  are not published; its quarter's and year's are (``published_by_quarter``). When the report's period holds only
  part of the month's quarter (a period ending in August), that quarter has no column either: its figures are
  published by a report covering the whole quarter (``published_with_whole_quarter``), never as part of one,
  which two publications would subtract to a month.

Marks are laid over the figures after disclosure control. Each one hides a figure the rule would otherwise have
shown, so the published table only ever says less than the rule allowed, never more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange
from sharelog.outcomes import due_on
from sharelog.reports._monthly import MonthlyTable, latest_results
from sharelog.reports._period import month_label
from sharelog.reports._sdc import CONFIDENTIAL, GSS_SYMBOLS, NOT_APPLICABLE, UNAVAILABLE, Cell

__all__ = [
    "MISSING_SYMBOLS",
    "OUTCOME_SECTIONS",
    "MissingContext",
    "MissingFigure",
    "missing_context",
    "missing_figures",
    "symbol_lines",
]

OUTCOME_SECTIONS = ("onward", "intervention", "result", "people")
"""The sections that say what happened to the returned records: unknown until their outcomes are due."""


class MissingFigure(StrEnum):
    """Why a report shows a symbol instead of a figure."""

    BEFORE_FIRST_EXCHANGE = "before_first_exchange"
    NO_EXCHANGE = "no_exchange"
    NOT_YET_DUE = "outcome_not_yet_due"
    NOT_APPLICABLE = "not_applicable"
    SUPPRESSED = "suppressed"
    BY_QUARTER = "published_by_quarter"
    PART_QUARTER = "published_with_whole_quarter"

    @property
    def symbol(self) -> str:
        return MISSING_SYMBOLS[self]

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


MISSING_SYMBOLS: dict[MissingFigure, str] = {
    MissingFigure.BEFORE_FIRST_EXCHANGE: UNAVAILABLE,
    MissingFigure.NO_EXCHANGE: UNAVAILABLE,
    MissingFigure.NOT_YET_DUE: UNAVAILABLE,
    MissingFigure.NOT_APPLICABLE: NOT_APPLICABLE,
    MissingFigure.SUPPRESSED: CONFIDENTIAL,
    MissingFigure.BY_QUARTER: UNAVAILABLE,
    MissingFigure.PART_QUARTER: UNAVAILABLE,
}

_EXPLANATIONS = {
    MissingFigure.BEFORE_FIRST_EXCHANGE: (
        "the month comes before the first exchange the ledger holds, so the ledger has no figures for it"
    ),
    MissingFigure.NO_EXCHANGE: "no batch of requests was exchanged that month",
    MissingFigure.NOT_YET_DUE: (
        "outcomes of records returned that month are not yet due (the agreement's outcome-reporting window is "
        "still open), so what happened to them is not known yet"
    ),
    MissingFigure.NOT_APPLICABLE: (
        "the agreement versions in force for the month's exchanges do not provide for sharing with this recipient, "
        "and none was recorded"
    ),
    MissingFigure.SUPPRESSED: (
        "withheld to protect the people counted (a small count, or a figure withheld so that one cannot be worked "
        "out)"
    ),
    MissingFigure.BY_QUARTER: (
        "not published by month: what happened to the returned records is published for each quarter and year "
        "(the series rule; about 20 records are returned a month)"
    ),
    MissingFigure.PART_QUARTER: (
        "not published by month, and the month's quarter is not wholly in this report's period: its figures are "
        "published in a report that covers the whole quarter (a part quarter would give away a month)"
    ),
}


@dataclass(frozen=True)
class MissingContext:
    """What the ledger says about the months of a report, beyond its counts."""

    first_exchange: str | None
    """The first month with an exchange in the ledger (for the report's agreement), or None."""
    exchange_months: frozenset[str]
    """The report's months that had an exchange."""
    not_yet_due: Mapping[str, date]
    """Months with a returned record whose outcome is unknown and not yet due → the last such due date."""
    permitted: Mapping[str, frozenset[str]]
    """Each exchange month → the onward recipients its exchanges' agreement versions permit."""


def missing_context(
    session: Session, *, months: Sequence[str], agreement_id: str | None, today: date
) -> MissingContext:
    """Read from the ledger what :func:`missing_figures` needs for ``months`` (``today``: the report's day)."""
    chosen = select(Exchange).join(AgreementVersion)
    if agreement_id is not None:
        chosen = chosen.where(AgreementVersion.agreement_id == agreement_id)
    first = session.execute(
        chosen.with_only_columns(Exchange.month).order_by(Exchange.month).limit(1)
    ).scalar_one_or_none()
    exchanges = (
        session.execute(chosen.where(Exchange.month.in_(months)).options(selectinload(Exchange.agreement)))
        .scalars()
        .all()
    )
    permitted: dict[str, set[str]] = {}
    for exchange in exchanges:
        allowed = exchange.agreement.document.get("onward_recipients") or ()
        permitted.setdefault(exchange.month, set()).update(allowed)
    disclosures = (
        session.execute(
            select(Disclosure)
            .where(Disclosure.exchange_id.in_([e.id for e in exchanges]))
            .options(selectinload(Disclosure.exchange).selectinload(Exchange.agreement))
        )
        .scalars()
        .all()
    )
    results = latest_results(session, [d.id for d in disclosures])
    pending: dict[str, date] = {}
    for disclosure in disclosures:
        if results[disclosure.id] is not None:
            continue
        due = due_on(disclosure)
        if due >= today:  # on its due date an outcome is still on time
            month = disclosure.exchange.month
            pending[month] = max(due, pending.get(month, due))
    return MissingContext(
        first_exchange=first,
        exchange_months=frozenset(permitted),
        not_yet_due=pending,
        permitted={month: frozenset(names) for month, names in permitted.items()},
    )


def _column_mark(
    section: str,
    key: str,
    months: Sequence[str],
    exact: int,
    context: MissingContext,
) -> MissingFigure | None:
    """The mark of one cell (a month, or a total over ``months``), before disclosure control is considered."""
    held = [m for m in months if m in context.exchange_months]
    if not held:
        first = context.first_exchange
        if first is None or all(m < first for m in months):
            return MissingFigure.BEFORE_FIRST_EXCHANGE
        return MissingFigure.NO_EXCHANGE
    if section in OUTCOME_SECTIONS and any(m in context.not_yet_due for m in held):
        return MissingFigure.NOT_YET_DUE
    if section == "onward" and exact == 0 and all(key not in context.permitted[m] for m in held):
        return MissingFigure.NOT_APPLICABLE
    return None


def missing_figures(
    table: MonthlyTable,
    columns: Iterable[tuple[str, Sequence[str]]],
    *,
    exact: Mapping[Cell, int],
    suppressed: Iterable[Cell],
    context: MissingContext,
) -> dict[Cell, MissingFigure]:
    """Every cell of the report that shows a symbol, and why.

    Args:
        table: the exact monthly table.
        columns: each column's key and the months it covers.
        exact: each shown cell's exact count.
        suppressed: the cells disclosure control withheld.
        context: from :func:`missing_context`.
    """
    marks: dict[Cell, MissingFigure] = {cell: MissingFigure.SUPPRESSED for cell in suppressed}
    for column, months in columns:
        for row in table.rows:
            cell = (f"{row.section}:{row.key}", column)
            mark = _column_mark(row.section, row.key, months, exact[cell], context)
            if mark is not None:
                marks[cell] = mark
    return marks


def counted(marks: Mapping[Cell, MissingFigure]) -> Counter[MissingFigure]:
    """How many cells carry each mark."""
    return Counter(marks.values())


def symbol_lines(marks: Iterable[MissingFigure]) -> list[str]:
    """One line per symbol the marks use, in a fixed order, e.g. ``[x] = not available: …``."""
    used = set(marks)
    lines = []
    for symbol in (CONFIDENTIAL, UNAVAILABLE, NOT_APPLICABLE):
        reasons = [m for m in MissingFigure if m in used and m.symbol == symbol]
        if reasons:
            meaning = GSS_SYMBOLS[symbol].split(":")[0]
            lines.append(f"{symbol} = {meaning}: " + "; or ".join(m.explanation for m in reasons) + ".")
    return lines


def months_without_exchange(months: Sequence[str], context: MissingContext) -> list[str]:
    """The report's months that had no exchange, as labels (``July 2015``)."""
    return [month_label(m) for m in months if m not in context.exchange_months]
