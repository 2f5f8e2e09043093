"""A bounded load test on loopback: the real app served by uvicorn in its own process, many concurrent API
clients recording outcome events and reading the monthly report, every response recorded.

Each client is an ``httpx2.AsyncClient`` (one connection, its own bearer token) in one asyncio loop. Each
request is one of:

- ``record`` (most): a new outcome event with a unique note, so that it can be found in the ledger afterwards;
  201 expected.
- ``correct``: an event superseding one some client recorded; 201, or 409 when another client corrected that
  event first (provoked on purpose: it is an expected answer, not an error).
- ``invalid``: an event with a code no kind has; 422 expected (also on purpose).
- ``report``: the monthly report over the ledger's four months; 200 expected.

Any other status, any 5xx, any connection error or timeout is a failure. The server runs as ``python -m
sharelog serve`` (uvicorn, one process, its default thread pool) so that the clients and the server do not share
a GIL, as in production.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx2

from sharelog.outcomes import OUTCOME_CODES

from ._ledger import Acknowledged, LoadLedger

OPERATIONS = ("record", "correct", "invalid", "report")
EXPECTED_STATUS = {"record": {201}, "correct": {201, 409}, "invalid": {422}, "report": {200}}
REPORT_PATH = "/api/v1/reports/monthly?from=2019-01&to=2019-04"


@dataclass(frozen=True)
class LoadPlan:
    """How many clients, for how long, and the mix of requests (the rest of the writes are plain records)."""

    clients: int = 50
    seconds: float = 60.0
    report_share: float = 0.20
    correct_share: float = 0.05
    invalid_share: float = 0.02
    seed: int = 1
    timeout: float = 60.0  # a request slower than this is a failure


@dataclass(frozen=True)
class Call:
    """One request and what came of it."""

    operation: str
    started: float  # seconds since the run began
    seconds: float
    status: int | None  # None: no response (connection error or timeout)
    error: str | None = None

    @property
    def expected(self) -> bool:
        return self.status is not None and self.status in EXPECTED_STATUS[self.operation]


@dataclass
class LoadRun:
    """Every call of a run, the acknowledged outcome events, and the wall time."""

    plan: LoadPlan
    note_prefix: str
    calls: list[Call] = field(default_factory=list)
    acknowledged: list[Acknowledged] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def failures(self) -> list[Call]:
        return [call for call in self.calls if not call.expected]

    def statuses(self) -> dict[str, dict[int | str, int]]:
        """Per operation, how many calls ended with each status (``"no response"`` for none)."""
        counts: dict[str, Counter[int | str]] = {operation: Counter() for operation in OPERATIONS}
        for call in self.calls:
            counts[call.operation][call.status if call.status is not None else "no response"] += 1
        return {operation: dict(counter) for operation, counter in counts.items()}


# --- the server -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(database_url: str, folder: Path, *, startup_timeout: float = 60.0) -> Iterator[str]:
    """Run ``sharelog serve`` on ``database_url`` on a free loopback port; yield its base URL.

    The server's output goes to ``folder/server.log`` (read it for tracebacks); the process is stopped (SIGINT,
    as Ctrl-C would, then SIGKILL if it lingers) when the block ends.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "SHARELOG_DATABASE_URL": database_url,
        "SHARELOG_DATA_DIR": str(folder / "data"),
        "SHARELOG_WEB_SECRET_KEY": "load-test-secret-" + "x" * 40,
    }
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "sharelog", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder,  # no stray .env file from the working directory
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(server, base_url, folder / "server.log", startup_timeout)
        yield base_url
    finally:
        server.send_signal(2)  # SIGINT: uvicorn finishes what it is serving and exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_serving(server: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"sharelog serve exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx2.get(base_url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"sharelog serve did not answer within {timeout:.0f} s")


# --- the clients ----------------------------------------------------------------------------------------------


@dataclass
class _Shared:
    """What the clients of one run share: the events recorded so far (candidates for a correction)."""

    ledger: LoadLedger
    disclosures: list[int]
    recorded: list[tuple[int, int]] = field(default_factory=list)  # (event id, disclosure id)


def _event_body(rng: random.Random, returned_on: date) -> dict[str, object]:
    kind = rng.choice(sorted(OUTCOME_CODES))
    body: dict[str, object] = {
        "kind": kind,
        "code": rng.choice(OUTCOME_CODES[kind]),
        "date": (returned_on + timedelta(days=rng.randint(0, 60))).isoformat(),
    }
    if kind == "result" and rng.random() < 0.3:
        body["children_affected"] = rng.randint(0, 3)
        body["family_members_affected"] = rng.randint(0, 2)
    return body


