"""``GET /docs``: the OpenAPI document in Swagger UI, a page that works offline.

FastAPI's own page loads Swagger UI from a CDN, so on a machine without internet it stays blank.
Here the page is still FastAPI's (``get_swagger_ui_html``), but its script and style come from a
packaged copy (the ``fastapi-offline`` package's swagger-ui-dist 5) that the API serves at
:data:`ASSETS_URL`, and a Content-Security-Policy keeps every request on this origin (Swagger UI's
online validator badge, which would call a third party, is switched off). ``/redoc`` is not
served: ReDoc 2 loads its "API docs by Redocly" logo from Redocly's CDN, which no option turns off.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from search_api.headers import content_security_policy, html_headers, script_hashes

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """The packaged Swagger UI files, mounted at :data:`ASSETS_URL` by the app."""
    return StaticFiles(directory=ASSETS_DIR)


def _urls(request: Request) -> tuple[str, str]:
    """The OpenAPI document's URL and the assets' base, under the app's root path (a proxy's
    prefix)."""
    root = request.scope.get("root_path", "")
    return f"{root}{request.app.openapi_url}", f"{root}{ASSETS_URL}"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    openapi_url, base = _urls(request)
    page = get_swagger_ui_html(
        openapi_url=openapi_url, title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{base}/swagger-ui-bundle.js", swagger_css_url=f"{base}/swagger-ui.css",
        swagger_favicon_url=f"{base}/favicon.png", oauth2_redirect_url=None,
        swagger_ui_parameters={"validatorUrl": None},
    )
    html = bytes(page.body).decode()
    policy = content_security_policy(script_hashes(html), inline_styles=True)
    return HTMLResponse(html, headers=html_headers(policy))

