"""Crawl jobs run by the crawler's Celery workers, as the schedule asks.

Each job runs the crawler's own entry point (``python -m crawler.run``) in a child process:
Scrapy's reactor cannot be restarted inside a long-lived worker, and a child process also
contains whatever a site's pages do to memory. The child inherits the worker's environment, so
it fetches from wherever the settings say (the live sites unless ``ANN_MIRROR_URL`` is set).
A lock per source and kind keeps two jobs of the same kind from overlapping.
"""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import replace
from functools import lru_cache

from redis import Redis

from ann.keyspace import crawl_lock_key
from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings, get_settings
from ann.sources import Registry, load_registry
from crawler.celery_app import JOB_TIMEOUT_SECONDS, app
from crawler.run import CrawlRequest, Summary
from crawler.schedule import FeedCadence

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _context() -> tuple[Settings, Registry, Redis]:
    settings = get_settings()
    return settings, load_registry(), Redis.from_url(settings.redis_url)


def run_crawl_process(request: CrawlRequest) -> dict[str, Summary]:
    """Run one crawl of several sources in a child process; return its JSON summary."""
    result = subprocess.run(request.argv(), capture_output=True, text=True,
                            timeout=JOB_TIMEOUT_SECONDS, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"crawl {list(request.source_ids)} {list(request.kinds)} failed: "
                           f"{result.stderr[-2000:]}")
    summary: dict[str, Summary] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


@app.task(name=CRAWL_SOURCES_TASK)  # type: ignore[untyped-decorator]
def crawl_sources(source_ids: list[str], kinds: list[str]) -> dict[str, Summary]:
    """Crawl the sources' entry points of the given kinds, skipping any already being crawled
    for those kinds; after a feed poll, adapt each source's polling interval. Unknown sources
    or kinds fail the job before anything runs."""
    settings, registry, redis = _context()
    request = CrawlRequest.of(source_ids, kinds, registry=registry)
    locks = {}
    for source_id in request.source_ids:
        name = crawl_lock_key(settings.key_prefix, source_id, request.kinds)
        lock = redis.lock(name, timeout=JOB_TIMEOUT_SECONDS, blocking=False)
        if lock.acquire():
            locks[source_id] = lock
        else:
            logger.info("crawl %s %s already running: skipped", source_id, kinds)
    if not locks:
        return {}
    summary: dict[str, Summary] = {}
    try:
        summary = run_crawl_process(replace(request, source_ids=tuple(locks)))
        logger.info("crawl summary %s", json.dumps(summary, sort_keys=True))
    finally:
        for lock in locks.values():
            lock.release()
        if "feeds" in request.kinds:  # a failed poll counts as one that found nothing: back off
            cadence = FeedCadence(redis, settings.key_prefix)
            for source_id in locks:
                new = int(str(summary.get(source_id, {}).get("queued_pages", 0)))
                interval = cadence.polled(registry.get(source_id), new)
                logger.info("feeds of %s: %d new, next poll in %.0f s", source_id, new, interval)
    return summary


@app.task(name="crawler.poll_due_feeds")  # type: ignore[untyped-decorator]
def poll_due_feeds() -> list[str]:
    """Dispatch one crawl job for all sources whose feeds are due (one process, one reactor:
    starting a process per source would cost more than the polls themselves)."""
    settings, registry, redis = _context()
    due = [s.id for s in FeedCadence(redis, settings.key_prefix).due(list(registry))]
    if due:
        crawl_sources.apply_async((due, ["feeds"]), queue=settings.crawl_queue)
    return due
