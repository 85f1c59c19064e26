"""The news spider: discover a source's articles from its feeds, sitemaps and section pages.

One spider class serves every member: what differs between sites is data in the source file
(entry points, article URL patterns, the article-list selector of section pages).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from ann.messages import Discovery, DiscoveryKind, RawPage
from ann.sources import Source, load_registry
from crawler.discovery import Listed, feed_entries, sitemap_entries
from crawler.items import FetchedArticle

KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-language", "date")
MAX_SITEMAP_DEPTH = 3


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source_id: str, **kwargs: Any) -> None:
        super().__init__(name=f"news:{source_id}", **kwargs)
        self.source: Source = load_registry().get(source_id)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        entry = self.source.entry_points
        for url in entry.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, cb_kwargs={"via": url})
        for url in entry.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, cb_kwargs={"depth": 0})
        for section in entry.sections:
            yield scrapy.Request(
                section.url, callback=self.parse_section, cb_kwargs={"links": section.links}
            )

    def parse_feed(self, response: Response, via: str) -> Iterator[scrapy.Request]:
        for listed in feed_entries(response.body, response.url):
            yield from self._article_request(listed, "feed", via)

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        sitemap = sitemap_entries(response.body, response.url)
        if sitemap.is_index:
            if depth >= MAX_SITEMAP_DEPTH:
                return
            for listed in sitemap.entries:
                if self._on_source(listed.url):
                    yield scrapy.Request(
                        listed.url, callback=self.parse_sitemap, cb_kwargs={"depth": depth + 1}
                    )
            return
        for listed in sitemap.entries:
            yield from self._article_request(listed, "sitemap", response.url)

    def parse_section(self, response: Response, links: str) -> Iterator[scrapy.Request]:
        for href in response.css(links).css("::attr(href)").getall():
            listed = Listed(url=response.urljoin(href.strip()))
            yield from self._article_request(listed, "section", response.url)

    def parse_article(self, response: Response, discovery: Discovery) -> Iterator[FetchedArticle]:
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value:
                headers[name] = value.decode("latin-1")
        page = RawPage(
            url=response.request.url if response.request else response.url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            fetched_at=datetime.now(UTC),
            source_id=self.source.id,
            discovery=discovery,
            body_z=RawPage.pack_body(response.body),
        )
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"ann/fetched/{discovery.kind}")
        yield FetchedArticle(page=page)

    def _on_source(self, url: str) -> bool:
        return self.source.owns(urlsplit(url).hostname or "")

    def _article_request(
        self, listed: Listed, kind: DiscoveryKind, via: str
    ) -> Iterator[scrapy.Request]:
        assert self.crawler.stats is not None
        if not (self._on_source(listed.url) and self.source.article_urls.matches(listed.url)):
            self.crawler.stats.inc_value(f"ann/skipped/not_article_url/{kind}")
            return
        discovery = Discovery(
            kind=kind, via=via, title=listed.title, published=listed.published,
            lastmod=listed.lastmod,
        )
        yield scrapy.Request(
            listed.url, callback=self.parse_article, cb_kwargs={"discovery": discovery}
        )
