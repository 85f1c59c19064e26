"""The Jakarta Post: /<section>/YYYY/MM/DD/<slug>.html; no feed, a sitemap index; markup guessed."""

from __future__ import annotations

import random

from mirror import feeds
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


class JakartaPost(Site):
    source_id = "jakartapost"
    host = "www.thejakartapost.com"
    name = "The Jakarta Post"
    staff = ("Dio Suhenda", "Yerica Lai", "Divya Karyza", "Tenggara Strategics", "Radhiyya Indra",
             "Nur Janti", "Fadli", "Ruth Dea Juwita", "Dian Septiari")
    agencies = ("AFP", "Reuters", "Antara")
    dateline = "JAKARTA — "
    sections = (Section("indonesia", "Indonesia"), Section("world", "World"),
                Section("business", "Business"), Section("opinion", "Opinion"))
    feeds = ()
    section_pages = (("/indonesia", "indonesia"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/{story.section_slug}/{story.published:%Y/%m/%d}/{slugify(story.title)}.html"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"latestDetail\"><h2 class=\"titleNews\">"
                       f"<a href={attr(s.path)}>"
                       f"{esc(s.title)}</a></h2></div>" for s in stories)

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published.isoformat(),
              "author": ld_authors(story)}
        who = "".join(f"<span class=\"name\">{esc(n)}</span>" for n in story.people) or (
            f"<span class=\"name\">{esc(story.agencies[0])}</span>")
        suffix = "(The Jakarta Post)" if story.people else ""
        body = (
            f"<header>{self.nav()}</header><main><div class=\"tjp-breadcrumb\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"tjp-title\">{esc(story.title)}</h1>"
            f"<p class=\"tjp-summary\">{esc(story.standfirst)}</p>"
            f"<div class=\"tjp-byline\">{who} {suffix}<span class=\"date\">Jakarta ● "
            f"{story.published:%a, %B %d, %Y}</span></div>{share_bar('tjp-share')}"
            f"<figure><img src=\"/img/{story.index}.jpg\" alt=\"\"><figcaption>"
            f"{esc(story.photo_credit)}</figcaption></figure>"
            f"<div class=\"tjp-single__content\">{paragraphs_html(story.paragraphs)}"
            f"<div class=\"tjp-premium-box\"><p>Subscribe to read the full archive.</p></div></div>"
            f"{related_box('tjp-related', 'Related Articles', story.related)}"
            f"{newsletter_box('tjp-newsletter', 'Jakarta Post')}</main>")
        return page(f"{story.title} - Academia - The Jakarta Post",
                    og_meta(story, self) + json_ld(ld), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/sitemap.xml": feeds.sitemap_index(self, ["/sitemap/news.xml"]),
                "/sitemap/news.xml": feeds.news_sitemap(self, stories)}


SITE = JakartaPost()
