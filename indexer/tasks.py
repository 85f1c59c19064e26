"""Thin Celery tasks over the pure pipeline functions.

Failures are sorted three ways: a malformed message is permanent and goes to the dead-letter
list at once; Elasticsearch being unreachable is transient and retried with backoff up to a cap,
then dead-lettered; a page that is not an article is counted inside the pipeline. Per page, the
engine's permanent refusals are dead-lettered one by one with its reason, and the pages it could
not take now are sent round again on their own (the rest of the batch is done). A batch whose
worker dies or hangs on it every time goes to the dead letters after ``ANN_MAX_DELIVERIES``
deliveries. Redis going away mid-task costs only the batch's tallies; Celery redelivers what was
not acknowledged. A batch that ends — written, unchanged, refused or dead-lettered — is settled
in the ledger (:mod:`ann.ledger`); one that never reached a worker is sent again from there
(:mod:`indexer.redrive`).
"""

from __future__ import annotations

import contextlib
import logging
from functools import lru_cache
from typing import Any

from celery import Task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from celery.signals import worker_ready
from elasticsearch import ApiError, Elasticsearch, TransportError
from pydantic import ValidationError
from redis import Redis
from redis.exceptions import RedisError

from ann.keyspace import cluster_lock_key, cluster_pending_key, deliveries_key
from ann.ledger import Ledger
from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage, RawPage
from ann.settings import get_settings
from ann.sources import Registry, load_registry
from indexer.celery_app import app
from indexer.clusters import RUN_SIZE, cluster_pending
from indexer.dead_letters import DeadLetters
from indexer.mapping import UNCLUSTERED, ensure_index
from indexer.metrics import observe_batch
from indexer.outcomes import BatchOutcome, record
from indexer.pipeline import is_transient, process_batch

logger = logging.getLogger(__name__)

TRANSIENT = (TransportError,)
"""Connection errors and timeouts (``TransportError`` covers both): the batch is retried."""


def _transient(error: Exception) -> bool:
    """Unreachable, timed out, or answering 429 / 5xx to the whole request: try again later."""
    if isinstance(error, ApiError):
        return is_transient(error.meta.status)
    return isinstance(error, TRANSIENT)
MAX_RETRIES = 8
DELIVERY_MEMORY_SECONDS = 86400
"""How long a count of deliveries outlives the last one: longer than any visibility timeout."""
CLUSTER_LOCK_SECONDS = 300
CLUSTER_TASK = "indexer.cluster_index"


class WorkerResources:
    """One Elasticsearch client, one Redis client and the registry per worker process."""

    def __init__(self) -> None:
        settings = get_settings()
        self.alias = settings.index_alias
        self.prefix = settings.key_prefix
        self.pages_queue = settings.pages_queue
        self.es = Elasticsearch(settings.es_nodes, request_timeout=60, retry_on_timeout=True)
        self.redis = Redis.from_url(settings.redis_url)
        self.registry: Registry = load_registry()
        self.max_deliveries = settings.max_deliveries
        self.ledger = Ledger(self.redis, self.prefix, self.pages_queue)
        self.dead_letters = DeadLetters(self.redis, self.prefix, settings.dead_letter_max,
                                        int(settings.url_retention_days * 86400),
                                        settings.unindexed_max_attempts)
        self._index_ready = False

    def ensure_index(self) -> None:
        if not self._index_ready:
            ensure_index(self.es, self.alias)
            self._index_ready = True


@lru_cache(maxsize=1)
def resources() -> WorkerResources:
    return WorkerResources()


def _deliveries_key(res: WorkerResources, task_id: str, retries: int) -> str:
    return deliveries_key(res.prefix, task_id, retries)


def _one_delivery_too_many(res: WorkerResources, key: str) -> int | None:
    """Count this delivery of a message; the deliveries so far if that exceeds the cap.

    Celery on Redis says only *that* a message was redelivered, not how often, so the count is
    kept here: a message whose worker dies or hangs (killed at the time limit, or its
    visibility timeout lapsing) comes back under the same task id and retry number."""
    pipe = res.redis.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, DELIVERY_MEMORY_SECONDS)
    try:
        deliveries = int(pipe.execute()[0])
    except RedisError:
        logger.warning("deliveries of %s not counted: Redis unreachable", key)
        return None
    return deliveries - 1 if deliveries > res.max_deliveries else None


def _give_up_at_the_cap(task: Task, outcome: BatchOutcome) -> None:
    """Pages the engine could not take through every retry are dead-lettered instead."""
    if task.request.retries < MAX_RETRIES:
        return
    for undelivered in outcome.retry:
        outcome.dead_letter(undelivered.page, f"gave_up/{undelivered.reason}",
                            f"not written after {MAX_RETRIES} retries")
    outcome.retry.clear()


def _send_again(task: Task, outcome: BatchOutcome) -> None:
    """Pages the engine could not take now go round again on their own, with backoff."""
    if outcome.retry:
        pages = [u.page.model_dump(mode="json") for u in outcome.retry]
        raise task.retry(args=[{"pages": pages}], countdown=min(2 ** task.request.retries, 60))


