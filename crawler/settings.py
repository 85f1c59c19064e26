"""Scrapy settings built from the process's :class:`ann.settings.Settings` and the registry.

Per-host delay and concurrency come from the source files and are enforced across processes by
the download handler (:mod:`crawler.download`), not by Scrapy's per-process slots (which would
also key on host names, missing ``www.`` and other subdomains of a source's domains). Mirror
mode swaps in a handler that talks to the offline mirror.
"""

from __future__ import annotations

from typing import Any

from ann.settings import Settings

POLITE_HANDLER = "crawler.download.PoliteDownloadHandler"
MIRROR_HANDLER = "crawler.download.MirrorDownloadHandler"
GUARDED_RESOLVER = "crawler.resolver.GuardedResolver"


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    mirror = settings.mirror_url is not None
    values: dict[str, Any] = {
        "BOT_NAME": "ann-crawler",
        "USER_AGENT": "ann-crawl-index/0.1 (+https://github.com/ann-crawl-index)",
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": settings.crawl_log_level,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
        # Scrapy starts this many asyncio tasks for every callback's output; an article page
        # yields one item and the pipeline is synchronous, so 100 idle tasks per page is waste.
        "CONCURRENT_ITEMS": 8,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_seconds,
        # Scrapy's default is 1 GiB, decompressed size included: one gzip bomb would take the
        # whole crawl process (and every source polled in it) down. Its HttpCompression
        # middleware stops inflating at this size and drops the response.
        "DOWNLOAD_MAXSIZE": settings.download_max_bytes,
        "DOWNLOAD_WARNSIZE": settings.download_warn_bytes,
        "ANN_MAX_PAGE_BYTES": settings.max_page_bytes,
        "ANN_CRAWL_MAX_PAGES": settings.crawl_max_pages,
        # Scrapy accepts any certificate by default; the crawler checks the chain against the
        # platform's trust store (OpenSSL's default paths, so SSL_CERT_FILE / SSL_CERT_DIR) and
        # the name against the host, like a browser (Twisted's optionsForClientTLS).
        "DOWNLOAD_VERIFY_CERTIFICATES": True,
        "RETRY_TIMES": 2,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            # Before robots.txt, which would otherwise fetch /robots.txt from an offsite host.
            "crawler.middlewares.offsite.SourceDomainsMiddleware": 50,
            "crawler.middlewares.robots.SharedRobotsTxtMiddleware": 100,
            "crawler.middlewares.health.SourceHealthMiddleware": 560,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            "crawler.middlewares.compression.BoundedDecompressionMiddleware": 590,
        },
        "DOWNLOAD_HANDLERS": {"http": POLITE_HANDLER, "https": POLITE_HANDLER},
        "EXTENSIONS": {"crawler.heartbeat.HeartbeatExtension": 100},
        "ITEM_PIPELINES": {"crawler.pipelines.queue.QueuePipeline": 500},
        "ANN_REDIS_URL": settings.redis_url,
        "ANN_KEY_PREFIX": settings.key_prefix,
        "ANN_POLITENESS_SCALE": settings.politeness_scale,
        "ANN_ROBOTS_RETRY_SECONDS": settings.robots_retry_seconds,
        "ANN_RETENTION_SECONDS": settings.url_retention_days * 86400,
        "ANN_HEARTBEAT_SECONDS": settings.heartbeat_seconds,
        "ANN_REQUEST_LEASE_SECONDS": settings.request_lease_seconds,
        "ANN_PAGES_QUEUE": settings.pages_queue,
        "ANN_BATCH_SIZE": settings.bulk_batch_size,
        "ANN_BATCH_SECONDS": settings.handoff_batch_seconds,
        "ANN_QUEUE_HIGH_WATER": settings.queue_high_water,
        "ANN_REFUSALS_TO_PAUSE": settings.refusals_to_pause,
        "ANN_FAILURES_TO_PAUSE": settings.failures_to_pause,
        "ANN_PAUSE_SECONDS": settings.pause_seconds,
    }
    # WARC archive of every fetch: crawler/extensions/warc.py, off while ANN_WARC_DIR is empty.
    values.setdefault("EXTENSIONS", {})["crawler.extensions.warc.WarcExtension"] = 500
    values["ANN_WARC_DIR"] = str(settings.warc_dir) if settings.warc_dir else ""
    values["ANN_WARC_MAX_BYTES"] = settings.warc_max_bytes
    values["ANN_WARC_MAX_SECONDS"] = settings.warc_max_seconds
    values["ANN_WARC_RETAIN_SECONDS"] = settings.warc_retain_days * 86400
    values["ANN_WARC_RETAIN_BYTES"] = settings.warc_retain_bytes
    if mirror:
        values["ANN_MIRROR_URL"] = settings.mirror_url
        values["DOWNLOAD_HANDLERS"] = {"http": MIRROR_HANDLER, "https": MIRROR_HANDLER}
    else:  # live: no address inside our networks is contacted (the mirror is on loopback)
        values["TWISTED_DNS_RESOLVER"] = GUARDED_RESOLVER
        values["ANN_CRAWL_ALLOW_NETWORKS"] = settings.crawl_allow_networks
    return values
