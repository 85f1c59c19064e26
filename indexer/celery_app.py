"""The Celery application and the queue topology, declared in one place.

Delivery is at-least-once (:mod:`ann.celery_defaults`): a batch is acknowledged only once it is
written, and a message taken by a worker that died comes back after the Redis
``visibility_timeout`` at the latest. That is safe because indexing is idempotent (see
:mod:`indexer.pipeline`).
"""

from __future__ import annotations

from celery import Celery
from kombu.entity import Queue

from ann.celery_defaults import AT_LEAST_ONCE, in_flight_keys
from ann.messages import INDEX_PAGES_TASK
from ann.settings import Settings, get_settings


def create_celery(settings: Settings) -> Celery:
    app = Celery("ann-indexer", broker=settings.redis_url, include=["indexer.tasks"])
    app.conf.update(
        **AT_LEAST_ONCE,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_seconds,
            # look for abandoned messages every 10 s (kombu's default is every ~100 s)
            "unacked_restore_throttle": 1,
            **in_flight_keys(settings.pages_queue),
        },
        task_queues=[Queue(settings.pages_queue)],  # type: ignore[no-untyped-call]
        task_default_queue=settings.pages_queue,
        task_routes={INDEX_PAGES_TASK: {"queue": settings.pages_queue}},
    )
    return app


app = create_celery(get_settings())
