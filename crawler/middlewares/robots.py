"""robots.txt fetched once for all crawler processes, read as RFC 9309 says, its Crawl-delay obeyed.

Scrapy's own middleware keeps parsed robots.txt per process (N processes fetch it N times),
ignores ``Crawl-delay``, parses whatever body came back (an error page's text as rules) and
allows everything when robots.txt cannot be fetched. This subclass keeps the file's body in
Redis for a day: whichever process needs it first fetches it (under a short lock), the others
parse the cached copy. The Crawl-delay is published beside it for the politeness gate
(:mod:`crawler.download`). RFC 9309 section 2.3.1: a 4xx means "no rules" (allow all); a 5xx or
an unreachable host means "disallow all" — recorded in Redis for ``ANN_ROBOTS_RETRY_SECONDS``,
after which the next request tries again, so a site whose robots.txt is down is not crawled
until one fetch of it succeeds.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Self

from redis.asyncio import Redis
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from ann.keyspace import (
    robots_body_key,
    robots_delay_key,
    robots_lock_key,
    robots_unavailable_key,
)
from ann.settings import DEFAULTS
from crawler.state import state_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

ROBOTS_TTL_SECONDS = 86400
LOCK_SECONDS = 30
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsUnavailable(IgnoreRequest):
    """Not sent because the host's robots.txt could not be read: unlike a disallowed page, this
    one is owed a fetch once robots.txt answers (the spider keeps its entry points unread)."""


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._redis = Redis.from_url(crawler.settings.get("ANN_REDIS_URL"))
        self._prefix: str = crawler.settings.get("ANN_KEY_PREFIX", DEFAULTS.key_prefix)
        self._retry_seconds = crawler.settings.getfloat(
            "ANN_ROBOTS_RETRY_SECONDS", DEFAULTS.robots_retry_seconds)
        self._retry_at: dict[str, float] = {}
        """Hosts held at disallow-all, and when (monotonic) their robots.txt is tried again."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        host = urlparse_cached(request).netloc
        retry_at = self._retry_at.get(host)
        if retry_at is not None and retry_at <= time.monotonic():
            del self._retry_at[host]
            self._parsers.pop(host, None)
        if host not in self._parsers:
            await self._consult_shared(host)
        return await super().robot_parser(request)

    async def _consult_shared(self, host: str) -> None:
        """What the other processes know of ``host``'s robots.txt: held unavailable, or its
        cached body; else the lock to fetch it, or wait for the process fetching it.

        Each round first asks whether this process has meanwhile decided (its own fetch is in
        flight, or has answered): requests to one host arrive together, and a waiter that then
        took the lock would keep it, unused, for ``LOCK_SECONDS`` — every process's next
        request for the host waited that long (30 s for each crawl of a site whose robots.txt
        answered 503)."""
        for _ in range(LOCK_SECONDS * 10):
            if host in self._parsers:  # Scrapy's waiters share this process's fetch
                return
            left_ms = await self._redis.pttl(robots_unavailable_key(self._prefix, host))
            if left_ms > 0:  # another process found it unavailable: disallow all until then
                self._hold(host, left_ms / 1000)
                self._stats.inc_value("ann/robots/shared_unavailable")
                return
            body = await self._redis.get(robots_body_key(self._prefix, host))
            if isinstance(body, bytes):
                self._parsers[host] = build_from_crawler(self._parserimpl, self.crawler, body)
                self._stats.inc_value("ann/robots/shared_cache_hit")
                return
            if await self._redis.set(robots_lock_key(self._prefix, host), "1", nx=True,
                                     ex=LOCK_SECONDS):
                return  # ours to fetch
            await asyncio.sleep(0.1)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        host = urlparse_cached(request).netloc
        if host in self._retry_at:
            self._stats.inc_value("ann/robots/held")
            raise RobotsUnavailable(f"robots.txt of {host} unavailable: {request.url}")
        super().process_request_2(rp, request)

    def _hold(self, host: str, seconds: float) -> RobotParser:
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[host] = parser
        self._retry_at[host] = time.monotonic() + seconds
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            await super()._parse_robots(response.replace(body=DISALLOW_ALL), netloc, request)
            self._unavailable(netloc, f"http_{response.status}")
            return
        # 2xx: the rules; 4xx (and a redirect left unfollowed): no rules, allow all.
        ok = 200 <= response.status < 300
        body = response.body if ok else b""
        await super()._parse_robots(response.replace(body=body), netloc, request)
        parser = self._parsers[netloc]
        user_agent = self._robotstxt_useragent or self._default_useragent
        delay = parser.crawl_delay(user_agent) if parser is not None else None  # type: ignore[union-attr]
        pipe = self._redis.pipeline()
        pipe.set(robots_body_key(self._prefix, netloc), body, ex=ROBOTS_TTL_SECONDS)
        pipe.set(robots_delay_key(self._prefix, netloc), float(delay or 0), ex=ROBOTS_TTL_SECONDS)
        pipe.delete(robots_lock_key(self._prefix, netloc),
                    robots_unavailable_key(self._prefix, netloc))
        await pipe.execute()

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Unreachable (DNS, connection, timeout, refused by our own guards): disallow all, also
        # for the requests already waiting on this fetch (Scrapy's would hand them None: allow).
        if not isinstance(exc, IgnoreRequest):
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        waiting = self._parsers[netloc]
        parser = self._unavailable(netloc, type(exc).__name__)
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def _unavailable(self, host: str, why: str) -> RobotParser:
        """Hold ``host`` at disallow-all here and, through Redis, in every other process."""
        parser = self._hold(host, self._retry_seconds)
        state = state_for(self.crawler)
        pipe = state.redis.pipeline(transaction=False)
        pipe.set(robots_unavailable_key(self._prefix, host), why,
                 px=int(self._retry_seconds * 1000))
        pipe.delete(robots_lock_key(self._prefix, host))
        pipe.execute()
        self._stats.inc_value(f"ann/robots/unavailable/{why}")
        source = getattr(self.crawler.spider, "source", None)
        if source is not None:
            state.count(source.id, f"errors/robots_unavailable/{why}")
        return parser
