"""Saved searches and their alerts on the real node, Redis and a real Celery worker.

A story reprinted by the hub and two members is one entry of the search's Atom feed and one
signed webhook call; a webhook that keeps failing is retried with backoff and ends in the dead
letters; a key sees and deletes only its own searches. Documents go through the indexer's own
write and clustering (``index_stage``, ``cluster_pending``); the check is sent by task name on
the alerts queue, as beat sends it, to a ``celery worker`` of ``search_api.alerts.celery_app``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from redis import Redis

from ann.messages import CHECK_ALERTS_TASK
from ann.ops import stack
from ann.producer import TaskProducer
from ann.settings import Settings
from ann.sources import load_registry
from indexer.article import Article
from indexer.clusters import cluster_pending
from indexer.mapping import ensure_index, index_name
from indexer.outcomes import BatchOutcome
from indexer.pipeline import index_stage
from search_api.alerts.store import SavedSearchStore
from search_api.alerts.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify
from search_api.app import create_app
from tests.support.env import service_env
from tests.support.harness import subprocess_worker
from tests.support.receiver import webhook_receiver
from tests.support.waiting import wait_until
from tests.support.writes import as_stored, as_writes

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

RETRIES = 2
WAIT = 60.0
"""Bound of every wait for the worker: a deadlock fails the test instead of hanging it."""


@pytest.fixture(scope="module")
def alerts(services: Settings, es: Elasticsearch, redis_client: Redis,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of this module's own (alias, queue, key prefix) and a runner worker on them:
    webhooks may call loopback, a failed call is retried twice after 0.2 s and 0.4 s."""
    tag = uuid.uuid4().hex[:8]
    settings = services.model_copy(update={
        "index_alias": f"test-{tag}-alerts", "alerts_queue": f"test-{tag}-alerts",
        "key_prefix": f"{services.key_prefix}-{tag}",
        "alerts_webhook_allow_networks": "127.0.0.0/8",
    })
    ensure_index(es, settings.index_alias)
    env = {**service_env(settings), "ANN_ALERTS_QUEUE": settings.alerts_queue,
           "ANN_ALERTS_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
           "ANN_ALERTS_WEBHOOK_RETRIES": str(RETRIES), "ANN_ALERTS_WEBHOOK_BACKOFF": "0.2"}
    log = tmp_path_factory.mktemp("alerts") / "worker.log"
    try:
        with subprocess_worker("search_api.alerts.celery_app", settings.alerts_queue, env, log):
            yield settings
    finally:
        es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)
        redis_client.delete(settings.alerts_queue)
        for key in redis_client.scan_iter(match=f"{settings.key_prefix}:*", count=1000):
            redis_client.delete(key)


@pytest.fixture(scope="module")
def api(alerts: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(alerts)) as client:
        yield client


def _copy(source_id: str, slug: str, word: str) -> dict[str, Any]:
    """One copy of the story about ``word``, as the indexer stores a page of ``source_id``."""
    source = load_registry().get(source_id)
    url = f"https://www.{source.domains[0]}/news/{slug}"
    body = " ".join(
        f"Rescuers reached the {word} valley on day {n} as the river fell and roads reopened "
        f"to lorries carrying rice, tents and medicine for the villages." for n in range(8))
    article = Article(url=url, title=f"Relief reaches the {word} valley", body=body,
                      standfirst="Roads <reopened> & lorries move",
                      published_at=datetime.now(UTC), source_id=source.id,
                      source_name=source.name, country=source.country, language="en",
                      word_count=len(body.split()))
    return as_stored(article)


