"""A page that runs past the soft time limit is refused as ``timeout``; the worker goes on.

A real worker (one pool process) runs with a soft limit of a few seconds. A page built to be
slow — hundreds of thousands of unclosed paragraphs, most of a minute of extraction on an idle
machine — is sent in one batch with an ordinary article, between two more. The slow page is
counted ``failed/extraction/timeout`` for its source long before it could have finished, its
batch's other article is indexed, and so is the article sent after it, by the same worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from redis import Redis

from ann.messages import Discovery, RawPage
from ann.settings import Settings
from crawler.handoff import IndexerClient
from indexer.outcomes import read_totals
from tests.support.reliability import Worker, dead_letters
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

SOFT_LIMIT_SECONDS = 5
DEADLINE_SECONDS = 150  # the slow page alone takes many minutes of extraction


def _page(n: int, html: str) -> RawPage:
    url = f"https://www.dawn.com/news/{1_900_000 + n}/story-{n}"
    return RawPage(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(html.encode()))


def _article(n: int) -> RawPage:
    words = f"Minister number {n} said the budget talks would continue next week in Karachi. "
    body = "".join(f"<p>{words * 4}</p>" for _ in range(6))
    return _page(n, f"<html><head><title>Budget talks {n}</title>"
                    f"<meta property='og:type' content='article'>"
                    f"<meta property='article:published_time' content='2026-12-01T08:00:00Z'>"
                    f"</head><body><article><h1>Budget talks {n}</h1>{body}</article></body>"
                    f"</html>")


def _slow(n: int) -> RawPage:
    return _page(n, "<html><head><title>Slow</title></head><body><h1>Slow</h1>"
                 + "<p>word " * 400_000)


def _indexed(es: Elasticsearch, alias: str, page: RawPage) -> bool:
    es.indices.refresh(index=alias)
    return bool(es.count(index=alias, query={"term": {"url": page.url}})["count"])


@pytest.fixture
def worker(own_settings: Settings, tmp_path: Path) -> Iterator[Worker]:
    env = {"ANN_INDEX_SOFT_TIME_LIMIT": str(SOFT_LIMIT_SECONDS),
           "ANN_INDEX_HARD_TIME_LIMIT": str(DEADLINE_SECONDS * 2)}
    with Worker(own_settings, tmp_path / "worker.log", concurrency=1, env=env) as running:
        yield running


def test_a_page_past_the_soft_limit_is_refused_as_timeout_and_the_worker_goes_on(
    own_settings: Settings, worker: Worker, es: Elasticsearch, redis_client: Redis
) -> None:
    client = IndexerClient(own_settings.redis_url, own_settings.pages_queue,
                           own_settings.key_prefix)
    first, slow, beside, after = _article(1), _slow(2), _article(3), _article(4)
    try:
        client.send([first])
        wait_until(lambda: _indexed(es, own_settings.index_alias, first), "the first article",
                   timeout=120, interval=1)
        started = time.monotonic()
        client.send([slow, beside])
        client.send([after])
        wait_until(lambda: _indexed(es, own_settings.index_alias, after),
                   "the article sent after the slow page", timeout=DEADLINE_SECONDS, interval=1)
        took = time.monotonic() - started
    finally:
        client.close()
    totals = read_totals(redis_client, own_settings.key_prefix, "dawn")
    print(f"slow page stopped and the next batch indexed in {took:.1f} s; totals: {totals}")
    assert totals.get("indexer/failed/extraction/timeout") == 1
    assert _indexed(es, own_settings.index_alias, beside)
    assert not dead_letters(redis_client, own_settings)
    assert worker.process.poll() is None  # the worker itself is still running
