"""The API's liveness route answers while Elasticsearch does not; readiness (``/health``) fails."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


def test_liveness_does_not_depend_on_elasticsearch() -> None:
    settings = Settings(ES_URL=f"http://127.0.0.1:{_closed_port()}", ANN_API_ES_TIMEOUT=1,
                        ANN_API_RATE_LIMIT="")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 503
        live = client.get("/health/live")
    assert live.status_code == 200
    assert live.json() == {"status": "alive"}
