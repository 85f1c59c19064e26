"""The baseline's download handler: plain Scrapy HTTP/1.1, aimed at the offline mirror.

``bench/crawl.py`` compares the project crawler with a bare Scrapy spider on the same mirror.
For the comparison to be about the crawler and not about the transport, the baseline reaches the
mirror exactly the way ``crawler.download.MirrorDownloadHandler`` does (same URL rewrite, same
``Host`` header, response given back its real URL) — and does nothing else: no politeness gate,
no Redis, no registry. The rewrite is copied from ``crawler.download.mirror_target`` rather than
imported so that the baseline process loads no project code (and pays none of its import time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

MIRROR_SETTING = "BENCH_MIRROR_URL"


def mirror_target(url: str, mirror_url: str) -> tuple[str, str]:
    """The mirror URL that serves ``url``, and the Host header to send with it (a copy of
    ``crawler.download.mirror_target``)."""
    real = urlsplit(url)
    mirror = urlsplit(mirror_url)
    target = urlunsplit((mirror.scheme, mirror.netloc, real.path or "/", real.query, ""))
    return target, real.netloc


class BareMirrorDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with the mirror rewrite and nothing more."""

    def __init__(self, crawler: Crawler) -> None:
        mirror_url = crawler.settings.get(MIRROR_SETTING)
        if not mirror_url:
            raise NotConfigured(f"{MIRROR_SETTING} is not set")
        super().__init__(crawler)
        self._mirror_url: str = mirror_url

    async def download_request(self, request: Request) -> Response:
        target, host = mirror_target(request.url, self._mirror_url)
        headers = request.headers.copy()
        headers[b"Host"] = host.encode("ascii")
        response: Response = await super().download_request(
            request.replace(url=target, headers=headers)
        )
        return response.replace(url=request.url)
