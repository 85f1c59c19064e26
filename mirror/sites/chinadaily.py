"""China Daily: no JSON-LD; OG without og:type, meta publishdate (date only) and meta author."""

from __future__ import annotations

import hashlib
import random

from mirror.markup import attr, esc, paragraphs_html
from mirror.sites.base import Section, Site, newsletter_box, og_meta, page, related_box, share_bar
from mirror.story import Story


class ChinaDaily(Site):
    source_id = "chinadaily"
    host = "www.chinadaily.com.cn"
    crawl_delay = 30
    name = "China Daily"
    staff = ("Zhang Yi", "Cao Desheng", "Wang Xiaodong", "Li Lei", "Zhou Jin", "Hou Liqiang",
             "Mo Jingxi", "Xu Wei", "Chen Meiling", "Zheng Xin")
    agencies = ("Xinhua",)
    dateline = "BEIJING — "
    sections = (Section("china", "China"), Section("world", "World"),
                Section("business", "Business"))
    feeds = (("/rss/china_rss.xml", "china"), ("/rss/world_rss.xml", "world"),
             ("/rss/bizchina_rss.xml", "business"))
    section_pages = (("/china", "china"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        digest = hashlib.sha1(
            f"{story.source_id}/{story.index}/{story.title}".encode(), usedforsecurity=False
        ).hexdigest()
        return f"/a/{story.published:%Y%m/%d}/WS{digest[:24]}.html"

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"lft_art\">{inner}</div>"

    def list_item(self, story: Story) -> str:
        return (f"<div class=\"mb10\"><h4><a href={attr(story.path)}>{esc(story.title)}</a></h4>"
                f"<p>{esc(story.standfirst)}</p></div>")

    def render_article(self, story: Story) -> str:
        byline = " and ".join(story.people) if story.people else story.agencies[0]
        meta = og_meta(story, self, og_type=False) + (
            f"<meta name=\"publishdate\" content=\"{story.published:%Y-%m-%d}\">"
            f"<meta name=\"author\" content={attr(byline)}>"
            f"<meta name=\"description\" content={attr(story.standfirst)}>")
        body = (
            f"<header>{self.nav()}</header><div class=\"main_art\"><div class=\"da-bre\">"
            f"<a href=\"/\">Home</a> / <a href=\"/{story.section_slug}\">"
            f"{esc(story.section_name)}</a></div><h1>{esc(story.title)}</h1>"
            f"<div class=\"info\"><span class=\"info_l\">By {esc(byline)} | China Daily | Updated:"
            f" {story.published:%Y-%m-%d %H:%M}</span></div>{share_bar('share-bar')}"
            f"<div id=\"Content\"><figure><img src=\"/img/{story.index}.jpg\" alt=\"\">"
            f"<p class=\"picture-credit\">{esc(story.photo_credit)}</p></figure>"
            f"{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('related-news', 'Related Stories', story.related)}"
            f"{newsletter_box('newsletter', 'China Daily')}</div>")
        return page(f"{story.title} - Chinadaily.com.cn", meta, body)


SITE = ChinaDaily()
