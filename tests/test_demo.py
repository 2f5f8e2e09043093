"""`sharelog demo` tells the whole story on a small synthetic world: a slice of the FOI's period that spans two
agreements, at the published volumes, through the same code as the whole period."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from sharelog.agreements import load_agreements
from sharelog.cli import app
from sharelog.demo import DEMO_MONTHS, agreement_for_month
from sharelog.errors import InputError
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, OutcomeEvent, ReviewItem
from sharelog.reports import CHART_FILES, CONFIDENTIAL, SERIES, build_monthly_report, coverage
from sharelog.reports._sdc import LOW
from sharelog.settings import Settings
from sharelog.synth import parse_months

from .reports.attacks import Reading, publication, recovered
from .reports.test_series import SERIES_READING

runner = CliRunner()
MONTHS = parse_months("2018-10..2019-03")  # the 2015 MoU (v2.1), then the January 2019 update
ARGS = ["demo", "--pupils", "4000", "--months", f"{MONTHS[0]}..{MONTHS[-1]}"]


@dataclass(frozen=True)
class DemoRun:
    settings: Settings
    result: Result

    @property
    def folder(self) -> Path:
        return self.settings.data_dir / "demo"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    data = tmp_path_factory.mktemp("demo") / "data"
    settings = Settings(data_dir=data, database_url=None, agreements_dir=None)
    result = runner.invoke(app, ARGS, obj=settings, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return DemoRun(settings, result)


@pytest.mark.slow
def test_demo_runs_the_months_and_prints_the_table(run: DemoRun) -> None:
    out = run.result.stdout
    for phrase in ("Outcomes by year, October 2018 to March 2019", "2018 Oct–Dec", "2019 Jan–Mar"):
        assert phrase in out
    for phrase in ("volume profile published", "Outcome unknown", "chain verified"):
        assert phrase in out
    # and at its end, how much of the FOI's table the published report answers: 11 questions; 6 months, two whole
    # quarters (Oct–Dec 2018, Jan–Mar 2019) and no whole year; by month the series rule publishes only records
    # sent and returned (12 cells), the outcome questions by quarter
    assert "FOI questions answered by the published report: October 2018 to March 2019, profile series" in out
    coverage_rows = {
        cells[0]: cells[1:]
        for line in out.splitlines()
        if len(cells := [c.strip() for c in line.split("│") if c.strip()]) == 4
    }
    assert coverage_rows["month"][0] == "66" and coverage_rows["month"][2] == "12 (18%)"
    assert coverage_rows["quarter"][0] == "22"
    assert coverage_rows["year"] == ["0", "-", "-"]
    assert "under ho-dfe-2015-mou v2.1: October 2018 to December 2018, 3 batches" in out
    assert "under ho-dfe-2019-update v1.0: January 2019 to March 2019, 3 batches" in out
    table_csv = run.folder / "monthly-2018-10-to-2019-03.csv"
    assert str(table_csv) in out
    for published in [
        run.folder / "report.xlsx",
        *(run.folder / "charts" / name for name in CHART_FILES.values()),
    ]:
        assert published.is_file() and str(published) in out

    engine = create_ledger_engine(f"sqlite:///{run.folder / 'ledger.db'}")
    with ledger_session(engine) as session:
        ran = session.execute(
            select(Exchange.month, AgreementVersion.agreement_id, AgreementVersion.version)
            .join(AgreementVersion)
            .order_by(Exchange.month)
        ).all()
        received = session.execute(select(func.sum(Exchange.n_received))).scalar_one()
        disclosures = session.execute(select(func.count()).select_from(Disclosure)).scalar_one()
        with_outcomes = session.execute(
            select(func.count(func.distinct(OutcomeEvent.disclosure_id)))
        ).scalar_one()
        chain = verify_audit_chain(session)
    engine.dispose()
    # each month under the version in force on its first day
    assert [tuple(row) for row in ran] == [
        *((m, "ho-dfe-2015-mou", "2.1") for m in MONTHS[:3]),
        *((m, "ho-dfe-2019-update", "1.0") for m in MONTHS[3:]),
    ]
    # the published volumes: 64 requests a month from 2017, about a quarter returned
    assert received == round(6 * (6_883 - 2_461) / 69)
    assert 0.2 < disclosures / received < 0.33
    # outcomes recorded for most returned records, the rest unknown
    assert disclosures > 0 and 0.5 < with_outcomes / disclosures < 0.9
    assert chain.ok

    with table_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    returned = next(r for r in rows if r["section"] == "flow" and r["measure"].startswith("Records returned"))
    results = [r for r in rows if r["section"] == "result"]
    for month in MONTHS:
        assert sum(int(r[month]) for r in results) == int(returned[month])
    assert int(returned["total"]) == disclosures


@pytest.mark.slow
def test_without_a_terminal_the_demo_prints_plain_progress(run: DemoRun) -> None:
    # the test runner's stderr is no terminal: no bars, but a line as each stage starts and ends
    err = run.result.stderr
    for line in (
        "] Training the linkage model …",
        "] Running the monthly exchanges and deciding their review bands …",
        "] Running the monthly exchanges and deciding their review bands: done",
        "] Writing the table, the published report and its charts: done",
    ):
        assert line in err
    assert "\x1b[" not in err and "sharelog demo" not in err  # no terminal codes; results stay on stdout


@pytest.mark.slow
def test_each_batch_holds_only_the_fields_its_agreement_permits(run: DemoRun) -> None:
    agreements = load_agreements(run.settings.agreements_path())
    for month in MONTHS:
        with (run.folder / "batches" / f"requests-{month}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        permitted = agreement_for_month(agreements, month).request_fields
        assert set(header) <= set(permitted)
        assert ("case_reference" in header) == ("case_reference" in permitted)
    with (run.folder / "batches" / f"requests-{MONTHS[0]}.csv").open(encoding="utf-8") as handle:
        assert "case_reference" in handle.readline()  # the 2015 MoU lets the Home Office send its reference


@pytest.mark.slow
def test_the_last_two_months_reviews_wait(run: DemoRun) -> None:
    engine = create_ledger_engine(f"sqlite:///{run.folder / 'ledger.db'}")
    with ledger_session(engine) as session:
        items = session.execute(select(Exchange.month, ReviewItem.decided_at).join(Exchange)).all()
    engine.dispose()
    assert items, "no review band in the slice: the test would prove nothing"
    for month, decided_at in items:
        assert (decided_at is None) == (month in MONTHS[-2:]), month


def test_every_month_of_the_foi_period_has_an_agreement(settings: Settings) -> None:
    agreements = load_agreements(settings.agreements_path())
    used = {month: agreement_for_month(agreements, month) for month in parse_months(DEMO_MONTHS)}
    assert DEMO_MONTHS == "2015-07..2020-08"
    assert {f"{a.id} v{a.version}" for a in used.values()} == {
        "ho-dfe-2015-mou v1.0",
        "ho-dfe-2015-mou v2.1",
        "ho-dfe-2019-update v1.0",
    }
    assert used["2016-10"].version == "1.0" and used["2016-11"].version == "2.1"  # v2.1 from 7 October 2016
    assert used["2018-12"].id == "ho-dfe-2015-mou" and used["2019-01"].id == "ho-dfe-2019-update"
    with pytest.raises(InputError, match="no agreement was in force in 2015-06"):
        agreement_for_month(agreements, "2015-06")


def test_a_month_without_an_agreement_is_refused_before_anything_is_written(settings: Settings) -> None:
    result = runner.invoke(app, ["demo", "--pupils", "100", "--months", "2014-01..2014-02"], obj=settings)
    assert result.exit_code != 0
    assert "no agreement was in force in 2014-01" in result.output
    assert not (settings.data_dir / "demo").exists()


def test_the_help_explains_the_volumes(settings: Settings) -> None:
    result = runner.invoke(app, ["demo", "--help"], obj=settings, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for phrase in ("--volume", "published", "load", "250 a month", "about 80 a month", "--months"):
        assert phrase in result.stdout


@pytest.mark.slow
def test_demo_runs_again_from_scratch(run: DemoRun) -> None:
    again = runner.invoke(app, ARGS, obj=run.settings)
    assert again.exit_code == 0, again.output


# --- the published workbook answers the FOI request's questions ---------------------------------------------------

# Each question of the 2020 FOI request (/work/shared/reference/foi-request-2020.txt, as the issue lists them), the
# section of the Monthly sheet its row belongs in, and the words its label must say, in the request's terms.
FOI_QUESTIONS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("records sent from Home Office to the DfE", None, ("sent", "Home Office", "Department for Education")),
    ("records shared from DfE to Home Office", None, ("returned", "Department for Education", "Home Office")),
    ("onward sharing: police", "shared onward", ("police",)),
    ("onward sharing: Border Force", "shared onward", ("border force",)),
    ("onward sharing: local government", "shared onward", ("local government",)),
    ("onward sharing: other", "shared onward", ("other",)),
    ("intervention: removal", "interventions", ("removal",)),
    ("intervention: visa renewal", None, ("visa renewal",)),
    ("intervention: home visit", "interventions", ("home visit",)),
    ("intervention: school visit", "interventions", ("school visit",)),
    ("outcome unknown", "latest result", ("outcome unknown",)),
)


def _monthly_sheet(path: Path) -> tuple[list[str], list[tuple[str | None, str, tuple[object, ...]]]]:
    """The Monthly sheet's month columns, and each row: the section heading above it, its label, its cells."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [tuple(r) for r in workbook["Monthly"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Measure")
    header = [str(h) for h in rows[at][1:] if h is not None]
    table: list[tuple[str | None, str, tuple[object, ...]]] = []
    heading: str | None = None
    for row in rows[at + 1 :]:
        if not row or row[0] is None:
            continue
        if all(cell is None for cell in row[1:]):
            heading = str(row[0])
            continue
        table.append((heading, str(row[0]), row[1 : len(header) + 1]))
    return header, table


