"""Response letters: one letter, two renderings — Markdown and DOCX (python-docx) — from the same blocks.

A letter states the case reference, the dates (received, due, responded), the outcome, any exemptions with the
public-interest statement, the cost estimate of an s.12 refusal, the headline figures of an attached monthly
outcomes report with its disclosure-control notes, the internal-review route and the right to complain to the
Information Commissioner (FOIA s.50; under FOISA, review under s.20 and the Scottish Information Commissioner).

Letters are written for the authority's disclosure log: they never name the requester ("Dear requester"); the
case's contact details address the email or envelope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sharelog.foi._exemptions import Exemption
from sharelog.private_files import make_private, private_dir, write_private_bytes
from sharelog.reports import CONFIDENTIAL, Column, MissingFigure, MonthlyReport, monthly_sheets

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = [
    "CostEstimate",
    "HeadlineFigures",
    "Letter",
    "headline_figures",
    "letter_blocks",
    "letter_markdown",
    "missing_kinds",
    "report_notes",
    "write_letter_docx",
    "write_letter_markdown",
]

HEADLINE_ROWS = (
    ("flow", "received", "Records received from the requester"),
    ("flow", "returned", "Records returned to the requester"),
    ("result", "outcome_unknown", "Outcome unknown"),
)

OUTCOME_LABELS = {
    "successful": "Successful: the information is provided",
    "partially_successful": "Partially successful: some information provided, some withheld",
    "not_held": "Information not held",
    "rejected": "Refused: the information is exempt",
    "ncnd": "Refused: neither confirm nor deny",
    "s12_cost": "Refused: the cost of compliance exceeds the appropriate limit (s.12)",
    "s14": "Refused: vexatious or repeated request (s.14)",
}


@dataclass(frozen=True)
class CostEstimate:
    """An s.12 refusal's estimate against the appropriate limit."""

    hours: float
    rate: int  # pounds per hour
    limit: int  # pounds

    @property
    def cost(self) -> float:
        return self.hours * self.rate

    @property
    def limit_hours(self) -> float:
        return self.limit / self.rate


@dataclass(frozen=True)
class HeadlineFigures:
    """The figures a letter quotes for one column of the report (a year's total, or a lone month)."""

    column: str  # "Total 2019" or "March 2019"
    values: tuple[int | str, ...]  # in HEADLINE_ROWS order, as published (a count or a GSS symbol)
    labels: tuple[str, ...] = tuple(label for _, _, label in HEADLINE_ROWS)  # as the report labels the rows

    def value(self, key: str) -> int | str:
        index = [k for _, k, _ in HEADLINE_ROWS].index(key)
        return self.values[index]


@dataclass(frozen=True)
class Letter:
    """Everything a response letter says, before it is rendered."""

    reference: str
    title: str
    authority: str | None
    regime: str
    stage: str  # initial or internal_review
    outcome: str
    received_on: date
    statutory_due_on: date | None
    due_on: date | None
    extension_days: int
    responded_on: date
    exemptions: tuple[Exemption, ...] = ()
    public_interest: str | None = None
    cost: CostEstimate | None = None
    note: str | None = None
    report_title: str | None = None
    report_file: str | None = None
    headline: tuple[HeadlineFigures, ...] = ()
    figure_notes: tuple[str, ...] = ()
    review_by: date | None = None
    withheld: int = 0
    """How many figures of the attached report are withheld ([c])."""
    by_quarter: int = 0
    """How many month figures of the attached report are given by quarter and year instead ([x], the series rule):
    held, and withheld by month."""
    missing: tuple[MissingFigure, ...] = ()
    """The kinds of missing figure the attached report shows."""
    working_days_late: int = 0
    """Working days after the due date the response is sent (0: on time)."""


