"""The Nation (TH): /news/<section>/<8-digit id> (S), JSON-LD NewsArticle (+07:00) with the
paper as publisher and often as the only author ("The Nation"); /rss uncertain (G)."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import (
    Section,
    Site,
    figure,
    ld_authors,
    newsletter_box,
    og_meta,
    page,
    related_box,
    share_bar,
)
from mirror.story import Story


class NationThailand(Site):
    source_id = "nationthailand"
    host = "www.nationthailand.com"
    name = "The Nation"
    staff = ("Jintana Panyaarvudh", "Pratch Rujivanarom", "Kas Chanwanpen", "Thanapat Kitjakosol",
             "Chularat Saengpassa")
    agencies = ("Reuters", "Xinhua")
    desks = ("The Nation",)
    dateline = ""
    sections = (Section("politics", "Politics"), Section("general", "General"),
                Section("world", "World"), Section("business", "Business"))
    feeds = (("/rss", None),)
    section_pages = (("/news/politics", "politics"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        days = int(story.published.timestamp() // 86_400) - 17_897
        return f"/news/{story.section_slug}/{40_000_000 + days * 100 + story.index % 100}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"card-wrapper\"><a class=\"card-link\" href={attr(s.path)}>"
                       f"<h3 class=\"card-title\">{esc(s.title)}</h3></a></div>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<section class=\"section-news\">{inner}</section>"

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "description": story.standfirst, "datePublished": story.published.isoformat(),
              "dateModified": story.published.isoformat(), "author": ld_authors(story),
              "publisher": {"@type": "NewsMediaOrganization", "name": "Nation Thailand"}}
        body = (
            f"<header>{self.nav()}</header><main><div class=\"tag-section\"><a href=\"/news/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"title\">{esc(story.title)}</h1>"
            f"<p class=\"blurb\">{esc(story.standfirst)}</p><div class=\"detail-meta\">"
            f"<span class=\"author\">{esc(', '.join(story.byline))}</span>"
            f"<span class=\"date\">{story.published:%b %d, %Y | %H:%M}</span></div>"
            f"{share_bar('share-widget')}{figure(story)}"
            f"<div class=\"content-detail\">{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('related-news', 'Related News', story.related)}"
            f"{newsletter_box('newsletter-box', 'Nation Thailand')}</main>")
        return page(f"{story.title} - Nation Thailand", og_meta(story, self) + json_ld(ld), body)


SITE = NationThailand()
