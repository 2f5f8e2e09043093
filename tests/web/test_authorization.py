"""The authorization matrix: every role (and a signed-out visitor) × every route of the app, from one table.

Allowed means the request got past authorization (any status but 401/403 and not a redirect to sign in — a 422
for a missing form body is fine: the rule let it through). Denied means 403 for a signed-in role, and 401 (API) or
a redirect to the sign-in page (pages) when signed out. Unsafe methods carry a valid CSRF token, so a denial is
the access rule's and not CSRF's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from sharelog.web import create_app
from sharelog.web._access import ACCESS

from ..worlds import CONTACT, REQUESTER, THIRD_PARTY_CONTACT, THIRD_PARTY_REQUESTER
from .access_table import (
    EXPECTED,
    FOI_BODIES,
    FOI_CASE_OF,
    FOI_FILE_NAME,
    FOI_MISSING_CASE,
    PATH_VALUES,
    PUBLIC,
    ROLES,
    SIGNED_IN,
)
from .conftest import ACCOUNTS, THIRD_PARTY_ACCOUNTS, USER_OF_ROLE, page_csrf, sign_in


def _routes(app) -> Iterator[tuple[str, str, str]]:
    """Every (route name, method, path) of the app, included routers flattened; static mounts left out."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.route, Mount):
            continue
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                yield context.name, method, context.path


def _url(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        assert name in PATH_VALUES, f"add a value for the path parameter {name!r} to PATH_VALUES"
        return PATH_VALUES[name]

    return re.sub(r"\{([^}]+)\}", value, path)


def test_every_route_is_in_the_table_and_the_access_rules(web_settings):
    app = create_app(web_settings)
    names = {name for name, _method, _path in _routes(app)}
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"routes with no row in tests/web/access_table.py: {missing}"
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"rows for routes the app no longer has: {stale}"
    guarded = names - {"openapi"}
    assert not sorted(guarded - set(ACCESS)), "every guarded route has an access rule in sharelog.web._access"


def _expected_allowed(name: str, role: str | None) -> bool:
    rule = EXPECTED[name]
    if rule == PUBLIC:
        return True
    if role is None:
        return False
    return rule == SIGNED_IN or role in rule


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda r: r or "signed_out")
def test_the_matrix(web_settings, role):
    app = create_app(web_settings)
    failures: list[str] = []
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        if role is not None:
            sign_in(client, USER_OF_ROLE[role])
        token = page_csrf(client.get("/sign-in").text) if role is None else _token(client)
        for name, method, path in _routes(app):
            if name == "sign_out":
                continue  # would end the session the rest of the matrix needs; checked below
            url = _url(path)
            headers = {"x-csrf-token": token} if method not in ("GET", "HEAD") else {}
            response = client.request(method, url, headers=headers)
            allowed = _expected_allowed(name, role)
            denied = response.status_code in (401, 403) or (
                response.status_code == 303 and response.headers.get("location", "").startswith("/sign-in")
            )
            if allowed and denied:
                failures.append(f"{method} {path} ({name}): expected allowed, got {response.status_code}")
            if not allowed:
                want = (401, 303) if role is None else (403,)
                if response.status_code not in want:
                    failures.append(
                        f"{method} {path} ({name}): expected denied {want}, got {response.status_code}"
                    )
    assert not failures, "\n".join(failures)


def _token(client: TestClient) -> str:
    response = client.get("/")
    if response.status_code == 303:
        response = client.get(response.headers["location"])
    return page_csrf(response.text)


def test_sign_out_needs_an_account(client):
    token = page_csrf(client.get("/sign-in").text)
    response = client.post("/sign-out", headers={"x-csrf-token": token})
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    sign_in(client, "auditor")
    token = _token(client)
    assert client.post("/sign-out", headers={"x-csrf-token": token}).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


# ---- FOI cases across organisations ----

# each case's requester details, by the organisation that received the request
_REQUESTER_MARKERS = {
    "dfe": (REQUESTER, CONTACT),
    "northshire": (THIRD_PARTY_REQUESTER, THIRD_PARTY_CONTACT),
}
_FOI_ACCOUNTS = {**ACCOUNTS, **THIRD_PARTY_ACCOUNTS}


def _case_url(path: str, reference: str) -> str:
    values = {**PATH_VALUES, "case_reference": reference, "file_name": FOI_FILE_NAME}
    return re.sub(r"\{([^}]+)\}", lambda match: values[match.group(1).split(":")[0]], path)


def _call(client: TestClient, token: str, name: str, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.request(method, url, headers={"x-csrf-token": token}, json=FOI_BODIES[name])
    return client.request(method, url, data={"csrf_token": token})


def _comparable(response, reference: str) -> tuple[int, str]:
    """Status and body, with what differs between any two responses (the CSP nonce) and the reference asked for
    taken out."""
    body = re.sub(r'nonce="[^"]*"', "", response.text).replace(reference, "CASE")
    return response.status_code, body


def _leaks(text: str, username: str) -> list[str]:
    """The requester details in ``text`` that the account may not see: any but its own organisation's cases',
    and any at all unless it is an FOI officer."""
    role, organisation = _FOI_ACCOUNTS[username]
    return [
        marker
        for owner, markers in _REQUESTER_MARKERS.items()
        for marker in markers
        if marker in text and not (role == "foi_officer" and owner == organisation)
    ]


@pytest.mark.parametrize("username", sorted(_FOI_ACCOUNTS))
def test_foi_cases_of_another_organisation_answer_as_if_missing(web_settings, username):
    role, organisation = _FOI_ACCOUNTS[username]
    own = FOI_CASE_OF.get(organisation)
    other = FOI_CASE_OF["northshire" if organisation != "northshire" else "dfe"]
    app = create_app(web_settings)
    failures: list[str] = []
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        sign_in(client, username)
        token = _token(client)
        case_routes = [route for route in _routes(app) if "{case_reference" in route[2]]
        for name, method, path in case_routes:
            allowed = _expected_allowed(name, role)
            # the other organisation's case first: a change to one's own (a response, a withdrawal) comes after
            missing = _call(client, token, name, method, _case_url(path, FOI_MISSING_CASE))
            theirs = _call(client, token, name, method, _case_url(path, other))
            mine = _call(client, token, name, method, _case_url(path, own)) if own else None
            for label, response in (("missing", missing), ("other", theirs), ("own", mine)):
                if response is not None and (leaked := _leaks(response.text, username)):
                    failures.append(f"{method} {path} ({name}) on the {label} case shows {leaked}")
            if not allowed:
                if {missing.status_code, theirs.status_code} != {403}:
                    failures.append(f"{method} {path} ({name}): expected 403, got {theirs.status_code}")
                continue
            if theirs.status_code != 404 or _comparable(theirs, other) != _comparable(
                missing, FOI_MISSING_CASE
            ):
                failures.append(
                    f"{method} {path} ({name}): the other organisation's case answers {theirs.status_code}"
                )
            if mine is not None and "no FOI case" in mine.text:
                failures.append(f"{method} {path} ({name}): its own organisation's case is not found")
        for url in ("/foi?show=all", "/api/v1/foi/cases"):
            listed = client.get(url)
            if not _expected_allowed("read_foi_cases", role):
                continue
            if other in listed.text or (own and own not in listed.text):
                failures.append(f"GET {url} lists another organisation's cases or misses its own")
            if leaked := _leaks(listed.text, username):
                failures.append(f"GET {url} shows {leaked}")
    assert not failures, "\n".join(failures)
