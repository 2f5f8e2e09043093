"""A pytest plugin: under CI, the suites the project promises must run — a skip of one of them fails the run.

The PostgreSQL, Spark and browser tests carry a marker (``postgres``, ``spark``, ``browser``) and skip, with the
reason, where the machine lacks what they need. That is right on a laptop and wrong in CI: a green run that
skipped 173 PostgreSQL tests proves nothing about PostgreSQL. So when the environment variable ``CI`` is true
(``true``, ``1`` or ``yes``, any case), a skipped test carrying a promised marker is reported as failed, its
message naming the suite and the skip's reason. ``.ci/run`` installs Java and PostgreSQL first, so there they run.

The report is changed where it is made (``pytest_runtest_makereport``), which under pytest-xdist is the worker:
the failure travels to the controller like any other, and the short summary (``-ra``) shows its message. A skip
in a fixture (the server that cannot start) shows as an error at setup, one in the test body as a failure; both
fail the run. An expected failure (``xfail``) is not a skip and stays as it is. A test that uses the PostgreSQL
server's or Spark's fixture is marked with its suite at collection, should its author have forgotten the marker.

Registered by tests/conftest.py; ``pytest -p tests._promised`` loads it into any other run (tests/test_promised.py).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

# marker → the suite's name in messages
PROMISED = {"postgres": "PostgreSQL", "spark": "Spark", "browser": "browser"}
# a test that uses one of these fixtures (directly or through another) belongs to the suite, marked or not
SUITE_FIXTURES = {"postgres_server": "postgres", "postgres_databases": "postgres", "spark": "spark"}
CI_VARIABLE = "CI"
TRUE_VALUES = ("true", "1", "yes")


def under_ci() -> bool:
    """Whether ``CI`` says this run is CI's (``true``, ``1`` or ``yes``, any case)."""
    return os.environ.get(CI_VARIABLE, "").strip().lower() in TRUE_VALUES


def promised_suites(item: pytest.Item) -> list[str]:
    """The promised suites ``item`` belongs to, by its markers (its own, its class's, its module's, its params')."""
    return [suite for marker, suite in PROMISED.items() if item.get_closest_marker(marker) is not None]


def skip_reason(report: pytest.TestReport) -> str:
    """The reason a skipped report gives, without pytest's ``Skipped: `` prefix."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def promise_broken(suites: list[str], reason: str) -> str:
    """The failure's message: which suite had to run, and why it could not (its own "… skipped: " dropped)."""
    suite = " and ".join(suites)
    for name in suites:
        reason = reason.removeprefix(f"{name} tests skipped: ")
    return f"under CI the {suite} tests must run: {reason}"


def _failure_repr(item: pytest.Item, message: str) -> object:
    """A failure's long representation carrying ``message`` as its crash line (what the short summary shows, and
    what xdist serialises whole)."""
    try:
        pytest.fail(message, pytrace=False)
    except pytest.fail.Exception:
        excinfo = pytest.ExceptionInfo.from_current()
    return item.repr_failure(excinfo)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by the markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that needs a suite's fixture with the suite's marker, should its author have forgotten."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            marker = SUITE_FIXTURES.get(fixture)
            if marker is not None and item.get_closest_marker(marker) is None:
                item.add_marker(marker)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not report.skipped or hasattr(report, "wasxfail") or not under_ci():
        return report
    suites = promised_suites(item)
    if suites:
        report.outcome = "failed"
        report.longrepr = _failure_repr(item, promise_broken(suites, skip_reason(report)))  # type: ignore[assignment]
    return report


def pytest_report_header(config: pytest.Config) -> str | None:
    if under_ci():
        markers = ", ".join(PROMISED)
        return f"under CI ({CI_VARIABLE}={os.environ[CI_VARIABLE]}): a skip of a test marked {markers} fails"
    return None
