"""When each source is crawled: fixed cadences per entry-point kind, adaptive feed polling.

Sitemaps, section pages and edit re-checks run on the cadences of the source file, scaled by
``ANN_SCHEDULE_CADENCE_SCALE`` (entries in a Celery beat schedule kept in Redis by redbeat, so a
second beat can take over; one entry per kind and cadence reads all the sources sharing it).
Feeds are polled adaptively: after a poll that found new articles the interval halves, after one
that found none it grows by half, always within the source's ``feeds_min`` .. ``feeds_max``.
Beat only ticks ``poll_due_feeds``; which feed is due lives in Redis beside its current
interval.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from redis import Redis

from ann.keyspace import feeds_due_key, feeds_interval_key
from ann.messages import CHECK_ALERTS_TASK, CRAWL_SOURCES_TASK
from ann.sources import Registry, Source

FIXED_KINDS = ("sitemaps", "sections", "recheck")


def next_interval(current: float, new_items: int, source: Source) -> float:
    """The feed's next polling interval in seconds."""
    recrawl = source.recrawl
    low, high = recrawl.feeds_min.total_seconds(), recrawl.feeds_max.total_seconds()
    proposed = current / 2 if new_items else current * 1.5
    return min(max(proposed, low), high)


def cadence(source: Source, kind: str, scale: float = 1.0) -> timedelta:
    """How often ``kind`` of ``source`` is read: the source file's cadence times ``scale``
    (``ANN_SCHEDULE_CADENCE_SCALE``)."""
    recrawl = source.recrawl
    every = {"sitemaps": recrawl.sitemaps, "sections": recrawl.sections,
             "recheck": recrawl.recheck_every}[kind]
    return every * scale


def beat_schedule(registry: Registry, tick_seconds: float, crawl_queue: str,
                  cadence_scale: float = 1.0, alerts: tuple[str, float] | None = None
                  ) -> dict[str, Any]:
    """The beat entries: the feed-polling tick, and one job per fixed-cadence kind and cadence
    for all the sources that share it (one process, one reactor, as for feeds: a process per
    source would cost more than most of its reads). ``alerts``, (queue, seconds): the saved
    searches' check too, sent by name to the runner's queue (``search_api.alerts``) — this is
    the deployment's one beat, and a second would wait for redbeat's lock forever."""
    options = {"queue": crawl_queue}
    schedule: dict[str, Any] = {
        "poll-due-feeds": {
            "task": "crawler.poll_due_feeds", "schedule": timedelta(seconds=tick_seconds),
            "options": {**options, "expires": tick_seconds},
        }
    }
    if alerts is not None:
        alerts_queue, alerts_seconds = alerts
        schedule["alerts:check"] = {
            "task": CHECK_ALERTS_TASK, "schedule": timedelta(seconds=alerts_seconds),
            # a check not started by the next tick is left for that tick's
            "options": {"queue": alerts_queue, "expires": alerts_seconds},
        }
    groups: dict[tuple[str, timedelta], list[str]] = {}
    for source in registry:
        points = source.entry_points
        present = {"sitemaps": bool(points.sitemaps), "sections": bool(points.sections),
                   "recheck": True}
        for kind in FIXED_KINDS:
            if present[kind]:
                groups.setdefault((kind, cadence(source, kind, cadence_scale)), []).append(
                    source.id)
    for (kind, every), source_ids in sorted(groups.items()):
        schedule[f"crawl:{kind}:{every.total_seconds():g}s"] = {
            "task": CRAWL_SOURCES_TASK, "schedule": every,
            "args": (sorted(source_ids), [kind]), "options": options,
        }
    return schedule


class FeedCadence:
    """Per-source feed interval and next due time, shared in Redis."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._due = feeds_due_key(prefix)
        self._interval = feeds_interval_key(prefix)

    def interval(self, source: Source) -> float:
        raw = self._redis.hget(self._interval, source.id)
        return float(raw) if isinstance(raw, bytes) else source.recrawl.feeds.total_seconds()

    def due(self, sources: list[Source], now: float | None = None) -> list[Source]:
        """Sources whose feeds are due now; each is marked taken so one tick dispatches it."""
        now = now or time.time()
        due = []
        for source in sources:
            if not source.entry_points.feeds:
                continue
            score = self._redis.zscore(self._due, source.id)
            if score is None or score <= now:
                # Until the poll reports back, hold the source for its maximum interval.
                hold = now + source.recrawl.feeds_max.total_seconds()
                self._redis.zadd(self._due, {source.id: hold})
                due.append(source)
        return due

    def polled(self, source: Source, new_items: int, now: float | None = None) -> float:
        """Record a finished poll; return the new interval."""
        interval = next_interval(self.interval(source), new_items, source)
        self._redis.hset(self._interval, source.id, interval)
        self._redis.zadd(self._due, {source.id: (now or time.time()) + interval})
        return interval
