"""``GET /sources`` on the real Elasticsearch node: counts, newest dates and health per source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ann.settings import Settings
from ann.sources import load_registry
from search_api.app import create_app
from tests.support.api_corpus import BASE, document, index_documents, private_alias

pytestmark = pytest.mark.integration


def _indexed(docs: list[dict[str, Any]], when: datetime) -> list[dict[str, Any]]:
    return [{**d, "indexed_at": when.isoformat()} for d in docs]


def _backend_calls(api: TestClient, operation: str) -> float:
    for family in text_string_to_metric_families(api.get("/metrics").text):
        for sample in family.samples:
            if (sample.name == "ann_api_elasticsearch_duration_seconds_count"
                    and sample.labels["operation"] == operation):
                return sample.value
    return 0.0


def test_every_registry_source_with_its_counts_newest_dates_and_health(
    services: Settings, es: Elasticsearch
) -> None:
    now = datetime.now(UTC)
    fresh = _indexed([document(n, "flood", "dawn", BASE + timedelta(days=n)) for n in range(3)],
                     now - timedelta(minutes=5))
    old = _indexed([document(n, "chips", "thestar", BASE + timedelta(days=n)) for n in range(2)],
                   now - timedelta(hours=30))
    undated = _indexed([document(0, "cricket", "koreaherald", None)], now)
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, fresh + old + undated)
        with TestClient(create_app(settings)) as api:
            answer = api.get("/sources")
            calls = _backend_calls(api, "sources")
        lenient = settings.model_copy(update={"api_stale_after_hours": 48})
        with TestClient(create_app(lenient)) as api:
            relaxed = {s["id"]: s["health"] for s in api.get("/sources").json()["sources"]}
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["stale_after_hours"] == 24
    by_id = {s["id"]: s for s in result["sources"]}
    assert [s["id"] for s in result["sources"]] == load_registry().ids()
    assert {i: s["documents"] for i, s in by_id.items() if s["documents"]} == {
        "dawn": 3, "thestar": 2, "koreaherald": 1}
    assert {i: s["health"] for i, s in by_id.items() if s["health"] != "empty"} == {
        "dawn": "ok", "thestar": "stale", "koreaherald": "ok"}
    assert all(s["newest_indexed_at"] is None for s in by_id.values() if s["health"] == "empty")
    dawn = by_id["dawn"]
    assert datetime.fromisoformat(dawn["newest_published_at"]) == BASE + timedelta(days=2)
    indexed = datetime.fromisoformat(dawn["newest_indexed_at"])
    assert abs(indexed - (now - timedelta(minutes=5))) < timedelta(milliseconds=1)
    assert by_id["koreaherald"]["newest_published_at"] is None
    assert (dawn["name"], dawn["country"], dawn["languages"]) == ("Dawn", "PK", ["en"])
    assert calls == 1, "one Elasticsearch request for all sources"
    assert relaxed["thestar"] == "ok"


def test_sources_before_anything_was_indexed_are_all_empty(
    services: Settings, es: Elasticsearch
) -> None:
    with private_alias(services, es) as settings, TestClient(create_app(settings)) as api:
        answer = api.get("/sources")
    assert answer.status_code == 200, answer.text
    sources = answer.json()["sources"]
    assert len(sources) == len(load_registry())
    assert {(s["documents"], s["health"]) for s in sources} == {(0, "empty")}
