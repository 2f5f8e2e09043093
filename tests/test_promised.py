"""The promised suites (tests/_promised.py): under CI a skipped PostgreSQL, Spark or browser test fails the run;
without CI it stays a skip with its reason. Each case runs a small test file in a pytest of its own (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._promised import CI_VARIABLE

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ("-p", "tests._promised", "-p", "no:cacheprovider", "-ra")
NO_SERVER = "PostgreSQL tests skipped: `initdb` is not on this machine"
NO_JAVA = "Spark tests skipped: no Java here"

# one test of each kind: a promised suite skipping in its body and in its fixture (with and without the marker),
# one that runs, an expected failure, and a skip nothing promised
TESTS = f'''
import pytest

@pytest.fixture
def spark():
    pytest.skip("{NO_JAVA}")

@pytest.mark.postgres
def test_on_the_server():
    pytest.skip("{NO_SERVER}")

@pytest.mark.spark
def test_on_spark(spark):
    pass

def test_on_spark_unmarked(spark):
    pass

@pytest.mark.postgres
def test_that_runs():
    pass

@pytest.mark.postgres
@pytest.mark.xfail(reason="known", strict=True)
def test_expected_to_fail():
    assert False

def test_unpromised():
    pytest.skip("nothing promised")
'''

SERVER_BROKEN = "under CI the PostgreSQL tests must run: `initdb` is not on this machine"
JAVA_BROKEN = "under CI the Spark tests must run: no Java here"
# the short summary (-ra): a skip in the test body fails it, one in a fixture is an error at setup
SUMMARY_UNDER_CI = [
    f"FAILED test_promises.py::test_on_the_server - Failed: {SERVER_BROKEN}",
    f"ERROR test_promises.py::test_on_spark - Failed: {JAVA_BROKEN}",
    f"ERROR test_promises.py::test_on_spark_unmarked - Failed: {JAVA_BROKEN}",
]


def _shows(result: pytest.RunResult, lines: list[str]) -> None:
    """Each of ``lines`` (fnmatch patterns) is a line of the run's output, in any order."""
    for line in lines:
        result.stdout.fnmatch_lines([line])


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\nmarkers =\n    postgres: x\n    spark: x\n")
    pytester.makepyfile(test_promises=TESTS)
    return pytester


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes", "Yes"])
def test_under_ci_a_promised_skip_fails_the_run_and_says_why(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(CI_VARIABLE, value)
    result = suite.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, failed=1, errors=2, xfailed=1, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _shows(result, SUMMARY_UNDER_CI)
    _shows(result, ["SKIPPED [[]1[]] test_promises.py:*: nothing promised"])


@pytest.mark.parametrize("value", [None, "", "false", "0", "no"])
def test_without_ci_a_promised_suite_skips_with_its_reason(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(CI_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(CI_VARIABLE, value)
    result = suite.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, xfailed=1, skipped=4)
    assert result.ret == pytest.ExitCode.OK
    _shows(result, [f"SKIPPED * {NO_SERVER}", f"SKIPPED * {NO_JAVA}"])
    assert "under CI" not in result.stdout.str()


def test_under_ci_the_failure_travels_from_an_xdist_worker(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make test` runs on xdist workers: the report is changed there and reaches the controller whole."""
    monkeypatch.setenv(CI_VARIABLE, "true")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the subprocess imports the plugin as tests._promised
    result = suite.runpytest_subprocess(*PLUGIN, "--numprocesses", "2")
    result.assert_outcomes(passed=1, failed=1, errors=2, xfailed=1, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _shows(result, ["under CI (CI=true): a skip of a test marked postgres, spark, browser fails"])
    _shows(result, SUMMARY_UNDER_CI)
