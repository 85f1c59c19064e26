"""Every request of a source's spider stays on the source's domains: redirects and meta
refreshes included, judged by the host the downloader really connects to.

Redirects (``RedirectMiddleware``) and meta refreshes (``MetaRefreshMiddleware``) make new
requests that go through every downloader middleware again, so checking each request here, in
front of robots.txt (which would otherwise fetch ``/robots.txt`` from the new host first), covers
the first request and every hop. A refused request is counted by reason (``ann status``):
``errors/offsite_redirect`` for a hop, ``errors/offsite`` for a listed URL, ``errors/ambiguous_url``
for a URL whose host Scrapy and Twisted read differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from crawler.outside import Refused, connect_host
from crawler.state import state_for

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from ann.sources import Source


def refusal(source: Source, url: str) -> str | None:
    """Why ``source``'s spider must not request ``url``, or None."""
    host = connect_host(url)
    if host is None:
        return "ambiguous_url"
    return None if source.owns(host) else "offsite"


class SourceDomainsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        source: Source = self._crawler.spider.source  # type: ignore[union-attr]
        reason = refusal(source, request.url)
        if reason is None:
            return
        if reason == "offsite" and request.meta.get("redirect_urls"):
            reason = "offsite_redirect"
        stats = self._crawler.stats
        if stats is not None:
            stats.inc_value(f"ann/errors/{reason}")
        state_for(self._crawler).count(source.id, f"errors/{reason}")
        raise Refused(reason, request.url)
