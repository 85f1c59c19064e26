"""The Island (LK) — a guess (G): WordPress /<slug>/, Yoast ``@graph`` with a plain ``Article``
whose author is the CMS account ("Editor"), while the real byline is the first, bold line of
the content ("By Rathindra Kuruwita"): trusting JSON-LD authors here is wrong."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import Section, Site, figure, og_meta, page, related_box, share_bar
from mirror.sites.wordpress import wp_path, yoast_graph, yoast_sitemaps
from mirror.story import Story


class Island(Site):
    source_id = "island"
    host = "island.lk"
    name = "The Island"
    staff = ("Rathindra Kuruwita", "Shamindra Ferdinando", "Sanath Nanayakkare",
             "Hiran H. Senewiratne", "Dinasena Ratugamage")
    agencies = ()
    dateline = ""
    sections = (Section("news", "News"), Section("business", "Business"),
                Section("features", "Features"))
    feeds = (("/feed/", None),)
    section_pages = (("/category/news/", "news"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return wp_path(story)

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<article class=\"post\"><h2 class=\"entry-title\"><a href={attr(s.path)}>"
                       f"{esc(s.title)}</a></h2></article>" for s in stories)

    def render_article(self, story: Story) -> str:
        graph = yoast_graph(self, story, "Article", author={"name": "Editor"})
        body = (
            f"<header>{self.nav()}</header><main><article class=\"post\">"
            f"<h1 class=\"entry-title\">{esc(story.title)}</h1><div class=\"entry-meta\">"
            f"<span class=\"posted-on\">{story.published:%B %-d, %Y, %-I:%M %p}</span>"
            f"<span class=\"cat-links\"><a href=\"/category/{story.section_slug}/\">"
            f"{esc(story.section_name)}</a></span></div>{figure(story, 'wp-caption-text')}"
            f"<div class=\"entry-content\"><p><strong>By {esc(' and '.join(story.byline))}"
            f"</strong></p>{paragraphs_html(story.paragraphs)}</div>{share_bar('sharedaddy')}"
            f"{related_box('jp-relatedposts', 'Related', story.related)}</article></main>")
        return page(f"{story.title} - The Island", og_meta(story, self) + json_ld(graph), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return yoast_sitemaps(self, stories)


SITE = Island()
