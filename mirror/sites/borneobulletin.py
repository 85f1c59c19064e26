"""Borneo Bulletin (BN) — a guess (G): WordPress /<slug>/, Yoast ``@graph`` NewsArticle
(+08:00), core wp-sitemap, "ANN/The Star" and Xinhua credits on regional copy."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import (
    Section,
    Site,
    figure,
    newsletter_box,
    og_meta,
    page,
    related_box,
    share_bar,
)
from mirror.sites.wordpress import wp_path, yoast_graph
from mirror.story import Story


class BorneoBulletin(Site):
    source_id = "borneobulletin"
    host = "borneobulletin.com.bn"
    name = "Borneo Bulletin"
    staff = ("Azlan Othman", "James Kon", "Izah Azahari", "Daniel Lim", "Fadhil Yunus",
             "Wani Roslan")
    agencies = ("Xinhua", "ANN/The Star", "Bernama")
    dateline = ""
    sections = (Section("national", "National"), Section("asia", "Asia"),
                Section("business", "Business"))
    feeds = (("/feed/", None), ("/category/national/feed/", "national"))
    section_pages = (("/category/national/", "national"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return wp_path(story)

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"jeg_post\"><h3 class=\"jeg_post_title\"><a href="
                       f"{attr(s.path)}>{esc(s.title)}</a></h3></div>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"jeg_posts\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        graph = yoast_graph(self, story, "NewsArticle")
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"jeg_meta_category\"><a href="
            f"\"/category/{story.section_slug}/\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"jeg_post_title\">{esc(story.title)}</h1><div class=\"jeg_meta_author\">"
            f"{' &amp; '.join(esc(a) for a in story.byline)}</div><div class=\"jeg_meta_date\">"
            f"{story.published:%B %-d, %Y}</div>{share_bar('jeg_share_button')}"
            f"{figure(story, 'wp-caption-text')}<div class=\"content-inner\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('jnews_related_post_container', 'Related Posts', story.related)}"
            f"{newsletter_box('newsletter-box', 'Borneo Bulletin')}</main>")
        return page(f"{story.title} | Borneo Bulletin Online", meta + json_ld(graph), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/wp-sitemap.xml": feeds.sitemap_index(self, ["/wp-sitemap-posts-post-1.xml"]),
                "/wp-sitemap-posts-post-1.xml": feeds.urlset(stories)}


SITE = BorneoBulletin()
