"""The Statesman (IN): /<section>/<slug>-<10-digit id>.html, flat JSON-LD NewsArticle (+05:30),
"SNS"/PTI credits, "New Delhi | March 5, 2024 2:20 pm"; monthly sitemaps, no feed (G)."""

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
from mirror.story import Story, slugify


class Statesman(Site):
    source_id = "statesman"
    host = "www.thestatesman.com"
    name = "The Statesman"
    staff = ("Aditi Chakraborty", "Ruchika Tandon", "Ravindra Kumar", "Bikash Singh", "Smita Ghosh",
             "Vikram Sood")
    agencies = ("PTI", "IANS")
    desks = ("SNS", "Statesman News Service")
    credit_share = 0.3
    dateline = "New Delhi, "
    sections = (Section("india", "India"), Section("world", "World"),
                Section("business", "Business"), Section("cities", "Cities"))
    feeds = ()
    section_pages = (("/india", "india"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        number = 1_503_000_000 + int(story.published.timestamp() // 60) % 900_000 * 100
        return f"/{story.section_slug}/{slugify(story.title)}-{number + story.index}.html"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"post-item\"><h2 class=\"post-title\"><a href="
                       f"{attr(s.path)}>{esc(s.title)}</a></h2></div>" for s in stories)

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published.isoformat(), "author": ld_authors(story),
              "image": f"{self.base()}/img/{story.index}.jpg"}
        when = story.published.strftime("%B %-d, %Y %-I:%M %p").replace("AM", "am").replace(
            "PM", "pm")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"breadcrumb\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"post-title\">{esc(story.title)}</h1>"
            f"<p class=\"excerpt\">{esc(story.standfirst)}</p>"
            f"<div class=\"post-meta\"><span class=\"author\">{esc(' | '.join(story.byline))}"
            f"</span> <span class=\"date\">New Delhi | {when}</span></div>"
            f"{share_bar('share-links')}{figure(story)}"
            f"<div class=\"post-content\">{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('also-read', 'Also Read', story.related)}</main>")
        return page(f"{story.title} - The Statesman", og_meta(story, self) + json_ld(ld), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        months: dict[str, list[Story]] = {}
        for story in stories:
            months.setdefault(f"/sitemaps/{story.published:%Y-%m}.xml", []).append(story)
        out = {path: feeds.urlset(items) for path, items in months.items()}
        out["/sitemap.xml"] = feeds.sitemap_index(self, sorted(months, reverse=True))
        return out


SITE = Statesman()
