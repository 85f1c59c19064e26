"""Run the news spider for one or more sources in this process."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess

from ann.settings import Settings
from ann.sources import ENTRY_KINDS, EntryKind, load_registry
from crawler.settings import scrapy_settings
from crawler.spiders.news import NewsSpider


def crawl(
    source_ids: list[str],
    settings: Settings,
    kinds: Iterable[EntryKind] = ENTRY_KINDS,
    since: date | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the given sources' entry points of the given kinds concurrently in one reactor;
    return each one's Scrapy stats."""
    registry = load_registry()
    for source_id in source_ids:
        registry.get(source_id)  # fail early, naming the known ids
    process = CrawlerProcess(settings=scrapy_settings(settings))
    crawlers = []
    for source_id in source_ids:
        crawler = process.create_crawler(NewsSpider)
        crawlers.append((source_id, crawler))
        process.crawl(crawler, source_id=source_id, kinds=tuple(kinds), since=since)
    process.start()
    return {sid: dict(c.stats.get_stats()) if c.stats else {} for sid, c in crawlers}
