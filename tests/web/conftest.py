"""Web test fixtures: the web ledger (tests/worlds: the golden report ledger, one account per role, a council and
FOI cases) in a SQLite file, a real exchange with requests in its review band, and a TestClient over HTTPS (the
session cookie is Secure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sharelog.accounts import SignInThrottle
from sharelog.settings import Settings
from sharelog.web import create_app

from ..worlds import (
    ACCOUNTS,
    PASSWORD,
    REVIEW_MONTH,
    SMALL,
    TEST_KEY,
    THIRD_PARTY_ACCOUNTS,
    USER_OF_ROLE,
    WEB_LEDGER,
    LedgerWorld,
    WorldFactory,
)

__all__ = [
    "ACCOUNTS",
    "PASSWORD",
    "THIRD_PARTY_ACCOUNTS",
    "USER_OF_ROLE",
    "page_csrf",
    "sign_in",
    "table_cells",
]


@pytest.fixture
def web_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a private copy of the web ledger (tests/worlds: WEB_LEDGER)."""
    return worlds.copy(WEB_LEDGER, tmp_path, web_secret_key="test-secret-" + "x" * 40).settings


EXCHANGE_LEDGER = LedgerWorld().with_register(SMALL).with_exchanges(REVIEW_MONTH).with_accounts(ACCOUNTS)
"""A real exchange: the small synthetic register prepared with its model, the review month's batch run (the
hand-made review cases in its review band), and an account per role."""


@dataclass(frozen=True)
class ExchangeWorld:
    """Settings on a test's copy of the exchange ledger, the exchange run in it and the batches not yet run."""

    settings: Settings
    reference: str
    month: str
    review: int
    batches: dict[str, Path]


@pytest.fixture
def world(worlds: WorldFactory, tmp_path: Path) -> ExchangeWorld:
    """A copy of EXCHANGE_LEDGER of this test's own (ledger, register, return and review files)."""
    copy = worlds.copy(
        EXCHANGE_LEDGER,
        tmp_path,
        holder_key=TEST_KEY,
        actor="tester",
        web_secret_key="test-secret-" + "x" * 40,
    )
    run = copy.exchange(REVIEW_MONTH)
    batches = worlds.register(SMALL).batches
    return ExchangeWorld(
        settings=copy.settings,
        reference=run.reference,
        month=run.month,
        review=run.review,
        batches={month: batch for month, batch in batches.items() if month != run.month},
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


def table_cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell of the table with this id, row by row (header row first)."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]
