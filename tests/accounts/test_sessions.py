"""Web sessions held in the ledger: found, noted to the minute, ended by signing out, idling, age, a new password
or a disabled account — each ending recorded once — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from sharelog.accounts import (
    SESSION_LIFETIME,
    _sessions,
    add_user,
    disable_user,
    end_web_session,
    expire_web_session,
    find_web_session,
    set_password,
    start_web_session,
)
from sharelog.ledger import ledger_session, verify_audit_chain
from sharelog.ledger.models import AuditEvent, Organisation, User, WebSession, utc_now

from ..worlds import migrated

IDLE = timedelta(minutes=30)
PASSWORD = "a long enough passphrase"


@pytest.fixture
def engine(ledger_engine: Engine) -> Engine:
    """A ledger with one account, ``ana``."""
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        session.add(Organisation(id="dfe", name="DfE", kind="holder"))
        session.flush()
        add_user(
            session,
            username="ana",
            display_name="Ana",
            organisation_id="dfe",
            role="auditor",
            password=PASSWORD,
            actor="admin",
        )
    return ledger_engine


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The sessions' clock: set ``clock[0]`` to move it."""
    now = [utc_now()]
    monkeypatch.setattr(_sessions, "utc_now", lambda: now[0])
    yield now


def _sign_in(engine: Engine) -> str:
    with ledger_session(engine) as session:
        user = session.execute(select(User).where(User.username == "ana")).scalar_one()
        return start_web_session(session, user)


def _user_of(engine: Engine, token: str) -> str | None:
    with ledger_session(engine) as session:
        found = find_web_session(session, token, idle=IDLE)
        return found.user.username if found.user is not None else None


def _actions(engine: Engine, action: str) -> list[dict[str, Any]]:
    with ledger_session(engine) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars()
        return [{"object_id": row.object_id, **row.detail} for row in rows]


def test_only_the_tokens_hash_is_kept_and_signing_out_ends_it(engine: Engine) -> None:
    token = _sign_in(engine)
    with ledger_session(engine) as session:
        stored = session.execute(select(WebSession.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64
    assert _user_of(engine, token) == "ana"
    assert _user_of(engine, token + "x") is None
    with ledger_session(engine) as session:
        assert end_web_session(session, token) is True
        assert end_web_session(session, token) is False  # already over: no second event
    assert _user_of(engine, token) is None
    assert _actions(engine, "user-signed-out") == [{"object_id": "ana", "via": "web"}]


@pytest.mark.parametrize(
    ("later", "reason"),
    [
        (IDLE - timedelta(seconds=1), None),
        (IDLE, "idle"),
        (SESSION_LIFETIME, "lifetime"),
    ],
)
def test_an_idle_or_old_session_is_over(
    engine: Engine, clock: list[datetime], later: timedelta, reason: str | None
) -> None:
    token = _sign_in(engine)
    clock[0] += later
    with ledger_session(engine) as session:
        found = find_web_session(session, token, idle=IDLE)
    assert (found.user is None) == (reason is not None)
    if reason is None:
        return
    assert found.over is not None and found.over[1] == reason
    with ledger_session(engine) as session:
        assert expire_web_session(session, found.over[0], reason=reason) is True
    with ledger_session(engine) as session:
        assert expire_web_session(session, found.over[0], reason=reason) is False
    assert _actions(engine, "session-expired") == [{"object_id": "ana", "reason": reason, "via": "web"}]
    with ledger_session(engine) as session:
        row = session.execute(select(WebSession)).scalar_one()
        assert row.end_reason == reason and row.ended_at is not None
        assert verify_audit_chain(session).ok


def test_use_keeps_a_session_alive_but_not_past_its_lifetime(engine: Engine, clock: list[datetime]) -> None:
    token = _sign_in(engine)
    for _ in range(int(SESSION_LIFETIME / (IDLE / 2)) - 1):
        clock[0] += IDLE / 2
        assert _user_of(engine, token) == "ana"
    clock[0] += IDLE / 2
    assert _user_of(engine, token) is None


def test_use_is_noted_at_most_once_a_minute_and_only_at_the_commit(
    engine: Engine, clock: list[datetime]
) -> None:
    token = _sign_in(engine)
    sent: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE WEB_SESSIONS"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        for _ in range(3):
            assert _user_of(engine, token) == "ana"
        assert sent == []  # signed in less than a minute ago
        clock[0] += timedelta(minutes=1)
        with ledger_session(engine) as session:
            assert find_web_session(session, token, idle=IDLE).user is not None
            session.execute(select(Organisation)).all()
            assert sent == []  # not before the commit: a read request stays a read
        assert len(sent) == 1
        assert _user_of(engine, token) == "ana"
        assert len(sent) == 1
    finally:
        event.remove(engine, "before_cursor_execute", watch)


@pytest.mark.parametrize("change", ["password", "disabled"])
def test_a_new_password_or_a_disabled_account_ends_every_session(engine: Engine, change: str) -> None:
    tokens = [_sign_in(engine), _sign_in(engine)]
    with ledger_session(engine) as session:
        if change == "password":
            set_password(session, "ana", password="another long passphrase", actor="ana")
        else:
            disable_user(session, "ana", actor="admin")
    assert [_user_of(engine, token) for token in tokens] == [None, None]
    with ledger_session(engine) as session:
        reasons = session.execute(select(WebSession.end_reason)).scalars().all()
        assert reasons == [change, change]
        assert verify_audit_chain(session).ok


def test_signing_in_deletes_rows_of_sessions_long_unused(engine: Engine, clock: list[datetime]) -> None:
    _sign_in(engine)
    clock[0] += timedelta(days=31)
    recent = _sign_in(engine)
    with ledger_session(engine) as session:
        assert session.execute(select(WebSession.id)).scalars().all() != []
        assert len(session.execute(select(WebSession.id)).all()) == 1
    assert _user_of(engine, recent) == "ana"
