"""End-to-end fixtures: the web ledger (golden ledger, one account per role) plus FOI cases, served by the real
app under uvicorn on localhost, and Debian's headless Chromium driven by Playwright.

The browser is always ``/usr/bin/chromium`` (``.ci/run`` installs Debian's package); Playwright never downloads
one. Every test gets its own copy of the ledger and its own server, so scenarios that write (an outcome, an FOI
response) do not leak into each other. Screenshots of each key step, and of the page a test failed on, are
written to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy.orm import Session

from sharelog.accounts import SignInThrottle
from sharelog.settings import Settings
from sharelog.web import create_app

from ...worlds import DFE_ORGANISATION, WEB_LEDGER, LedgerWorld, WorldFactory, open_seed_case
from ._browse import check_page_basics

CHROMIUM = Path("/usr/bin/chromium")
# What this machine needs: no sandbox as root, no GPU, and no background connections (the network is closed).
# Playwright adds --headless and a fresh, empty --user-data-dir of its own for every launch.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "e2e"
SERVER_START_SECONDS = 20

OVERDUE_CASE = (
    "FOI-E2E-OVERDUE"  # received 45 days ago: past its 20 working days in any season, not yet long overdue
)
RECENT_CASE = "FOI-E2E-RECENT"  # received 2 days ago: in time
REPORTED_MONTHS = ("2019-01", "2019-02", "2019-03")

_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep the call phase's report on the item, so the page fixture knows whether to photograph a failure."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


def _open_e2e_cases(session: Session, *, today: date) -> None:
    """An overdue FOI case and one still in time, both the DfE's, dated from ``today``."""
    for reference, days_ago, title, text in [
        (
            OVERDUE_CASE,
            45,
            "Data shared with the Home Office in early 2019",
            "How many records did the Department share with the Home Office each month, "
            "January to March 2019, and what happened afterwards?",
        ),
        (
            RECENT_CASE,
            2,
            "The data-sharing agreement's retention period",
            "How long does the Home Office keep the data it receives?",
        ),
    ]:
        open_seed_case(
            session,
            reference=reference,
            received_on=today - timedelta(days=days_ago),
            title=title,
            request_text=text,
            about=list(REPORTED_MONTHS) if reference == OVERDUE_CASE else None,
            actor="test",
            organisation_id=DFE_ORGANISATION,
            today=today,
            authority=None,
            requester_name=None,
            requester_contact=None,
        )


def e2e_world(today: date) -> LedgerWorld:
    """The web ledger plus the two e2e cases as of ``today``."""
    return WEB_LEDGER.in_session(f"e2e cases on {today}", partial(_open_e2e_cases, today=today))


@dataclass(frozen=True)
class LiveServer:
    """The app served on localhost: its address and the settings (the ledger) behind it."""

    url: str
    settings: Settings

    def at(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.url + path


def _serve(server: uvicorn.Server, sock: socket.socket) -> threading.Thread:
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the e2e server stopped while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the e2e server did not start within {SERVER_START_SECONDS} s")
        time.sleep(0.02)
    return thread


@pytest.fixture
def served_world() -> LedgerWorld:
    """The ledger the live server serves a copy of: the e2e world (a test may parametrize ``served_world`` with
    another, e.g. one with an exchange awaiting review)."""
    return e2e_world(date.today())


@pytest.fixture
def live_server(worlds: WorldFactory, tmp_path: Path, served_world: LedgerWorld) -> Iterator[LiveServer]:
    """The real app on a private copy of the served world's ledger, served by uvicorn in a background thread."""
    settings = worlds.copy(served_world, tmp_path, web_secret_key="e2e-secret-" + "x" * 40).settings
    app = create_app(
        settings, throttle=SignInThrottle(per_account="5/15minutes", per_address="100/15minutes")
    )
    # bind first, then hand the socket over: no window in which another process could take the port
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = _serve(server, sock)
    try:
        # localhost, not 127.0.0.1: Chromium keeps Secure cookies for http://localhost (a "potentially
        # trustworthy" origin), and the session cookie is Secure
        yield LiveServer(url=f"http://localhost:{port}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium, one for the session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    launched = _playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def _artifact_stem(item: pytest.Item) -> str:
    name = item.name.replace("[", "-").replace("]", "").replace("/", "-")
    return f"{Path(str(item.path)).stem}--{name}"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server; photographed if the test fails.

    ``@pytest.mark.parametrize("page", [False], indirect=True)`` gives a browser with JavaScript turned off.
    """
    javascript = bool(getattr(request, "param", True))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        report = request.node.stash.get(_CALL_REPORT, None)
        if report is not None and report.failed and not opened.is_closed():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            opened.screenshot(path=ARTIFACTS / f"{_artifact_stem(request.node)}--FAILED.png", full_page=True)
        context.close()


Shot = Callable[[str], Path]


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shot:
    """``shot("step")`` checks the page's title and h1, then saves a full-page screenshot of this step as
    test-artifacts/e2e/<test>--NN-step.png."""
    stem = _artifact_stem(request.node)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}--*.png"):
        old.unlink()  # this test's pictures from an earlier run
    taken: list[Path] = []

    def _shot(step: str) -> Path:
        check_page_basics(page)
        path = ARTIFACTS / f"{stem}--{len(taken) + 1:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        taken.append(path)
        return path

    return _shot
