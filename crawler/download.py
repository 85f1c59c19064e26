"""Download handlers: shared politeness in front of every fetch, and the offline-mirror mode.

The politeness gate sits here, in the download handler, because this is where a request really
leaves: a wait taken earlier (in a middleware) could be followed by more queueing in Scrapy's
slot, and two processes would then send closer together than the delay allows.

Mirror mode rewrites ``https://www.straitstimes.com/x`` to ``<mirror>/x`` with the header
``Host: www.straitstimes.com`` and gives the response back its real URL, so spiders, robots.txt,
the frontier and the indexer never know they talked to a mirror.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from ann.keyspace import robots_delay_key
from ann.settings import DEFAULTS
from ann.sources import Registry
from crawler.outside import Refused, connect_host
from crawler.politeness import HostGate, retry_after_seconds
from crawler.resolver import refusal
from crawler.state import state_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

BACKOFF_STATUSES = frozenset({429, 503})
_DELAY_CACHE_SECONDS = 60.0


def mirror_target(url: str, mirror_url: str) -> tuple[str, str]:
    """The mirror URL that serves ``url``, and the Host header to send with it."""
    real = urlsplit(url)
    mirror = urlsplit(mirror_url)
    target = urlunsplit((mirror.scheme, mirror.netloc, real.path or "/", real.query, ""))
    return target, real.netloc


class PoliteDownloadHandler(HTTP11DownloadHandler):
    """HTTP/1.1 downloads paced per host across all crawler processes."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self._prefix: str = settings.get("ANN_KEY_PREFIX", DEFAULTS.key_prefix)
        self._redis = Redis.from_url(settings.get("ANN_REDIS_URL"))
        self._gate = HostGate(self._redis, self._prefix, settings.getfloat(
            "ANN_REQUEST_LEASE_SECONDS", DEFAULTS.request_lease_seconds))
        self._scale = settings.getfloat("ANN_POLITENESS_SCALE", DEFAULTS.politeness_scale)
        self._registry: Registry = settings["ANN_REGISTRY"]  # set by crawler.run.crawl
        self._robots_delays: dict[str, tuple[float, float]] = {}
        self._stats = crawler.stats
        self._crawler = crawler

    def _concurrency(self, host: str) -> int:
        source = self._registry.for_url(f"https://{host}/")
        return source.politeness.concurrency if source else 1

    async def _delay(self, host: str) -> float:
        source = self._registry.for_url(f"https://{host}/")
        configured = source.politeness.delay_seconds if source else 5.0
        cached = self._robots_delays.get(host)
        if cached is None or cached[1] < time.monotonic():
            raw = await self._redis.get(robots_delay_key(self._prefix, host))
            cached = (float(raw) if raw else 0.0, time.monotonic() + _DELAY_CACHE_SECONDS)
            self._robots_delays[host] = cached
        return max(configured, cached[0]) * self._scale

    async def download_request(self, request: Request) -> Response:
        host = urlparse_cached(request).netloc
        delay = await self._delay(host)
        if delay <= 0:  # politeness scaled away (the offline mirror): no round trip to Redis
            return await self._fetch(request)
        async with self._gate.request_slot(host, self._concurrency(host)):
            waited = await self._gate.acquire(host, delay)
            if self._stats is not None and waited:
                self._stats.inc_value("ann/politeness/waited_ms", round(waited * 1000))
            response = await self._fetch(request)
        if response.status in BACKOFF_STATUSES:
            retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
            await self._gate.back_off(host, retry_after)
            if self._stats is not None:
                self._stats.inc_value(f"ann/politeness/backoff/{response.status}")
        else:
            self._gate.succeeded(host)
        return response

    async def _fetch(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except CannotResolveHostError:
            # The live resolver (crawler/resolver.py) refused every address of the host: a
            # refusal counted by its reason, not a failure to retry or to pause the source for.
            host = connect_host(request.url)
            why = refusal(host) if host else None
            if why is None:
                raise
            self._count_refusal(f"blocked_address/{why}")
            raise Refused(f"blocked_address/{why}", request.url) from None

    def _count_refusal(self, reason: str) -> None:
        if self._stats is not None:
            self._stats.inc_value(f"ann/errors/{reason}")
        spider = self._crawler.spider
        source = getattr(spider, "source", None)
        if source is not None:
            state_for(self._crawler).count(source.id, f"errors/{reason}")

    async def close(self) -> None:
        await self._gate.close()
        await super().close()


class MirrorDownloadHandler(PoliteDownloadHandler):
    """The same, aimed at the offline mirror."""

    def __init__(self, crawler: Crawler) -> None:
        mirror_url = crawler.settings.get("ANN_MIRROR_URL")
        if not mirror_url:
            raise NotConfigured("ANN_MIRROR_URL is not set")
        super().__init__(crawler)
        self._mirror_url: str = mirror_url

    async def _fetch(self, request: Request) -> Response:
        target, host = mirror_target(request.url, self._mirror_url)
        headers = request.headers.copy()
        headers[b"Host"] = host.encode("ascii")
        response = await super()._fetch(request.replace(url=target, headers=headers))
        return response.replace(url=request.url)