@app.task(name=INDEX_PAGES_TASK, bind=True, max_retries=MAX_RETRIES)  # type: ignore[untyped-decorator]
def index_pages(self: Task, payload: dict[str, Any]) -> dict[str, int]:
    res = resources()
    deliveries = _deliveries_key(res, self.request.id, self.request.retries)
    seen = _one_delivery_too_many(res, deliveries)
    if seen is not None:
        logger.error("batch %s dead-lettered: its worker died or hung on each of %d deliveries",
                     self.request.id, seen)
        res.dead_letters.add(payload, f"poison/delivered_{seen}_times", _pages(payload))
        res.redis.delete(deliveries)
        _settle(res, self.request.id)
        return {"dead_lettered": 1}
    try:
        done = _index(self, res, payload)
    except Retry:
        # part of the batch goes round again under the same task id: its ledger entry stays,
        # aged from now, so that the re-drive does not take the new message for a lost one
        with contextlib.suppress(RedisError):
            res.ledger.touch(self.request.id)
        raise
    finally:
        with contextlib.suppress(RedisError):
            res.redis.delete(deliveries)
    _settle(res, self.request.id)
    return done


def _settle(res: WorkerResources, task_id: str) -> None:
    """The batch is done (written, unchanged, refused or dead-lettered): off the ledger. With
    Redis away the entry stays and the batch is sent once more later, a harmless duplicate."""
    try:
        res.ledger.settle(task_id)
    except RedisError:
        logger.warning("batch %s not settled in the ledger: Redis unreachable", task_id)


def _pages(payload: Any) -> list[RawPage]:
    """The pages of a payload that may not validate as a whole (for the unindexed marks)."""
    try:
        return IndexPagesMessage.model_validate(payload).pages
    except ValidationError:
        return []


def _index(task: Task, res: WorkerResources, payload: dict[str, Any]) -> dict[str, int]:
    try:
        message = IndexPagesMessage.model_validate(payload)
    except ValidationError as error:
        logger.error("malformed message dead-lettered: %s", error.errors()[:3])
        res.dead_letters.add(payload, "malformed_message")
        return {"dead_lettered": 1}
    try:
        res.ensure_index()
        outcome = process_batch(message.pages, res.es, res.alias, res.registry)
    except SoftTimeLimitExceeded:
        logger.error("batch dead-lettered: still running at the soft time limit")
        res.dead_letters.add(payload, "timeout", message.pages)
        return {"dead_lettered": len(message.pages)}
    except Exception as error:
        if not _transient(error):
            # A bug or an unforeseen reply: keep the batch for a replay instead of losing it.
            logger.exception("batch dead-lettered after an unexpected error")
            res.dead_letters.add(payload, f"unexpected/{type(error).__name__}", message.pages)
            return {"dead_lettered": len(message.pages)}
        if task.request.retries >= MAX_RETRIES:
            res.dead_letters.add(payload, f"gave_up/{type(error).__name__}", message.pages)
            return {"dead_lettered": len(message.pages)}
        raise task.retry(exc=error, countdown=min(2 ** task.request.retries, 60)) from error
    _give_up_at_the_cap(task, outcome)
    observe_batch(outcome)
    res.dead_letters.add_pages((u.page, u.reason) for u in outcome.dead)
    try:
        record(res.redis, res.prefix, outcome, outcome.settled(message.pages))
        if outcome.total("indexed"):
            request_clustering(res)
    except RedisError:
        # The documents are written; only this batch's tallies are lost (and its clustering
        # request: the next batch's run takes every unclustered document). Retrying would need
        # the broker that is down, and would re-run a batch that already succeeded.
        logger.warning("outcome tallies of a written batch lost: Redis unreachable")
    _send_again(task, outcome)
    return {f"{sid}/{name}": n for (sid, name), n in outcome.counts.items()}


@worker_ready.connect  # type: ignore[untyped-decorator]
def upgrade_on_start(**_: object) -> None:
    """Each worker, when it starts, adds the fields the mapping gained to an existing index and
    asks for clustering if documents await it: an index filled by an earlier version (or by a
    run whose requests were lost) is brought up to date without waiting for new articles."""
    res = resources()
    try:
        res.ensure_index()
        if res.es.count(index=res.alias, query=UNCLUSTERED)["count"]:
            request_clustering(res)
    except (*TRANSIENT, RedisError):
        logger.warning("index upgrade at start skipped: Elasticsearch or Redis unreachable")


def _pending_key(res: WorkerResources) -> str:
    return cluster_pending_key(res.prefix, res.alias)


def request_clustering(res: WorkerResources) -> None:
    """Note that documents await clustering, and ask for a run (one at a time, see below)."""
    res.redis.set(_pending_key(res), 1)
    cluster_index.apply_async(queue=res.pages_queue)


@app.task(name=CLUSTER_TASK, bind=True, autoretry_for=TRANSIENT, retry_backoff=True,
          retry_backoff_max=60, max_retries=MAX_RETRIES)  # type: ignore[untyped-decorator]
def cluster_index(self: Task) -> dict[str, int]:
    """Cluster every unclustered document; one run at a time across all workers.

    A request arriving while another run holds the lock only leaves the pending flag; the
    running one loops while the flag is set and, after letting go of the lock, asks for one
    more run if a request slipped in between. The documents themselves are found in the index
    (no ``clustered_at``), so a lost request costs only delay.
    """
    res = resources()
    lock = res.redis.lock(cluster_lock_key(res.prefix, res.alias),
                          timeout=CLUSTER_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        return {"clustered": 0, "running_elsewhere": 1}
    clustered = joined = 0
    try:
        while res.redis.delete(_pending_key(res)):
            res.ensure_index()
            while True:
                n, j = cluster_pending(res.es, res.alias)
                clustered, joined = clustered + n, joined + j
                if n < RUN_SIZE:
                    break
                lock.extend(CLUSTER_LOCK_SECONDS, replace_ttl=True)
    except TRANSIENT:
        res.redis.set(_pending_key(res), 1)  # the retry must find the request still there
        raise
    finally:
        with contextlib.suppress(RedisError):
            lock.release()
    if res.redis.exists(_pending_key(res)):
        request_clustering(res)
    return {"clustered": clustered, "joined": joined}