def _year_columns(report: MonthlyReport) -> list[Column]:
    """Each calendar year's total column, or the month's own column for a year with one month in the period."""
    chosen = []
    for year in sorted({m[:4] for m in report.table.months}):
        in_year = [c for c in report.columns if c.time_period == year]
        totals = [c for c in in_year if c.period == "year"]  # not a quarter's total (the series rule)
        chosen.append(totals[0] if totals else in_year[0])
    return chosen


def headline_figures(report: MonthlyReport) -> tuple[HeadlineFigures, ...]:
    """Received, returned and outcome unknown for each year of the report, as the report publishes them."""
    figures = []
    for column in _year_columns(report):
        rows = [report.table.row(key, section) for section, key, _ in HEADLINE_ROWS]
        values = tuple(report.cell(row, column) for row in rows)
        figures.append(HeadlineFigures(column.label, values, tuple(row.label for row in rows)))
    return tuple(figures)


def missing_kinds(report: MonthlyReport) -> tuple[MissingFigure, ...]:
    """The kinds of missing figure the report shows, in a fixed order."""
    shown = set(report.missing.values())
    return tuple(kind for kind in MissingFigure if kind in shown)


def report_notes(report: MonthlyReport) -> tuple[str, ...]:
    """What the figures mean, from the report itself: its legend, its rule and the definitions quoted."""
    monthly, _, notes = monthly_sheets(report)
    lines = [*monthly.subtitle, f"Disclosure control: {report.rule_text().rstrip('.')}."]
    defined = {report.table.row(key, section).label for section, key, _ in HEADLINE_ROWS}
    for row in notes.rows:
        if len(row.cells) == 2 and row.cells[0] in defined:
            lines.append(f"{row.cells[0]}: {row.cells[1]}")
    return tuple(lines)


# ----------------------------------------------------------------------------------------------------------
# blocks


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Table


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day is not None else "not set (clock paused)"


