"""Sending Celery tasks by name: how one component asks another for work without importing it.

The crawler hands pages to the indexer this way, and the API asks the crawler for a job; both
only produce (no worker, no result backend), in JSON, and never become the process's current
Celery app.
"""

from __future__ import annotations

from typing import Any

from celery import Celery


class TaskProducer:
    def __init__(self, name: str, broker_url: str, queue: str) -> None:
        self._celery = Celery(name, broker=broker_url, set_as_current=False)
        self._celery.conf.update(task_serializer="json", accept_content=["json"])
        self.queue = queue

    def send(self, task: str, args: list[Any], *, retry: bool = True) -> str:
        """Queue ``task`` with ``args``; its id. ``retry=False`` fails at once when the broker
        is unreachable, for a caller that answers someone waiting."""
        return str(self._celery.send_task(task, args=args, queue=self.queue, retry=retry).id)

    def close(self) -> None:
        self._celery.close()
