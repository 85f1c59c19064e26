"""``GET /metrics`` on the real stack: per route template and status, each application its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ann.settings import Settings
from search_api.app import create_app
from tests.support.api_corpus import corpus_documents, index_documents, private_alias

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def settings(services: Settings, es: Elasticsearch) -> Iterator[Settings]:
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, corpus_documents(per_topic=2))
        yield settings


def _samples(api: TestClient) -> Samples:
    answer = api.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text) for s in family.samples
    }


def _requests(samples: Samples, route: str, status: int) -> float:
    labels = frozenset({"method": "GET", "route": route, "status": str(status)}.items())
    return samples.get(("ann_api_requests_total", labels), 0.0)


def test_requests_are_counted_by_route_template_and_status_per_application(
    settings: Settings, es: Elasticsearch
) -> None:
    article = es.search(index=settings.index_alias, size=1)["hits"]["hits"][0]["_id"]
    with TestClient(create_app(settings)) as api, TestClient(create_app(settings)) as other:
        for _ in range(3):
            assert api.get("/search", params={"q": "monsoon"}).status_code == 200
        assert api.get("/search", params={"size": 1000}).status_code == 422
        assert api.get(f"/articles/{article}").status_code == 200
        assert api.get(f"/articles/{'0' * 32}").status_code == 404
        assert api.get(f"/articles/{article}/similar").status_code == 200
        assert api.get("/no/such/page").status_code == 404
        assert other.get("/health").status_code == 200
        mine, theirs = _samples(api), _samples(other)
    assert _requests(mine, "/search", 200) == 3
    assert _requests(mine, "/search", 422) == 1
    assert _requests(mine, "/articles/{article_id}", 200) == 1
    assert _requests(mine, "/articles/{article_id}", 404) == 1
    assert _requests(mine, "/articles/{article_id}/similar", 200) == 1
    assert _requests(mine, "<unmatched>", 404) == 1
    assert not any(article in str(labels) for _, labels in mine), "no raw paths as labels"
    latency = frozenset({"method": "GET", "route": "/search", "status": "200"}.items())
    assert mine[("ann_api_request_duration_seconds_count", latency)] == 3
    assert _requests(mine, "/health", 200) == 0 and _requests(theirs, "/health", 200) == 1
    assert _requests(theirs, "/search", 200) == 0

    def backend(operation: str, outcome: str) -> float:
        labels = frozenset({"operation": operation, "outcome": outcome}.items())
        return mine.get(("ann_api_elasticsearch_duration_seconds_count", labels), 0.0)

    assert backend("search", "ok") == 3
    assert backend("get", "ok") == 1 and backend("get", "not_found") == 1
    assert backend("exists", "ok") == 1 and backend("similar", "ok") == 1
    seconds = frozenset({"operation": "search", "outcome": "ok"}.items())
    assert 0 < mine[("ann_api_elasticsearch_duration_seconds_sum", seconds)] < 5
