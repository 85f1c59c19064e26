"""The API answers 429 with Retry-After beyond ``ANN_API_RATE_LIMIT``; monitoring is never
limited; a malformed limit is refused when the application is made; the window moves; each of a
server's ``ANN_API_WORKERS`` processes allows its share of the limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from limits import parse as parse_limit

from ann.settings import Settings
from search_api.app import create_app
from search_api.ratelimit import MovingWindow, per_process


def _app(limit: str, workers: int = 1) -> TestClient:
    # an unreachable backend: the limiter answers before any route needs Elasticsearch
    settings = Settings().model_copy(update={"api_rate_limit": limit,
                                             "api_workers": workers,
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


def test_the_window_moves_and_forgets_clients_idle_for_a_whole_window() -> None:
    now = [1000.0]
    window = MovingWindow(parse_limit("2/minute"), clock=lambda: now[0])
    assert window.hit("a") == 0 and window.hit("b") == 0
    now[0] += 20
    assert window.hit("a") == 0
    assert window.hit("a") == 40  # a's first hit leaves the window 60 s after it was made
    now[0] += 40
    assert window.hit("a") == 0  # ... and then it has: one hit in the last minute, one allowed
    assert window.hit("a") == 20
    assert set(window.hits) == {"a"}  # b, without a hit for a whole window: forgotten


def test_each_worker_allows_its_share_of_the_limit() -> None:
    """A client gets about the configured limit from a server of several processes: this
    process (one of 2) allows 3 of ``5/minute`` and refuses the fourth, naming the limit
    configured."""
    with _app("5/minute", workers=2) as api:
        answers = [api.get("/articles/missing!") for _ in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    assert "rate limit of 5 per 1 minute exceeded" in answers[-1].json()["detail"]


@pytest.mark.parametrize(("limit", "processes", "share"), [
    ("6000/minute", 1, 6000), ("6000/minute", 2, 3000), ("5/second", 2, 3), ("1/minute", 4, 1),
])
def test_a_share_is_the_limit_divided_rounded_up_and_never_zero(
    limit: str, processes: int, share: int,
) -> None:
    assert per_process(parse_limit(limit), processes) == share
