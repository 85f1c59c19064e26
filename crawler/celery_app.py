"""The crawler's own Celery app: crawl jobs on their queue, and the beat schedule.

Separate from the indexer's app on purpose: the crawler never imports the indexer. Beat keeps
its schedule in Redis (redbeat), under the deployment's key prefix, with a lock so that a second
beat process can stand by and take over.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import task_failure, task_success, worker_init

from ann.celery_defaults import AT_LEAST_ONCE, in_flight_keys
from ann.keyspace import redbeat_prefix
from ann.settings import Settings, get_settings
from ann.sources import load_registry
from ann.worker_metrics import serve_worker_metrics
from crawler import metrics
from crawler.schedule import beat_schedule

JOB_TIMEOUT_SECONDS = 3600


def create_celery(settings: Settings) -> Celery:
    app = Celery("ann-crawler", broker=settings.redis_url, include=["crawler.tasks"])
    app.conf.update(
        **AT_LEAST_ONCE,
        task_default_queue=settings.crawl_queue,
        # broadcasts (ping, shutdown, ...) to this app reach only its workers, not the indexer's
        control_exchange=settings.crawl_queue,
        # a crawl job may run for up to an hour: it must not be handed to a second worker
        broker_transport_options={
            "visibility_timeout": JOB_TIMEOUT_SECONDS + 600,
            **in_flight_keys(settings.crawl_queue),
        },
        beat_schedule=beat_schedule(
            load_registry(), settings.schedule_tick_seconds, settings.crawl_queue,
            settings.schedule_cadence_scale,
            alerts=(settings.alerts_queue, settings.alerts_interval_seconds),
        ),
        beat_scheduler="redbeat.RedBeatScheduler",
        beat_max_loop_interval=settings.schedule_tick_seconds,
        redbeat_redis_url=settings.redis_url,
        redbeat_key_prefix=redbeat_prefix(settings.key_prefix),
        redbeat_lock_timeout=int(settings.schedule_tick_seconds * 6),
    )
    return app


app = create_celery(get_settings())
# connected here, before the pool forks: the jobs run, and are counted, in the pool processes
task_success.connect(metrics.job_succeeded)
task_failure.connect(metrics.job_failed)


@worker_init.connect  # type: ignore[untyped-decorator]
def serve_metrics(sender: object, **_: object) -> None:
    """The worker's ``/metrics`` (ANN_CRAWLER_METRICS_PORT), from its main process; the crawl
    jobs' pool processes count (:mod:`crawler.metrics`)."""
    if getattr(sender, "app", None) is not app:
        return
    settings = get_settings()
    serve_worker_metrics(settings.crawler_metrics_port, settings.metrics_dir)