def _cell(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else value


def _act(letter: Letter) -> str:
    return "the Act" if letter.regime == "foia" else "FOISA"


def _details(letter: Letter) -> Table:
    due = _day(letter.due_on)
    if letter.working_days_late:
        days = "working day" if letter.working_days_late == 1 else "working days"
        due += f" — this response is {letter.working_days_late} {days} late"
    elif letter.extension_days:
        due += (
            f" ({letter.extension_days} working days added to consider the public interest; "
            f"20 working days after receipt: {_day(letter.statutory_due_on)})"
        )
    else:
        due += " (20 working days after receipt)"
    if letter.working_days_late and letter.extension_days:
        due += f" ({letter.extension_days} working days were added to consider the public interest)"
    rows = [
        ("Case reference", letter.reference),
        ("Request", letter.title),
        ("Received", _day(letter.received_on)),
        ("Response due", due),
        ("Response date", _day(letter.responded_on)),
        ("Outcome", OUTCOME_LABELS[letter.outcome]),
    ]
    if letter.stage == "internal_review":
        rows.insert(4, ("Stage", "Internal review"))
    if letter.report_file:
        rows.append(("Attached", letter.report_file))
    return Table(("", ""), tuple(rows))


def _outcome_paragraphs(letter: Letter) -> list[str]:
    act = _act(letter)
    attached = f" in the attached workbook, {letter.report_file}" if letter.report_file else ""
    texts = {
        "successful": f"We hold the information you asked for, and it is provided{attached}.",
        "partially_successful": (
            f"We hold the information you asked for. Part of it is provided{attached}; the rest is withheld under "
            f"the exemptions set out below (section 17(1) of {act})."
        ),
        "not_held": f"We do not hold the information you asked for (section 1(1)(a) of {act}).",
        "rejected": (
            "We hold the information you asked for, but it is exempt from disclosure under the exemptions set out "
            f"below, and we are withholding it (section 17(1) of {act})."
        ),
        "ncnd": (
            "We can neither confirm nor deny whether we hold the information you asked for: confirming or denying "
            "would itself disclose exempt information. The provisions relied on are set out below."
        ),
        "s12_cost": (
            f"We are not obliged to comply with your request because the cost of compliance would exceed the "
            f"appropriate limit (section 12 of {act}). Our estimate is set out below."
        ),
        "s14": (
            "We are not obliged to comply with your request because it is vexatious or repeated "
            f"(section 14 of {act})."
        ),
    }
    opening = []
    if letter.working_days_late:
        days = "working day" if letter.working_days_late == 1 else "working days"
        opening.append(
            f"We are sorry that this response is late. It was due by {_day(letter.due_on)}, and we are sending it "
            f"{letter.working_days_late} {days} after that. Section 10 of {act} requires a response promptly and "
            "within 20 working days; we did not meet that, and you may raise the delay in an internal review or with "
            "the Information Commissioner."
            if letter.regime == "foia"
            else f"We are sorry that this response is late. It was due by {_day(letter.due_on)}, and we are sending "
            f"it {letter.working_days_late} {days} after that, later than section 10 of {act} requires."
        )
    if letter.stage == "internal_review":
        opening.append(
            "We have completed the internal review you asked for. It was carried out afresh by someone not involved "
            "in the original response. Its outcome follows."
        )
    return [*opening, texts[letter.outcome]]


def _exemption_blocks(letter: Letter) -> list[Block]:
    if not letter.exemptions:
        return []
    ncnd = letter.outcome == "ncnd"
    header = (
        "Section",
        "Exemption",
        "Absolute or qualified",
        *(("Neither confirm nor deny",) if ncnd else ()),
    )
    rows = tuple(
        (f"s.{e.citation}", e.title, e.kind, *((f"s.{e.ncnd}",) if ncnd else ())) for e in letter.exemptions
    )
    blocks: list[Block] = [Heading("Exemptions applied", 2), Table(header, rows)]
    if any(not e.absolute for e in letter.exemptions):
        blocks.append(Heading("The public interest test", 3))
        blocks.append(
            Paragraph(
                "The qualified exemptions above apply only where the public interest in maintaining the exemption "
                "outweighs the public interest in disclosure (section 2). Our reasons:"
            )
        )
        blocks.append(Paragraph(letter.public_interest or ""))
    if all(e.absolute for e in letter.exemptions):
        these = "This exemption is" if len(letter.exemptions) == 1 else "These exemptions are"
        blocks.append(Paragraph(f"{these} absolute: no public interest test applies."))
    return blocks


def _cost_blocks(letter: Letter) -> list[Block]:
    cost = letter.cost
    if cost is None:
        return []
    regulations = (
        "the Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004"
        if letter.regime == "foia"
        else "the Freedom of Information (Fees for Required Disclosure) (Scotland) Regulations 2004"
    )
    return [
        Heading("The cost of compliance", 2),
        Paragraph(
            f"We estimate that compliance would take {cost.hours:g} hours of staff time. At £{cost.rate} an hour "
            f"that is £{cost.cost:,.2f}, above the appropriate limit of £{cost.limit} ({cost.limit_hours:g} hours) "
            f"set by {regulations}. Only determining whether the information is held, locating, retrieving and "
            "extracting it are counted."
        ),
        Paragraph(
            "To help you (section 16 of the Act), we suggest narrowing the request — for example a shorter period or "
            "fewer items — so that it can be answered within the limit. A narrowed request is a new request."
        ),
    ]


def _report_blocks(letter: Letter) -> list[Block]:
    if letter.report_file is None:
        return []
    header = ("Measure", *(h.column for h in letter.headline))
    rows = tuple(
        (label, *(_cell(h.values[i]) for h in letter.headline))
        for i, label in enumerate(
            letter.headline[0].labels if letter.headline else HeadlineFigures("", ()).labels
        )
    )
    return [
        Heading("The information", 2),
        Paragraph(
            f'The attached workbook, {letter.report_file}, is the report "{letter.report_title}": months as '
            "columns, with the records received and returned and, of the returned, onward sharing, interventions "
            "and each record's latest result, including where the outcome is unknown. Its headline figures:"
        ),
        Table(header, rows),
        *_missing_blocks(letter),
        Heading("About these figures", 3),
        Bullets(letter.figure_notes),
    ]


def _missing_blocks(letter: Letter) -> list[Block]:
    """What the symbols in the workbook mean for the request: withheld, not held, or not applicable."""
    blocks: list[Block] = []
    exemption = (
        "They are exempt under section 40(2) of the Act: personal information about people other than you, "
        "whose disclosure would breach the data protection principles. This exemption is absolute, so no public "
        "interest test applies."
        if letter.regime == "foia"
        else "They are personal information about people other than you, whose disclosure would breach the data "
        "protection principles."
    )
    if letter.withheld or letter.by_quarter:
        blocks.append(Heading("Information withheld", 3))
    if letter.by_quarter:
        blocks.append(
            Paragraph(
                f"What happened to the returned records — onward sharing, interventions and results — is given for "
                f"each quarter and each year, not for each month: the {letter.by_quarter} month figures are shown "
                f"as {MissingFigure.BY_QUARTER.symbol} in the month columns. We hold them, but so few records are "
                "returned each month that a monthly breakdown could identify the children and families counted. "
                + (
                    "Where the period you asked about holds only part of a quarter, that part is not given either: "
                    "set against the whole quarter, published later, it would give away a month. "
                    if MissingFigure.PART_QUARTER in letter.missing
                    else ""
                )
                + exemption
            )
        )
    if letter.withheld:
        figures = "figure" if letter.withheld == 1 else "figures"
        blocks += [
            Paragraph(
                f"{letter.withheld} {figures} in the workbook are withheld and shown as {CONFIDENTIAL}. Each is a "
                "small count of people, or a figure withheld as well so that a small count cannot be worked out "
                "from the others. The people counted are children and their families: with what can be known "
                f"locally, a small count could identify them. {exemption}"
            ),
        ]
    not_held = [
        k
        for k in letter.missing
        if k.symbol != CONFIDENTIAL
        and k not in (MissingFigure.NOT_APPLICABLE, MissingFigure.BY_QUARTER, MissingFigure.PART_QUARTER)
    ]
    if not_held:
        symbol = not_held[0].symbol
        reasons = "; or ".join(k.explanation for k in not_held)
        blocks += [
            Heading("Information not held", 3),
            Paragraph(
                f"Figures shown as {symbol} are not withheld: we do not hold them, because {reasons}. None of them "
                "is a 0."
            ),
        ]
    if MissingFigure.NOT_APPLICABLE in letter.missing:
        kind = MissingFigure.NOT_APPLICABLE
        blocks.append(
            Paragraph(
                f"Figures shown as {kind.symbol} do not apply: {kind.explanation}. They are not 0 either."
            )
        )
    return blocks


def _rights_blocks(letter: Letter) -> list[Block]:
    blocks: list[Block] = [Heading("Your right to a review and to complain", 2)]
    if letter.regime == "foisa":
        if letter.stage == "initial":
            blocks.append(
                Paragraph(
                    "If you are dissatisfied with this response, you may require us to review it (section 20 of "
                    f"FOISA). Please write to us within 40 working days of receiving it — by {_day(letter.review_by)}"
                    f" — quoting reference {letter.reference}. We will reply within 20 working days."
                )
            )
        blocks.append(
            Paragraph(
                "If you remain dissatisfied after our review, you may apply to the Scottish Information Commissioner "
                "for a decision (section 47 of FOISA), normally within six months of receiving our review response."
            )
        )
        return blocks
    if letter.stage == "initial":
        blocks.append(
            Paragraph(
                "If you are dissatisfied with this response, you may ask for an internal review. Please write to us "
                f"within 40 working days of the date of this response — by {_day(letter.review_by)} — quoting "
                f"reference {letter.reference}. The review will be carried out by someone not involved in this "
                "response, normally within 20 working days."
            )
        )
        blocks.append(
            Paragraph(
                "If you remain dissatisfied after the internal review, you have the right to complain to the "
                "Information Commissioner under section 50 of the Freedom of Information Act 2000: Information "
                "Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF (ico.org.uk)."
            )
        )
    else:
        blocks.append(
            Paragraph(
                "If you remain dissatisfied, you have the right to complain to the Information Commissioner under "
                "section 50 of the Freedom of Information Act 2000: Information Commissioner's Office, Wycliffe "
                "House, Water Lane, Wilmslow, Cheshire SK9 5AF (ico.org.uk)."
            )
        )
    return blocks


def letter_blocks(letter: Letter) -> list[Block]:
    """The letter as headings, paragraphs, bullets and tables, in order."""
    kind = "Freedom of Information"
    if letter.stage == "internal_review":
        kind = f"Internal review of {kind}"
    law = "(Scotland) " if letter.regime == "foisa" else ""
    blocks: list[Block] = [Heading(f"{kind} {law}request {letter.reference}", 1)]
    if letter.authority:
        blocks.append(Paragraph(letter.authority))
    blocks.append(_details(letter))
    blocks.append(Paragraph("Dear requester,"))
    blocks.append(Paragraph(f'Thank you for your request of {_day(letter.received_on)}, "{letter.title}".'))
    blocks.extend(Paragraph(text) for text in _outcome_paragraphs(letter))
    blocks.extend(_report_blocks(letter))
    blocks.extend(_exemption_blocks(letter))
    blocks.extend(_cost_blocks(letter))
    if letter.note:
        blocks.extend([Heading("Further information", 2), Paragraph(letter.note)])
    blocks.extend(_rights_blocks(letter))
    blocks.append(Paragraph("Yours sincerely,"))
    blocks.append(Paragraph(f"{letter.authority + ' ' if letter.authority else ''}FOI team"))
    return blocks


# ----------------------------------------------------------------------------------------------------------
# Markdown


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_table(table: Table) -> list[str]:
    header = table.header if any(table.header) else tuple(" " for _ in table.header)
    lines = [
        "| " + " | ".join(_md_cell(h) or " " for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows)
    return lines


def letter_markdown(letter: Letter) -> str:
    """The letter in Markdown."""
    lines: list[str] = []
    for block in letter_blocks(letter):
        if isinstance(block, Heading):
            lines.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines.extend(f"- {item}" for item in block.items)
        else:
            lines.extend(_md_table(block))
        lines.append("")
    return "\n".join(lines)


def write_letter_markdown(letter: Letter, path: Path) -> Path:
    """Write the letter as Markdown (UTF-8) to ``path``, readable by its owner only (it names the requester)."""
    private_dir(path.parent)
    return write_private_bytes(path, letter_markdown(letter).encode("utf-8"), sync=False)


# ----------------------------------------------------------------------------------------------------------
# DOCX


def write_letter_docx(letter: Letter, path: Path) -> Path:
    """Write the letter as a Word document (python-docx) to ``path``."""
    from docx import Document  # imported here: only letters need it

    document = Document()
    properties = document.core_properties
    properties.title = f"FOI {letter.reference}: response"
    properties.author = letter.authority or "sharelog"
    properties.subject = letter.title
    for block in letter_blocks(letter):
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        else:
            _docx_table(document, block)
    private_dir(path.parent)
    document.save(str(path))
    return make_private(path)  # python-docx writes with the umask; the letter names the requester


def _docx_table(document: DocxDocument, table: Table) -> None:
    with_header = any(table.header)
    rows: Sequence[tuple[str, ...]] = [table.header, *table.rows] if with_header else list(table.rows)
    grid = document.add_table(rows=len(rows), cols=len(table.header))
    grid.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = grid.cell(r, c)
            cell.text = text
            if (with_header and r == 0) or (not with_header and c == 0):
                for run in cell.paragraphs[0].runs:
                    run.bold = True
