"""The API documentation page: Swagger UI, served by the app itself from the npm package ``make`` copies.

Not FastAPI's own docs page, which loads Swagger UI from a CDN and starts it with an inline script: the content
security policy blocks both (and the server may have no internet). Here the page is one of the app's own, its
scripts are files under /static, and the OpenAPI document is the app's.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sharelog.web._security import MaybeUser
from sharelog.web._templating import render

__all__ = ["API_DOCS_URL", "OPENAPI_URL", "router"]

API_DOCS_URL = "/api/v1/docs"
OPENAPI_URL = "/api/v1/openapi.json"
# swagger-ui-bundle.js and swagger-ui.css from npm's swagger-ui-dist (pinned by package-lock.json), not committed
SWAGGER_DIR = Path(__file__).parents[1] / "static" / "swagger-ui"
router = APIRouter()


@router.get(API_DOCS_URL, response_class=HTMLResponse)
def read_api_docs(request: Request, user: MaybeUser) -> HTMLResponse:
    """Every operation of the API, with its parameters, bodies and answers, and a way to try it."""
    return render(
        request,
        "api_docs.html",
        title="API documentation",
        openapi_url=OPENAPI_URL,
        swagger_ready=(SWAGGER_DIR / "swagger-ui-bundle.js").is_file(),
    )
