"""Crawler components called directly with a crawler from scrapy.utils.test.get_crawler."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

from redis import Redis
from scrapy.utils.test import get_crawler

from ann.messages import INDEX_PAGES_TASK, Discovery, IndexPagesMessage, RawPage
from ann.settings import Settings
from ann.sources import load_registry
from crawler.items import FetchedArticle
from crawler.mirror import mirror_target
from crawler.pipelines.queue import QueuePipeline
from crawler.settings import download_slots


def test_mirror_target_keeps_path_query_and_host() -> None:
    target, host = mirror_target("https://www.dawn.com/news/1/a?page=2", "http://127.0.0.1:18080")
    assert (target, host) == ("http://127.0.0.1:18080/news/1/a?page=2", "www.dawn.com")


def test_politeness_is_per_host_from_the_source_files() -> None:
    registry = load_registry()
    slots = download_slots(registry, delay_scale=1.0)
    for source in registry:
        for domain in source.domains:
            assert slots[domain]["delay"] == source.politeness.delay_seconds
    assert all(slot["delay"] == 0 for slot in download_slots(registry, 0.0).values())


def _page(n: int) -> RawPage:
    return RawPage(url=f"https://www.dawn.com/news/{n}/a", final_url=f"https://www.dawn.com/news/{n}/a",
                   status=200, fetched_at=datetime.now(UTC), source_id="dawn",
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(b"<html/>"))


def test_queue_pipeline_sends_full_batches_by_task_name(
    services: Settings, redis_client: Redis
) -> None:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    crawler = get_crawler(settings_dict={
        "ANN_REDIS_URL": services.redis_url, "ANN_PAGES_QUEUE": queue, "ANN_BATCH_SIZE": 2,
    })
    pipeline = QueuePipeline.from_crawler(crawler)
    for n in range(3):
        pipeline.process_item(FetchedArticle(page=_page(n)))
    assert redis_client.llen(queue) == 1  # a full batch of two left at once
    pipeline.close_spider()  # the remainder leaves on close
    messages = [json.loads(raw) for raw in redis_client.lrange(queue, 0, -1)]
    assert [m["headers"]["task"] for m in messages] == [INDEX_PAGES_TASK] * 2
    sizes = []
    for message in messages:
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        sizes.append(len(IndexPagesMessage.model_validate(args[0]).pages))
    assert sorted(sizes) == [1, 2]
    redis_client.delete(queue)
