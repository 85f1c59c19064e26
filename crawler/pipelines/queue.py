"""Hand fetched pages to the indexer's queue in batches, by task name.

Batches keep the indexer's Elasticsearch writes in bulk; a batch leaves when it is full, when it
has waited ``ANN_BATCH_SECONDS`` (so a lone new article is not held back), and when the spider
closes. The indexer is reached through Celery's ``send_task`` with a JSON message that validates
as :class:`ann.messages.IndexPagesMessage` — the crawler imports nothing of the indexer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from celery import Celery
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage, RawPage
from crawler.items import FetchedArticle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class QueuePipeline:
    def __init__(
        self,
        broker_url: str,
        queue: str,
        batch_size: int,
        batch_seconds: float,
        stats: StatsCollector,
    ) -> None:
        self._client = Celery("ann-crawler", broker=broker_url, set_as_current=False)
        self._client.conf.update(task_serializer="json", accept_content=["json"])
        self._queue = queue
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._stats = stats
        self._pending: list[RawPage] = []
        self._timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        broker = crawler.settings.get("ANN_REDIS_URL")
        if not broker:
            raise NotConfigured("ANN_REDIS_URL is not set")
        assert crawler.stats is not None
        return cls(
            broker_url=broker,
            queue=crawler.settings.get("ANN_PAGES_QUEUE", "pages"),
            batch_size=crawler.settings.getint("ANN_BATCH_SIZE", 50),
            batch_seconds=crawler.settings.getfloat("ANN_BATCH_SECONDS", 2.0),
            stats=crawler.stats,
        )

    def open_spider(self) -> None:
        self._timer = task.LoopingCall(self._flush)
        self._timer.start(self._batch_seconds, now=False)

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self._flush()
        self._client.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedArticle):
            return item
        self._pending.append(item.page)
        if len(self._pending) >= self._batch_size:
            self._flush()
        return item

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        message = IndexPagesMessage(pages=batch)
        self._client.send_task(
            INDEX_PAGES_TASK, args=[message.model_dump(mode="json")], queue=self._queue
        )
        self._stats.inc_value("ann/queued_pages", len(batch))
        self._stats.inc_value("ann/queued_batches")
        logger.debug("queued %d pages", len(batch))
