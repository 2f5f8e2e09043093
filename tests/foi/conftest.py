"""FOI test fixtures: a migrated SQLite ledger copied from one made per session (migrations run once), and the
seed request of reference/foi-request-2020.txt as a case."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sharelog.foi import CaseView, new_case
from sharelog.ledger import create_ledger_engine, ledger_session, upgrade

from .._foi_rows import FOI_ORGANISATION, foi_organisation

SEED_REFERENCE = "59907"
SEED_TITLE = "Department for Education pupil data use: outcomes"
SEED_TEXT = (
    "Under the FOI Act 2000, please can you provide the following information regarding the outcomes per month, "
    "per year, of pupil data processing from the Department for Education after it was received by the Home "
    "Office ... please also state where outcome of the data processing is unknown."
)
SEED_RECEIVED = date(2020, 8, 12)
SEED_DUE = date(2020, 9, 10)
REQUESTER = "Requester Name-Marker"
CONTACT = "request-marker@example.org"
TODAY = date(2021, 6, 1)


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("foi-template") / "ledger.db"
    engine = create_ledger_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_ledger(_migrated_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite ledger of this test's own (a copy of the session's template)."""
    path = tmp_path / "ledger.db"
    shutil.copyfile(_migrated_template, path)
    engine = create_ledger_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def open_seed_case(session: Session, **changes: Any) -> CaseView:
    """The 2020 request as a case received on 2020-08-12 (the Home Office's case ref 59907), at the Home Office
    unless ``organisation_id`` says otherwise (the organisation is added to the ledger if missing)."""
    arguments: dict[str, Any] = {
        "received_on": SEED_RECEIVED,
        "title": SEED_TITLE,
        "request_text": SEED_TEXT,
        "actor": "caseworker",
        "reference": SEED_REFERENCE,
        "authority": "Home Office",
        "requester_name": REQUESTER,
        "requester_contact": CONTACT,
        "today": TODAY,
    }
    arguments.update(changes)
    arguments["organisation_id"] = foi_organisation(
        session, arguments.get("organisation_id", FOI_ORGANISATION)
    )
    return new_case(session, **arguments)


@pytest.fixture
def seed_case(sqlite_ledger: Engine) -> Engine:
    """A SQLite ledger holding the seed case only."""
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session)
    return sqlite_ledger
