"""A throwaway PostgreSQL server for the test suite, started from the machine's `initdb` and `pg_ctl`.

pytest-postgresql would do this, but it runs `initdb` as the current user and PostgreSQL refuses to run as
root — which is how CI runs here. So when the suite runs as root, the server runs as the `postgres` user
(through `runuser`). Set SHARELOG_TEST_POSTGRES_URL to use an existing server instead, or
SHARELOG_TEST_POSTGRES_BIN to the folder that holds `initdb` and `pg_ctl` (only there are they looked for: an
empty folder shows what a machine without PostgreSQL does).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BIN_VARIABLE = "SHARELOG_TEST_POSTGRES_BIN"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here (the reason says why)."""


@dataclass
class PostgresServer:
    """A running server: its admin URL (database `postgres`) and how to stop it."""

    base_url: str
    data_dir: Path | None = None
    run_as: list[str] | None = None

    def url_for(self, database: str) -> str:
        return self.base_url.rsplit("/", 1)[0] + "/" + database

    def stop(self) -> None:
        if self.data_dir is None:
            return
        subprocess.run(
            [
                *(self.run_as or []),
                _binary("pg_ctl"),
                "-D",
                str(self.data_dir / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _binary(name: str) -> str:
    """``name`` (``initdb``, ``pg_ctl``): in SHARELOG_TEST_POSTGRES_BIN if set, else on the PATH or in Debian's
    /usr/lib/postgresql/<version>/bin (the newest version)."""
    folder = os.environ.get(BIN_VARIABLE)
    if folder:
        candidate = Path(folder) / name
        if not os.access(candidate, os.X_OK):
            raise PostgresUnavailable(f"`{name}` is not in {BIN_VARIABLE} ({folder})")
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise PostgresUnavailable(f"`{name}` is not on this machine (install the PostgreSQL server binaries)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_postgres() -> PostgresServer:
    """Start a fresh server on a free loopback port, or use SHARELOG_TEST_POSTGRES_URL."""
    existing = os.environ.get("SHARELOG_TEST_POSTGRES_URL")
    if existing:
        return PostgresServer(base_url=existing)
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    run_as: list[str] = []
    root = tempfile.mkdtemp(prefix="sharelog-pg-")
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no `postgres` user to run the server"
            ) from None
        os.chown(root, account.pw_uid, account.pw_gid)
        run_as = [_binary_runuser(), "-u", "postgres", "--"]
    data, port = Path(root) / "data", _free_port()
    steps = [
        [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
        [
            pg_ctl,
            "-D",
            str(data),
            "-l",
            f"{root}/server.log",
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            "start",
        ],
    ]
    for step in steps:
        done = subprocess.run([*run_as, *step], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(f"`{Path(step[0]).name}` failed: {done.stderr.strip()[-400:]}")
    return PostgresServer(
        base_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        data_dir=Path(root),
        run_as=run_as,
    )


def _binary_runuser() -> str:
    found = shutil.which("runuser") or shutil.which("setpriv")
    if found is None:
        raise PostgresUnavailable("running as root and neither `runuser` nor `setpriv` is available")
    return found
