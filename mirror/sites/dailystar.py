"""The Daily Star (BD, Drupal): …/news/<slug>-<nodeid>, JSON-LD ``@graph`` (Drupal schema
module), desk bylines ("Staff Correspondent"), "Tue Mar 5, 2024 02:20 PM" dates (+06:00)."""

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
from mirror.story import Story, slugify

PREFIX = {"politics": "/news/bangladesh/politics", "crime": "/news/bangladesh/crime-justice",
          "economy": "/business/economy", "world": "/news/world/asia"}


class DailyStar(Site):
    source_id = "dailystar"
    host = "www.thedailystar.net"
    crawl_delay = 10
    name = "The Daily Star"
    staff = ("Mohammad Al-Masum Molla", "Ahammad Foyez", "Tuhin Shubhra Adhikary", "Rashad Ahamad",
             "Porimol Palma", "Naimul Karim", "Shamsuddoza Sajen")
    agencies = ("AFP", "Reuters", "UNB", "BSS")
    desks = ("Staff Correspondent", "Star Online Report", "Star Business Report",
             "Star Digital Report")
    credit_share = 0.35
    dateline = "Dhaka, "
    sections = (Section("politics", "Politics"), Section("crime", "Crime & Justice"),
                Section("economy", "Economy"), Section("world", "Asia"))
    feeds = (("/frontpage/rss.xml", "politics"), ("/rss.xml", None))
    section_pages = (("/news/bangladesh", "politics"), ("/business", "economy"))

    def article_path(self, story: Story, rng: random.Random) -> str:
        node = 1_700_000 + int(story.published.timestamp() // 86_400 - 17_900) * 900 + story.index
        return f"{PREFIX[story.section_slug]}/news/{slugify(story.title, 12)}-{node}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"card\"><h3 class=\"title\"><a href={attr(s.path)}>"
                       f"{esc(s.title)}</a></h3><p class=\"intro\">{esc(s.standfirst)}</p></div>"
                       for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"view-content\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@graph": [
            {"@type": "NewsArticle", "headline": story.title, "description": story.standfirst,
             "datePublished": story.published.isoformat(),
             "dateModified": story.published.isoformat(), "author": ld_authors(story),
             "publisher": {"@type": "Organization", "name": self.name}}]}
        who = " and ".join(story.byline)
        when = story.published.strftime("%a %b %-d, %Y %I:%M %p")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"breadcrumb\"><a href=\""
            f"{PREFIX[story.section_slug]}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"article-title\">{esc(story.title)}</h1>"
            f"<div class=\"byline\">{esc(who)}</div><div class=\"date\">{when}</div>"
            f"<div class=\"date last-update\">Last update on: {when}</div>"
            f"{share_bar('social-share')}{figure(story, 'caption')}"
            f"<div class=\"section-content clearfix\">{paragraphs_html(story.paragraphs)}</div>"
            "<div class=\"google-news-promo\"><p>Follow The Daily Star on Google News.</p></div>"
            f"{related_box('related-news', 'Related topics', story.related)}"
            f"{newsletter_box('newsletter-box', 'Daily Star')}</main>")
        return page(f"{story.title} | The Daily Star", og_meta(story, self) + json_ld(ld), body)


SITE = DailyStar()
