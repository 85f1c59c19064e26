"""Scrapy settings built from the process's :class:`ann.settings.Settings` and the registry.

Per-host politeness comes from each source file through ``DOWNLOAD_SLOTS``, so one site's
delay never slows another; mirror mode swaps the HTTP(S) download handlers.
"""

from __future__ import annotations

from typing import Any

from ann.settings import Settings
from ann.sources import Registry


def download_slots(registry: Registry, delay_scale: float) -> dict[str, dict[str, float]]:
    slots: dict[str, dict[str, float]] = {}
    for source in registry:
        for domain in source.domains:
            slots[domain] = {
                "delay": source.politeness.delay_seconds * delay_scale,
                "concurrency": source.politeness.concurrency,
            }
    return slots


def scrapy_settings(settings: Settings, registry: Registry) -> dict[str, Any]:
    mirror = settings.mirror_url is not None
    values: dict[str, Any] = {
        "BOT_NAME": "ann-crawler",
        "USER_AGENT": "ann-crawl-index/0.1 (+https://github.com/ann-crawl-index)",
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 2,
        "DOWNLOAD_SLOTS": download_slots(registry, settings.politeness_scale),
        "RANDOMIZE_DOWNLOAD_DELAY": not mirror,
        "ITEM_PIPELINES": {"crawler.pipelines.queue.QueuePipeline": 500},
        "ANN_REDIS_URL": settings.redis_url,
        "ANN_PAGES_QUEUE": settings.pages_queue,
        "ANN_BATCH_SIZE": settings.bulk_batch_size,
        "ANN_BATCH_SECONDS": 2.0,
    }
    if mirror:
        handler = "crawler.mirror.MirrorDownloadHandler"
        values["ANN_MIRROR_URL"] = settings.mirror_url
        values["DOWNLOAD_HANDLERS"] = {"http": handler, "https": handler}
    return values
