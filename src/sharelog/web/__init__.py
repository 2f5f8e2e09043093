"""The web app and HTTP API: ``create_app(settings)`` gives the FastAPI application ``sharelog serve`` runs."""

from sharelog.web._access_log import configure_access_log
from sharelog.web._app import SESSION_COOKIE, create_app

__all__ = ["SESSION_COOKIE", "configure_access_log", "create_app"]
