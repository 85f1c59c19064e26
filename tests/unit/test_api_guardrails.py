"""Guardrails toward Elasticsearch: a hung or absent backend is a quick 503, on every route.

No Elasticsearch is needed: one backend is a socket that accepts connections and never answers
(the kernel completes the handshake from the listen backlog), the other a port nobody listens on.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app

ARTICLE = "0" * 32
ROUTES = ["/search", f"/articles/{ARTICLE}", f"/articles/{ARTICLE}/similar", "/sources", "/health"]


@pytest.fixture
def hung_backend() -> Iterator[str]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize("route", ROUTES)
def test_a_backend_that_never_answers_is_a_503_within_the_timeout(
    hung_backend: str, route: str
) -> None:
    settings = Settings(ES_URL=hung_backend, ANN_API_ES_TIMEOUT=0.3)
    with TestClient(create_app(settings)) as api:
        start = time.monotonic()
        answer = api.get(route)
        elapsed = time.monotonic() - start
    assert answer.status_code == 503, answer.text
    assert answer.json()["detail"] == "search backend did not answer within 0.3 s"
    assert elapsed < 1.5


@pytest.mark.parametrize("route", ROUTES)
def test_an_unreachable_backend_is_a_503_that_says_so(closed_port: str, route: str) -> None:
    with TestClient(create_app(Settings(ES_URL=closed_port))) as api:
        answer = api.get(route)
    assert answer.status_code == 503, answer.text
    assert answer.json()["detail"].startswith("search backend unavailable")

