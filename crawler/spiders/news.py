"""The news spider: discover a source's articles from its feeds, sitemaps and section pages.

One spider class serves every member: what differs between sites is data in the source file.
With the shared crawl state (:mod:`crawler.state`) it fetches only what no other process is
fetching, only what it has not fetched before (or what is due for a re-check), and asks with
the validators of the last fetch so that an unchanged page costs a 304.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from ann.messages import Discovery, DiscoveryKind, RawPage
from ann.settings import DEFAULTS
from ann.sources import ENTRY_KINDS, EntryKind, Source
from crawler.discovery import Listed, covers_since, feed_entries, sitemap_entries
from crawler.items import FetchedArticle
from crawler.middlewares.offsite import refusal as offsite_refusal
from crawler.middlewares.robots import RobotsUnavailable
from crawler.outside import Refused
from crawler.state import CrawlState, Fetched, UrlRecord, body_hash, state_for

KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-language", "date")
MAX_SITEMAP_DEPTH = 3
ENTRY_CLAIM_SECONDS = 10
"""Two processes started together read an entry point once; a later poll reads it again."""
ENTRY_RECORD = "ann_entry_record"
"""Request meta: the entry point's record as read when its conditional request was built."""
ARTICLE_CLAIM_SECONDS = 3600
"""Long, because a claim is taken over as soon as its run's heartbeat lapses."""


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


