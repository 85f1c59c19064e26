"""Mirror mode: send every fetch to the offline mirror while keeping the real URL everywhere.

The download handler rewrites ``https://www.straitstimes.com/x`` to ``<mirror>/x`` with the
header ``Host: www.straitstimes.com`` and gives the response back its real URL, so spiders,
robots.txt, dupefilters and the indexer never know they talked to a mirror. Only installed when
``ANN_MIRROR_URL`` is set (see :func:`crawler.settings.scrapy_settings`).
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


def mirror_target(url: str, mirror_url: str) -> tuple[str, str]:
    """The mirror URL that serves ``url``, and the Host header to send with it."""
    real = urlsplit(url)
    mirror = urlsplit(mirror_url)
    target = urlunsplit((mirror.scheme, mirror.netloc, real.path or "/", real.query, ""))
    return target, real.netloc


class MirrorDownloadHandler(HTTP11DownloadHandler):
    """Plain HTTP/1.1 download handler aimed at the mirror."""

    def __init__(self, crawler: Crawler) -> None:
        mirror_url = crawler.settings.get("ANN_MIRROR_URL")
        if not mirror_url:
            raise NotConfigured("ANN_MIRROR_URL is not set")
        super().__init__(crawler)
        self._mirror_url: str = mirror_url

    async def download_request(self, request: Request) -> Response:
        target, host = mirror_target(request.url, self._mirror_url)
        headers = request.headers.copy()
        headers[b"Host"] = host.encode("ascii")
        response = await super().download_request(request.replace(url=target, headers=headers))
        return response.replace(url=request.url)
