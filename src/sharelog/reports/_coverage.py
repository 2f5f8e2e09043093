"""How much of the FOI's table a report answers: for each question and each month, quarter and year, whether the
report shows a figure for it.

The 2020 request asked, month by month: records sent, records returned, and of the returned — onward sharing
(police, Border Force, local government, other), interventions (removal, visa renewal, home visit, school visit),
outcome unknown. A (question × period) cell carries a figure when the report shows a count (0 included) for
every row the question is answered from, or the small-number mark (a count of 1 to 4: an answer, not a
refusal); ``c`` and ``x`` do not. Only whole calendar months, quarters and years inside the report's period are
counted, whether or not the report has a column for them: a period the report does not show is not answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sharelog.reports._report import Column, MonthlyReport, series_columns
from sharelog.reports._sdc import CONFIDENTIAL

__all__ = ["FOI_QUESTIONS", "PERIOD_LENGTHS", "Coverage", "coverage"]

FOI_QUESTIONS: dict[str, tuple[str, ...]] = {
    "Records sent (requested)": ("flow:received",),
    "Records returned": ("flow:returned",),
    "Shared onward: police": ("onward:police",),
    "Shared onward: Border Force": ("onward:border_force",),
    "Shared onward: local government": ("onward:local_authority",),
    "Shared onward: other": ("onward:other_government", "onward:overseas_authority"),
    "Intervention: removal": ("intervention:removal_directions",),
    "Intervention: visa renewal": ("result:leave_granted",),
    "Intervention: home visit": ("intervention:home_visit",),
    "Intervention: school visit": ("intervention:school_visit",),
    "Outcome unknown": ("result:outcome_unknown",),
}
"""Each question of the FOI's table and the rows of the report that answer it (all of them must show a figure)."""

PERIOD_LENGTHS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Coverage:
    """Per period length: how many (question × period) cells the report answers with a number, with a number or
    the small-number mark, and how many there are; and per question, the same counts."""

    numbers: Mapping[str, int]
    answered: Mapping[str, int]
    cells: Mapping[str, int]
    by_question: Mapping[tuple[str, str], tuple[int, int]]  # (question, period length) → (answered, cells)

    def share(self, length: str, *, marks: bool = True) -> float | None:
        """The share of ``length`` cells answered (None when the period holds no whole ``length``)."""
        if not self.cells[length]:
            return None
        return (self.answered if marks else self.numbers)[length] / self.cells[length]


def _whole_periods(months: tuple[str, ...]) -> dict[str, list[Column]]:
    """The whole calendar months, quarters and years inside ``months``."""
    lengths: dict[str, list[Column]] = {length: [] for length in PERIOD_LENGTHS}
    for column in series_columns(months):
        lengths[column.period].append(column)
    return lengths


def coverage(report: MonthlyReport) -> Coverage:
    """How much of the FOI's table ``report`` answers, by period length."""
    profile = report.profile
    mark = profile.small_symbol if profile is not None and profile.small_symbol != CONFIDENTIAL else None
    shown = {(column.key, column.months) for column in report.columns}
    numbers = dict.fromkeys(PERIOD_LENGTHS, 0)
    answered = dict.fromkeys(PERIOD_LENGTHS, 0)
    cells = dict.fromkeys(PERIOD_LENGTHS, 0)
    by_question: dict[tuple[str, str], tuple[int, int]] = {}
    for length, columns in _whole_periods(report.table.months).items():
        for question, rows in FOI_QUESTIONS.items():
            done = 0
            for column in columns:
                cells[length] += 1
                if (column.key, column.months) not in shown:
                    continue
                values = [report.values[(row, column.key)] for row in rows]
                if all(isinstance(v, int) for v in values):
                    numbers[length] += 1
                if all(isinstance(v, int) or v == mark for v in values):
                    answered[length] += 1
                    done += 1
            by_question[(question, length)] = (done, len(columns))
    return Coverage(numbers=numbers, answered=answered, cells=cells, by_question=by_question)
