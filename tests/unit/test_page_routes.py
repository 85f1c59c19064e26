"""The HTML the API serves (the search page, Swagger UI) names this origin only, and its
Content-Security-Policy lets nothing else load: the browser test shows the pages working, these
show what a reverse proxy or a browser without a test harness receives."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app
from search_api.headers import script_hashes

THIRD_PARTY = re.compile(r"(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield TestClient(create_app(Settings(ANN_API_RATE_LIMIT="")))  # no lifespan: no backend


def _policy(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_html_loads_nothing_from_another_origin(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert not THIRD_PARTY.search(answer.text)
    policy = _policy(answer.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "img-src", "connect-src", "font-src"):
        assert not [s for s in policy[directive] if "http" in s or s == "*"], directive
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_search_page_runs_no_inline_script(client: TestClient) -> None:
    answer = client.get("/")
    assert _policy(answer.headers["content-security-policy"])["script-src"] == ["'self'"]
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', answer.text):
        assert client.get(asset).status_code == 200, asset


def test_swagger_ui_runs_its_own_inline_script_only(client: TestClient) -> None:
    answer = client.get("/docs")
    hashes = script_hashes(answer.text)
    assert len(hashes) == 1  # SwaggerUIBundle({...}), allowed by its hash
    assert _policy(answer.headers["content-security-policy"])["script-src"] == ["'self'", *hashes]
    for asset in re.findall(r'(?:src|href)="(/docs-assets/[^"]+)"', answer.text):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404


def test_static_files_are_counted_per_mount() -> None:
    app = create_app(Settings(ANN_API_RATE_LIMIT=""))
    with TestClient(app) as served:  # with its lifespan: /metrics reads the app's state
        for path in ("/static/page.css", "/static/js/main.js", "/static/absent.js",
                     "/docs-assets/swagger-ui.css"):
            served.get(path)
        counted = [line for line in served.get("/metrics").text.splitlines()
                   if line.startswith("ann_api_requests_total")]
    assert any('route="/static/{path}",status="200"} 2.0' in line for line in counted), counted
    assert any('route="/static/{path}",status="404"} 1.0' in line for line in counted), counted
    assert any('route="/docs-assets/{path}",status="200"} 1.0' in line for line in counted)
    assert not [line for line in counted if "<unmatched>" in line]
