"""`sharelog serve` as it runs: a client on loopback cannot choose its throttle address with X-Forwarded-For,
and the only access log is sharelog's own (no query strings, no client addresses)."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from sharelog.settings import Settings

from ..load._driver import serving
from .conftest import page_csrf

PER_ADDRESS = 20  # the default throttle: 20 failures per address in 15 minutes


@pytest.mark.slow
def test_serve_throttles_a_forged_x_forwarded_for_by_the_real_address(
    web_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARELOG_WEB_SECURE_COOKIES", "false")  # plain http on loopback in this test
    monkeypatch.delenv("SHARELOG_TRUSTED_PROXIES", raising=False)
    with serving(web_settings.ledger_url(), tmp_path / "server") as base_url:
        statuses = []
        for number in range(PER_ADDRESS + 1):  # each from a "new" address, for a new account
            with httpx2.Client(base_url=base_url, timeout=30) as client:
                token = page_csrf(client.get("/sign-in?next=/reports%3Fsecret%3Dx").text)
                data = {"username": f"nobody{number}", "password": "wrong password here", "csrf_token": token}
                forged = {"X-Forwarded-For": f"203.0.113.{number}"}
                statuses.append(client.post("/sign-in", data=data, headers=forged).status_code)
    assert statuses == [400] * PER_ADDRESS + [429]
    server_log = (tmp_path / "server" / "server.log").read_text()
    access = [line for line in server_log.splitlines() if " access " in line]
    assert len(access) == 2 * (PER_ADDRESS + 1) + 1, server_log[-2000:]  # and the start-up probe
    assert "GET /sign-in 200 " in access[-2] and "POST /sign-in 429 " in access[-1]
    assert "secret" not in server_log and "127.0.0.1:" not in server_log.split("serving on", 1)[1]
    assert "203.0.113" not in server_log and '"GET ' not in server_log  # uvicorn's access log is off
