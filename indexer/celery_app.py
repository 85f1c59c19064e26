"""The Celery application and the queue topology, declared in one place.

Delivery is at-least-once (:mod:`ann.celery_defaults`): a batch is acknowledged only once it is
written, and a message taken by a worker that died comes back after the Redis
``visibility_timeout`` at the latest. That is safe because indexing is idempotent (see
:mod:`indexer.pipeline`).
"""

from __future__ import annotations

from celery import Celery
from celery.signals import task_failure, task_retry, task_success, worker_init
from kombu.entity import Queue
from redis import Redis

from ann.celery_defaults import AT_LEAST_ONCE, in_flight_keys
from ann.messages import INDEX_PAGES_TASK
from ann.settings import Settings, get_settings
from ann.worker_metrics import serve_worker_metrics
from indexer import metrics
from indexer.redrive import redrive_step


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
        # broadcasts (ping, shutdown, ...) to this app reach only its workers, not the crawler's
        control_exchange=settings.pages_queue,
        task_routes={INDEX_PAGES_TASK: {"queue": settings.pages_queue}},
        # A batch that runs too long (a page built to be slow) is stopped, not waited for: at
        # the soft limit the task dead-letters it with reason "timeout"; at the hard limit
        # (code the soft limit's exception cannot reach, inside a C parser) the pool kills the
        # process and the message goes back to the queue, where the delivery cap
        # (ANN_MAX_DELIVERIES) sends it to the dead letters instead of round the workers.
        task_annotations={INDEX_PAGES_TASK: {
            "soft_time_limit": settings.index_soft_time_limit_seconds,
            "time_limit": settings.index_hard_time_limit_seconds,
        }},
        task_acks_on_timeout=False,
    )
    # batches lost between the queue and a worker are sent again from the ledger (ann.ledger)
    app.steps["consumer"].add(redrive_step(settings))
    return app


app = create_celery(get_settings())
# connected here, before the pool forks: batches run, and are counted, in the pool processes
task_success.connect(metrics.batch_succeeded)
task_retry.connect(metrics.batch_retried)
task_failure.connect(metrics.batch_failed)


@worker_init.connect  # type: ignore[untyped-decorator]
def serve_metrics(sender: object, **_: object) -> None:
    """The worker's ``/metrics`` (ANN_INDEXER_METRICS_PORT), from its main process."""
    if getattr(sender, "app", None) is not app:
        return
    settings = get_settings()
    queue = metrics.QueueCollector(Redis.from_url(settings.redis_url, socket_timeout=5),
                           settings.pages_queue, settings.key_prefix)
    serve_worker_metrics(settings.indexer_metrics_port, settings.metrics_dir, [queue])