def _index(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> None:
    """Write as an indexer batch does, then cluster as the indexer's run does."""
    outcome = BatchOutcome()
    index_stage(es, alias, as_writes(docs), outcome)
    assert not outcome.failures, outcome.failures
    while cluster_pending(es, alias)[0]:
        pass


def _check(settings: Settings, redis: Redis) -> None:
    """Send the scheduled check as beat does, and wait for it and every call it queued."""
    producer = TaskProducer("test-beat", settings.redis_url, settings.alerts_queue)
    try:
        producer.send(CHECK_ALERTS_TASK, [])
    finally:
        producer.close()
    assert stack.wait_drained(redis, settings.key_prefix, settings.alerts_queue, WAIT), (
        "check not done")


def _create(api: TestClient, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    headers = {"X-Client-Key": key} if key else {}
    response = api.post("/saved-searches", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_story_on_the_hub_and_two_members_is_one_entry_and_one_signed_call(
    alerts: Settings, api: TestClient, es: Elasticsearch, redis_client: Redis,
) -> None:
    word = f"w{uuid.uuid4().hex[:10]}"
    with webhook_receiver(200) as receiver:
        search = _create(api, {"name": "valley relief", "query": {"q": word, "language": ["en"]},
                               "webhook_url": receiver.url})
        assert search["client_key"] and search["webhook_secret"]
        hub = _copy("asianews", f"{word}-hub", word)
        _index(es, alerts.index_alias, [hub])
        _check(alerts, redis_client)
        members = [_copy("thestar", f"{word}-star", word), _copy("dawn", f"{word}-dawn", word)]
        _index(es, alerts.index_alias, members)
        stored = es.mget(index=alerts.index_alias, ids=[d["id"] for d in [hub, *members]])
        assert {d["_source"]["cluster_id"] for d in stored["docs"]} == {hub["id"]}
        _check(alerts, redis_client)  # the members' copies: the same story, nothing new

        feed = api.get(search["feed_url"])
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(feed.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert [e.id for e in parsed.entries] == [f"urn:ann:story:{hub['id']}"]
        assert parsed.entries[0].title == f"Relief reaches the {word} valley"
        assert parsed.entries[0].summary == "Roads <reopened> & lorries move"

        assert len(receiver.calls) == 1
        call = receiver.calls[0]
        assert verify(search["webhook_secret"], call.body, call.headers[SIGNATURE_HEADER])
        assert not verify("another secret!!", call.body, call.headers[SIGNATURE_HEADER])
        payload = json.loads(call.body)
        assert payload["saved_search"] == search["id"]
        assert payload["story"]["cluster_id"] == hub["id"]
        assert call.headers[DELIVERY_HEADER] == f"{search['id']}:{hub['id']}"


def test_a_saved_search_expands_names_as_search_does(
    alerts: Settings, api: TestClient, es: Elasticsearch, redis_client: Redis,
) -> None:
    """``Burma`` alerts on a story that says only Myanmar, as ``/search?q=Burma`` finds it."""
    search = _create(api, {"name": "burma", "query": {"q": "Burma"}})
    story = _copy("asianews", f"myanmar-{uuid.uuid4().hex[:8]}", "Myanmar")
    _index(es, alerts.index_alias, [story])
    assert api.get("/search", params={"q": "Burma"}).json()["total"] >= 1
    _check(alerts, redis_client)
    parsed = feedparser.parse(api.get(search["feed_url"]).content)
    # by title: the template's stories of other tests may share one cluster with this one
    assert [e.title for e in parsed.entries] == ["Relief reaches the Myanmar valley"]


def test_a_failing_webhook_is_retried_then_dead_lettered(
    alerts: Settings, api: TestClient, es: Elasticsearch, redis_client: Redis,
) -> None:
    word = f"w{uuid.uuid4().hex[:10]}"
    with webhook_receiver(503) as receiver:
        search = _create(api, {"name": "failing", "query": {"q": word},
                               "webhook_url": receiver.url, "webhook_secret": "s" * 20})
        assert search["webhook_secret"] is None  # the client's own: not echoed
        _index(es, alerts.index_alias, [_copy("koreaherald", f"{word}-kh", word)])
        _check(alerts, redis_client)
        dead = SavedSearchStore(redis_client, alerts.key_prefix, 10, timedelta(days=1))
        wait_until(lambda: dead.dead_letter_count() == 1, "the dead letter", WAIT)
    assert len(receiver.calls) == 1 + RETRIES
    assert len({c.headers[DELIVERY_HEADER] for c in receiver.calls}) == 1
    assert all(verify("s" * 20, c.body, c.headers[SIGNATURE_HEADER]) for c in receiver.calls)
    (letter,) = dead.dead_letters()
    assert letter["reason"] == "gave_up/HTTP 503"
    assert letter["attempts"] == 1 + RETRIES
    call = letter["call"]
    assert isinstance(call, dict) and call["saved_search"] == search["id"]
    listed = subprocess.run([sys.executable, "-m", "ann", "dead-letters", "--alerts"],
                            env={**service_env(alerts), "COLUMNS": "200"}, capture_output=True,
                            text=True, timeout=60, check=True).stderr  # rich: stderr
    assert "gave_up/HTTP 503" in listed and search["id"] in listed


def test_a_key_reads_and_deletes_only_its_own_searches(api: TestClient) -> None:
    mine, theirs = "a" * 40, "b" * 40
    search = _create(api, {"name": "mine", "query": {"q": "flood", "from": "2024-01-01"}}, mine)
    assert search["client_key"] is None  # the client's own key is never echoed
    assert search["query"]["from"] == "2024-01-01"

    assert api.get("/saved-searches").status_code == 401
    assert api.get("/saved-searches", headers={"X-Client-Key": "short"}).status_code == 401
    assert api.post("/saved-searches", json={"name": "x"},
                    headers={"X-Client-Key": "short"}).status_code == 422
    assert api.get("/saved-searches", headers={"X-Client-Key": theirs}).json() == []
    listed = api.get("/saved-searches", headers={"X-Client-Key": mine}).json()
    assert [s["id"] for s in listed] == [search["id"]]

    url = f"/saved-searches/{search['id']}"
    assert api.delete(url).status_code == 401
    assert api.delete(url, headers={"X-Client-Key": theirs}).status_code == 404
    assert api.get(search["feed_url"]).status_code == 200
    assert api.delete(url, headers={"X-Client-Key": mine}).status_code == 204
    assert api.delete(url, headers={"X-Client-Key": mine}).status_code == 404
    assert api.get(search["feed_url"]).status_code == 404


@pytest.mark.parametrize("body", [
    {"name": "x", "query": {"from": "2024-13-01"}},
    {"name": "x", "query": {"from": "2024-02-01", "to": "2024-01-01"}},
    {"name": "x", "query": {"sort": "newest"}},
    {"name": "", "query": {}},
    {"name": "x", "webhook_url": "file:///etc/passwd"},
])
def test_a_bad_query_is_a_422(api: TestClient, body: dict[str, Any]) -> None:
    response = api.post("/saved-searches", json=body, headers={"X-Client-Key": "c" * 40})
    assert response.status_code == 422, response.text


def test_nothing_of_a_key_is_stored_but_its_hash(
    alerts: Settings, api: TestClient, redis_client: Redis
) -> None:
    key = "k" * 40
    _create(api, {"name": "hashed"}, key)
    keys = list(redis_client.scan_iter(match=f"{alerts.key_prefix}:alerts:*"))
    stored = [str(v) for k in keys if redis_client.type(k) == b"hash"
              for v in redis_client.hgetall(k).values()]
    assert keys and stored
    assert not any(key in text for text in [*map(str, keys), *stored])
