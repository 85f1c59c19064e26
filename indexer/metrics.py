"""The indexer workers' Prometheus metrics: every page's outcome, bulk latency, the queue.

Pages and bulk requests are counted in the pool process that indexed them (multiprocess mode:
:mod:`ann.worker_metrics`); the queue's depth and the dead letters are read from Redis by the
worker's main process when Prometheus scrapes it. Outcome names are those of ``ann status``
(:mod:`indexer.outcomes`), so a graph and the CLI tell the same story.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from celery import Task
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError

from ann.keyspace import dead_letters_key, unacked_key
from ann.messages import INDEX_PAGES_TASK
from indexer.outcomes import BatchOutcome

_STAGES = (
    ("extract", ("dropped/", "failed/extraction", "failed/unknown_source", "hint_missed/")),
    ("dedup", ("unchanged", "new", "updated", "duplicate_in_batch")),
    ("index", ("indexed", "stale", "failed/index", "retried/", "dead_lettered/")),
)
"""Which stage of indexer/pipeline.py settles a page with an outcome of this name (prefix)."""

_BULK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

PAGES = Counter(
    "ann_indexer_pages", "Pages of crawled batches by source, pipeline stage and outcome",
    ("source", "stage", "outcome"), registry=None,
)
BATCHES = Counter(
    "ann_indexer_batches", "Batches (index_pages tasks) by how their delivery ended: ok, "
    "dead_lettered (some or all of its pages went to the dead letters), retried, failed",
    ("outcome",), registry=None,
)
BULK_SECONDS = Histogram(
    "ann_indexer_bulk_duration_seconds",
    "Time to write one batch's changed documents to Elasticsearch (streaming bulk, retries "
    "included), by whether it raised", ("outcome",), buckets=_BULK_BUCKETS, registry=None,
)


def stage_of(outcome: str) -> str:
    """The pipeline stage an outcome name belongs to; ``task`` for the task's own outcomes."""
    for stage, prefixes in _STAGES:
        if outcome.startswith(prefixes):
            return stage
    return "task"


def observe_batch(outcome: BatchOutcome) -> None:
    """Count a batch's outcomes (called beside :func:`indexer.outcomes.record`)."""
    for (source_id, name), n in outcome.counts.items():
        PAGES.labels(source=source_id, stage=stage_of(name), outcome=name).inc(n)


def batch_succeeded(sender: Task, result: Any, **_: object) -> None:
    """``task_success`` receiver (in the pool process that ran the batch)."""
    if sender.name == INDEX_PAGES_TASK:
        dead = isinstance(result, dict) and "dead_lettered" in result
        BATCHES.labels(outcome="dead_lettered" if dead else "ok").inc()


def batch_retried(sender: Task, **_: object) -> None:
    """``task_retry`` receiver: the batch (or its pages the engine could not take) goes round
    again with backoff."""
    if sender.name == INDEX_PAGES_TASK:
        BATCHES.labels(outcome="retried").inc()


def batch_failed(sender: Task, **_: object) -> None:
    """``task_failure`` receiver: an exception escaped the task."""
    if sender.name == INDEX_PAGES_TASK:
        BATCHES.labels(outcome="failed").inc()


@contextmanager
def timed_bulk() -> Iterator[None]:
    """Observe the duration of the bulk write inside, ``ok`` or ``error``."""
    start = perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        BULK_SECONDS.labels(outcome=outcome).observe(perf_counter() - start)


class QueueCollector(Collector):
    """The pages queue and the dead letters, read from Redis at each scrape (a gauge kept in a
    pool process would be as old as that process's last batch)."""

    def __init__(self, redis: Redis, queue: str, prefix: str) -> None:
        self._redis = redis
        self._queue = queue
        self._prefix = prefix

    def collect(self) -> Iterator[Metric]:
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.llen(self._queue)
            pipe.hlen(unacked_key(self._queue))
            pipe.llen(dead_letters_key(self._prefix))
            waiting, in_flight, dead = (int(n) for n in pipe.execute())
        except RedisError:
            return  # the scrape still answers; the gap in the series shows the outage
        depth = GaugeMetricFamily(
            "ann_indexer_queue_messages",
            "Batches in the indexer's queue: waiting, or taken by a worker and not acknowledged",
            labels=("queue", "state"),
        )
        depth.add_metric([self._queue, "waiting"], waiting)
        depth.add_metric([self._queue, "in_flight"], in_flight)
        yield depth
        yield GaugeMetricFamily("ann_indexer_dead_letters",
                                "Entries in the dead-letter list (ann dead-letters)", value=dead)
