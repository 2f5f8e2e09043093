"""Responses and letters — and the acceptance test: the seed request, entered as a case, answered with the monthly
outcomes report; letter and workbook produced, their figures the same and matching the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sharelog.errors import Conflict, ValidationFailed
from sharelog.foi import (
    HEADLINE_ROWS,
    ResponseResult,
    case_folder,
    letter_markdown,
    read_case,
    request_review,
    respond,
)
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.ledger.models import Disclosure, Exchange, FoiResponse, OutcomeEvent
from sharelog.reports import SERIES, month_range

from ..worlds import (
    GOLDEN,
    SEED_DUE,
    SEED_RECEIVED,
    SEED_REFERENCE,
    TODAY,
    Backend,
    WorldFactory,
    open_seed_case,
)

D = date
YEAR_2019 = month_range("2019-01", "2019-12")
RESPONDED = D(2020, 9, 9)


GOLDEN_AND_THE_SEED_CASE = GOLDEN.in_session(
    "the seed case about 2015-07..2020-08",
    lambda session: open_seed_case(session, about=month_range("2015-07", "2020-08")),
)


@pytest.fixture
def golden(worlds: WorldFactory, ledger_backend: Backend, tmp_path: Path) -> Iterator[Engine]:
    """The reports' small golden ledger (January to March 2019), on SQLite and PostgreSQL, and the seed case
    asking about July 2015 to August 2020."""
    with worlds.copy(
        GOLDEN_AND_THE_SEED_CASE, tmp_path / "golden", backend=ledger_backend
    ).engine() as engine:
        yield engine


def _answer(engine: Engine, out: Path, **changes: object) -> ResponseResult:
    arguments: dict[str, object] = {
        "case_reference": SEED_REFERENCE,
        "outcome": "successful",
        "responded_on": RESPONDED,
        "actor": "caseworker",
        "out_dir": out,
        "report_months": YEAR_2019,
        "today": TODAY,
    }
    arguments.update(changes)
    with ledger_session(engine) as session:
        return respond(session, **arguments)  # type: ignore[arg-type]


# --- figures straight from the ledger, counted here without the reports package ---------------------------------


def _exact_2019(session: Session) -> dict[str, int]:
    in_2019 = Exchange.month.like("2019-%")
    received = session.execute(
        select(func.coalesce(func.sum(Exchange.n_received), 0)).where(in_2019, Exchange.rerun_of_id.is_(None))
    ).scalar_one()
    disclosures = session.execute(select(Disclosure.id).join(Exchange).where(in_2019)).scalars().all()
    events = session.execute(select(OutcomeEvent)).scalars().all()
    superseded = {e.supersedes_id for e in events if e.supersedes_id is not None}
    with_result = {e.disclosure_id for e in events if e.kind == "result" and e.id not in superseded}
    return {
        "received": int(received),
        "returned": len(disclosures),
        "outcome_unknown": sum(1 for d in disclosures if d not in with_result),
    }


def _published_from(exact: int, shown: int | str) -> None:
    """What the series rule (the default) allows a published figure to be for an exact count: [low] for 1 to 4,
    else rounded to the nearest 5, 0 only for 0 (a [c] may hide any count but 0)."""
    if shown == "[c]":
        assert exact > 0
        return
    if shown == "[low]":
        assert 1 <= exact <= 4
        return
    assert isinstance(shown, int)
    assert exact == 0 if shown == 0 else (shown % 5 == 0 and abs(shown - exact) <= 2 and exact >= 5)


def _breakdown_rows(result: ResponseResult) -> int:
    """The rows of the report that are not records received, matched, sent to review or returned."""
    assert result.report is not None
    return sum(1 for row in result.report.table.rows if row.section != "flow")


def _workbook_column(path: Path, header: str) -> dict[str, object]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [tuple(r) for r in workbook["Monthly"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    header_row = next(r for r in rows if r and r[0] == "Measure")
    column = header_row.index(header)
    return {str(r[0]): r[column] for r in rows if r and r[0] is not None and len(r) > column}


def test_the_seed_request_answered_with_the_2019_report(golden: Engine, tmp_path: Path) -> None:
    result = _answer(golden, tmp_path, outcome="partially_successful")
    # the report (the series rule, the default) gives what happened to the returned records by quarter and year,
    # not by month: the monthly figures are withheld, so the answer is partial, citing s.40(2) for them
    assert result.case.state == "partially_successful" and result.case.answered_in_time
    files = result.files
    assert set(files) == {"workbook", "letter_md", "letter_docx"}
    assert all(path.is_file() for path in files.values())
    assert files["workbook"].name == "59907-monthly-outcomes-2019-01-to-2019-12.xlsx"

    # the letter states the case, its dates, the outcome, the figures and the routes
    letter = files["letter_md"].read_text(encoding="utf-8")
    for phrase in (
        "# Freedom of Information request 59907",
        "| Case reference | 59907 |",
        "| Received | 12 August 2020 |",
        "| Response due | 10 September 2020 (20 working days after receipt) |",
        "| Response date | 9 September 2020 |",
        "Partially successful: some information provided, some withheld",
        "59907-monthly-outcomes-2019-01-to-2019-12.xlsx",
        "| Measure | Total 2019 |",
        "[low] = a count of 1 to 4 (not 0)",
        # January to March had an exchange: each breakdown row's three months are held and withheld
        f"is given for each quarter and each year, not for each month: the {_breakdown_rows(result) * 3} month "
        "figures are shown as [x] in the month columns",
        "| s.40(2) | Personal information about others",
        "exempt under section 40(2) of the Act",
        "Figures shown as [x] are not withheld: we do not hold them, because no batch of requests was exchanged",
        "rounded to the nearest 5",
        "Outcome unknown: Returned records with no current result event",
        "within 40 working days of the date of this response — by 4 November 2020",
        "section 50 of the Freedom of Information Act 2000",
        "Dear requester,",
    ):
        assert phrase in letter, phrase
    assert result.report is not None and result.report.withheld() == 0  # nothing [c] in this report
    assert "shown as [c]" not in letter
    assert "Requester Name-Marker" not in letter
    assert "response is late" not in letter and "working days late" not in letter  # sent in time

    # one report object gave both: the letter's figures are the workbook's, which match the ledger
    (headline,) = result.letter.headline
    assert headline.column == "Total 2019"
    workbook = _workbook_column(files["workbook"], "Total 2019")
    with ledger_session(golden) as session:
        exact = _exact_2019(session)
    assert headline.labels[:2] == (
        "Records sent from Home Office to Department for Education",
        "Records returned from Department for Education to Home Office",
    )  # the parties named, as the request named them
    rows = zip(HEADLINE_ROWS, headline.labels, headline.values, strict=True)
    for (_, key, _), label, shown in rows:
        assert workbook[label] == shown
        _published_from(exact[key], shown)
        text = f"{shown:,}" if isinstance(shown, int) else shown
        assert f"| {label} | {text} |" in letter
    assert headline.value("received") == 130  # 40 + 25 + 6 (a refused batch) + 60 = 131, rounded
    assert headline.value("returned") == 40  # 14 + 5 + 21

    # the DOCX says the same
    document = docx.Document(str(files["letter_docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Freedom of Information request 59907" in text
    assert "section 50 of the Freedom of Information Act 2000" in text
    assert "Total 2019" in cells and "130" in cells and "59907" in cells

    # the ledger records the response and the files' checksums
    with ledger_session(golden) as session:
        row = session.execute(select(FoiResponse)).scalar_one()
    assert (row.outcome, row.stage, row.report_months) == (
        "partially_successful",
        "initial",
        "2019-01..2019-12",
    )
    assert row.exemptions == ["40(2)"]
    assert set(row.files) == {"workbook", "letter_md", "letter_docx"}
    assert len(row.files["workbook"]["sha256"]) == 64


def test_not_held_is_refused_for_what_the_ledger_holds(golden: Engine, tmp_path: Path) -> None:
    with pytest.raises(
        Conflict,
        match=r"asks about 2015-07..2020-08 and the ledger holds 4 exchange\(s\) in those "
        r"months: the information is held\. Answer with the monthly outcomes report",
    ):
        _answer(golden, tmp_path, outcome="not_held", report_months=None)
    with pytest.raises(
        ValidationFailed, match="'report_months': a report is attached to a successful or partially"
    ):
        _answer(golden, tmp_path, outcome="not_held")


def test_a_report_goes_with_a_response_that_provides_information(golden: Engine, tmp_path: Path) -> None:
    with pytest.raises(
        ValidationFailed, match="a report is attached to a successful or partially_successful"
    ):
        _answer(golden, tmp_path, outcome="rejected", exemptions=["21"])


# what the report withholds for January to March 2019: under 10-5 small counts as [c]; under the series rule (the
# default) the month figures of what happened to the returned records, given by quarter and year
@pytest.mark.parametrize(
    ("profile", "withheld"), [("10-5", "as [c]"), (SERIES, "given by quarter and year only")]
)
def test_a_report_with_withheld_figures_is_not_a_successful_answer(
    golden: Engine, tmp_path: Path, profile: str, withheld: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _answer(golden, tmp_path, outcome="successful", profile=profile)
    (problem,) = refused.value.problems
    assert problem.field == "outcome"
    assert "withholds" in problem.message and withheld in problem.message
    assert "respond partially_successful (s.40(2) is cited" in problem.message
    with ledger_session(golden) as session:
        assert session.execute(select(func.count()).select_from(FoiResponse)).scalar_one() == 0


@pytest.mark.parametrize("profile", ["10-5", SERIES])
def test_s40_2_is_cited_once_for_the_withheld_figures(golden: Engine, tmp_path: Path, profile: str) -> None:
    result = _answer(
        golden, tmp_path, outcome="partially_successful", exemptions=["s.40(2)"], profile=profile
    )
    assert [e.citation for e in result.letter.exemptions] == ["40(2)"]
    assert result.report is not None
    withheld = result.report.withheld()
    assert result.letter.withheld == withheld
    letter = letter_markdown(result.letter)
    assert letter.count("| s.40(2) |") == 1
    assert letter.count("### Information withheld") == 1 and "This exemption is absolute" in letter
    if profile == "10-5":  # small counts withheld as [c]; every month's breakdown published
        assert withheld > 0 and result.letter.by_quarter == 0
        assert f"{withheld} figures in the workbook are withheld and shown as [c]" in letter
    else:  # nothing [c]; the breakdowns of the three months with an exchange given by quarter instead
        assert withheld == 0 and result.letter.by_quarter == _breakdown_rows(result) * 3
        assert "shown as [c]" not in letter and "shown as [x] in the month columns" in letter
    not_held = letter.split("### Information not held")[-1].split("###")[
        0
    ]  # held figures are never "not held"
    assert "published for each quarter and year" not in not_held


def test_a_report_that_withholds_nothing_can_be_a_successful_answer(golden: Engine, tmp_path: Path) -> None:
    # the golden ledger holds nothing before 2019: every figure is [x], none withheld, none a 0
    result = _answer(golden, tmp_path, report_months=month_range("2018-10", "2018-12"))
    assert result.case.state == "successful" and result.letter.exemptions == ()
    letter = letter_markdown(result.letter)
    assert "Information withheld" not in letter and "section 40(2)" not in letter
    assert (
        "Figures shown as [x] are not withheld: we do not hold them, because the month comes before" in letter
    )
    assert "| Records sent from Home Office to Department for Education | [x] |" in letter


def test_a_late_response_says_so_and_by_how_many_working_days(golden: Engine, tmp_path: Path) -> None:
    # due Thursday 10 September 2020; sent Monday 14 September: Friday 11th and Monday 14th are two working days
    late = _answer(golden, tmp_path, outcome="partially_successful", responded_on=D(2020, 9, 14))
    assert SEED_DUE == D(2020, 9, 10) and late.case.answered_in_time is False
    letter = late.files["letter_md"].read_text(encoding="utf-8")
    assert "| Response due | 10 September 2020 — this response is 2 working days late |" in letter
    assert "We are sorry that this response is late. It was due by 10 September 2020" in letter
    assert "2 working days after that" in letter


def test_not_held_is_allowed_where_the_ledger_holds_nothing(sqlite_ledger: Engine, tmp_path: Path) -> None:
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session, about=month_range("2015-07", "2020-08"))
    result = _answer(sqlite_ledger, tmp_path, outcome="not_held", report_months=None)
    assert result.case.state == "not_held"
    assert "We do not hold the information you asked for" in result.files["letter_md"].read_text(
        encoding="utf-8"
    )


def test_a_partial_response_with_a_qualified_exemption_prints_the_public_interest(
    golden: Engine, tmp_path: Path
) -> None:
    statement = "Naming the recipients in months with few records would identify families."
    result = _answer(
        golden,
        tmp_path,
        outcome="partially_successful",
        exemptions=["40(2)", "31(1)(e)"],
        public_interest=statement,
    )
    letter = letter_markdown(result.letter)
    assert "| s.40(2) | Personal information about others" in letter and "| absolute |" in letter
    assert "| s.31(1)(e) | Law enforcement: the operation of the immigration controls | qualified |" in letter
    assert "### The public interest test" in letter and statement in letter
    assert result.case.state == "partially_successful"


def test_an_ncnd_response_names_the_provisions(seed_case: Engine, tmp_path: Path) -> None:
    result = _answer(
        seed_case,
        tmp_path,
        outcome="ncnd",
        report_months=None,
        exemptions=["31(1)(e)"],
        public_interest="Confirming would reveal the scale of enforcement activity.",
    )
    letter = result.files["letter_md"].read_text(encoding="utf-8")
    assert "We can neither confirm nor deny whether we hold" in letter
    assert "| Section | Exemption | Absolute or qualified | Neither confirm nor deny |" in letter
    assert "| s.31(1)(e) |" in letter and "| s.31(3) |" in letter
    assert result.case.state == "rejected"


def test_an_s12_refusal_states_the_estimate_against_the_limit(seed_case: Engine, tmp_path: Path) -> None:
    result = _answer(seed_case, tmp_path, outcome="s12_cost", report_months=None, hours_estimate=30)
    letter = result.files["letter_md"].read_text(encoding="utf-8")
    assert (
        "30 hours of staff time. At £25 an hour that is £750.00, above the appropriate limit of £600 (24 hours)"
        in (letter)
    )
    assert "(section 12 of the Act)" in letter
    assert result.response.cost_limit == 600 and result.response.hours_estimate == 30


def test_the_internal_reviews_response_goes_to_the_ico_route(golden: Engine, tmp_path: Path) -> None:
    _answer(golden, tmp_path, outcome="rejected", report_months=None, exemptions=["44"])
    with ledger_session(golden) as session:
        request_review(
            session, case_reference=SEED_REFERENCE, requested_on=D(2020, 10, 1), actor="t", today=TODAY
        )
    result = _answer(golden, tmp_path, outcome="partially_successful", responded_on=D(2020, 10, 20))
    assert result.response.stage == "internal_review"
    assert result.files["letter_md"].name == "59907-review-response.md"
    assert result.files["workbook"].name.startswith("59907-review-monthly-outcomes")
    letter = result.files["letter_md"].read_text(encoding="utf-8")
    assert letter.startswith("# Internal review of Freedom of Information request 59907")
    assert "We have completed the internal review you asked for" in letter
    assert "ask for an internal review" not in letter
    assert (
        "If you remain dissatisfied, you have the right to complain to the Information Commissioner" in letter
    )
    with ledger_session(golden) as session:
        case = read_case(session, case_reference=SEED_REFERENCE, today=TODAY)
    assert [r.outcome for r in case.responses] == ["rejected", "partially_successful"]
    assert case.state == "partially_successful" and case.first_response is not None
    assert case.first_response.outcome == "rejected"


def test_a_foisa_letter_gives_the_scottish_routes(sqlite_ledger: Engine, tmp_path: Path) -> None:
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session, regime="foisa")
    result = _answer(sqlite_ledger, tmp_path, report_months=None)
    letter = result.files["letter_md"].read_text(encoding="utf-8")
    assert "# Freedom of Information (Scotland) request 59907" in letter
    assert "require us to review it (section 20 of FOISA)" in letter
    assert "Scottish Information Commissioner" in letter and "section 50" not in letter
    assert result.letter.due_on == D(2020, 9, 9)


def test_the_requester_and_retention_move_with_the_response(seed_case: Engine, tmp_path: Path) -> None:
    result = _answer(seed_case, tmp_path, report_months=None, retention_days=10)
    assert result.case.requester_erase_after == SEED_RECEIVED.replace(year=2023)  # the later of the two
    assert result.letter.due_on == SEED_DUE


def test_the_letters_go_to_the_cases_folder_in_the_data_folder(seed_case: Engine, tmp_path: Path) -> None:
    """Without a folder named, a response writes where every front end finds the case's letters."""
    result = _answer(seed_case, tmp_path, report_months=None, out_dir=None, data_dir=tmp_path / "data")
    folder = case_folder(tmp_path / "data", organisation_id="home-office", reference=SEED_REFERENCE)
    assert folder == tmp_path / "data" / "foi" / "home-office" / SEED_REFERENCE
    assert {path.parent for path in result.files.values()} == {folder}
    with pytest.raises(TypeError, match="out_dir or data_dir"):
        _answer(seed_case, tmp_path, report_months=None, out_dir=None)


# --- the real demo ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_seed_request_answered_with_the_demos_2019_report(tmp_path: Path) -> None:
    from sharelog.demo import run_demo
    from sharelog.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", database_url=None, agreements_dir=None)
    demo = run_demo(settings, pupils=4000, requests=600, months="2019-01..2019-12")
    engine = create_ledger_engine(demo.ledger_url)
    try:
        with ledger_session(engine) as session:
            open_seed_case(session, about=month_range("2015-07", "2020-08"))
        result = _answer(engine, tmp_path / "foi", outcome="partially_successful")
        with ledger_session(engine) as session:
            exact = _exact_2019(session)
    finally:
        engine.dispose()
    (headline,) = result.letter.headline
    workbook = _workbook_column(result.files["workbook"], "Total 2019")
    letter = result.files["letter_md"].read_text(encoding="utf-8")
    for (_, key, _), label, shown in zip(HEADLINE_ROWS, headline.labels, headline.values, strict=True):
        assert workbook[label] == shown
        _published_from(exact[key], shown)
        assert f"| {label} | {f'{shown:,}' if isinstance(shown, int) else shown} |" in letter
    assert exact["returned"] == demo.disclosures
    assert result.files["letter_docx"].is_file()
