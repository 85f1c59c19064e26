"""The Celery application and the queue topology, declared in one place.

Delivery is at-least-once: a task is acknowledged only after its batch is written
(``task_acks_late``) and a worker killed mid-task hands the message back
(``task_reject_on_worker_lost``), after the Redis ``visibility_timeout`` at the latest. That is
safe because indexing is idempotent (see :mod:`indexer.pipeline`).
"""

from __future__ import annotations

from celery import Celery
from kombu.entity import Queue

from ann.messages import INDEX_PAGES_TASK
from ann.settings import Settings, get_settings

VISIBILITY_TIMEOUT_SECONDS = 600
"""Longer than the slowest batch (retries included), short enough to recover lost work soon."""


def create_celery(settings: Settings) -> Celery:
    app = Celery("ann-indexer", broker=settings.redis_url, include=["indexer.tasks"])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS},
        broker_connection_retry_on_startup=True,
        task_queues=[Queue(settings.pages_queue)],  # type: ignore[no-untyped-call]
        task_default_queue=settings.pages_queue,
        task_routes={INDEX_PAGES_TASK: {"queue": settings.pages_queue}},
        worker_hijack_root_logger=False,
    )
    return app


app = create_celery(get_settings())
