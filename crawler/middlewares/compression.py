"""Scrapy's decompression, with a response inflating past ``DOWNLOAD_MAXSIZE`` counted.

Scrapy's ``HttpCompressionMiddleware`` already stops inflating at ``DOWNLOAD_MAXSIZE`` (a 1 MB
gzip bomb costs that much memory, not gigabytes) but drops the response as an
``IgnoreRequest``, the exception robots.txt refusals use: the spider would count a bomb as a
robots refusal and a feed's bomb as nothing at all. Here the bomb is counted per source as
``errors/too_large`` and raised as :class:`~crawler.failures.ResponseTooLarge`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils._compression import _DecompressionMaxSizeExceeded

from crawler.failures import ResponseTooLarge
from crawler.state import CrawlState, state_for

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class BoundedDecompressionMiddleware(HttpCompressionMiddleware):
    def __init__(self, *, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self._crawler = crawler
        self._state: CrawlState = state_for(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """The parent's, but a bomb is counted and raised as ``ResponseTooLarge`` (``spider``
        is in the signature only to match the parent's; Scrapy no longer passes it)."""
        try:
            return super().process_response(request, response)
        except IgnoreRequest as error:
            if not isinstance(error.__cause__, _DecompressionMaxSizeExceeded):
                raise
            source = getattr(self._crawler.spider, "source", None)
            if source is not None:
                self._state.count(source.id, "errors/too_large")
            if self._crawler.stats is not None:
                self._crawler.stats.inc_value("ann/errors/too_large")
            raise ResponseTooLarge(str(error)) from error
