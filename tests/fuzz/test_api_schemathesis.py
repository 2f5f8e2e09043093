"""schemathesis against the API's own OpenAPI document, on the web tests' ledger (three months of exchanges and
outcomes, one account per role, an FOI case).

For every operation, schemathesis generates requests — valid ones and, as often, invalid ones (wrong types,
missing fields, strings where numbers go) — and sends each with the API token of a caseworker, of a FOI
officer and of a holder's operator. Every answer must be: no server error; a status code and content type the
document declares; a body that matches the declared schema; and every error in the API's one JSON shape,
``{"error": {...}}``.

Bounded for CI (a few examples per operation, derandomized); ``SHARELOG_FUZZ_EXAMPLES`` raises it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sharelog.accounts import create_api_token
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings
from sharelog.web import create_app

from ..web.access_table import PATH_VALUES
from ..web.test_openapi import assert_error_shape
from ..worlds import USER_OF_ROLE, WEB_LEDGER, WorldFactory
from .conftest import FUZZ_PROFILE

ROLES = ("requester_caseworker", "foi_officer", "holder_operator")
EXAMPLES_PER_OPERATION = max(3, settings.get_profile(FUZZ_PROFILE).max_examples // 12)


@pytest.fixture
def web_settings(worlds: WorldFactory, tmp_path: Path) -> Settings:
    """Settings on a copy of the web tests' ledger."""
    return worlds.copy(WEB_LEDGER, tmp_path, web_secret_key="test-secret-" + "x" * 40).settings


@pytest.fixture
def api_tokens(web_settings: Settings) -> dict[str, str]:
    """A bearer token each for the caseworker, the FOI officer and the holder's operator."""
    engine = create_ledger_engine(web_settings.ledger_url())
    tokens = {}
    with ledger_session(engine) as session:
        for role in ROLES:
            issued = create_api_token(session, username=USER_OF_ROLE[role], name="schemathesis", actor="test")
            tokens[role] = issued.secret
    engine.dispose()
    return tokens


@pytest.fixture
def api_schema(web_settings: Settings) -> Iterator[Any]:
    app = create_app(web_settings)
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def _error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is the API's one error shape (5xx are caught by ``not_a_server_error``)."""
    if 400 <= response.status_code < 500:
        assert_error_shape(response.json(), response.status_code)
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    _error_shape,
]


def _cases(operation: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
    """Requests to the operation; for valid ones, half name things the ledger holds (the FOI case, a returned
    record, an exchange), so that they reach the service rather than stop at "not found"."""
    generated = operation.as_strategy(generation_mode=mode)
    names = re.findall(r"\{([^}:]+)", operation.path)
    known = {name: PATH_VALUES[name] for name in names if name in PATH_VALUES}
    if mode is GenerationMode.NEGATIVE or not known:
        return generated
    return st.one_of(generated, operation.as_strategy(generation_mode=mode, path_parameters=known))


def _fuzz_operation(operation: Any, mode: GenerationMode, headers: list[dict[str, str]]) -> None:
    profile = settings.get_profile(FUZZ_PROFILE)

    @settings(
        profile,
        max_examples=EXAMPLES_PER_OPERATION,
        # an operation whose only inputs are free strings (a case reference) has no invalid requests to make
        suppress_health_check=[*profile.suppress_health_check, HealthCheck.filter_too_much],
    )
    @given(case=_cases(operation, mode))
    def run(case: Any) -> None:
        for header in headers:
            case.call_and_validate(headers=header, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise


def test_api(api_schema: Any, api_tokens: dict[str, str]) -> None:
    """Every operation, valid and invalid requests, with each token; all failing operations are reported."""
    headers = [{"Authorization": f"Bearer {api_tokens[role]}"} for role in ROLES]
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, "the API's operations are all in the document"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz_operation(operation, mode, headers)
            except Exception as failure:  # noqa: BLE001 — collected, so one run names every failing operation
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
