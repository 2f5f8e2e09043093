"""Sessions held server-side (a copied cookie dies with sign-out, idling, a new password), the throttle's idea of
a client's address, what sign-ins leave in the audit trail, the access log and HSTS (issue 12)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sharelog.accounts import SignInThrottle, _sessions, set_password
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AuditEvent, WebSession, utc_now
from sharelog.settings import Settings
from sharelog.web import SESSION_COOKIE, create_app

from .conftest import PASSWORD, page_csrf, sign_in


def _client(settings: Settings, **kw: Any) -> TestClient:
    throttle = SignInThrottle(per_account="3/15minutes", per_address="5/15minutes")
    return TestClient(
        create_app(settings, throttle=throttle), base_url="https://testserver", follow_redirects=False, **kw
    )


def _copy_of(client: TestClient) -> dict[str, str]:
    return {SESSION_COOKIE: client.cookies[SESSION_COOKIE]}


def _replay(client: TestClient, cookies: dict[str, str]) -> None:
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)


def _signed_in(client: TestClient, cookies: dict[str, str]) -> bool:
    """Whether ``cookies`` open the dashboard and /api/v1/me (both or neither)."""
    _replay(client, cookies)
    page = client.get("/dashboard")
    _replay(client, cookies)
    me = client.get("/api/v1/me")
    assert (page.status_code == 200) == (me.status_code == 200), (page.status_code, me.status_code)
    if page.status_code != 200:
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
        assert me.status_code == 401
    return page.status_code == 200


def _events(settings: Settings, *actions: str) -> list[AuditEvent]:
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        rows = list(session.execute(select(AuditEvent).where(AuditEvent.action.in_(actions))).scalars())
        assert verify_audit_chain(session).ok
    engine.dispose()
    return rows


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The sessions' clock: move ``clock[0]`` to make time pass."""
    now = [utc_now()]
    monkeypatch.setattr(_sessions, "utc_now", lambda: now[0])
    yield now


def test_a_cookie_copied_before_signing_out_is_useless_after(
    client: TestClient, web_settings: Settings
) -> None:
    sign_in(client, "auditor")
    copied = _copy_of(client)
    assert _signed_in(client, copied)
    _replay(client, copied)
    token = page_csrf(client.get("/dashboard").text)
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert not _signed_in(client, copied)
    [signed_out] = _events(web_settings, "user-signed-out")
    assert signed_out.object_id == "auditor" and signed_out.detail == {"via": "web"}


def test_signing_in_again_ends_the_session_the_browser_had(client: TestClient) -> None:
    sign_in(client, "auditor")
    before = _copy_of(client)
    token = page_csrf(client.get("/dashboard").text)
    data = {"username": "auditor", "password": PASSWORD, "csrf_token": token}
    assert client.post("/sign-in", data=data).status_code == 303
    after = _copy_of(client)
    assert not _signed_in(client, before) and _signed_in(client, after)


def test_an_idle_session_ends_and_its_end_is_recorded(
    client: TestClient, web_settings: Settings, clock: list[datetime]
) -> None:
    sign_in(client, "auditor")
    copied = _copy_of(client)
    clock[0] += timedelta(minutes=web_settings.web_session_idle_minutes - 1)
    assert _signed_in(client, copied)  # used: idle from now on
    clock[0] += timedelta(minutes=web_settings.web_session_idle_minutes)
    assert not _signed_in(client, copied)
    [expired] = _events(web_settings, "session-expired")  # once, though the cookie came back twice
    assert expired.object_id == "auditor" and expired.detail == {"reason": "idle", "via": "web"}
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        assert session.execute(select(WebSession.end_reason)).scalar_one() == "idle"
    engine.dispose()


def test_after_idling_out_the_browser_can_sign_in_again_at_once(
    client: TestClient, clock: list[datetime]
) -> None:
    sign_in(client, "auditor")
    token = page_csrf(client.get("/dashboard").text)
    clock[0] += timedelta(hours=1)
    data = {"username": "auditor", "password": PASSWORD, "csrf_token": token}
    assert client.post("/sign-in", data=data).status_code == 303  # not refused as a forged form
    assert client.get("/dashboard").status_code == 200


def test_a_session_ends_eight_hours_after_signing_in_however_busy(
    client: TestClient, clock: list[datetime]
) -> None:
    sign_in(client, "auditor")
    copied = _copy_of(client)
    for _ in range(7 * 3):
        clock[0] += timedelta(minutes=20)
        assert _signed_in(client, copied)
    clock[0] += timedelta(minutes=60)
    assert not _signed_in(client, copied)


def test_a_new_password_ends_the_accounts_other_sessions(client: TestClient, web_settings: Settings) -> None:
    sign_in(client, "reviewer")
    first = _copy_of(client)
    client.cookies.clear()
    sign_in(client, "reviewer")
    second = _copy_of(client)
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        set_password(session, "reviewer", password="a brand new passphrase", actor="admin")
    engine.dispose()
    assert not _signed_in(client, first) and not _signed_in(client, second)
    client.cookies.clear()
    sign_in(client, "reviewer", "a brand new passphrase")
    assert _signed_in(client, _copy_of(client))


