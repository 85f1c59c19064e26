"""The Phnom Penh Post (KH): /<section>/<slug>, JSON-LD NewsArticle (+07:00), visible
"Publication date 05 March 2024 | 14:20 ICT"; a news sitemap behind an index, no feed (G)."""

from __future__ import annotations

import random

from mirror import feeds
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


class PhnomPenhPost(Site):
    source_id = "phnompenhpost"
    host = "www.phnompenhpost.com"
    name = "The Phnom Penh Post"
    staff = ("Hin Pisei", "Niem Chheng", "Khouth Sophak Chakrya", "May Kunmakara", "Phak Seangly",
             "Ry Sochan", "Long Kimmarita")
    agencies = ("Xinhua", "AFP")
    dateline = ""
    sections = (Section("national", "National"), Section("business", "Business"),
                Section("international", "International"), Section("politics", "Politics"))
    feeds = ()
    section_pages = (("/national", "national"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/{story.section_slug}/{slugify(story.title, 14)}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<div class=\"news-item\"><div class=\"news-title\"><a href="
                       f"{attr(s.path)}>{esc(s.title)}</a></div></div>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"category-news-list\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published.isoformat(), "author": ld_authors(story),
              "mainEntityOfPage": {"@type": "WebPage", "@id": story.url}}
        who = "".join(f"<a class=\"author-name\" href=\"/author/{slugify(n)}\">{esc(n)}</a>"
                      for n in story.byline)
        body = (
            f"<header>{self.nav()}</header><main><div class=\"category-name\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"title-detail\">{esc(story.title)}</h1>"
            f"<div class=\"author\">{who}</div><div class=\"publish-date\">Publication date "
            f"{story.published:%d %B %Y | %H:%M} ICT</div>{share_bar('share-social')}"
            f"{figure(story)}<div id=\"ArticleBody\">{paragraphs_html(story.paragraphs)}</div>"
            f"{related_box('related-articles', 'Related Articles', story.related)}"
            f"{newsletter_box('newsletter-box', 'Post Brief')}</main>")
        return page(f"{story.title} | Phnom Penh Post", og_meta(story, self) + json_ld(ld), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/sitemap.xml": feeds.sitemap_index(self, ["/sitemap-news.xml"]),
                "/sitemap-news.xml": feeds.news_sitemap(self, stories)}


SITE = PhnomPenhPost()
