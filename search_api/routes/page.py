"""``GET /``: the search page, for people rather than programs.

Plain HTML, CSS and JavaScript modules from ``search_api/static`` (served at :data:`STATIC_URL`),
no build step: the page calls the same JSON routes as any client (``/search``, ``/articles``,
``/stories``) and renders their answers with DOM methods, never by inserting a field as markup.
Its Content-Security-Policy allows this origin only — no inline script, no inline style, no
third-party request — so a title or highlight that slipped through as markup could neither run
nor call out.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from search_api.headers import content_security_policy, html_headers

STATIC_URL = "/static"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """The page's styles and scripts, mounted at :data:`STATIC_URL` by the app."""
    return StaticFiles(directory=STATIC_DIR)


@router.get("/")
async def search_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html",
                        headers=html_headers(content_security_policy()))