@pytest.mark.slow
def test_the_published_workbook_answers_every_foi_question(run: DemoRun) -> None:
    header, rows = _monthly_sheet(run.folder / "report.xlsx")
    # the series rule (the default): each month, each whole quarter after its months, no total of part of a year
    assert header == [
        "October 2018",
        "November 2018",
        "December 2018",
        "Oct–Dec 2018",
        "January 2019",
        "February 2019",
        "March 2019",
        "Jan–Mar 2019",
    ]
    for question, section, words in FOI_QUESTIONS:
        found = [
            (heading, label, cells)
            for heading, label, cells in rows
            if all(word.casefold() in label.casefold() for word in words)
            and (section is None or (heading is not None and section in heading))
        ]
        assert found, f"no row answers '{question}': the labels are {[label for _, label, _ in rows]}"
        for _, label, cells in found:
            # a figure or a symbol for every month and total, never a blank
            assert all(cell is not None and cell != "" for cell in cells), (question, label)
    sent = next(label for _, label, _ in rows if "sent" in label)
    returned = next(
        label for _, label, _ in rows if "returned" in label.casefold() and "Home Office" in label
    )
    assert sent.index("Home Office") < sent.index("Department for Education")  # from the Home Office to DfE
    assert returned.index("Department for Education") < returned.index("Home Office")  # and back


