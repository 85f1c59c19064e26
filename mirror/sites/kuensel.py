"""Kuensel (BT, WordPress, tagDiv theme — G): /<slug>/ permalinks, no JSON-LD, OG +
``article:published_time`` (+06:00), "Edited by …" sign-off at the foot of the story."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import attr, esc, paragraphs_html
from mirror.sites.base import Section, Site, figure, og_meta, page, related_box, share_bar
from mirror.sites.wordpress import wp_path
from mirror.story import Story

EDITORS = ("Tshering Palden", "Ugyen Penjore", "Sherab Lhamo")


class Kuensel(Site):
    source_id = "kuensel"
    host = "kuenselonline.com"
    name = "Kuensel"
    staff = ("Thinley Namgay", "Yangchen C Rinzin", "Nima Wangdi", "Choki Wangmo", "Dechen Dolkar",
             "Jigme Wangchuk", "Tshering Palden")
    agencies = ()
    desks = ("Staff Reporter",)
    dateline = ""
    sections = (Section("news", "News"), Section("business", "Business"),
                Section("editorial", "Editorial"))
    feeds = (("/feed/", None),)
    section_pages = (("/category/news/", "news"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return wp_path(story)

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"td_module_10\"><h3 class=\"entry-title td-module-title\">"
                       f"<a href={attr(s.path)}>{esc(s.title)}</a></h3></div>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"td-ss-main-content\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        who = " and ".join(story.byline)
        editor = EDITORS[story.index % len(EDITORS)]
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>")
        body = (
            f"<header>{self.nav()}</header><main><article class=\"td-post-content-wrap\">"
            f"<ul class=\"td-category\"><li><a href=\"/category/{story.section_slug}/\">"
            f"{esc(story.section_name)}</a></li></ul>"
            f"<h1 class=\"entry-title\">{esc(story.title)}</h1>"
            f"<div class=\"td-post-author-name\">{esc(who)}</div>"
            f"<span class=\"td-post-date\"><time class=\"entry-date\" datetime="
            f"{attr(story.published.isoformat())}>{story.published:%B %-d, %Y}</time></span>"
            f"{share_bar('td-post-sharing')}{figure(story, 'wp-caption-text')}"
            f"<div class=\"td-post-content\">{paragraphs_html(story.paragraphs)}"
            f"<p class=\"edited-by\">Edited by {esc(editor)}</p></div>"
            f"{related_box('td-related', 'Related Posts', story.related)}</article></main>")
        return page(f"{story.title} - Kuensel Online", meta, body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        # G: WordPress core sitemaps (5.5+), which list every post.
        return {"/wp-sitemap.xml": feeds.sitemap_index(self, ["/wp-sitemap-posts-post-1.xml"]),
                "/wp-sitemap-posts-post-1.xml": feeds.urlset(stories)}


SITE = Kuensel()
