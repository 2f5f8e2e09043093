"""When an API token's last use is noted: to the minute, and only as the request's transaction commits, so that
a read made with a token is not a write until its very end (on SQLite a write holds the one write lock until the
commit; tests/load found report reads holding it) — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from sharelog.accounts import _users, add_user, create_api_token, user_for_token
from sharelog.ledger import ledger_session
from sharelog.ledger.models import ApiToken, Organisation, utc_now

from ..worlds import migrated


@pytest.fixture
def token_engine(ledger_engine: Engine) -> tuple[Engine, str]:
    """A ledger with one caseworker and one of her tokens (its secret)."""
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        session.add(Organisation(id="ho", name="HO", kind="requester"))
        session.flush()
        add_user(
            session,
            username="cara",
            display_name="Cara",
            organisation_id="ho",
            role="requester_caseworker",
            password="a long enough passphrase",
            actor="admin",
        )
        secret = create_api_token(session, username="cara", name="robot", actor="admin").secret
    return ledger_engine, secret


@pytest.fixture
def token_updates(token_engine: tuple[Engine, str]) -> Iterator[list[str]]:
    """Every statement that writes the tokens table, as it is sent."""
    engine, _secret = token_engine
    sent: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    yield sent
    event.remove(engine, "before_cursor_execute", watch)


def _last_used(engine: Engine) -> datetime | None:
    with ledger_session(engine) as session:
        return session.execute(select(ApiToken.last_used_at)).scalar_one()


def test_a_use_is_written_as_the_transaction_commits_not_before(
    token_engine: tuple[Engine, str], token_updates: list[str]
) -> None:
    engine, secret = token_engine
    with ledger_session(engine) as session:
        assert user_for_token(session, secret) is not None
        session.execute(select(Organisation)).all()  # the request's own reads: no write flushed before them
        assert token_updates == []
    assert len(token_updates) == 1
    assert _last_used(engine) is not None


def test_a_use_is_noted_to_the_minute(
    token_engine: tuple[Engine, str], token_updates: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, secret = token_engine
    for _ in range(3):
        with ledger_session(engine) as session:
            user_for_token(session, secret)
    first = _last_used(engine)
    assert len(token_updates) == 1
    later = utc_now() + _users.TOKEN_USE_RESOLUTION + timedelta(seconds=1)
    monkeypatch.setattr(_users, "utc_now", lambda: later)
    with ledger_session(engine) as session:
        user_for_token(session, secret)
    assert len(token_updates) == 2
    assert _last_used(engine) == later > first


def test_a_request_that_fails_notes_no_use(
    token_engine: tuple[Engine, str], token_updates: list[str]
) -> None:
    engine, secret = token_engine
    with pytest.raises(RuntimeError), ledger_session(engine) as session:
        user_for_token(session, secret)
        raise RuntimeError("the request failed")
    assert token_updates == [] and _last_used(engine) is None
