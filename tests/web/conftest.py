"""Web test fixtures: the golden report ledger (three months of exchanges and outcomes) in a SQLite file, one
account per role, and a TestClient over HTTPS (the session cookie is Secure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sharelog.accounts import SignInThrottle, add_user
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings
from sharelog.web import create_app

from .._ledger_rows import migrated
from ..reports._golden_ledger import build_golden_ledger

PASSWORD = "correct horse battery staple"
# one account per role: username → (role, organisation)
ACCOUNTS: dict[str, tuple[str, str]] = {
    "operator": ("holder_operator", "dfe"),
    "reviewer": ("holder_reviewer", "dfe"),
    "caseworker": ("requester_caseworker", "home-office"),
    "auditor": ("auditor", "dfe"),
    "foi": ("foi_officer", "dfe"),
    "admin": ("admin", "dfe"),
}
USER_OF_ROLE = {role: username for username, (role, _org) in ACCOUNTS.items()}
# a third organisation (a council, tests/web/_foi_ledger.py) with FOI roles of its own: none of them may reach the
# DfE's FOI case, nor the accounts above the council's
THIRD_PARTY_ACCOUNTS: dict[str, tuple[str, str]] = {
    "council-foi": ("foi_officer", "northshire"),
    "council-auditor": ("auditor", "northshire"),
    "council-admin": ("admin", "northshire"),
}


@pytest.fixture(scope="session")
def _web_ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden ledger with the accounts, built once per session (argon2 is slow on purpose)."""
    path = tmp_path_factory.mktemp("web-ledger") / "ledger.db"
    engine = migrated(create_ledger_engine(f"sqlite:///{path}"))
    from ._foi_ledger import add_foi_case, add_third_party, add_third_party_case

    with ledger_session(engine) as session:
        build_golden_ledger(session)
        add_third_party(session)
        for username, (role, organisation) in {**ACCOUNTS, **THIRD_PARTY_ACCOUNTS}.items():
            add_user(
                session,
                username=username,
                display_name=username.title(),
                organisation_id=organisation,
                role=role,
                password=PASSWORD,
                actor="test",
            )
        add_foi_case(session)  # the DfE's FOI case (FOI-2020-0001) the FOI pages and the matrix use
        add_third_party_case(session, path.parent)  # the council's, with its letter beside the template
    engine.dispose()
    return path


@pytest.fixture
def web_settings(_web_ledger_template: Path, tmp_path: Path) -> Settings:
    """Settings on a private copy of the web ledger."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "ledger.db").write_bytes(_web_ledger_template.read_bytes())
    return Settings(
        data_dir=data, database_url=None, agreements_dir=None, web_secret_key="test-secret-" + "x" * 40
    )


@pytest.fixture
def client(web_settings: Settings) -> Iterator[TestClient]:
    """A client of a fresh app (no one signed in)."""
    app = create_app(
        web_settings, throttle=SignInThrottle(per_account="3/15minutes", per_address="50/15minutes")
    )
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as test_client:
        yield test_client


def page_csrf(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has a form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in through the form, as a browser would."""
    token = page_csrf(client.get("/sign-in").text)
    response = client.post(
        "/sign-in",
        data={"username": username, "password": password, "next": "/dashboard", "csrf_token": token},
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def as_role(client: TestClient) -> Callable[[str], TestClient]:
    """``as_role("auditor")`` signs the client in as that role's account and returns it."""

    def _sign_in(role: str) -> TestClient:
        sign_in(client, USER_OF_ROLE[role])
        return client

    return _sign_in
