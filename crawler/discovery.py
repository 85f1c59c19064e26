"""Reading entry points: which article URLs a feed, a sitemap or a section page lists.

Pure functions over bytes so they can be tested on the real feeds and sitemaps in
``shared/fixtures/feeds-corpus``; parsing is left to feedparser and Scrapy's sitemap reader.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

_GZIP_MAGIC = b"\x1f\x8b"
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Listed:
    """One link an entry point lists, with what the entry point said about it."""

    url: str
    title: str | None = None
    published: str | None = None
    lastmod: str | None = None


def _iso(struct: time.struct_time | None) -> str | None:
    if struct is None:
        return None
    return datetime(*struct[:6], tzinfo=UTC).isoformat()


def _maybe_gunzip(body: bytes) -> bytes:
    """Feeds and sitemaps are sometimes served as .gz files without Content-Encoding."""
    if body[:2] == _GZIP_MAGIC:
        return gunzip(body, max_size=MAX_DECOMPRESSED_BYTES)
    return body


def _own(entry: dict[str, Any], key: str) -> Any:
    """A value the entry really has: feedparser's own lookups of a missing "updated_parsed"
    fall back to the published date with a DeprecationWarning."""
    return dict.get(entry, key)


def feed_entries(body: bytes, base_url: str) -> list[Listed]:
    """Entries of an RSS or Atom feed; a broken feed yields what could be read."""
    parsed = feedparser.parse(_maybe_gunzip(body))
    listed: list[Listed] = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        listed.append(
            Listed(
                url=urljoin(base_url, str(link).strip()),
                title=entry.get("title"),
                published=_iso(entry.get("published_parsed")),
                lastmod=_iso(_own(entry, "updated_parsed")),
            )
        )
    return listed


@dataclass(frozen=True, slots=True)
class SitemapPage:
    """A sitemap: either an index of further sitemaps or a list of pages."""

    is_index: bool
    entries: list[Listed]


def sitemap_entries(body: bytes, base_url: str) -> SitemapPage:
    """Read a (possibly gzipped) sitemap or sitemap index."""
    try:
        sitemap = Sitemap(_maybe_gunzip(body))
    except (StopIteration, SyntaxError):
        return SitemapPage(is_index=False, entries=[])
    entries = [
        Listed(
            url=urljoin(base_url, item["loc"]),
            title=item.get("title"),
            published=item.get("publication_date"),
            lastmod=item.get("lastmod"),
        )
        for item in _safe_iter(sitemap)
        if item.get("loc")
    ]
    return SitemapPage(is_index=sitemap.type == "sitemapindex", entries=entries)


def _safe_iter(sitemap: Sitemap) -> Iterator[dict[str, str]]:
    """Yield what a truncated or malformed sitemap holds before the damage."""
    try:
        yield from sitemap
    except SyntaxError:
        return


_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def listed_date(listed: Listed) -> date | None:
    """When a listed page or sitemap was published or last changed, as far as it says."""
    for value in (listed.published, listed.lastmod):
        if value:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                continue
    return None


def covers_since(listed: Listed, since: date) -> bool:
    """Whether a listed page or sitemap may hold anything from ``since`` on.

    A child sitemap is judged by its lastmod, else by the year (and month) in its URL, as
    monthly and yearly archive sitemaps are named; what cannot be dated is kept.
    """
    dated = listed_date(listed)
    if dated is not None:
        return dated >= since
    if match := _YEAR_MONTH.search(listed.url):
        year, month = int(match[1]), int(match[2])
        return (year, month) >= (since.year, since.month)
    if match := _YEAR.search(listed.url):
        return int(match[1]) >= since.year
    return True