def _choose(rng: random.Random, plan: LoadPlan, shared: _Shared) -> str:
    roll = rng.random()
    if roll < plan.report_share:
        return "report"
    roll -= plan.report_share
    if roll < plan.correct_share and shared.recorded:
        return "correct"
    roll -= plan.correct_share
    if roll < plan.invalid_share:
        return "invalid"
    return "record"


async def _one_call(
    client: httpx2.AsyncClient, operation: str, rng: random.Random, shared: _Shared, note: str
) -> tuple[httpx2.Response, int | None]:
    """Send one request of ``operation``; return the response and the event it corrects, if any."""
    if operation == "report":
        return await client.get(REPORT_PATH), None
    supersedes = None
    if operation == "correct":
        supersedes, disclosure_id = rng.choice(shared.recorded)
    else:
        disclosure_id = rng.choice(shared.disclosures)
    body = _event_body(rng, shared.ledger.returned_on[disclosure_id])
    body["note"] = note
    if supersedes is not None:
        body["supersedes"] = supersedes
    if operation == "invalid":
        body["code"] = "not_a_code"
    return await client.post(f"/api/v1/disclosures/{disclosure_id}/outcomes", json=body), supersedes


async def _client(
    number: int, base_url: str, run: LoadRun, shared: _Shared, began: float, deadline: float
) -> None:
    rng = random.Random(run.plan.seed * 100_003 + number)
    headers = {"Authorization": f"Bearer {shared.ledger.tokens[number]}"}
    limits = httpx2.Limits(max_connections=1)
    async with httpx2.AsyncClient(
        base_url=base_url, headers=headers, timeout=run.plan.timeout, limits=limits
    ) as client:
        sequence = 0
        while time.perf_counter() < deadline:
            sequence += 1
            operation = _choose(rng, run.plan, shared)
            note = f"{run.note_prefix}{number}-{sequence}"
            start = time.perf_counter()
            try:
                response, supersedes = await _one_call(client, operation, rng, shared, note)
            except httpx2.HTTPError as error:  # connection refused or reset, timeout: always a failure
                run.calls.append(
                    Call(operation, start - began, time.perf_counter() - start, None, type(error).__name__)
                )
                continue
            seconds = time.perf_counter() - start
            error = None if response.status_code < 500 else response.text[:300]
            run.calls.append(Call(operation, start - began, seconds, response.status_code, error))
            if operation in ("record", "correct") and response.status_code == 201:
                event = response.json()
                run.acknowledged.append(Acknowledged(event["id"], note, supersedes))
                shared.recorded.append((event["id"], event["disclosure_id"]))


async def run_load(base_url: str, ledger: LoadLedger, plan: LoadPlan) -> LoadRun:
    """Run ``plan.clients`` clients against ``base_url`` for ``plan.seconds``; every call is recorded."""
    if plan.clients > len(ledger.tokens):
        raise ValueError(f"{plan.clients} clients but only {len(ledger.tokens)} tokens in the ledger")
    run = LoadRun(plan=plan, note_prefix=f"load-{plan.seed}-{time.time_ns()}-")
    shared = _Shared(ledger=ledger, disclosures=sorted(ledger.returned_on))
    began = time.perf_counter()
    deadline = began + plan.seconds
    await asyncio.gather(
        *(_client(number, base_url, run, shared, began, deadline) for number in range(plan.clients))
    )
    run.wall_seconds = time.perf_counter() - began
    return run


# --- figures --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    """Latency figures of one operation, in milliseconds, and its throughput."""

    operation: str
    count: int
    per_second: float
    p50: float
    p95: float
    p99: float
    max: float


def latency(run: LoadRun, operations: tuple[str, ...]) -> Latency:
    """The latency of the calls of ``operations`` that got a response (p50/p95/p99, inclusive method)."""
    times = sorted(call.seconds * 1000 for call in run.calls if call.operation in operations and call.status)
    name = "+".join(operations)
    if not times:
        return Latency(name, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else [times[0]] * 99
    return Latency(name, len(times), len(times) / run.wall_seconds, cuts[49], cuts[94], cuts[98], times[-1])


def load_average() -> str:
    """The machine's 1-, 5- and 15-minute load averages (other work on the same cores changes the figures)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def summary_line(backend: str, run: LoadRun) -> str:
    """One line of figures for a test's output: requests, throughput, failures, p50/p99 per operation."""
    write, read = latency(run, ("record", "correct")), latency(run, ("report",))
    return (
        f"{backend}: {run.plan.clients} clients × {run.wall_seconds:.0f} s, {len(run.calls)} requests "
        f"({len(run.calls) / run.wall_seconds:.1f}/s), {len(run.failures)} failures; "
        f"outcome p50/p99 {write.p50:.0f}/{write.p99:.0f} ms, report p50/p99 {read.p50:.0f}/{read.p99:.0f} ms; "
        f"load average {load_average()}"
    )
