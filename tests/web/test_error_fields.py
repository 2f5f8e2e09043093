"""Errors speak the domain, not the command line: a service names the field a problem is about, and no page or API
response shows a command-line option or a ``sharelog`` command.

Two checks. The first reads the source: outside ``sharelog.cli`` no error message (nor a problem's) holds an
option or a command, and no string starts with one (``option="--on"``, ``removeprefix("--days: ")``): the CLI alone
turns a field into its option. The second raises each service's error from a bad input (one per service and field)
and renders it as the web does — the HTML error page and the API's JSON — checking the field survives as a pointer
and no option or command shows.
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer.main
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

import sharelog
from sharelog import errors
from sharelog.agreements import find_agreement
from sharelog.cli import app as cli_app
from sharelog.errors import InputError, LedgerError, Problem, SharelogError, ValidationFailed
from sharelog.exchange import month_start, read_file_key, write_new_private_file
from sharelog.ledger import create_ledger_engine, require_current, upgrade
from sharelog.ledger.checkpoint import read_checkpoint, read_public_key, verify_audit_trail
from sharelog.linkage import open_session, prepare_register
from sharelog.reports import months_between, parse_month, parse_period
from sharelog.reports._formats import format_of
from sharelog.reports._report import check_sdc
from sharelog.retention import apply_retention
from sharelog.settings import Settings
from sharelog.synth import generate, parse_months
from sharelog.web import create_app
from sharelog.web._errors import SERVER_SIDE_MESSAGE, json_pointer

SOURCE = Path(sharelog.__file__).parent
COMMANDS = sorted(typer.main.get_command(cli_app).commands)  # type: ignore[attr-defined]
OPTION = re.compile(r"(?<![\w-])--[a-z]")
COMMAND = re.compile(r"\bsharelog (?:" + "|".join(COMMANDS) + r")\b")
ERROR_NAMES = {name for name in errors.__all__ if name != "Problem"}


# --- the source: no option or command in what services raise -------------------------------------------------------


def _text(node: ast.expr) -> str:
    """The literal text in an expression (an f-string's fixed parts; ``{…}`` for what is filled in)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(part) if isinstance(part, ast.Constant) else "{…}" for part in node.values)
    if isinstance(node, ast.BinOp):
        return _text(node.left) + _text(node.right)
    return ""


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def command_line_in_messages(source: str, name: str) -> Iterator[str]:
    """Each message that names an option or a command, each string that starts with an option, and each ``"--"``
    (what parsing an option back out of a message looks for)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in ERROR_NAMES | {"Problem"}:
            given = node.args[:2] if _called(node) == "Problem" else node.args[:1]
            given += [kw.value for kw in node.keywords if kw.arg in ("message", "file")]
            for argument in given:
                text = _text(argument)
                if OPTION.search(text) or COMMAND.search(text):
                    yield f"{name}:{node.lineno}: {_called(node)}({text!r})"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            # an option, or the bare "--" a front end would look for to parse one out of a message
            if re.match(r"--[a-z]", node.value) or node.value == "--":
                yield f"{name}:{node.lineno}: {node.value!r}"


def _service_modules() -> Iterator[Path]:
    for path in sorted(SOURCE.rglob("*.py")):
        if "cli" not in path.relative_to(SOURCE).parts[:1]:
            yield path


def test_no_service_message_names_an_option_or_a_command() -> None:
    found = [
        line
        for path in _service_modules()
        for line in command_line_in_messages(path.read_text(encoding="utf-8"), str(path.relative_to(SOURCE)))
    ]
    assert found == [], "messages that speak the command line (name the field, put advice in cli_hint):\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize(
    "source",
    [
        'raise InputError(f"--days: {days} is negative")',
        'raise InputError("--by: name the person deciding")',
        'raise Conflict(f"{name}: already run; add --rerun")',
        'raise NotFound("no agreement; `sharelog agreements list` shows them")',
        'raise LedgerError("not initialised; run sharelog db upgrade")',
        'problems.append(Problem("--purpose", "is not a purpose"))',
        'check_action_day(case, day, option="--on")',
        'def check_regime(regime, *, option="--regime"): ...',
        'message = error.message.removeprefix("--exemption: ")',
        'if option.startswith("--"): field = option[2:]',
    ],
)
def test_the_source_check_finds_the_command_line(source: str) -> None:
    assert list(command_line_in_messages(source, "example.py")) != []


@pytest.mark.parametrize(
    "source",
    [
        'raise InputError(f"{days} is negative", field="days")',
        'raise Conflict("already run", cli_hint="add --rerun")',
        'raise InputError("not a sharelog-encrypted-v1 file")',
        'raise LedgerError("this sharelog needs revision 0006", cli_hint="run `sharelog db upgrade`")',
        'def f():\n    """Run ``sharelog link --prepared``."""',
        'TABLE = "|---|---|"',
    ],
)
def test_the_source_check_leaves_the_domain_alone(source: str) -> None:
    assert list(command_line_in_messages(source, "example.py")) == []


# --- each service's error as the web shows it ----------------------------------------------------------------------


def _raises(call: Callable[[], object]) -> SharelogError:
    with pytest.raises(SharelogError) as raised:
        call()
    return raised.value


def _require_current(path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{path}")
    try:
        require_current(engine)
    finally:
        engine.dispose()


def _cases(tmp: Path) -> list[tuple[str, Callable[[], object], str | None]]:
    """(what, a call with a bad input, the field its error names) — one per service and field."""
    missing = tmp / "missing"
    return [
        ("report month", lambda: parse_month("2019-13", field="from"), "from"),
        ("report period order", lambda: months_between("2019-03", "2019-01"), "to"),
        ("report period", lambda: parse_period("soon"), "period"),
        ("report mode", lambda: check_sdc("secret", "10-5"), "sdc"),
        ("report profile", lambda: check_sdc("publish", "2-3"), "profile"),
        ("report format", lambda: format_of(tmp / "x.doc", "doc"), "format"),
        ("report file", lambda: format_of(tmp / "x.doc", None), "out"),
        ("synth months", lambda: parse_months("2019-13"), "months"),
        ("synth pupils", lambda: generate(pupils=0, requests=1, seed=1, out_dir=tmp / "s"), "pupils"),
        ("synth requests", lambda: generate(pupils=5, requests=9, seed=1, out_dir=tmp / "s"), "requests"),
        ("synth folder", lambda: generate(pupils=5, requests=1, seed=1, out_dir=missing / "s"), "out"),
        ("prepared folder", lambda: prepare_register(register=tmp / "r.csv", out_dir=missing / "p"), "out"),
        (
            "register or prepared",
            lambda: open_session(requests=tmp / "q.csv", register=None, prepared=None, model=None),
            None,
        ),
        ("exchange month", lambda: month_start("2019-1"), "month"),
        ("return file key", lambda: read_file_key(missing), None),
        ("decrypted file", lambda: write_new_private_file(missing / "f", b"", field="out"), "out"),
        ("checkpoint", lambda: read_checkpoint(missing), "checkpoint"),
        ("public key", lambda: read_public_key(missing), "public_key"),
        (
            "public key alone",
            lambda: verify_audit_trail(None, public_key=object()),  # type: ignore[arg-type]
            "public_key",
        ),
        ("ledger revision", lambda: _require_current(tmp / "fresh.db"), None),
        ("agreement", lambda: find_agreement("ho-dfe-2099", directory=tmp), None),
        (
            "retention day",
            lambda: apply_retention(
                Settings(data_dir=tmp),
                engine=None,
                today=date.today() + timedelta(days=1),  # type: ignore[arg-type]
            ),
            "today",
        ),
    ]


CASE_NAMES = [what for what, _call, _field in _cases(Path("/nowhere"))]


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"), database_url=None, web_secret_key="test-secret-" + "x" * 40
    )
    engine = create_ledger_engine(settings.ledger_url())
    upgrade(engine)
    engine.dispose()
    yield create_app(settings)


def _rendered(app: FastAPI, error: SharelogError, path: str) -> Response:
    """``error`` through the app's one handler, as if raised on ``path``."""
    handler = app.exception_handlers[SharelogError]
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [],
        "app": app,
        "router": app.router,
        "state": {},
        "scheme": "https",
        "server": ("testserver", 443),
        "root_path": "",
    }
    # in a thread of its own: a browser test earlier in the session may leave an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        coroutine = handler(Request(scope), error)  # type: ignore[arg-type]
        response: Response = pool.submit(asyncio.run, coroutine).result()
    return response


