"""`sharelog demo` tells the whole story on a small synthetic world."""

from __future__ import annotations

import csv

from sqlalchemy import func, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AgreementVersion, Disclosure, Exchange, OutcomeEvent
from sharelog.reports import CHART_FILES
from sharelog.settings import Settings

runner = CliRunner()
ARGS = ["demo", "--pupils", "4000", "--requests", "600"]


def test_demo_runs_the_year_and_prints_the_monthly_table(settings: Settings) -> None:
    result = runner.invoke(app, ARGS, obj=settings, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    folder = settings.data_dir / "demo"
    for phrase in ("Monthly outcomes 2019", "Received from requester", "Outcome unknown", "chain verified"):
        assert phrase in result.stdout
    assert str(folder / "monthly-2019.csv") in result.stdout
    for published in [folder / "report.xlsx", *(folder / "charts" / name for name in CHART_FILES.values())]:
        assert published.is_file() and str(published) in result.stdout

    engine = create_ledger_engine(f"sqlite:///{folder / 'ledger.db'}")
    with ledger_session(engine) as session:
        months = session.execute(select(Exchange.month).order_by(Exchange.month)).scalars().all()
        versions = session.execute(select(func.count()).select_from(AgreementVersion)).scalar_one()
        disclosures = session.execute(select(func.count()).select_from(Disclosure)).scalar_one()
        with_outcomes = session.execute(
            select(func.count(func.distinct(OutcomeEvent.disclosure_id)))
        ).scalar_one()
        chain = verify_audit_chain(session)
    engine.dispose()
    assert months == [f"2019-{m:02d}" for m in range(1, 13)]
    assert versions == 4
    assert disclosures > 0 and 0.5 < with_outcomes / disclosures < 0.9
    assert chain.ok

    with (folder / "monthly-2019.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    returned = next(r for r in rows if r["measure"] == "Records returned to the requester")
    results = [r for r in rows if r["section"] == "result"]
    for month in [f"2019-{m:02d}" for m in range(1, 13)]:
        assert sum(int(r[month]) for r in results) == int(returned[month])
    assert int(returned["total"]) == disclosures


def test_demo_runs_again_from_scratch(settings: Settings) -> None:
    assert runner.invoke(app, ARGS, obj=settings).exit_code == 0
    again = runner.invoke(app, ARGS, obj=settings)
    assert again.exit_code == 0, again.output
