"""The Star (Malaysia): date in the URL; page markup is a guess (OG + article:published_time)."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, paragraphs_html
from mirror.sites.base import Section, Site, newsletter_box, og_meta, page, related_box, share_bar
from mirror.story import Story, slugify


class TheStar(Site):
    source_id = "thestar"
    host = "www.thestar.com.my"
    name = "The Star"
    staff = ("Martin Carvalho", "Hana Naz Harun", "Rahimy Rahim", "Tarrence Tan", "Jerry Choong",
             "Nadia Hamid", "Rema Nambiar", "Esther Landau", "Yuen Meikeng")
    agencies = ("Bernama", "Reuters", "AFP")
    dateline = "KUALA LUMPUR: "
    sections = (Section("news/nation", "Nation"), Section("business/business-news", "Business"),
                Section("metro/metro-news", "Metro"), Section("news/regional", "Regional"))
    feeds = (("/rss/News/Nation", "news/nation"), ("/rss/Business", "business/business-news"),
             ("/rss/Metro", "metro/metro-news"), ("/rss/News/Regional", "news/regional"))
    section_pages = (("/news/nation", "news/nation"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/{story.section_slug}/{story.published:%Y/%m/%d}/{slugify(story.title)}"

    def section_list_wrapper(self, inner: str) -> str:
        return f"<section class=\"story-list\">{inner}</section>"

    def list_item(self, story: Story) -> str:
        return (f"<div class=\"row\"><h2 class=\"f18\"><a href={attr(story.path)}>"
                f"{esc(story.title)}</a></h2></div>")

    def render_article(self, story: Story) -> str:
        credit = [f"<a href=\"/authors?q={i}\">{esc(n)}</a>" for i, n in enumerate(story.people)]
        credit += [f"<a href=\"/tag/{esc(a.lower())}\">{esc(a)}</a>" for a in story.agencies]
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>"
            f"<meta name=\"content_id\" content=\"{story.index}\">")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"kicker\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"headline\">{esc(story.title)}</h1>"
            f"<div class=\"credit__authors\">By {' and '.join(credit)}</div>"
            f"<p class=\"date\">{story.published:%A, %d %b %Y}</p>"
            f"<time class=\"timestamp\">{story.published:%I:%M %p} MYT</time>"
            f"{share_bar('story-share')}<figure><img src=\"/img/{story.index}.jpg\" alt=\"\">"
            f"<p class=\"caption\">{esc(story.photo_credit)}</p></figure>"
            f"<div id=\"story-body\">{paragraphs_html(story.paragraphs)}"
            f"<div class=\"inline-promo\"><p>Follow The Star on WhatsApp.</p></div></div>"
            f"{related_box('related-articles', 'Related News', story.related)}"
            f"{newsletter_box('newsletter-box', 'The Star')}</main>")
        return page(f"{story.title} | The Star", meta, body)


SITE = TheStar()
