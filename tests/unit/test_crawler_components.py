"""Crawler components called directly with a crawler from scrapy.utils.test.get_crawler."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import pytest
from redis import Redis
from scrapy.utils.test import get_crawler

from ann.keyspace import ledger_key, ledger_since_key
from ann.ledger import Ledger
from ann.messages import INDEX_PAGES_TASK, Discovery, RawPage
from ann.settings import Settings
from crawler.download import mirror_target
from crawler.items import FetchedArticle
from crawler.pipelines.queue import QueuePipeline
from crawler.state import Fetched, state_for
from tests.support.queued import queued_messages


def test_mirror_target_keeps_path_query_and_host() -> None:
    target, host = mirror_target("https://www.dawn.com/news/1/a?page=2", "http://127.0.0.1:18080")
    assert (target, host) == ("http://127.0.0.1:18080/news/1/a?page=2", "www.dawn.com")


def _article(n: int) -> FetchedArticle:
    url = f"https://www.dawn.com/news/{n}/a"
    page = RawPage(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(b"<html/>"))
    record = Fetched(url=url, source_id="dawn", etag=f'"e{n}"', last_modified=None,
                     body_hash=f"h{n}", published=time.time(), new=True)
    return FetchedArticle(page=page, record=record)


@pytest.mark.integration  # Redis
def test_queue_pipeline_sends_full_batches_by_task_name(
    services: Settings, redis_client: Redis
) -> None:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    crawler = get_crawler(settings_dict={
        "ANN_REDIS_URL": services.redis_url, "ANN_PAGES_QUEUE": queue, "ANN_BATCH_SIZE": 2,
        "ANN_KEY_PREFIX": queue,
    })
    pipeline = QueuePipeline.from_crawler(crawler)
    state = state_for(crawler)
    for n in range(3):
        asyncio.run(pipeline.process_item(_article(n)))  # room on the queue: no waiting
    assert redis_client.llen(queue) == 1  # a full batch of two left at once
    assert state.record("https://www.dawn.com/news/0/a") is not None  # remembered once sent
    assert state.record("https://www.dawn.com/news/2/a") is None  # still pending
    pipeline.close_spider()  # the remainder leaves on close
    record = state.record("https://www.dawn.com/news/2/a")
    assert record is not None and (record.etag, record.body_hash) == ('"e2"', "h2")
    messages = queued_messages(redis_client, queue)
    assert [task for task, _ in messages] == [INDEX_PAGES_TASK] * 2
    assert sorted(len(message.pages) for _, message in messages) == [1, 2]
    ledger = Ledger(redis_client, queue, queue)  # both batches kept until the indexer settles
    assert ledger.size()["batches"] == 2
    redis_client.delete(queue, ledger_key(queue, queue), ledger_since_key(queue, queue))
