"""Eleven (MM) — a guess (G): Drupal, /news/<slug>, /rss.xml, no JSON-LD;
``article:published_time`` in Drupal's offset without a colon ("+0630", Myanmar time)."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, paragraphs_html
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
from mirror.story import Story, slugify


class Eleven(Site):
    source_id = "eleven"
    host = "elevenmyanmar.com"
    name = "Eleven Myanmar"
    staff = ("Thet Naing", "Aye Aye Thant", "Zaw Min Oo", "Kyaw Soe Htet", "Nang Hsu Myat")
    agencies = ("Xinhua", "AFP")
    desks = ("Eleven Media Group",)
    dateline = ""
    sections = (Section("politics", "Politics"), Section("economy", "Economy"),
                Section("local", "Local"), Section("asean", "Asean"))
    feeds = (("/rss.xml", None),)
    section_pages = (("/politics", "politics"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/news/{slugify(story.title, 8)}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"views-row\"><span class=\"field-content\"><a href="
                       f"{attr(s.path)}>{esc(s.title)}</a></span></div>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"view-content\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content=\"{story.published:%Y-%m-%dT%H:%M:%S%z}\">")
        body = (
            f"<header>{self.nav()}</header><main><h1 class=\"page-header\">{esc(story.title)}"
            f"</h1><div class=\"field-name-field-author\">{esc(' and '.join(story.byline))}"
            f"</div><div class=\"field-name-post-date\">{story.published:%d %B %Y}</div>"
            f"{share_bar('addtoany')}{figure(story)}<div class=\"field-name-body\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            f"<div class=\"field-name-field-tags\"><a href=\"/{story.section_slug}\">"
            f"{esc(story.section_name)}</a></div>"
            f"{related_box('related-content', 'Related news', story.related)}"
            f"{newsletter_box('newsletter-box', 'Eleven')}</main>")
        return page(f"{story.title} | Eleven Myanmar", meta, body)


SITE = Eleven()
