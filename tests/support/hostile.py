"""Hostile sites for the simulated internet, declared as sources the way a deployment adds its
own (``ANN_EXTRA_SOURCES_DIR``): member-like names, one fault each, and one real story on each
site that has one, to show that a site's hostile page costs only that page.

=============  ===========================================================================
source         what its site does
=============  ===========================================================================
bentnews       articles redirect (301/302, meta refresh) to an internal address, to a member
               name whose DNS points inside, and to another member's host
bombpost       an article is a gzip bomb (about 1 MB, more than 1 GiB inflated)
slowpost       (no feed: its sitemap) an article never finishes its response
downpost       robots.txt answers 503
calendarpost   (its sitemap) a calendar: sitemap indexes listing ever more sitemap indexes
heavypost      an article with a 40 KB keywords meta and a 2 MB body
=============  ===========================================================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.site import rss

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
ALLOW_ALL = "User-agent: *\nAllow: /\n"
CALENDAR_PREFIX = "/calendar/"
INTRANET = "intranet.bentnews.com"
"""A member-looking name whose DNS answers the address of the test's own machine."""
OTHER_MEMBER_URL = "https://www.dawn.com/news/1999999/bent"
"""Where bentnews redirects one article: a member's host, not bentnews's."""
HEAVY_KEYWORDS = "x" * 40_000

SOURCES = ("bentnews", "bombpost", "slowpost", "downpost", "calendarpost", "heavypost")


def host(source_id: str) -> str:
    return f"www.{source_id}.com"


def url(source_id: str, number: int) -> str:
    return f"https://{host(source_id)}/news/{number}"


def story(title: str, paragraphs: int = 8, keywords: str = "hostile") -> str:
    """A plain news article the indexer keeps: headline, date, byline, a body of sentences."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": title, "datePublished": "2026-11-30T06:00:00Z",
                     "author": {"@type": "Person", "name": "Ana Reporter"}})
    body = "".join(
        f"<p>The council of {title.split()[-1]} met on day {i} and agreed a plan for the "
        f"river embankment, the officials said after a long meeting in the town hall.</p>"
        for i in range(paragraphs))
    return (f'<html lang="en"><head><title>{title}</title>'
            f'<meta name="keywords" content="{keywords}">'
            f'<script type="application/ld+json">{ld}</script></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def sitemap(*urls: str) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')


def _source(source_id: str, feeds: bool) -> dict[str, Any]:
    home = f"https://{host(source_id)}"
    return {
        "id": source_id, "name": source_id.title(), "country": "SG", "languages": ["en"],
        "timezone": "Asia/Singapore", "domains": [f"{source_id}.com"], "confidence": "G",
        "entry_points": {"feeds": [f"{home}/feed/"] if feeds else [],
                         "sitemaps": [f"{home}/sitemap.xml"], "sections": []},
        "article_urls": {"allow": [rf"^https://www\.{source_id}\.com/news/\d{{4}}$"]},
        "politeness": {"delay_seconds": 5, "concurrency": 1},
    }


@dataclass(frozen=True)
class HostileSites:
    """What the hostile sites serve, and the one real story of each (indexed in the end)."""

    sites: dict[str, dict[str, dict[str, Any]]]
    stories: dict[str, str]
    """source id -> the URL of its real story."""

    @property
    def names(self) -> list[str]:
        return sorted(self.sites)

    def write(self, sources_dir: Path, sites_file: Path) -> None:
        """The source files (for ``ANN_EXTRA_SOURCES_DIR``) and the server's site list."""
        sources_dir.mkdir(parents=True, exist_ok=True)
        for source_id in SOURCES:
            data = _source(source_id, feeds=source_id != "slowpost")
            (sources_dir / f"{source_id}.yaml").write_text(yaml.safe_dump(data),
                                                           encoding="utf-8")
        calendars = {host("calendarpost"): CALENDAR_PREFIX}
        sites_file.write_text(json.dumps({"sites": self.sites, "calendars": calendars}),
                              encoding="utf-8")


def build(inside: str) -> HostileSites:
    """The sites, with ``inside`` (``address:port`` of a listener on the test's own machine)
    as the internal address redirects point to."""

    def page(body: str, headers: dict[str, str] = HTML, status: int = 200) -> dict[str, Any]:
        return {"status": status, "headers": headers, "body": body}

    def moved(location: str, status: int = 301) -> dict[str, Any]:
        return {"status": status, "headers": {"Location": location}, "body": ""}

    def feed(*urls: str) -> dict[str, Any]:
        return page(rss(*urls).decode(), RSS)

    stories = {s: url(s, n) for s, n in [("bentnews", 1005), ("bombpost", 2002),
                                         ("slowpost", 3002), ("calendarpost", 5001),
                                         ("heavypost", 6001)]}
    port = inside.rsplit(":", 1)[1]
    bent = [url("bentnews", n) for n in range(1001, 1006)]
    sites: dict[str, dict[str, dict[str, Any]]] = {
        host("bentnews"): {
            "/feed/": feed(*bent),
            "/news/1001": moved(f"http://{inside}/latest/meta-data/"),
            "/news/1002": moved(f"https://{INTRANET}:{port}/admin", 302),
            "/news/1003": moved(OTHER_MEMBER_URL),
            "/news/1004": page('<html><head><meta http-equiv="refresh" content="0; '
                               f'url=http://{inside}/"></head><body></body></html>'),
            "/news/1005": page(story("Flood defences for Bentley")),
        },
        host("bombpost"): {
            "/feed/": feed(url("bombpost", 2001), url("bombpost", 2002)),
            "/news/2001": {"hostile": "gzip_bomb"},
            "/news/2002": page(story("Harvest festival in Bombay Hill")),
        },
        host("slowpost"): {
            "/sitemap.xml": page(sitemap(url("slowpost", 3001), url("slowpost", 3002)), XML),
            "/news/3001": {"hostile": "never_finishes"},
            "/news/3002": page(story("New ferry for Slowbridge")),
        },
        host("downpost"): {
            "/robots.txt": page("down for maintenance", {"Content-Type": "text/plain"}, 503),
            "/feed/": feed(url("downpost", 4001)),
            "/news/4001": page(story("Market day in Downham")),
        },
        host("calendarpost"): {
            "/feed/": feed(url("calendarpost", 5001)),
            "/sitemap.xml": page(
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.'
                'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://'
                f'{host("calendarpost")}{CALENDAR_PREFIX}1.xml</loc></sitemap></sitemapindex>',
                XML),
            "/news/5001": page(story("School reopens in Calder")),
        },
        host("heavypost"): {
            "/feed/": feed(url("heavypost", 6001)),
            "/news/6001": page(story("Heavy rain over Heaviton", 13_500, HEAVY_KEYWORDS)),
        },
    }
    for routes in sites.values():
        routes.setdefault("/robots.txt", page(ALLOW_ALL, {"Content-Type": "text/plain"}))
    return HostileSites(sites, stories)
