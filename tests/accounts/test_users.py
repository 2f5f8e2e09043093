"""Accounts: adding, disabling, passwords, API tokens and the sign-in throttle — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from sharelog.accounts import (
    Refusal,
    SignInThrottle,
    add_user,
    authenticate,
    create_api_token,
    disable_user,
    list_users,
    revoke_api_token,
    set_password,
    user_for_token,
)
from sharelog.errors import Conflict, InputError, NotFound, TooManyAttempts
from sharelog.ledger import ledger_session, verify_audit_chain
from sharelog.ledger.models import ApiToken, AuditEvent, Organisation

from ..worlds import migrated

PASSWORD = "a long enough passphrase"


@pytest.fixture
def session(ledger_engine: Engine) -> Iterator[Session]:
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        session.add_all(
            [
                Organisation(id="dfe", name="DfE", kind="holder"),
                Organisation(id="ho", name="HO", kind="requester"),
            ]
        )
        session.flush()
        yield session


def _add(session: Session, username: str = "ana", role: str = "holder_reviewer", org: str = "dfe", **kw):
    values = {"display_name": "Ana", "password": PASSWORD, "actor": "admin", **kw}
    return add_user(session, username=username, organisation_id=org, role=role, **values)


def test_add_and_authenticate(session: Session) -> None:
    user = _add(session)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert authenticate(session, username="ana", password=PASSWORD) is user
    assert authenticate(session, username="ana", password=PASSWORD + "x") is None
    assert authenticate(session, username="nobody", password=PASSWORD) is None
    assert [u.username for u in list_users(session)] == ["ana"]
    actions = session.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("user-added", {"role": "holder_reviewer", "organisation": "dfe"}) in actions
    assert PASSWORD not in str(actions)
    assert verify_audit_chain(session).ok


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"username": "A"}, InputError, "a username is 2–64 characters"),
        ({"role": "superuser"}, InputError, "no role called 'superuser'"),
        ({"org": "nowhere"}, NotFound, "no organisation 'nowhere'"),
        ({"role": "requester_caseworker", "org": "dfe"}, InputError, "belongs to a requester organisation"),
        ({"role": "holder_operator", "org": "ho"}, InputError, "belongs to a holder organisation"),
        ({"password": "short"}, InputError, "too short"),
    ],
)
def test_bad_accounts_are_refused(session: Session, changes: dict[str, str], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _add(session, **changes)


def test_a_username_is_taken_once(session: Session) -> None:
    _add(session)
    with pytest.raises(Conflict, match="already a user called 'ana'"):
        _add(session)


def test_disable_ends_sessions_and_tokens(session: Session) -> None:
    user = _add(session)
    issued = create_api_token(session, username="ana", name="robot", actor="admin")
    assert issued.secret.startswith("slt_")
    assert user_for_token(session, issued.secret) is user
    stored = session.execute(select(ApiToken.token_hash)).scalar_one()
    assert issued.secret not in stored and len(stored) == 64
    version = user.session_version
    disable_user(session, "ana", actor="admin")
    assert not user.active and user.session_version == version + 1
    assert authenticate(session, username="ana", password=PASSWORD) is None
    assert user_for_token(session, issued.secret) is None
    with pytest.raises(Conflict, match="disabled"):
        create_api_token(session, username="ana", name="again", actor="admin")


def test_tokens_and_passwords(session: Session) -> None:
    user = _add(session)
    issued = create_api_token(session, username="ana", name="robot", actor="admin")
    assert user_for_token(session, "slt_wrong") is None and user_for_token(session, "not-a-token") is None
    revoke_api_token(session, issued.id, actor="admin")
    assert user_for_token(session, issued.secret) is None
    with pytest.raises(Conflict, match=f"API token {issued.id} was already revoked"):
        revoke_api_token(session, issued.id, actor="admin")
    revoked = session.execute(select(AuditEvent).where(AuditEvent.action == "api-token-revoked")).all()
    assert len(revoked) == 1
    with pytest.raises(NotFound):
        revoke_api_token(session, 999, actor="admin")
    version = user.session_version
    set_password(session, "ana", password="another long passphrase", actor="ana")
    assert user.session_version == version + 1
    assert authenticate(session, username="ana", password="another long passphrase") is user
    assert authenticate(session, username="ana", password=PASSWORD) is None


def test_throttle_counts_failures_per_account_and_address() -> None:
    throttle = SignInThrottle(per_account="2/minute", per_address="3/minute")
    for _ in range(2):
        throttle.check(username="ana", address="10.0.0.1")
        throttle.failed(username="ana", address="10.0.0.1")
    with pytest.raises(TooManyAttempts):
        throttle.check(username="ANA", address="10.0.0.2")
    throttle.check(username="bob", address="10.0.0.1")  # another account from the same address: still allowed
    throttle.failed(username="bob", address="10.0.0.1")
    with pytest.raises(TooManyAttempts):
        throttle.check(username="carl", address="10.0.0.1")  # the address has used its three
    throttle.succeeded(username="ana")
    throttle.check(username="ana", address="10.0.0.9")


def test_throttle_says_which_limit_refuses_and_whether_first_in_the_window() -> None:
    throttle = SignInThrottle(per_account="1/minute", per_address="2/minute")
    assert throttle.refusal(username="ana", address="10.0.0.1") is None
    throttle.failed(username="ana", address="10.0.0.1")
    assert throttle.refusal(username="ana", address="10.0.0.1") == Refusal("account", first=True)
    assert throttle.refusal(username="ANA", address="10.0.0.2") == Refusal("account", first=False)
    throttle.failed(username="bob", address="10.0.0.1")
    assert throttle.refusal(username="carl", address="10.0.0.1") == Refusal("address", first=True)
    assert throttle.refusal(username="dora", address="10.0.0.1") == Refusal("address", first=False)
