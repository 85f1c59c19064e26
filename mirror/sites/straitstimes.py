"""The Straits Times: JSON-LD NewsArticle (+08:00), /<section>[/<sub>]/<slug>, monthly sitemaps."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import and_join, esc, json_ld, paragraphs_html
from mirror.sites.base import (
    Section,
    Site,
    ld_authors,
    newsletter_box,
    og_meta,
    page,
    related_box,
    share_bar,
)
from mirror.story import Story, slugify

SUBS = {"asia": ["se-asia", "east-asia", "south-asia"], "world": ["united-states", "europe"]}


class StraitsTimes(Site):
    source_id = "straitstimes"
    host = "www.straitstimes.com"
    crawl_delay = 10
    name = "The Straits Times"
    staff = ("Tham Yuen-C", "Ng Wei Kai", "Goh Yan Han", "Shabana Begum", "Kok Yufeng", "Ang Qing",
             "Chin Soo Fang", "Lim Min Zhang", "Tay Hong Yi", "Osmond Chia")
    agencies = ("AFP", "Reuters", "Bloomberg")
    dateline = "SINGAPORE \u2013 "
    sections = (Section("singapore", "Singapore"), Section("asia", "Asia"),
                Section("world", "World"), Section("business", "Business"))
    feeds = tuple((f"/news/{s}/rss.xml", s) for s in ("singapore", "asia", "world", "business"))
    section_pages = (("/singapore", "singapore"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        sub = SUBS.get(story.section_slug)
        middle = f"/{rng.choice(sub)}" if sub else ""
        return f"/{story.section_slug}{middle}/{slugify(story.title, 12)}"

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "description": story.standfirst, "datePublished": story.published.isoformat(),
              "dateModified": story.published.isoformat(), "url": story.url,
              "articleSection": story.section_name,
              "author": ld_authors(story),
              "publisher": {"@type": "Organization", "name": self.name}}
        names = "".join(f"<span class=\"byline-name\">{esc(n)}</span>" for n in story.people)
        byline = names + (f"<span class=\"byline-agency\">{esc(and_join(story.agencies))}</span>"
                          if story.agencies else "")
        when = story.published.strftime("%b %d, %Y, %I:%M %p").replace(" 0", " ")
        body = (
            f"<header>{self.nav()}</header><main><nav class=\"breadcrumb\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></nav>"
            f"<h1 class=\"headline\">{esc(story.title)}</h1>"
            f"<p class=\"standfirst\">{esc(story.standfirst)}</p>"
            f"<figure><img src=\"/img/{story.index}.jpg\" alt=\"\"><figcaption>"
            f"{esc(story.photo_credit)}</figcaption></figure>"
            f"<div class=\"byline\">{byline}</div>"
            f"<div class=\"story-postdate\">Published {esc(when)}</div>{share_bar('share-bar')}"
            f"<div class=\"article-content\">{paragraphs_html(story.paragraphs)}"
            f"<div class=\"telegram-promo\"><p>Join ST's Telegram channel and get the latest "
            f"breaking news delivered to you.</p></div></div>"
            f"{related_box('related-stories', 'Read more', story.related)}"
            f"{newsletter_box('newsletter-signup', 'ST')}</main>")
        return page(f"{story.title} | The Straits Times",
                    og_meta(story, self) + json_ld(ld), body)

    def feed_item_creator(self, story: Story) -> str:
        return and_join(story.authors)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        months: dict[str, list[Story]] = {}
        for story in stories:
            key = f"/sitemap/{story.published.year}/{story.published.month}/feeds.xml"
            months.setdefault(key, []).append(story)
        out = {path: feeds.news_sitemap(self, items) for path, items in months.items()}
        out["/sitemap.xml"] = feeds.sitemap_index(self, sorted(months, reverse=True))
        out["/googlenews.xml"] = feeds.news_sitemap(self, stories[:20])
        return out


SITE = StraitsTimes()
