"""Crawl jobs the API may ask for: sent to the crawler's queue by task name (the contract in
``ann/messages.py``), as the schedule sends them — the API imports nothing of the crawler."""

from __future__ import annotations

from ann.messages import CRAWL_SOURCES_TASK
from ann.producer import TaskProducer
from ann.settings import Settings


class CrawlJobs:
    def __init__(self, settings: Settings) -> None:
        self._producer = TaskProducer("ann-api", settings.redis_url, settings.crawl_queue)

    def send(self, source_ids: list[str], kinds: list[str]) -> str:
        """Queue one crawl of these sources' entry points; the job's id. Fails at once (no
        publish retries) when the broker is unreachable: the caller answers 503."""
        return self._producer.send(CRAWL_SOURCES_TASK, [source_ids, kinds], retry=False)

    def close(self) -> None:
        self._producer.close()
