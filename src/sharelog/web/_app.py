"""The app factory: FastAPI with server-rendered GOV.UK pages, the /api/v1 API, sessions and security headers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from sharelog import __version__
from sharelog.accounts import SESSION_LIFETIME, SignInThrottle
from sharelog.ledger import create_ledger_engine, require_current
from sharelog.private_files import use_private_umask
from sharelog.settings import Settings
from sharelog.web import api, pages
from sharelog.web._access_log import ACCESS_LOGGER, AccessLog
from sharelog.web._context import LEDGER_CONNECTIONS, WebContext
from sharelog.web._errors import install_error_handlers
from sharelog.web._openapi import declare_security
from sharelog.web._security import authorize, expire_sessions_found_over
from sharelog.web._templating import make_templates
from sharelog.web.api._error_models import error_responses
from sharelog.web.pages._api_docs import OPENAPI_URL

__all__ = ["SESSION_COOKIE", "create_app"]

SESSION_COOKIE = "sharelog_session"
# HSTS wherever the session cookie is Secure: a year, subdomains too (the HSTS preload list's minimum)
HSTS = "max-age=31536000; includeSubDomains"
STATIC_DIR = Path(__file__).parent / "static"
ASSETS_DIR = STATIC_DIR / "govuk" / "assets"
log = logging.getLogger("sharelog.web")

API_DESCRIPTION = """\
The sharelog HTTP API: submit a batch, fetch its return file, record and import outcomes, read reports and
manage FOI cases — the same service functions as the `sharelog` command line.

Authenticate machine clients with an API token (`sharelog users token USERNAME`) sent as
`Authorization: Bearer slt_…`; a token acts with its user's role and organisation. Every error has one shape:
`{"error": {"status", "type", "message", "details"}}`.
"""


def _security_headers(app: FastAPI, *, hsts: bool) -> None:
    @app.middleware("http")
    async def add_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        nonce = secrets.token_urlsafe(16)
        request.state.csp_nonce = nonce
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # only with Secure cookies: a local http:// setup (web_secure_cookies off) must stay reachable
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if not request.url.path.startswith(("/static/", "/assets/")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def create_app(settings: Settings, *, throttle: SignInThrottle | None = None) -> FastAPI:
    """The web app on the settings' ledger (which must exist and be at the current revision).

    Args:
        settings: where the ledger, agreements and data folder are.
        throttle: the sign-in throttle (tests pass a stricter one); default 5 failures per account per 15 minutes.
    """
    use_private_umask()  # what the server writes (ledger, return files, uploads, reports) is its user's alone
    engine = create_ledger_engine(settings.ledger_url(), max_connections=LEDGER_CONNECTIONS)
    require_current(engine)
    app = FastAPI(
        title="sharelog",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,  # the app's own page (pages/_api_docs.py): FastAPI's loads Swagger UI from a CDN
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    app.state.sharelog = WebContext(
        settings=settings, engine=engine, templates=make_templates(), throttle=throttle or SignInThrottle()
    )
    install_error_handlers(app)
    declare_security(app, cookie=SESSION_COOKIE)
    expire_sessions_found_over(app)
    _security_headers(app, hsts=settings.web_secure_cookies)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.web_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=int(SESSION_LIFETIME.total_seconds()),  # the ledger's row ends the session anyway
        same_site="strict",
        https_only=settings.web_secure_cookies,
    )
    # outermost: the access log, then the client's address from a trusted proxy's X-Forwarded-For (only from
    # SHARELOG_TRUSTED_PROXIES: `sharelog serve` turns uvicorn's own handling, which believes 127.0.0.1, off)
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO)
    app.add_middleware(AccessLog, secret=settings.web_secret(), routes_of=app)
    proxies = settings.trusted_proxy_list()
    if proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    guarded = [Depends(authorize)]
    for router in pages.ROUTERS:
        app.include_router(router, dependencies=guarded, include_in_schema=False)
    # every API operation declares the one error shape (FastAPI would otherwise describe its own 422 body)
    api_router = APIRouter(
        prefix="/api/v1", dependencies=guarded, responses=error_responses(400, 401, 403, 404, 409, 422)
    )
    for router in api.ROUTERS:
        api_router.include_router(router)
    app.include_router(api_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if ASSETS_DIR.is_dir():
        app.mount("/assets", StaticFiles(directory=ASSETS_DIR), name="assets")
    else:
        log.warning("GOV.UK Frontend assets are missing (run `make`): pages will be unstyled")
    return app
