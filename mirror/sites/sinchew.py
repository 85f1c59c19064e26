"""Sin Chew Daily (星洲日报, MY, Chinese): shape guessed (G) — /news/YYYYMMDD/<cat>/<id>,
JSON-LD NewsArticle with ``inLanguage: zh``, Chinese byline "报道：…" and a Chinese date."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import (
    Section,
    Site,
    figure,
    ld_authors,
    og_meta,
    page,
    related_box,
    share_bar,
)
from mirror.story import Story

RELATED = "\u76f8\u5173\u65b0\u95fb"  # "related news"


class SinChew(Site):
    source_id = "sinchew"
    host = "www.sinchew.com.my"
    name = "Sin Chew Daily"
    staff = ("黄丽娜", "陈家鸿", "林德成", "李静芬", "郑月萍", "王俊杰", "刘伟强", "张秀云")
    agencies = ("法新社", "路透社")
    language = "zh"
    dateline = "\uff08\u5409\u9686\u5761\u8baf\uff09"  # "(Kuala Lumpur report)"
    sections = (Section("nation", "\u56fd\u5185"), Section("international", "\u56fd\u9645"),
                Section("finance", "\u8d22\u7ecf"), Section("local", "\u5730\u65b9"))
    feeds = ()
    section_pages = (("/category/nation", "nation"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        number = 4_000_000 + story.index * 1_237 + rng.randrange(1_000)
        return f"/news/{story.published:%Y%m%d}/{story.section_slug}/{number}"

    def list_html(self, stories: list[Story]) -> str:
        items = "".join(f"<div class=\"article-item\"><a class=\"article-link\" "
                        f"href={attr(s.path)}><h2>{esc(s.title)}</h2></a></div>" for s in stories)
        return f"<div class=\"article-list\">{items}</div>"

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "inLanguage": "zh", "datePublished": story.published.isoformat(),
              "author": ld_authors(story), "articleSection": story.section_name}
        byline = ("\u62a5\u9053\uff1a" + "\u3001".join(story.people) if story.people
                  else f"\uff08{story.agencies[0]}\uff09")
        when = (f"{story.published.year}\u5e74{story.published.month}\u6708"
                f"{story.published.day}\u65e5 {story.published:%H:%M}")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"breadcrumb\"><a href=\"/category/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"article-title\">{esc(story.title)}</h1>"
            f"<div class=\"article-meta\"><span class=\"byline\">{esc(byline)}</span>"
            f"<span class=\"time\">{when}</span></div>{share_bar('share-bar')}"
            f"{figure(story)}<div class=\"article-page-content\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            "<div class=\"app-promo\"><p>\u4e0b\u8f7d\u661f\u6d32\u7f51App\uff0c"
            "\u638c\u63e1\u6700\u65b0\u8d44\u8baf\u3002</p></div>"
            f"{related_box('related-news', RELATED, story.related)}</main>")
        return page(f"{story.title} | \u661f\u6d32\u7f51 Sin Chew Daily",
                    og_meta(story, self) + json_ld(ld), body, lang="zh")

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/sitemap.xml": feeds.sitemap_index(self, ["/sitemap/news.xml"]),
                "/sitemap/news.xml": feeds.news_sitemap(self, stories)}


SITE = SinChew()
