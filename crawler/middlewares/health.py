"""Pause a source that refuses us (403) or keeps failing, and let the other sources go on.

news-please lets one 403 end the whole crawl; here only that source's spider closes, the pause
is recorded in Redis with its reason (shown by ``ann status``, lifted by ``ann resume`` or
after ``ANN_PAUSE_SECONDS``), and every later run skips the source while it is paused.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import IgnoreRequest

from ann.settings import DEFAULTS
from crawler.failures import failure_reason
from crawler.state import state_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REFUSED_STATUSES = frozenset({401, 403, 451})
FAILED_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 522, 524})


class SourceHealthMiddleware:
    def __init__(
        self, crawler: Crawler, refusals_to_pause: int, failures_to_pause: int, pause_seconds: float
    ) -> None:
        self._crawler = crawler
        self._state = state_for(crawler)
        self._refusals_to_pause = refusals_to_pause
        self._failures_to_pause = failures_to_pause
        self._pause_seconds = pause_seconds
        self._refusals = 0
        self._failures = 0
        self._paused = False
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            crawler,
            refusals_to_pause=settings.getint("ANN_REFUSALS_TO_PAUSE", DEFAULTS.refusals_to_pause),
            failures_to_pause=settings.getint("ANN_FAILURES_TO_PAUSE", DEFAULTS.failures_to_pause),
            pause_seconds=settings.getfloat("ANN_PAUSE_SECONDS", DEFAULTS.pause_seconds),
        )

    @property
    def _source_id(self) -> str:
        source_id: str = self._crawler.spider.source.id  # type: ignore[union-attr]
        return source_id

    def process_response(self, request: Request, response: Response) -> Response:
        status = response.status
        if status in REFUSED_STATUSES:
            self._refusals += 1
            self._state.count(self._source_id, f"errors/http_{status}")
            if self._refusals >= self._refusals_to_pause:
                self._pause(f"http_{status}")
        elif status in FAILED_STATUSES:
            self._failures += 1
            self._state.count(self._source_id, f"errors/http_{status}")
            if self._failures >= self._failures_to_pause:
                self._pause(f"failing/http_{status}")
        else:
            self._refusals = self._failures = 0
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        self._failures += 1
        reason = failure_reason(exception)
        self._state.count(self._source_id, f"errors/{reason}")
        if self._failures >= self._failures_to_pause:
            self._pause(f"failing/{reason}")

    def _pause(self, reason: str) -> None:
        if self._paused:
            return
        self._paused = True
        self._state.pause(self._source_id, reason, self._pause_seconds)
        logger.warning("source %s paused: %s", self._source_id, reason)
        engine = self._crawler.engine
        assert engine is not None
        self._closing = asyncio.ensure_future(engine.close_spider_async(reason=f"paused:{reason}"))
