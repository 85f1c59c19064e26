"""Thin Celery tasks over the pure pipeline functions.

Failures are sorted three ways: a malformed message is permanent and goes to the dead-letter
list at once; Elasticsearch being unreachable is transient and retried with backoff up to a cap,
then dead-lettered; a page that is not an article is counted inside the pipeline. Redis going
away mid-task costs only the batch's tallies; Celery redelivers what was not acknowledged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from celery import Task
from elasticsearch import Elasticsearch, TransportError
from pydantic import ValidationError
from redis import Redis
from redis.exceptions import RedisError

from ann.messages import INDEX_PAGES_TASK, IndexPagesMessage
from ann.settings import get_settings
from ann.sources import Registry, load_registry
from indexer.celery_app import app
from indexer.mapping import ensure_index
from indexer.outcomes import dead_letters_key, record
from indexer.pipeline import process_batch

logger = logging.getLogger(__name__)

TRANSIENT = (TransportError,)
"""Connection errors and timeouts (``TransportError`` covers both): the batch is retried."""
MAX_RETRIES = 8
CLUSTER_LOCK_SECONDS = 120


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


@contextmanager
def cluster_lock(res: WorkerResources) -> Iterator[None]:
    """The workers' shared lock around clustering and writing (see ``process_batch``).

    Best effort: with Redis unreachable the batch is clustered unlocked (a reprint indexed at
    that moment by another worker may start a cluster of its own) rather than lost."""
    lock = res.redis.lock(f"{res.prefix}:indexer:cluster-lock:{res.alias}",
                          timeout=CLUSTER_LOCK_SECONDS, blocking_timeout=CLUSTER_LOCK_SECONDS)
    try:
        held = bool(lock.acquire())
    except RedisError:
        logger.warning("clustering without the lock: Redis unreachable")
        held = False
    try:
        yield
    finally:
        if held:
            try:
                lock.release()
            except RedisError:  # expired or Redis gone: the timeout frees it anyway
                logger.warning("cluster lock not released cleanly")


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
        outcome = process_batch(message.pages, res.es, res.alias, res.registry,
                                cluster_lock(res))
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
    try:
        record(res.redis, res.prefix, outcome)
    except RedisError:
        # The documents are written; only this batch's tallies are lost. Retrying would need
        # the broker that is down, and would re-run a batch that already succeeded.
        logger.warning("outcome tallies of a written batch lost: Redis unreachable")
    return {f"{sid}/{name}": n for (sid, name), n in outcome.counts.items()}
