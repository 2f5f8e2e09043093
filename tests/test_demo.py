"""`sharelog demo` tells the story so far on a small synthetic world."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AgreementVersion, Organisation
from sharelog.settings import Settings

runner = CliRunner()


def test_demo_generates_data_and_initialises_the_ledger(settings: Settings) -> None:
    result = runner.invoke(app, ["demo", "--pupils", "3000", "--requests", "240"], obj=settings)
    assert result.exit_code == 0, result.output
    folder = settings.data_dir / "demo"
    months = sorted(p.name for p in (folder / "input").glob("requests-2019-*.csv"))
    assert months == [f"requests-2019-{m:02d}.csv" for m in range(1, 13)]
    assert (folder / "input" / "register.csv").is_file()
    assert "chain verified" in result.stdout
    assert str(folder / "input" / "register.csv") in result.stdout

    engine = create_ledger_engine(f"sqlite:///{folder / 'ledger.db'}")
    with ledger_session(engine) as session:
        versions = session.execute(select(AgreementVersion.agreement_id, AgreementVersion.version)).all()
        organisations = session.execute(select(func.count()).select_from(Organisation)).scalar_one()
        chain = verify_audit_chain(session)
    engine.dispose()
    assert sorted(versions) == [
        ("ho-dfe-2013-pilot", "1.0"),
        ("ho-dfe-2015-mou", "1.0"),
        ("ho-dfe-2015-mou", "2.1"),
        ("ho-dfe-2019-update", "1.0"),
    ]
    assert organisations == 2
    assert chain.ok and chain.count == 5


def test_demo_runs_again_from_scratch(settings: Settings) -> None:
    args = ["demo", "--pupils", "2000", "--requests", "120"]
    assert runner.invoke(app, args, obj=settings).exit_code == 0
    again = runner.invoke(app, args, obj=settings)
    assert again.exit_code == 0, again.output
