"""robots.txt fetched once for all crawler processes, and its Crawl-delay obeyed.

Scrapy's own middleware keeps parsed robots.txt per process (N processes fetch it N times) and
ignores ``Crawl-delay``. This subclass keeps the file's body in Redis for a day: whichever
process needs it first fetches it (under a short lock), the others parse the cached copy. The
Crawl-delay is published beside it for the politeness gate (:mod:`crawler.download`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self

from redis.asyncio import Redis
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.download import ROBOTS_DELAY_KEY

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

ROBOTS_TTL_SECONDS = 86400
LOCK_SECONDS = 30
_BODY_KEY = "{prefix}:robots:body:{host}"
_LOCK_KEY = "{prefix}:robots:lock:{host}"


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._redis = Redis.from_url(crawler.settings.get("ANN_REDIS_URL"))
        self._prefix: str = crawler.settings.get("ANN_KEY_PREFIX", "ann")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        host = urlparse_cached(request).netloc
        if host not in self._parsers:
            body = await self._shared_body(host)
            if body is not None:
                self._parsers[host] = build_from_crawler(self._parserimpl, self.crawler, body)
                self._stats.inc_value("ann/robots/shared_cache_hit")
        return await super().robot_parser(request)

    async def _shared_body(self, host: str) -> bytes | None:
        """The cached robots.txt, waiting for another process that is fetching it right now."""
        body_key = _BODY_KEY.format(prefix=self._prefix, host=host)
        lock_key = _LOCK_KEY.format(prefix=self._prefix, host=host)
        for _ in range(LOCK_SECONDS * 10):
            body = await self._redis.get(body_key)
            if isinstance(body, bytes):
                return body
            if await self._redis.set(lock_key, "1", nx=True, ex=LOCK_SECONDS):
                return None  # ours to fetch
            await asyncio.sleep(0.1)
        return None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        await super()._parse_robots(response, netloc, request)
        # A 4xx robots.txt means "no rules"; a 5xx is not cached so that it is tried again.
        if response.status >= 500:
            return
        body = response.body if response.status == 200 else b""
        parser = self._parsers[netloc]
        user_agent = self._robotstxt_useragent or self._default_useragent
        delay = parser.crawl_delay(user_agent) if parser is not None else None  # type: ignore[union-attr]
        pipe = self._redis.pipeline()
        pipe.set(_BODY_KEY.format(prefix=self._prefix, host=netloc), body, ex=ROBOTS_TTL_SECONDS)
        pipe.set(ROBOTS_DELAY_KEY.format(prefix=self._prefix, host=netloc), float(delay or 0),
                 ex=ROBOTS_TTL_SECONDS)
        pipe.delete(_LOCK_KEY.format(prefix=self._prefix, host=netloc))
        await pipe.execute()