class NewsSpider(scrapy.Spider):
    name = "news"
    custom_settings = {"HTTPERROR_ALLOWED_CODES": [304]}  # noqa: RUF012  (Scrapy's own type)

    def __init__(
        self,
        source: Source,
        kinds: Iterable[EntryKind] = ENTRY_KINDS,
        since: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=f"news:{source.id}", **kwargs)
        self.source = source
        self.kinds = frozenset(kinds)
        self.since = since
        """Backfill: follow archive sitemaps back to this date, keep articles from it on."""
        self._entry_validators: dict[str, tuple[str | None, str | None, str]] = {}
        self._index_children: dict[str, list[Listed]] = {}
        self._article_failures = 0
        self._requested = 0
        self._budget_spent = False

    @property
    def state(self) -> CrawlState:
        return state_for(self.crawler)

    def _count(self, name: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"ann/{name}", n)
        self.state.count(self.source.id, name, n)

    # -- entry points -----------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        paused = self.state.paused(self.source.id)
        if paused:
            self.logger.warning("%s is paused (%s): not crawled", self.source.id, paused["reason"])
            self._count("skipped/paused")
            return
        entry = self.source.entry_points
        for url in entry.feeds if "feeds" in self.kinds else []:
            for request in self._entry(url, self.parse_feed, {"via": url}):
                yield request
        for url in entry.sitemaps if "sitemaps" in self.kinds else []:
            for request in self._entry(url, self.parse_sitemap, {"depth": 0}):
                yield request
        for section in entry.sections if "sections" in self.kinds else []:
            for request in self._entry(section.url, self.parse_section, {"links": section.links}):
                yield request
        if "recheck" in self.kinds:
            for request in self._rechecks():
                yield request

    def _within_budget(self) -> bool:
        """Whether one more request fits in the crawl's ``ANN_CRAWL_MAX_PAGES``. Asked before a
        URL is claimed, so a site listing sitemaps without end costs neither requests nor
        claims past it; once spent, counted once, and the run keeps no entry-point validators
        (the pages left out are owed to the next crawl)."""
        budget = self.crawler.settings.getint("ANN_CRAWL_MAX_PAGES", DEFAULTS.crawl_max_pages)
        if self._requested < budget:
            self._requested += 1
            return True
        if not self._budget_spent:
            self._budget_spent = True
            self._article_failures += 1
            self._count("errors/page_budget")
        return False

    def _entry(
        self, url: str, callback: Callable[..., Any], cb_kwargs: dict[str, Any],
    ) -> Iterator[scrapy.Request]:
        if not self._within_budget():
            return
        if not self.state.claim(url, ENTRY_CLAIM_SECONDS):
            self._count("skipped/claimed_elsewhere")
            return
        record = self.state.record(url)
        headers = record.validators() if record else {}
        # the record the validators came from: a 304 stands for what it remembers
        yield scrapy.Request(url, callback=callback, cb_kwargs=cb_kwargs, headers=headers,
                             meta={ENTRY_RECORD: record})

    def _entry_body(self, response: Response) -> bytes | None:
        """The entry point's body if it changed since the last read, else None (counted)."""
        if response.status == 304:
            self._count("entry/not_modified")
            self.state.checked(response.url)
            return None
        digest = body_hash(response.body)
        record = self.state.record(response.url)
        self._entry_validators[response.url] = (
            _header(response, "etag"), _header(response, "last-modified"), digest,
        )
        if record and record.body_hash == digest:
            self._count("entry/unchanged")
            return None
        self._count("entry/read")
        return response.body

    def parse_feed(self, response: Response, via: str) -> Iterator[scrapy.Request]:
        body = self._entry_body(response)
        if body is not None:
            yield from self._article_requests(feed_entries(body, response.url), "feed", via)

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        """A sitemap's articles when it changed; an index's children (read conditionally)
        whether it changed or not, since a child changes without its index: a news sitemap
        gains an article under an index that only ever names it. An index that answers 304
        leads to the children remembered from its last whole read, so an unchanged index
        costs a 304 and still hides no child."""
        unchanged = self._entry_body(response) is None
        if response.status == 304:
            record = response.meta.get(ENTRY_RECORD)
            if record and record.children is not None:
                yield from self._sitemap_children(record.children, depth)
            return
        sitemap = sitemap_entries(response.body, response.url)
        if sitemap.is_index:
            self._index_children[response.url] = sitemap.entries
            yield from self._sitemap_children(sitemap.entries, depth)
            return
        if unchanged:
            return
        yield from self._article_requests(sitemap.entries, "sitemap", response.url)

    def _sitemap_children(
        self, children: Iterable[Listed], depth: int
    ) -> Iterator[scrapy.Request]:
        if depth >= MAX_SITEMAP_DEPTH:
            return
        for listed in children:
            if not self._on_source(listed.url):
                continue
            if self.since and not covers_since(listed, self.since):
                self._count("skipped/before_since")
                continue
            yield from self._entry(listed.url, self.parse_sitemap, {"depth": depth + 1})

    def parse_section(self, response: Response, links: str) -> Iterator[scrapy.Request]:
        if self._entry_body(response) is None:
            return
        hrefs = response.css(links).css("::attr(href)").getall()
        listed = [Listed(url=response.urljoin(href.strip())) for href in hrefs]
        yield from self._article_requests(listed, "section", response.url)

    def closed(self, reason: str) -> None:
        # Entry-point validators are kept only after a clean run in which every article fetch
        # succeeded: otherwise the next run would get a 304 and never see the lost articles.
        self.state.flush_counts()
        if reason != "finished":
            return
        self.state.mark_success(self.source.id)
        if not self._article_failures:
            for url, (etag, last_modified, digest) in self._entry_validators.items():
                self.state.remember(url, etag=etag, last_modified=last_modified, body_hash=digest,
                                    children=self._index_children.get(url))

    # -- articles ---------------------------------------------------------------------------
    def _due_for_recheck(self, record: UrlRecord, published: float | None) -> bool:
        recrawl = self.source.recrawl
        started = published or record.first_fetched
        in_window = time.time() - started < recrawl.recheck_window.total_seconds()
        stale = time.time() - record.last_fetched >= recrawl.recheck_every.total_seconds()
        return in_window and stale

    def _rechecks(self) -> Iterator[scrapy.Request]:
        window = self.source.recrawl.recheck_window.total_seconds()
        listed = [Listed(url=url) for url in self.state.recent(self.source.id, window)]
        yield from self._article_requests(listed, "seed", "recheck")

    def _on_source(self, url: str) -> bool:
        """Judged as the downloader will connect (:func:`crawler.outside.connect_host`)."""
        return offsite_refusal(self.source, url) is None

    def _wanted(self, listed: Listed, kind: DiscoveryKind) -> bool:
        if not (self._on_source(listed.url) and self.source.article_urls.matches(listed.url)):
            self._count(f"skipped/not_article_url/{kind}")
            return False
        if self.since and not covers_since(listed, self.since):
            self._count("skipped/before_since")
            return False
        return True

    def _article_requests(
        self, entries: Iterable[Listed], kind: DiscoveryKind, via: str
    ) -> Iterator[scrapy.Request]:
        """Requests for the listed articles that are new or due for a re-check and that no
        other process is fetching — their records and claims read in two round trips."""
        candidates = list({listed.url: listed for listed in entries
                           if self._wanted(listed, kind)}.values())
        records = self.state.records([listed.url for listed in candidates])
        due: list[tuple[Listed, UrlRecord | None]] = []
        for listed, record in zip(candidates, records, strict=True):
            if record is not None and not self._due_for_recheck(record, _epoch(listed.published)):
                self._count("skipped/seen")
            elif self._within_budget():
                due.append((listed, record))
        claims = self.state.claim_many([listed.url for listed, _ in due], ARTICLE_CLAIM_SECONDS)
        for (listed, record), claimed in zip(due, claims, strict=True):
            if not claimed:
                self._count("skipped/claimed_elsewhere")
                continue
            discovery = Discovery(
                kind=kind, via=via, title=listed.title, published=listed.published,
                lastmod=listed.lastmod,
            )
            yield scrapy.Request(
                listed.url,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={
                    "discovery": discovery,
                    "published": _epoch(listed.published) or time.time(),
                    "known_hash": record.body_hash if record else None,
                    "new": record is None,
                },
                headers=record.validators() if record else {},
            )

    def parse_article(
        self, response: Response, discovery: Discovery, published: float,
        known_hash: str | None, new: bool,
    ) -> Iterator[FetchedArticle]:
        url = response.request.url if response.request else response.url
        if response.status == 304:
            self._count("articles/not_modified")
            self.state.checked(url)
            return
        digest = body_hash(response.body)
        if digest == known_hash:
            self._count("articles/unchanged")
            self.state.checked(url)
            return
        headers = {name: value for name in KEPT_HEADERS if (value := _header(response, name))}
        page = RawPage(
            url=url, final_url=response.url, status=response.status, headers=headers,
            fetched_at=datetime.now(UTC), source_id=self.source.id, discovery=discovery,
            body_z=RawPage.pack_body(response.body),
        )
        self._count(f"articles/fetched/{discovery.kind}")
        yield FetchedArticle(page=page, record=Fetched(
            url=url, source_id=self.source.id, etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), body_hash=digest, published=published,
            new=new,
        ))

    def article_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            self.state.release(request.url)
        if isinstance(failure.value, Refused):  # off the source or inside: counted when refused
            return
        if isinstance(failure.value, RobotsUnavailable):  # owed a fetch: keep entries unread
            self._article_failures += 1
            self._count("skipped/robots_unavailable")
            return
        if isinstance(failure.value, IgnoreRequest):  # robots.txt forbids it: not a failure
            self._count("skipped/robots")
            return
        self._article_failures += 1
        self._count(f"articles/failed/{failure.type.__name__ if failure.type else 'unknown'}")
