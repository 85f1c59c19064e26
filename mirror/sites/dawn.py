"""Dawn (Pakistan): /news/<id>/<slug>; markup guessed (JSON-LD NewsArticle, +05:00)."""

from __future__ import annotations

import random
from datetime import datetime

from mirror.markup import attr, esc, json_ld, paragraphs_html
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

EPOCH = datetime(2019, 1, 1).timestamp()


class Dawn(Site):
    source_id = "dawn"
    host = "www.dawn.com"
    name = "Dawn"
    staff = ("Iftikhar A. Khan", "Kalbe Ali", "Tariq Naqash", "Imran Gabol", "Syed Irfan Raza",
             "Nadir Guramani", "Amir Wasim", "Umer Farooq", "Sirajuddin")
    agencies = ("Reuters", "AFP", "APP")
    dateline = "ISLAMABAD: "
    sections = (Section("pakistan", "Pakistan"), Section("world", "World"),
                Section("business", "Business"), Section("sport", "Sport"))
    feeds = (("/feeds/home", None), ("/feeds/pakistan", "pakistan"), ("/feeds/world", "world"),
             ("/feeds/business", "business"), ("/feeds/sport", "sport"))
    section_pages = (("/pakistan", "pakistan"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        minutes = int((story.published.timestamp() - EPOCH) // 600)
        return f"/news/{1_400_000 + minutes * 10 + story.index % 10}/{slugify(story.title)}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<article class=\"story\"><h2 class=\"story__title\">"
                       f"<a class=\"story__link\" href={attr(s.path)}>{esc(s.title)}</a>"
                       "</h2></article>"
                       for s in stories)

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published.isoformat(), "url": story.url,
              "author": ld_authors(story)}
        names = [f"<a href=\"/authors/{i}\">{esc(n)}</a>" for i, n in enumerate(story.people)]
        agencies = " | ".join(story.agencies)
        byline = " | ".join([", ".join(names)] if names else []) + (
            f"{' | ' if names and agencies else ''}<span class=\"agency\">{esc(agencies)}</span>"
            if agencies else "")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"story__section\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h2 class=\"story__title\">{esc(story.title)}</h2>"
            f"<div class=\"story__byline\">{byline}</div><span class=\"timestamp--label\">"
            f"Published</span> <span class=\"timestamp--date\">"
            f"{story.published:%B %d, %Y}</span>{share_bar('social-share')}"
            f"<figure><img src=\"/img/{story.index}.jpg\" alt=\"\"><figcaption>"
            f"{esc(story.photo_credit)}</figcaption></figure>"
            f"<div class=\"story__content\">{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('related-stories', 'Related', story.related)}"
            f"{newsletter_box('newsletter-box', 'Dawn')}</main>")
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>")
        return page(f"{story.title} - Pakistan - DAWN.COM", meta + json_ld(ld), body)


SITE = Dawn()
