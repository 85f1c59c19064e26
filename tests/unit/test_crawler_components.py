"""Crawler components called directly with a crawler from scrapy.utils.test.get_crawler."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime

from redis import Redis
from scrapy.utils.test import get_crawler

from ann.messages import INDEX_PAGES_TASK, Discovery, IndexPagesMessage, RawPage
from ann.settings import Settings
from crawler.download import mirror_target
from crawler.items import FetchedArticle
from crawler.pipelines.queue import QueuePipeline
from crawler.state import state_for


def test_mirror_target_keeps_path_query_and_host() -> None:
    target, host = mirror_target("https://www.dawn.com/news/1/a?page=2", "http://127.0.0.1:18080")
    assert (target, host) == ("http://127.0.0.1:18080/news/1/a?page=2", "www.dawn.com")


def _article(n: int) -> FetchedArticle:
    url = f"https://www.dawn.com/news/{n}/a"
    page = RawPage(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(b"<html/>"))
    return FetchedArticle(page=page, etag=f'"e{n}"', last_modified=None, body_hash=f"h{n}",
                          published=time.time(), new=True)


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
        pipeline.process_item(_article(n))
    assert redis_client.llen(queue) == 1  # a full batch of two left at once
    assert state.record("https://www.dawn.com/news/0/a") is not None  # remembered once sent
    assert state.record("https://www.dawn.com/news/2/a") is None  # still pending
    pipeline.close_spider()  # the remainder leaves on close
    record = state.record("https://www.dawn.com/news/2/a")
    assert record is not None and (record.etag, record.body_hash) == ('"e2"', "h2")
    messages = [json.loads(raw) for raw in redis_client.lrange(queue, 0, -1)]
    assert [m["headers"]["task"] for m in messages] == [INDEX_PAGES_TASK] * 2
    sizes = []
    for message in messages:
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        sizes.append(len(IndexPagesMessage.model_validate(args[0]).pages))
    assert sorted(sizes) == [1, 2]
    redis_client.delete(queue)
