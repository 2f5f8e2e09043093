"""The web app and HTTP API: ``create_app(settings)`` gives the FastAPI application ``sharelog serve`` runs."""

from sharelog.web._app import SESSION_COOKIE, create_app

__all__ = ["SESSION_COOKIE", "create_app"]