@pytest.mark.slow
def test_the_demos_publications_give_no_protected_cell_away(run: DemoRun) -> None:
    """The differencing and linear-programme attacks (tests/reports/attacks.py) on the demo's ledger: its published
    table as the demo writes it (the default, the series rule), the same table under 10-5 asked for by name, and
    the series rule's consecutive monthly publications, pooled."""
    engine = create_ledger_engine(f"sqlite:///{run.folder / 'ledger.db'}")
    with ledger_session(engine) as session:
        written = build_monthly_report(session, months=MONTHS)
        ten_five_table = build_monthly_report(session, months=MONTHS, profile="10-5")
        series = [
            build_monthly_report(session, months=MONTHS[:n], profile=SERIES)
            for n in range(len(MONTHS) - 2, 7)
        ]
    engine.dispose()
    assert written.profile is not None and written.profile.name == SERIES
    assert recovered([publication(written)], SERIES_READING) == []
    ten_five = Reading(threshold=10, base=5, small=frozenset(), protected=frozenset({CONFIDENTIAL}))
    assert recovered([publication(ten_five_table)], ten_five) == []
    shown = [publication(report) for report in series]
    assert any(value in (LOW, CONFIDENTIAL) for value in shown[-1].values())  # something to attack
    for earlier, later in zip(shown, shown[1:], strict=False):
        assert recovered([earlier, later], SERIES_READING) == []
    measured = coverage(series[-1])
    assert measured.share("quarter") is not None