def _speaks_command_line(text: str) -> list[str]:
    return OPTION.findall(text) + COMMAND.findall(text)


@pytest.mark.parametrize("what", CASE_NAMES)
def test_a_service_error_reaches_the_web_by_its_field(web_app: FastAPI, tmp_path: Path, what: str) -> None:
    call, field = next((call, field) for name, call, field in _cases(tmp_path) if name == what)
    error = _raises(call)
    assert error.field == field
    assert _speaks_command_line("\n".join([error.message, *error.details()])) == [], error.message

    page = _rendered(web_app, error, "/exchanges")
    html = bytes(page.body).decode("utf-8")
    # an error on the server's side (the ledger) is told in general words: its message is for the operator's log
    shown = error.message if error.status < 500 else SERVER_SIDE_MESSAGE
    assert page.status_code == error.status
    assert shown[1:] in html.replace("&#39;", "'")
    assert _speaks_command_line(html) == [], html

    answer = _rendered(web_app, error, "/api/v1/exchanges")
    body = json.loads(bytes(answer.body))
    assert answer.status_code == error.status
    assert body["error"]["message"] == shown
    pointer = f"/{field}" if field is not None and error.status < 500 else None
    assert body["error"]["pointer"] == pointer
    assert _speaks_command_line(json.dumps(body)) == [], body


