"""Archive every fetch to WARC so that pages can be re-indexed later without fetching again.

Hooked to Scrapy's ``response_received`` signal, so it sees every response the engine gets,
robots.txt included, under its real URL (in mirror mode the download handler has already given
the response back its real URL). Redirect hops are followed inside the downloader middlewares
and are not archived; the final response is.

One writer per process and directory, shared by reference count: ``ann crawl --all`` runs one
crawler per source in a single ``CrawlerProcess``, and each crawler gets its own instance of this
extension. Sharing the writer keeps one series of files per process (the serial in the name
counts per process, so no two names collide), instead of one half-empty file per source; the
last crawler to close closes the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from ann.settings import DEFAULTS
from crawler.extensions.warc_files import Exchange, Retention, RotatingWarcWriter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)



@dataclass
class _Lease:
    writer: RotatingWarcWriter
    users: int


_leases: dict[Path, _Lease] = {}


def _acquire(
    directory: Path, max_bytes: int, max_seconds: float, retention: Retention
) -> RotatingWarcWriter:
    lease = _leases.get(directory)
    if lease is None:
        lease = _leases[directory] = _Lease(
            RotatingWarcWriter(directory, max_bytes, max_seconds, retention=retention), users=0
        )
    lease.users += 1
    return lease.writer


def _release(directory: Path) -> None:
    lease = _leases[directory]
    lease.users -= 1
    if lease.users == 0:
        lease.writer.close()
        del _leases[directory]
        logger.info("WARC archive closed: %d fetch(es) in %d file(s) under %s; %d old file(s) "
                    "pruned", lease.writer.exchanges, len(lease.writer.closed_files), directory,
                    len(lease.writer.pruned_files))


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class WarcExtension:
    """Writes a request and a response record per fetch under ``ANN_WARC_DIR``."""

    def __init__(
        self,
        directory: Path,
        max_bytes: int,
        max_seconds: float,
        stats: StatsCollector,
        retention: Retention,
    ) -> None:
        self.directory = directory.resolve()
        self._max_bytes = max_bytes
        self._max_seconds = max_seconds
        self._retention = retention
        self._stats = stats
        self._writer: RotatingWarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        directory = crawler.settings.get("ANN_WARC_DIR")
        if not directory:
            raise NotConfigured("ANN_WARC_DIR is not set")
        assert crawler.stats is not None
        extension = cls(
            Path(directory),
            max_bytes=crawler.settings.getint("ANN_WARC_MAX_BYTES", DEFAULTS.warc_max_bytes),
            max_seconds=crawler.settings.getfloat(
                "ANN_WARC_MAX_SECONDS", DEFAULTS.warc_max_seconds),
            stats=crawler.stats,
            # 0 switches a bound off (as ann/settings.py documents); Retention says so with None.
            retention=Retention(
                max_age_seconds=crawler.settings.getfloat("ANN_WARC_RETAIN_SECONDS") or None,
                max_total_bytes=crawler.settings.getint("ANN_WARC_RETAIN_BYTES") or None,
            ),
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self._writer = _acquire(
            self.directory, self._max_bytes, self._max_seconds, self._retention
        )

    def response_received(self, response: Response, request: Request) -> None:
        if self._writer is None:
            raise RuntimeError("response_received before spider_opened")
        self._writer.write(Exchange(
            url=response.url,
            method=request.method,
            request_headers=_pairs(request.headers),
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            response_headers=_pairs(response.headers),
            body=response.body,
            fetched_at=datetime.now(UTC),
        ))
        self._stats.inc_value("ann/warc/fetches")
        self._stats.set_value("ann/warc/pruned_files", len(self._writer.pruned_files))

    def spider_closed(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            _release(self.directory)  # the last crawler out closes the file, which prunes
            self._stats.set_value("ann/warc/pruned_files", len(writer.pruned_files))
