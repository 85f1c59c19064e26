"""The one way pages leave the crawler: a JSON message to the indexer's queue, by task name.

Used by the item pipeline, by WARC replay and by anything else that feeds the indexer, so the
message contract (:mod:`ann.messages`) is produced in exactly one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery

from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage, RawPage


class IndexerClient:
    """Sends batches of pages to the indexer's queue without importing the indexer."""

    def __init__(self, broker_url: str, queue: str) -> None:
        self._celery = Celery("ann-crawler", broker=broker_url, set_as_current=False)
        self._celery.conf.update(task_serializer="json", accept_content=["json"])
        self.queue = queue

    def send(self, pages: Sequence[RawPage]) -> None:
        message = IndexPagesMessage(pages=list(pages))
        self._celery.send_task(
            INDEX_PAGES_TASK, args=[message.model_dump(mode="json")], queue=self.queue
        )

    def close(self) -> None:
        self._celery.close()
