"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI, a summary on every operation, and error
responses in the API's one JSON shape — declared so, and answered so."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from sharelog.web import SESSION_COOKIE
from sharelog.web._access import ACCESS, PUBLIC
from sharelog.web._routes import app_routes
from sharelog.web.api._error_models import ApiErrorPublic

from .access_table import PATH_VALUES

DOCUMENT = "/api/v1/openapi.json"
METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
BAD_TOKEN = "slt_not-a-real-token"


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _url(path: str) -> str:
    # a value known to the ledger where the matrix test has one; any value will do for a bad token
    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", lambda match: PATH_VALUES.get(match.group(1), "x"), path)


def _is_pointer(value: Any) -> bool:
    return value is None or (isinstance(value, str) and re.fullmatch(r"(/[^/]+)+", value) is not None)


def assert_error_shape(body: Any, status: int) -> None:
    """``{"error": {"status", "type", "message", "details", "pointer", "problems"}}`` and nothing else, as the
    document's error model describes it (tests/web share it)."""
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "type", "message", "details", "pointer", "problems"}, error
    assert error["status"] == status
    assert isinstance(error["type"], str) and re.fullmatch(r"[a-z_]+", error["type"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], list) and all(isinstance(line, str) for line in error["details"])
    assert _is_pointer(error["pointer"]), error
    assert isinstance(error["problems"], list), error
    for problem in error["problems"]:
        assert set(problem) == {"where", "row", "pointer", "message"}, problem
        assert _is_pointer(problem["pointer"]), problem
    ApiErrorPublic.model_validate(body, strict=True)


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["info"]["title"] == "sharelog"
    assert document["info"].get("description", "").strip()


def test_the_document_lists_only_the_api(document: dict[str, Any]) -> None:
    pages = [path for path in document["paths"] if not path.startswith("/api/v1/")]
    assert pages == [], "HTML pages are left out of the API's document"
    assert _operations(document), "the API has operations"


def test_every_operation_has_a_summary_and_a_unique_id(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if not str(operation.get("summary", "")).strip()
    ]
    assert missing == [], f"operations without a summary: {missing}"
    ids = [operation.get("operationId") for _path, _method, operation in _operations(document)]
    assert len(ids) == len(set(ids))


def test_declared_error_responses_have_the_one_error_shape(document: dict[str, Any]) -> None:
    """An error response the document describes must be the shape the API sends (FastAPI's default 422
    schema, ``{"detail": […]}``, is not what sharelog answers)."""
    wrong = []
    for path, method, operation in _operations(document):
        for status, response in operation.get("responses", {}).items():
            if status[0] not in "45":
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                continue
            resolved = _resolve(document, schema)
            if "error" not in resolved.get("properties", {}):
                wrong.append(f"{method.upper()} {path} {status}: {schema.get('$ref', resolved)}")
    assert wrong == [], f"error responses described with another shape: {wrong}"


def test_every_operation_answers_a_bad_token_with_the_error_shape(
    client: TestClient, document: dict[str, Any]
) -> None:
    wrong = []
    for path, method, _operation in _operations(document):
        response = client.request(
            method.upper(), _url(path), headers={"Authorization": f"Bearer {BAD_TOKEN}"}
        )
        if response.status_code != 401 or response.headers.get("www-authenticate") != "Bearer":
            wrong.append(f"{method.upper()} {path}: {response.status_code}")
            continue
        try:
            assert_error_shape(response.json(), 401)
        except AssertionError as error:
            wrong.append(f"{method.upper()} {path}: {error}")
    assert wrong == [], f"operations that did not answer 401 in the error shape: {wrong}"


def test_an_unknown_api_address_answers_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert_error_shape(response.json(), 404)


def test_the_ways_to_sign_in_are_declared(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {
        name: (scheme["type"], scheme.get("scheme"), scheme.get("in")) for name, scheme in schemes.items()
    } == {
        "apiToken": ("http", "bearer", None),
        "sessionCookie": ("apiKey", None, "cookie"),
    }
    assert schemes["sessionCookie"]["name"] == SESSION_COOKIE


def test_every_operation_that_needs_sign_in_says_so(client: TestClient, document: dict[str, Any]) -> None:
    """An operation's ``security`` matches the access table, and what the API does without credentials."""
    rules = {
        (route.path, method.lower()): ACCESS[route.name]
        for route in app_routes(client.app)  # type: ignore[arg-type]
        if route.in_schema and route.name is not None
        for method in route.methods
    }
    wrong = []
    for path, method, operation in _operations(document):
        public = rules[(path, method)] == PUBLIC
        expected = [] if public else [{"apiToken": []}, {"sessionCookie": []}]
        if operation.get("security") != expected:
            wrong.append(f"{method.upper()} {path}: {operation.get('security')}")
        client.cookies.clear()
        answered = client.request(method.upper(), _url(path)).status_code
        if (answered == 401) == public:
            wrong.append(f"{method.upper()} {path}: answered {answered} without credentials")
    assert wrong == [], f"operations whose security is not what the access table says: {wrong}"
