"""The saved-search runner's Celery app: scheduled checks and webhook calls, on their own queue.

Apart from the crawler's and the indexer's apps (the roles never import each other); the same
at-least-once settings. A webhook retry waits in the worker until its time (an ETA), and kombu's
Redis transport hands a message not acknowledged within the visibility timeout to another
worker: the timeout is kept above the longest backoff, or a waiting retry would be sent twice.
"""

from __future__ import annotations

from celery import Celery

from ann.celery_defaults import AT_LEAST_ONCE, in_flight_keys
from ann.settings import Settings, get_settings


def create_celery(settings: Settings) -> Celery:
    app = Celery("ann-alerts", broker=settings.redis_url, include=["search_api.alerts.tasks"])
    longest_wait = (settings.alerts_webhook_backoff_max_seconds
                    + settings.alerts_webhook_timeout_seconds)
    app.conf.update(
        **AT_LEAST_ONCE,
        task_default_queue=settings.alerts_queue,
        control_exchange=settings.alerts_queue,
        broker_transport_options={
            "visibility_timeout": int(longest_wait) + 600,
            **in_flight_keys(settings.alerts_queue),
        },
    )
    return app


app = create_celery(get_settings())
