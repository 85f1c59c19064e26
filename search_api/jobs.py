"""Crawl jobs the API may ask for: sent to the crawler's queue by task name (the contract in
``ann/messages.py``), as the schedule sends them — the API imports nothing of the crawler."""

from __future__ import annotations

from celery import Celery

from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings


class CrawlJobs:
    """A producer only: no worker, no result backend."""

    def __init__(self, settings: Settings) -> None:
        self._celery = Celery("ann-api", broker=settings.redis_url)
        self._queue = settings.crawl_queue

    def send(self, source_ids: list[str], kinds: list[str]) -> str:
        """Queue one crawl of these sources' entry points; the job's id. Fails at once (no
        publish retries) when the broker is unreachable: the caller answers 503."""
        result = self._celery.send_task(CRAWL_SOURCES_TASK, args=[source_ids, kinds],
                                        queue=self._queue, retry=False)
        return str(result.id)

    def close(self) -> None:
        self._celery.close()
