"""Load on loopback: concurrent API clients recording outcome events and reading the monthly report, against
``sharelog serve`` on SQLite and on PostgreSQL; prints a Markdown table (the figures of docs/reliability.md).

Each backend gets a fresh ledger (the golden report ledger, 500 more returned records, one API token per client),
its own server process on a free port, and ``--clients`` clients for ``--seconds``: about 80% outcome events
(some of them corrections; a few invalid on purpose, answered 422), 20% monthly reports. Afterwards the ledger is
checked: every acknowledged event stored exactly once with its audit event, nothing stored unacknowledged, the
audit chain whole. The load test (tests/load) makes the same run with assertions; this script shares its code.

PostgreSQL is started from the machine's ``initdb``/``pg_ctl`` as the test suite does (or set
SHARELOG_TEST_POSTGRES_URL to an existing server).

    .venv/bin/python bench/bench_load.py                       # 50 clients × 60 s, SQLite and PostgreSQL
    .venv/bin/python bench/bench_load.py --seconds 10 --backends sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from _harness import machine, markdown_table
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the load test's driver and ledger, and the test suite's PostgreSQL server

from tests._postgres import start_postgres  # noqa: E402
from tests.load._driver import LoadPlan, LoadRun, latency, load_average, run_load, serving  # noqa: E402
from tests.load._ledger import LedgerCheck, build_load_ledger, check_ledger  # noqa: E402


def _run_one(url: str, folder: Path, plan: LoadPlan) -> tuple[LoadRun, LedgerCheck, str]:
    ledger = build_load_ledger(url, clients=plan.clients)
    with serving(url, folder) as base_url:
        run = asyncio.run(run_load(base_url, ledger, plan))
    check = check_ledger(ledger, note_prefix=run.note_prefix, acknowledged=run.acknowledged)
    return run, check, load_average()


def _postgres_url() -> tuple[str, object]:
    server = start_postgres()
    admin = create_engine(server.base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "sharelog_load"'))
        connection.execute(text('CREATE DATABASE "sharelog_load"'))
    admin.dispose()
    return server.url_for("sharelog_load"), server


def _ms(figures: tuple[float, ...]) -> str:
    return " / ".join(f"{value:,.0f}" for value in figures)


def _row(backend: str, run: LoadRun, check: LedgerCheck, load: str) -> list[object]:
    writes = latency(run, ("record", "correct"))
    reads = latency(run, ("report",))
    provoked = sum(1 for call in run.calls if call.expected and call.status in (409, 422))
    return [
        backend,
        f"{run.plan.clients} × {run.plan.seconds:.0f} s",
        f"{len(run.calls):,}",
        f"{len(run.calls) / run.wall_seconds:.1f}",
        len(run.failures),
        provoked,
        _ms((writes.p50, writes.p95, writes.p99)),
        _ms((reads.p50, reads.p95, reads.p99)),
        f"{check.acknowledged:,} / {'ok' if check.ok else 'FAILED'}",
        load,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    plan = LoadPlan(clients=args.clients, seconds=args.seconds, seed=args.seed)
    print(machine())
    rows, problems = [], []
    with tempfile.TemporaryDirectory(prefix="sharelog-load-") as scratch:
        for backend in args.backends:
            folder = Path(scratch) / backend
            server = None
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'ledger.db'}"
            else:
                url, server = _postgres_url()
            try:
                run, check, load = _run_one(url, folder, plan)
            finally:
                if server is not None:
                    server.stop()  # type: ignore[attr-defined]
            rows.append(_row(backend, run, check, load))
            problems += [f"{backend}: {call}" for call in run.failures[:5]] + check.problems()
    print()
    print(
        markdown_table(
            [
                "Backend",
                "Clients × time",
                "Requests",
                "Req/s",
                "Errors",
                "409/422 provoked",
                "Outcome p50 / p95 / p99 ms",
                "Report p50 / p95 / p99 ms",
                "Acknowledged / ledger check",
                "Load average after (1/5/15 min)",
            ],
            rows,
            align="llrrrrrrll",
        )
    )
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
