"""The API answers 429 with Retry-After beyond ``ANN_API_RATE_LIMIT``; monitoring is never
limited; a malformed limit is refused when the application is made."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import create_app


def _app(limit: str) -> TestClient:
    # an unreachable backend: the limiter answers before any route needs Elasticsearch
    settings = Settings().model_copy(update={"api_rate_limit": limit,
                                             "es_url": "http://127.0.0.1:9",
                                             "api_es_timeout_seconds": 0.2})
    return TestClient(create_app(settings))


def test_requests_beyond_the_limit_get_429_with_retry_after() -> None:
    with _app("3/minute") as api:
        answers = [api.get("/articles/missing!") for _ in range(4)]
        assert [a.status_code for a in answers] == [422, 422, 422, 429]
        refused = answers[-1]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "rate limit of 3 per 1 minute exceeded" in refused.json()["detail"]
        assert api.get("/metrics").status_code == 200  # monitoring is never limited
        metrics = api.get("/metrics").text
        assert 'status="429"' in metrics


def test_no_limit_when_empty_and_a_clear_error_when_malformed() -> None:
    with _app("") as api:
        assert {api.get("/articles/missing!").status_code for _ in range(20)} == {422}
    with pytest.raises(ValueError):
        _app("often")
