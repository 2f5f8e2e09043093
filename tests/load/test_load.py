"""The load test: concurrent API clients record outcome events and read the monthly report on loopback, against
the real app (``sharelog serve``) on SQLite and on PostgreSQL. Every response must be one the operation expects
(no 5xx, no connection error, no timeout), and afterwards every acknowledged event must be in the ledger exactly
once, each with its one audit event, and the audit chain must verify.

CI runs 50 clients for 10 s; ``make reliability`` runs them for 60 s (``SHARELOG_LOAD_CLIENTS``,
``SHARELOG_LOAD_SECONDS``). Timings depend on what else the machine is doing; ``bench/bench_load.py`` prints the
figures recorded in docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ._driver import LoadPlan, run_load, serving, summary_line
from ._ledger import build_load_ledger, check_ledger

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


def _plan() -> LoadPlan:
    return LoadPlan(
        clients=int(os.environ.get("SHARELOG_LOAD_CLIENTS", "50")),
        seconds=float(os.environ.get("SHARELOG_LOAD_SECONDS", "10")),
    )


def test_concurrent_clients_record_outcomes_and_read_reports(ledger_url: str, tmp_path: Path) -> None:
    plan = _plan()
    ledger = build_load_ledger(ledger_url, clients=plan.clients, folder=tmp_path / "data")
    with serving(ledger_url, tmp_path / "server") as base_url:
        # in a thread of its own: Playwright's sync API (the browser tests, perhaps earlier in this worker) leaves
        # an event loop running in the main thread, where asyncio.run would refuse to start
        with ThreadPoolExecutor(max_workers=1) as thread:
            run = thread.submit(lambda: asyncio.run(run_load(base_url, ledger, plan))).result()
    print(summary_line(make_url(ledger_url).get_backend_name(), run))

    server_log = (tmp_path / "server" / "server.log").read_text()
    assert run.failures == [], (run.statuses(), run.failures[:5], server_log[-3000:])
    assert "Traceback" not in server_log and "Warning" not in server_log, server_log[-3000:]
    statuses = run.statuses()
    assert statuses["record"].get(201, 0) > 0 and statuses["report"].get(200, 0) > 0, statuses

    check = check_ledger(ledger, note_prefix=run.note_prefix, acknowledged=run.acknowledged)
    assert check.ok, check.problems()
    assert check.acknowledged == statuses["record"][201] + statuses["correct"].get(201, 0)
