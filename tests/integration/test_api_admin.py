"""``POST /admin/recrawl`` on real Redis: the crawl job lands on the crawl queue by task name,
only for an operator holding the key, only for member sources."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from redis import Redis

from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings
from search_api.app import create_app
from tests.support.queued import queued_tasks

pytestmark = pytest.mark.integration
KEY = "s3cret-operator-key"


@pytest.fixture
def queue(services: Settings) -> Iterator[tuple[Settings, Redis]]:
    settings = services.model_copy(update={"crawl_queue": f"test-crawl-{uuid.uuid4().hex[:8]}",
                                           "api_admin_key": KEY})
    redis = Redis.from_url(settings.redis_url)
    yield settings, redis
    redis.delete(settings.crawl_queue)
    redis.close()


def test_a_recrawl_is_queued_for_the_crawler_by_task_name(
    queue: tuple[Settings, Redis]
) -> None:
    settings, redis = queue
    with TestClient(create_app(settings)) as api:
        answer = api.post("/admin/recrawl", headers={"X-API-Key": KEY},
                          json={"sources": ["dawn", "thestar", "dawn"], "entries": ["feeds"]})
        assert answer.status_code == 202, answer.text
        assert answer.json()["sources"] == ["dawn", "thestar"]
        everything = api.post("/admin/recrawl", headers={"X-API-Key": KEY},
                              json={"sources": ["kuensel"]})
        assert everything.status_code == 202
    assert queued_tasks(redis, settings.crawl_queue)[::-1] == [
        (CRAWL_SOURCES_TASK, [["dawn", "thestar"], ["feeds"]]),
        (CRAWL_SOURCES_TASK, [["kuensel"], ["feeds", "sitemaps", "sections"]]),
    ]


def test_no_key_a_wrong_key_or_a_foreign_site_queue_nothing(
    queue: tuple[Settings, Redis]
) -> None:
    settings, redis = queue
    with TestClient(create_app(settings)) as api:
        body = {"sources": ["dawn"]}
        assert api.post("/admin/recrawl", json=body).status_code == 401
        assert api.post("/admin/recrawl", json=body,
                        headers={"X-API-Key": "guess"}).status_code == 401
        foreign = api.post("/admin/recrawl", headers={"X-API-Key": KEY},
                           json={"sources": ["example.com"]})
        assert foreign.status_code == 422 and "only member sources" in foreign.text
        bad_entry = api.post("/admin/recrawl", headers={"X-API-Key": KEY},
                             json={"sources": ["dawn"], "entries": ["everything"]})
        assert bad_entry.status_code == 422
    with TestClient(create_app(settings.model_copy(update={"api_admin_key": ""}))) as api:
        disabled = api.post("/admin/recrawl", headers={"X-API-Key": ""}, json=body)
        assert disabled.status_code == 403 and "ANN_API_ADMIN_KEY" in disabled.text
    assert queued_tasks(redis, settings.crawl_queue) == []


def test_an_unreachable_queue_is_a_503(services: Settings) -> None:
    settings = services.model_copy(update={"redis_url": "redis://127.0.0.1:9/0",
                                           "api_admin_key": KEY})
    with TestClient(create_app(settings)) as api:
        answer = api.post("/admin/recrawl", headers={"X-API-Key": KEY},
                          json={"sources": ["dawn"]})
    assert answer.status_code == 503 and "unreachable" in answer.text
