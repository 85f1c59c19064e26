"""The crawler's own Celery app: crawl jobs on their queue, and the beat schedule.

Separate from the indexer's app on purpose: the crawler never imports the indexer. Beat keeps
its schedule in Redis (redbeat), under the deployment's key prefix, with a lock so that a second
beat process can stand by and take over.
"""

from __future__ import annotations

from celery import Celery

from ann.settings import Settings, get_settings
from ann.sources import load_registry
from crawler.schedule import beat_schedule


def create_celery(settings: Settings) -> Celery:
    app = Celery("ann-crawler", broker=settings.redis_url, include=["crawler.tasks"])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.crawl_queue,
        broker_connection_retry_on_startup=True,
        beat_schedule=beat_schedule(
            load_registry(), settings.schedule_tick_seconds, settings.crawl_queue
        ),
        beat_scheduler="redbeat.RedBeatScheduler",
        beat_max_loop_interval=settings.schedule_tick_seconds,
        redbeat_redis_url=settings.redis_url,
        redbeat_key_prefix=f"{settings.key_prefix}:redbeat",
        redbeat_lock_timeout=int(settings.schedule_tick_seconds * 6),
        worker_hijack_root_logger=False,
    )
    return app


app = create_celery(get_settings())
