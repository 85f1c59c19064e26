"""Discovery over the real feeds and sitemaps of shared/fixtures/feeds-corpus."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crawler.discovery import Listed, covers_since, feed_entries, sitemap_entries


def _corpus(shared_dir: Path) -> tuple[Path, list[dict[str, Any]]]:
    root = shared_dir / "fixtures" / "feeds-corpus"
    return root, json.loads((root / "manifest.json").read_text())["files"]


@pytest.mark.needs_shared
@pytest.mark.slow  # every feed and sitemap of the corpus
def test_every_feed_and_sitemap_of_the_corpus_is_read_without_error(shared_dir: Path) -> None:
    root, files = _corpus(shared_dir)
    read = 0
    for entry in files:
        body = (root / entry["path"]).read_bytes()
        if entry["category"] == "feeds":
            feed_entries(body, "https://example.org/")
            read += 1
        elif entry["category"] == "sitemaps":
            sitemap_entries(body, "https://example.org/")
            read += 1
    assert read == 452


@pytest.mark.needs_shared
def test_real_feeds_yield_every_entry(shared_dir: Path) -> None:
    root, files = _corpus(shared_dir)
    real = [f for f in files if f["category"] == "feeds" and f["origin"] == "real"
            and not f["parse"]["feedparser_bozo"]]
    # One real feed nests items illegally; feedparser keeps the inner ones only.
    mismatched = [
        f["path"] for f in real
        if len(feed_entries((root / f["path"]).read_bytes(), "https://example.org/"))
        != f["parse"]["feedparser_entries"]
    ]
    assert len(real) == 46
    assert mismatched == ["feeds/danmactough+node-feedparser/test/feeds/illegally-nested.xml"]


@pytest.mark.needs_shared
@pytest.mark.parametrize("kind", ["urlset", "sitemapindex"])
def test_sitemaps_yield_every_location(shared_dir: Path, kind: str) -> None:
    root, files = _corpus(shared_dir)
    checked = 0
    for f in files:
        parse = f["parse"]
        if f["category"] != "sitemaps" or parse.get("format") != kind:
            continue
        page = sitemap_entries((root / f["path"]).read_bytes(), "https://example.org/")
        body = (root / f["path"]).read_bytes()
        if b"<loc" not in body or b"hreflang" in body:
            continue  # no <loc> (not a valid sitemap), or alternates counted differently
        assert page.is_index == (kind == "sitemapindex"), f["path"]
        expected = parse["sitemap_entries"] if page.is_index else parse["url_entries"]
        assert len(page.entries) == expected, f["path"]
        checked += 1
    assert checked >= 3


def test_feed_links_are_made_absolute() -> None:
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>A</title><link>/news/1/a</link>"
            b"<pubDate>Tue, 02 Jan 2024 10:00:00 +0800</pubDate></item></channel></rss>")
    [entry] = feed_entries(body, "https://www.dawn.com/feeds/home")
    assert entry.url == "https://www.dawn.com/news/1/a"
    assert entry.title == "A"
    assert entry.published == "2024-01-02T02:00:00+00:00"


@pytest.mark.parametrize(
    ("url", "lastmod", "kept"),
    [
        ("https://www.straitstimes.com/sitemap/2024/6/feeds.xml", None, True),
        ("https://www.straitstimes.com/sitemap/2024/5/feeds.xml", None, False),
        ("https://www.thestatesman.com/sitemaps/2023-12.xml", None, False),
        ("https://japannews.yomiuri.co.jp/sitemap-posts-2024.xml", None, True),
        ("https://japannews.yomiuri.co.jp/sitemap-posts-2023.xml", None, False),
        ("https://example.com/sitemap-news.xml", None, True),
        ("https://example.com/sitemap-1.xml", "2024-05-31T23:00:00+08:00", False),
        ("https://example.com/sitemap-1.xml", "2024-06-01", True),
    ],
)
def test_backfill_keeps_what_may_hold_pages_since_the_date(
    url: str, lastmod: str | None, kept: bool
) -> None:
    assert covers_since(Listed(url=url, lastmod=lastmod), date(2024, 6, 1)) is kept
