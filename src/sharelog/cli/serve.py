"""`sharelog serve` — the web app and the HTTP API on the ledger (or the demo's ledger with --demo)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from sharelog.cli._context import console, settings_of
from sharelog.demo import demo_folder
from sharelog.errors import InputError
from sharelog.ledger import create_ledger_engine, ledger_session, require_current

_HELP = """Serve the web app and the HTTP API (FastAPI + uvicorn).

Pages: the dashboard, agreements, exchanges, the review queue, outcome entry, reports and FOI cases, for signed-in
users with a role (create accounts with `sharelog users add`); and a public transparency page with the published
monthly figures. The API is under /api/v1 (OpenAPI document at /api/v1/openapi.json, browsable at /api/v1/docs);
machine clients authenticate with a token from `sharelog users token`.

With --demo, serve the ledger `sharelog demo` (or `make run`) wrote, with one account per role (password
`sharelog-demo`, printed at start) and an open FOI case. The demo ledger holds synthetic data only.

The session cookie is Secure: browsers send it over HTTPS, or to http://localhost. Behind a proxy that ends TLS,
keep the default host (127.0.0.1) and let the proxy forward to it; name it in SHARELOG_TRUSTED_PROXIES so that
its X-Forwarded-For header is believed (from no one else: by default, from no one).

One line per request goes to standard error (the logger sharelog.access): the route without its values or query
string, the status, the time taken, the account's id and role, and a keyed hash of the client's address.
"""


def register(app: typer.Typer) -> None:
    """Add the serve command to the root app."""

    @app.command("serve", help=_HELP)
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8000,
        demo: Annotated[
            bool, typer.Option("--demo", help="Serve the demo ledger, with demo accounts.")
        ] = False,
    ) -> None:
        import uvicorn

        from sharelog.web import (
            DEMO_PASSWORD,
            configure_access_log,
            create_app,
            ensure_demo_accounts,
            ensure_demo_foi_case,
        )

        settings = settings_of(ctx)
        out = console()
        if demo:
            folder = demo_folder(settings)
            if not (folder / "ledger.db").exists():
                raise InputError(f"no demo ledger in {folder}: run `sharelog demo` (or `make run`) first")
            settings = settings.model_copy(
                update={"data_dir": folder, "database_url": None, "register_dir": None, "demo_mode": True}
            )
            engine = create_ledger_engine(settings.ledger_url())
            require_current(engine)
            with ledger_session(engine) as session:
                accounts = ensure_demo_accounts(session, actor="sharelog-demo")
                ensure_demo_foi_case(session, actor="sharelog-demo", today=date.today())
            engine.dispose()
            out.print(f"Demo accounts (password [bold]{DEMO_PASSWORD}[/bold]):")
            for account in accounts:
                out.print(
                    f"  {account.username:<11} {account.role.replace('_', ' ')} ({account.organisation_id})"
                )
        web_app = create_app(settings)
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
        out.print(f"sharelog is serving on http://{shown}:{port}  (API: http://{shown}:{port}/api/v1/docs)")
        configure_access_log()
        # the app reads X-Forwarded-For itself, from SHARELOG_TRUSTED_PROXIES only: uvicorn's own reading would
        # believe anyone connecting from 127.0.0.1. Its access log (full addresses with query strings, client
        # addresses) is off: the app's own, sharelog.access, replaces it.
        uvicorn.run(
            web_app,
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=False,
            forwarded_allow_ips="",
            access_log=False,
        )
