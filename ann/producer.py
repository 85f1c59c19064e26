"""Sending Celery tasks by name: how one component asks another for work without importing it.

The crawler hands pages to the indexer this way, and the API asks the crawler for a job; both
only produce (no worker, no result backend), in JSON, and never become the process's current
Celery app. Given a :class:`ann.ledger.Ledger`, a producer writes each task there before it
pushes it, so that one lost between the queue and a worker is sent again.
"""

from __future__ import annotations

import uuid
from typing import Any

from celery import Celery

from ann.ledger import Ledger


class TaskProducer:
    def __init__(self, name: str, broker_url: str, queue: str,
                 ledger: Ledger | None = None) -> None:
        self._celery = Celery(name, broker=broker_url, set_as_current=False)
        self._celery.conf.update(task_serializer="json", accept_content=["json"])
        self.queue = queue
        self._ledger = ledger

    def send(self, task: str, args: list[Any], *, retry: bool = True) -> str:
        """Queue ``task`` with ``args``; its id. ``retry=False`` fails at once when the broker
        is unreachable, for a caller that answers someone waiting. With a ledger, the task is
        written there first: a failure before the push leaves an entry to send again."""
        task_id = str(uuid.uuid4())
        if self._ledger is not None:
            self._ledger.record(task_id, task, args)
        return str(self._celery.send_task(task, args=args, queue=self.queue, task_id=task_id,
                                          retry=retry).id)

    def close(self) -> None:
        self._celery.close()
