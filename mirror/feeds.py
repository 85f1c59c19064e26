"""RSS 2.0 feeds, news sitemaps and sitemap indexes, as the members publish them.

Built with lxml so that titles with ``&`` or quotes never yield malformed XML.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

if TYPE_CHECKING:
    from mirror.sites.base import Site
    from mirror.story import Story

DC = "http://purl.org/dc/elements/1.1/"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def _sub(parent: Any, tag: str, text: str | None = None) -> Any:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def _serialize(root: Any) -> str:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8")


def rss(site: Site, path: str, stories: list[Story]) -> str:
    root = etree.Element("rss", nsmap={"dc": DC}, version="2.0")
    channel = _sub(root, "channel")
    _sub(channel, "title", site.name)
    _sub(channel, "link", site.base() + "/")
    _sub(channel, "description", f"Latest news from {site.name}")
    _sub(channel, "language", site.language)
    if stories:
        _sub(channel, "lastBuildDate", format_datetime(stories[0].published))
    for story in stories:
        item = _sub(channel, "item")
        _sub(item, "title", story.title)
        _sub(item, "link", story.url)
        _sub(item, "guid", story.url).set("isPermaLink", "true")
        _sub(item, "description", story.standfirst)
        _sub(item, "pubDate", format_datetime(story.published))
        creator = site.feed_item_creator(story)
        if creator:
            _sub(item, f"{{{DC}}}creator", creator)
        _sub(item, "category", story.section_name)
    return _serialize(root)


def news_sitemap(site: Site, stories: list[Story]) -> str:
    root = etree.Element(f"{{{SM}}}urlset", nsmap={None: SM, "news": NEWS})
    for story in stories:
        url = _sub(root, f"{{{SM}}}url")
        _sub(url, f"{{{SM}}}loc", story.url)
        _sub(url, f"{{{SM}}}lastmod", story.published.isoformat())
        news = _sub(url, f"{{{NEWS}}}news")
        publication = _sub(news, f"{{{NEWS}}}publication")
        _sub(publication, f"{{{NEWS}}}name", site.name)
        _sub(publication, f"{{{NEWS}}}language", site.language)
        _sub(news, f"{{{NEWS}}}publication_date", story.published.isoformat())
        _sub(news, f"{{{NEWS}}}title", story.title)
    return _serialize(root)


def sitemap_index(site: Site, paths: list[str]) -> str:
    root = etree.Element(f"{{{SM}}}sitemapindex", nsmap={None: SM})
    for path in paths:
        entry = _sub(root, f"{{{SM}}}sitemap")
        _sub(entry, f"{{{SM}}}loc", site.base() + path)
    return _serialize(root)


def urlset(stories: list[Story]) -> str:
    """A plain sitemap (WordPress core): loc and lastmod only."""
    root = etree.Element(f"{{{SM}}}urlset", nsmap={None: SM})
    for story in stories:
        url = _sub(root, f"{{{SM}}}url")
        _sub(url, f"{{{SM}}}loc", story.url)
        _sub(url, f"{{{SM}}}lastmod", story.published.isoformat())
    return _serialize(root)
