"""Keep this crawl run's heartbeat alive in Redis, and let go of its claims when it ends.

Claims on URLs name the run that holds them; other processes take a claim over once its run's
heartbeat has lapsed, so a crawler killed mid-run never blocks the URLs it was fetching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy import signals
from twisted.internet import task

from crawler.state import state_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class HeartbeatExtension:
    def __init__(self, crawler: Crawler) -> None:
        self._state = state_for(crawler)
        self._loop = task.LoopingCall(self._state.heartbeat)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _opened(self) -> None:
        self._loop.start(self._state.heartbeat_seconds / 3, now=True)

    def _closed(self) -> None:
        if self._loop.running:
            self._loop.stop()
        self._state.end_run()
