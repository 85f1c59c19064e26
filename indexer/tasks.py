"""Thin Celery tasks over the pure pipeline functions.

Failures are sorted three ways: a malformed message is permanent and goes to the dead-letter
list at once; Elasticsearch being unreachable is transient and retried with backoff up to a cap,
then dead-lettered; a page that is not an article is counted inside the pipeline. Redis going
away mid-task costs only the batch's tallies; Celery redelivers what was not acknowledged.
"""

from __future__ import annotations

import contextlib
import json
import logging
from functools import lru_cache
from typing import Any

from celery import Task
from celery.signals import worker_ready
from elasticsearch import Elasticsearch, TransportError
from pydantic import ValidationError
from redis import Redis
from redis.exceptions import RedisError

from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage
from ann.settings import get_settings
from ann.sources import Registry, load_registry
from indexer.celery_app import app
from indexer.clusters import RUN_SIZE, cluster_pending
from indexer.mapping import UNCLUSTERED, ensure_index
from indexer.metrics import observe_batch
from indexer.outcomes import dead_letters_key, record
from indexer.pipeline import process_batch

logger = logging.getLogger(__name__)

TRANSIENT = (TransportError,)
"""Connection errors and timeouts (``TransportError`` covers both): the batch is retried."""
MAX_RETRIES = 8
CLUSTER_LOCK_SECONDS = 300
CLUSTER_TASK = "indexer.cluster_index"


class WorkerResources:
    """One Elasticsearch client, one Redis client and the registry per worker process."""

    def __init__(self) -> None:
        settings = get_settings()
        self.alias = settings.index_alias
        self.prefix = settings.key_prefix
        self.es = Elasticsearch(settings.es_url, request_timeout=60, retry_on_timeout=True)
        self.redis = Redis.from_url(settings.redis_url)
        self.registry: Registry = load_registry()
        self._index_ready = False

    def ensure_index(self) -> None:
        if not self._index_ready:
            ensure_index(self.es, self.alias)
            self._index_ready = True


@lru_cache(maxsize=1)
def resources() -> WorkerResources:
    return WorkerResources()


def dead_letter(res: WorkerResources, payload: Any, reason: str) -> None:
    entry = json.dumps({"reason": reason, "payload": payload})
    res.redis.lpush(dead_letters_key(res.prefix), entry)


@app.task(name=INDEX_PAGES_TASK, bind=True, max_retries=MAX_RETRIES)  # type: ignore[untyped-decorator]
def index_pages(self: Task, payload: dict[str, Any]) -> dict[str, int]:
    res = resources()
    try:
        message = IndexPagesMessage.model_validate(payload)
    except ValidationError as error:
        logger.error("malformed message dead-lettered: %s", error.errors()[:3])
        dead_letter(res, payload, "malformed_message")
        return {"dead_lettered": 1}
    try:
        res.ensure_index()
        outcome = process_batch(message.pages, res.es, res.alias, res.registry)
    except TRANSIENT as error:
        if self.request.retries >= MAX_RETRIES:
            dead_letter(res, payload, f"gave_up/{type(error).__name__}")
            return {"dead_lettered": len(message.pages)}
        raise self.retry(exc=error, countdown=min(2 ** self.request.retries, 60)) from error
    except Exception as error:
        # A bug or an unforeseen reply: keep the batch for `ann replay` instead of losing it.
        logger.exception("batch dead-lettered after an unexpected error")
        dead_letter(res, payload, f"unexpected/{type(error).__name__}")
        return {"dead_lettered": len(message.pages)}
    observe_batch(outcome)
    try:
        record(res.redis, res.prefix, outcome)
        if outcome.total("indexed"):
            request_clustering(res)
    except RedisError:
        # The documents are written; only this batch's tallies are lost (and its clustering
        # request: the next batch's run takes every unclustered document). Retrying would need
        # the broker that is down, and would re-run a batch that already succeeded.
        logger.warning("outcome tallies of a written batch lost: Redis unreachable")
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
    return f"{res.prefix}:indexer:cluster-pending:{res.alias}"


def request_clustering(res: WorkerResources) -> None:
    """Note that documents await clustering, and ask for a run (one at a time, see below)."""
    res.redis.set(_pending_key(res), 1)
    cluster_index.apply_async(queue=get_settings().pages_queue)


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
    lock = res.redis.lock(f"{res.prefix}:indexer:cluster-lock:{res.alias}",
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
