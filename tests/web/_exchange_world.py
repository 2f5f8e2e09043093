"""A real exchange for the web tests: a small synthetic register prepared with its model, one month's batch run
through :func:`sharelog.exchange.run_exchange` (with requests in the review band), and an account per role.

Built once per test session (matching and argon2 take seconds) as a template data folder; each test works on
its own copy, with settings that point at it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sharelog.accounts import add_user
from sharelog.exchange import run_exchange
from sharelog.ledger import ledger_session
from sharelog.settings import Settings

from ..exchange._world import AGREEMENT, PURPOSE, TEST_KEY, build_world, engine_of, fresh_settings
from .conftest import ACCOUNTS, PASSWORD

__all__ = ["AGREEMENT", "PURPOSE", "ExchangeWorld", "exchange_world", "world_settings"]


@dataclass(frozen=True)
class ExchangeWorld:
    """The template data folder, the exchange run in it and the batches not yet run."""

    data: Path
    reference: str
    month: str
    review: int
    batches: dict[str, Path]


_built: dict[Path, ExchangeWorld] = {}


def exchange_world(tmp_path_factory: pytest.TempPathFactory) -> ExchangeWorld:
    """The world, built on first use in this test session."""
    base = tmp_path_factory.getbasetemp()
    if base not in _built:
        _built[base] = _build(tmp_path_factory.mktemp("web-exchange-world"))
    return _built[base]


def _build(folder: Path) -> ExchangeWorld:
    (folder / "world").mkdir()
    world = build_world(folder / "world", pupils=2_000, requests=300, seed=12)
    settings = fresh_settings(world, folder / "template")
    with engine_of(settings) as engine:
        for month in sorted(world.batches):
            result = run_exchange(
                settings,
                engine=engine,
                agreement_id=AGREEMENT,
                purpose=PURPOSE,
                batch=world.batches[month],
                month=month,
            )
            if result.counts["review"] >= 2:
                break
        else:
            pytest.skip("no month of this synthetic world has two requests in the review band")
        with ledger_session(engine) as session:
            for username, (role, organisation) in ACCOUNTS.items():
                add_user(
                    session,
                    username=username,
                    display_name=username.title(),
                    organisation_id=organisation,
                    role=role,
                    password=PASSWORD,
                    actor="test",
                )
    others = {m: path for m, path in world.batches.items() if m != result.month}
    return ExchangeWorld(
        data=settings.data_dir,
        reference=result.reference,
        month=result.month,
        review=result.counts["review"],
        batches=others,
    )


def world_settings(world: ExchangeWorld, folder: Path) -> Settings:
    """Settings on a private copy of the world's data folder (ledger, register, return and review files)."""
    data = folder / "data"
    shutil.copytree(world.data, data)
    return Settings(
        data_dir=data,
        database_url=None,
        agreements_dir=None,
        holder_key=TEST_KEY,
        actor="tester",
        web_secret_key="test-secret-" + "x" * 40,
    )