def test_a_forged_x_forwarded_for_from_loopback_is_throttled_by_the_real_address(
    web_settings: Settings,
) -> None:
    with _client(web_settings, client=("127.0.0.1", 50000)) as client:
        for number in range(5):  # the address allows five failures; each from a "new" address and account
            client.cookies.clear()
            token = page_csrf(client.get("/sign-in").text)
            forged = {"X-Forwarded-For": f"203.0.113.{number}"}
            data = {"username": f"nobody{number}", "password": "wrong password here", "csrf_token": token}
            assert client.post("/sign-in", data=data, headers=forged).status_code == 400
        token = page_csrf(client.get("/sign-in").text)
        data = {"username": "auditor", "password": PASSWORD, "csrf_token": token}
        refused = client.post("/sign-in", data=data, headers={"X-Forwarded-For": "198.51.100.7"})
        assert refused.status_code == 429


def test_a_trusted_proxys_x_forwarded_for_is_believed(web_settings: Settings) -> None:
    settings = web_settings.model_copy(update={"trusted_proxies": "127.0.0.0/8"})
    with _client(settings, client=("127.0.0.1", 50000)) as client:
        for number in range(6):
            client.cookies.clear()
            token = page_csrf(client.get("/sign-in").text)
            data = {"username": f"nobody{number}", "password": "wrong password here", "csrf_token": token}
            headers = {"X-Forwarded-For": f"203.0.113.{number}"}
            assert client.post("/sign-in", data=data, headers=headers).status_code == 400


def test_trusted_proxies_must_be_addresses(web_settings: Settings) -> None:
    from sharelog.errors import InputError

    for value in ("*", "proxy.example"):
        with pytest.raises(InputError, match="entry 1 is not an IP address or network"):
            create_app(web_settings.model_copy(update={"trusted_proxies": value}))


def test_failed_sign_ins_are_recorded_without_what_was_typed(
    client: TestClient, web_settings: Settings
) -> None:
    typed = "Secret Password Typed In The Username Box"
    for username, password in [("auditor", "a wrong password 1"), (typed, "a wrong password 2")]:
        token = page_csrf(client.get("/sign-in").text)
        data = {"username": username, "password": password, "csrf_token": token}
        assert client.post("/sign-in", data=data).status_code == 400
    known, unknown = _events(web_settings, "sign-in-failed")
    assert (known.actor, known.object_id, known.detail) == (
        "anonymous",
        "auditor",
        {"via": "web", "account": "known"},
    )
    assert (unknown.object_id, unknown.detail) == ("unknown", {"via": "web", "account": "unknown"})
    for row in (known, unknown):
        columns = [str(getattr(row, column.key)) for column in AuditEvent.__table__.columns]
        for secret in ("a wrong password", typed.lower(), typed):
            assert not any(secret in column for column in columns)


def test_throttling_is_recorded_once_per_account_and_window(
    client: TestClient, web_settings: Settings
) -> None:
    statuses = []
    for _ in range(6):  # the test app allows 3 failures per account
        token = page_csrf(client.get("/sign-in").text)
        data = {"username": "foi", "password": "wrong password here", "csrf_token": token}
        statuses.append(client.post("/sign-in", data=data).status_code)
    assert statuses == [400, 400, 400, 429, 429, 429]
    assert len(_events(web_settings, "sign-in-failed")) == 3
    [throttled] = _events(web_settings, "sign-in-throttled")
    assert throttled.object_id == "foi" and throttled.detail == {"via": "web", "limit": "account"}


def test_the_access_log_has_a_line_per_request_without_query_or_address(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client, "auditor")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sharelog.access"):
        assert client.get("/exchanges/EX-2019-01-0001?secret=P0100001").status_code in (200, 404)
        assert client.get("/no/such/page?name=Jane+Smith").status_code == 404
        assert client.get("/api/v1/me?x=Jane").status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "sharelog.access"]
    assert len(lines) == 3, lines
    found, missing, api = lines
    assert api.startswith("GET /api/v1/me 200 ")  # the full template, prefix and all
    assert found.startswith("GET /exchanges/{reference} ") and " role=auditor via=session " in found
    assert missing.startswith("GET /no/such/page 404 ")  # no route, so no one was asked to sign in
    for line in lines:
        assert "?" not in line and "P0100001" not in line and "Jane" not in line and "EX-2019" not in line
        assert "testclient" not in line and "client=" in line


@pytest.mark.parametrize(("secure", "hsts"), [(True, True), (False, False)])
def test_hsts_is_sent_when_cookies_are_secure(web_settings: Settings, secure: bool, hsts: bool) -> None:
    settings = web_settings.model_copy(update={"web_secure_cookies": secure})
    with _client(settings) as client:
        response = client.get("/sign-in")
    assert response.headers.get("strict-transport-security") == (
        "max-age=31536000; includeSubDomains" if hsts else None
    )
