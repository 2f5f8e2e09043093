"""What every request can reach: the settings, the ledger engine, the templates, the sign-in throttle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sharelog.accounts import SignInThrottle
from sharelog.settings import Settings

__all__ = ["Ledger", "WebContext", "context_of", "ledger_of_request"]


@dataclass
class WebContext:
    """The app's shared state, built once by :func:`sharelog.web.create_app`."""

    settings: Settings
    engine: Engine
    templates: Jinja2Templates
    throttle: SignInThrottle

    def settings_for(self, actor: str) -> Settings:
        """The settings with ``actor`` set to a signed-in user, for services that record who acted."""
        return self.settings.model_copy(update={"actor": actor})


def context_of(request: Request) -> WebContext:
    """The :class:`WebContext` of the app serving ``request``."""
    context: WebContext = request.app.state.sharelog
    return context


def ledger_of_request(request: Request) -> Iterator[Session]:
    """One ledger session per request, in one transaction: committed when the route returns, else rolled back."""
    factory = sessionmaker(context_of(request).engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


Ledger = Annotated[Session, Depends(ledger_of_request, scope="function")]
