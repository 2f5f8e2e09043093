"""Signing in and out: cookie flags, CSRF, the throttle, safe redirects, disabled accounts, API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sharelog.accounts import create_api_token, disable_user
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings

from .conftest import PASSWORD, page_csrf, sign_in


def _post_sign_in(client: TestClient, username: str, password: str, **extra: str):
    token = page_csrf(client.get("/sign-in").text)
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/sign-in", data=data)


def test_session_cookie_is_httponly_secure_and_strict(client: TestClient) -> None:
    response = _post_sign_in(client, "auditor", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert client.get("/dashboard").status_code == 200


def test_pages_carry_security_headers(client: TestClient) -> None:
    response = client.get("/sign-in")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_wrong_password_shows_the_error_summary_and_says_nothing_more(client: TestClient) -> None:
    response = _post_sign_in(client, "auditor", "wrong password here")
    assert response.status_code == 400
    assert "There is a problem" in response.text and 'href="#username"' in response.text
    assert "The username or password is not right" in response.text
    unknown = _post_sign_in(client, "nobody", "wrong password here")
    assert "The username or password is not right" in unknown.text  # the same answer: no account enumeration
    empty = _post_sign_in(client, "", "")
    assert "Enter your username" in empty.text and "Enter your password" in empty.text


def test_a_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": "auditor", "password": PASSWORD})
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_too_many_failures_lock_the_account_for_a_while(client: TestClient) -> None:
    for _ in range(3):  # the test app allows 3 failures per account
        assert _post_sign_in(client, "foi", "wrong password here").status_code == 400
    locked = _post_sign_in(client, "foi", PASSWORD)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert _post_sign_in(client, "auditor", PASSWORD).status_code == 303  # another account is not locked


def test_next_goes_only_to_this_site(client: TestClient) -> None:
    for target, expected in [
        ("/reports?x=1", "/reports?x=1"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
    ]:
        client.cookies.clear()
        response = _post_sign_in(client, "auditor", PASSWORD, next=target)
        assert response.headers["location"] == expected


def test_signed_out_pages_redirect_to_sign_in_and_back(client: TestClient) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=%2Fdashboard"


def test_disabling_an_account_ends_its_session(client: TestClient, web_settings: Settings) -> None:
    sign_in(client, "reviewer")
    assert client.get("/dashboard").status_code == 200
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        disable_user(session, "reviewer", actor="admin")
    engine.dispose()
    assert client.get("/dashboard").status_code == 303


def test_api_tokens(client: TestClient, web_settings: Settings) -> None:
    engine = create_ledger_engine(web_settings.ledger_url())
    with ledger_session(engine) as session:
        issued = create_api_token(session, username="caseworker", name="robot", actor="admin")
    engine.dispose()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert me.status_code == 200
    assert me.json() == {
        "username": "caseworker",
        "display_name": "Caseworker",
        "role": "requester_caseworker",
        "organisation_id": "home-office",
    }
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer slt_not-a-token"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert bad.json() == {
        "error": {
            "status": 401,
            "type": "sign_in_required",
            "message": "the API token is not valid (revoked, mistyped, or its user is disabled)",
            "details": [],
            "pointer": None,
            "problems": [],
        }
    }
    assert client.get("/api/v1/me").json()["error"]["type"] == "sign_in_required"
    assert client.get("/api/v1/nowhere").json()["error"]["type"] == "not_found"


def test_users_page_lists_the_organisations_accounts(as_role) -> None:
    page = as_role("admin").get("/users")
    assert page.status_code == 200
    assert ">operator</td>" in page.text
    assert ">caseworker</td>" not in page.text  # the caseworker is at home-office
