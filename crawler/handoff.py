"""The one way pages leave the crawler: a JSON message to the indexer's queue, by task name.

Used by the item pipeline, by WARC replay and by anything else that feeds the indexer, so the
message contract (:mod:`ann.messages`) is produced in exactly one place.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence

from redis import Redis

from ann.ledger import Ledger
from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage, RawPage
from ann.producer import TaskProducer


def too_large(page: RawPage, limit: int) -> bool:
    """Whether the page's body is over ``limit`` bytes, inflating no more than that to know."""
    inflater = zlib.decompressobj()
    inflated = inflater.decompress(base64.b64decode(page.body_z), limit + 1)
    return len(inflated) > limit


class IndexerClient:
    """Sends batches of pages to the indexer's queue without importing the indexer; each is
    written to the deployment's ledger first (:mod:`ann.ledger`), so none is lost on its way."""

    def __init__(self, broker_url: str, queue: str, key_prefix: str) -> None:
        self._redis = Redis.from_url(broker_url)
        self._producer = TaskProducer("ann-crawler", broker_url, queue,
                                      Ledger(self._redis, key_prefix, queue))
        self.queue = queue

    def waiting(self) -> int:
        """Batches on the queue that no worker has taken yet."""
        return int(self._redis.llen(self.queue))

    def send(self, pages: Sequence[RawPage]) -> None:
        message = IndexPagesMessage(pages=list(pages))
        self._producer.send(INDEX_PAGES_TASK, [message.model_dump(mode="json")])

    def close(self) -> None:
        self._producer.close()
        self._redis.close()
