"""Hand fetched pages to the indexer's queue in batches, then remember them as fetched.

Batches keep the indexer's Elasticsearch writes in bulk; a batch leaves when it is full, when it
has waited ``ANN_BATCH_SECONDS`` (so a lone new article is not held back), and when the spider
closes. Only once a batch is on the queue are its URLs recorded in the shared crawl state: a
crawler that dies before that fetches them again, and nothing is lost.

A page over ``ANN_MAX_PAGE_BYTES`` is refused here, before the queue: counted per source as
``errors/too_large`` (``ann status`` shows it) and recorded as checked, so that the next poll
does not fetch it again.

While ``ANN_QUEUE_HIGH_WATER`` batches or more wait on the queue, the page that would start a
new batch waits here (the queue is read once a batch, not once a page): crawlers faster than
their indexers (a backfill, indexers down) would otherwise fill Redis's memory, where a waiting
page is held twice (queue and ledger), until Redis refuses writes or is killed. Scrapy schedules
no new downloads while items wait, so the crawl slows to the indexers' pace; the reactor, and
with it the heartbeat, runs on.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task

from ann.settings import DEFAULTS
from crawler.handoff import IndexerClient, too_large
from crawler.items import FetchedArticle
from crawler.state import CrawlState, state_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class QueuePipeline:
    def __init__(
        self,
        client: IndexerClient,
        state: CrawlState,
        batch_size: int,
        batch_seconds: float,
        stats: StatsCollector,
        max_page_bytes: int,
        high_water: int = DEFAULTS.queue_high_water,
    ) -> None:
        self._client = client
        self._state = state
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._stats = stats
        self._max_page_bytes = max_page_bytes
        self._high_water = high_water
        self._pending: list[FetchedArticle] = []
        self._timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        broker = crawler.settings.get("ANN_REDIS_URL")
        if not broker:
            raise NotConfigured("ANN_REDIS_URL is not set")
        assert crawler.stats is not None
        return cls(
            client=IndexerClient(
                broker, crawler.settings.get("ANN_PAGES_QUEUE", DEFAULTS.pages_queue),
                crawler.settings.get("ANN_KEY_PREFIX", DEFAULTS.key_prefix)),
            state=state_for(crawler),
            batch_size=crawler.settings.getint("ANN_BATCH_SIZE", DEFAULTS.bulk_batch_size),
            batch_seconds=crawler.settings.getfloat(
                "ANN_BATCH_SECONDS", DEFAULTS.handoff_batch_seconds),
            stats=crawler.stats,
            max_page_bytes=crawler.settings.getint(
                "ANN_MAX_PAGE_BYTES", DEFAULTS.max_page_bytes),
            high_water=crawler.settings.getint(
                "ANN_QUEUE_HIGH_WATER", DEFAULTS.queue_high_water),
        )

    def open_spider(self) -> None:
        self._timer = task.LoopingCall(self._flush)
        self._timer.start(self._batch_seconds, now=False)

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self._flush()
        self._client.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedArticle):
            return item
        if too_large(item.page, self._max_page_bytes):
            self._stats.inc_value("ann/errors/too_large")
            self._state.count(item.page.source_id, "errors/too_large")
            self._state.checked(item.page.url)
            raise DropItem(f"{item.page.url}: body over {self._max_page_bytes} bytes")
        if not self._pending:
            await self._room_on_queue(item.page.source_id)
        self._pending.append(item)
        if len(self._pending) >= self._batch_size:
            self._flush()
        return item

    async def _room_on_queue(self, source_id: str) -> None:
        """Return once fewer than the high-water mark of batches wait on the queue."""
        if not self._high_water or self._client.waiting() < self._high_water:
            return
        started = time.monotonic()
        logger.warning("%d batches or more wait on %s: holding pages until the indexers catch "
                       "up (ANN_QUEUE_HIGH_WATER)", self._high_water, self._client.queue)
        self._stats.inc_value("ann/backpressure/held")
        self._state.count(source_id, "backpressure/held")
        while self._client.waiting() >= self._high_water:
            await maybe_deferred_to_future(task.deferLater(reactor, 1.0, lambda: None))
        self._stats.inc_value("ann/backpressure_seconds", round(time.monotonic() - started))

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self._client.send([item.page for item in batch])
        self._state.commit([item.record for item in batch])
        self._stats.inc_value("ann/queued_pages", len(batch))
        self._stats.inc_value("ann/queued_batches")
        logger.debug("queued %d pages", len(batch))