def test_each_problem_keeps_its_pointer_in_the_api(web_app: FastAPI) -> None:
    error = ValidationFailed(
        [
            Problem("new case", "is empty", field="title"),
            Problem("batch.csv", "not a date", row=3, field="dob"),
        ]
    )
    body = json.loads(bytes(_rendered(web_app, error, "/api/v1/foi/cases").body))
    assert body["error"]["pointer"] is None
    assert body["error"]["problems"] == [
        {"where": "new case", "row": None, "pointer": "/title", "message": "is empty"},
        {"where": "batch.csv", "row": 3, "pointer": "/dob", "message": "not a date"},
    ]


def test_a_cli_hint_stays_off_the_web(web_app: FastAPI) -> None:
    error = LedgerError("the ledger is not initialised", cli_hint="run `sharelog db upgrade`")
    assert "sharelog db upgrade" not in bytes(_rendered(web_app, error, "/dashboard").body).decode()
    assert "sharelog db upgrade" not in bytes(_rendered(web_app, error, "/api/v1/me").body).decode()
    hinted = InputError("already run", field="month", cli_hint="add --rerun")
    assert "--rerun" not in bytes(_rendered(web_app, hinted, "/api/v1/exchanges").body).decode()


def test_a_field_is_a_json_pointer_even_with_a_slash() -> None:
    assert json_pointer("month") == "/month"
    assert json_pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"


def test_a_server_side_error_shows_its_details_to_the_log_only(
    web_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """A ledger the app cannot use may be named by its location: the operator's log says where, the page and
    the API do not."""
    error = LedgerError("cannot open the ledger at sqlite:////srv/sharelog/ledger.db: unable to open")
    with caplog.at_level(logging.ERROR, logger="sharelog"):
        page = bytes(_rendered(web_app, error, "/dashboard").body).decode()
        api = json.loads(bytes(_rendered(web_app, error, "/api/v1/me").body))
    assert "/srv/sharelog" not in page and "/srv/sharelog" not in json.dumps(api)
    assert api["error"]["message"] == SERVER_SIDE_MESSAGE and "the error has been logged" in page
    assert "/srv/sharelog" in caplog.text
