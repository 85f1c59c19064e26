"""Viet Nam News (VN): /<section>/<id>/<slug>.html and /rss/<section>.rss (S); markup G: no
JSON-LD and no ``article:published_time`` — only ``meta name=pubdate`` (local, no offset) and
the "VNS" credit after the body. No sitemap, so each section feed lists all its stories."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, paragraphs_html
from mirror.sites.base import Section, Site, figure, og_meta, page, related_box, share_bar
from mirror.story import Story, slugify

SECTIONS = ("politics-laws", "economy", "society", "life-style")


class VietNamNews(Site):
    source_id = "vietnamnews"
    host = "vietnamnews.vn"
    name = "Viet Nam News"
    staff = ("Khánh Dương", "Nguyễn Hằng", "Bảo Hoa", "Lê Hương", "Thu Vân", "Phạm Huyền")
    agencies = ()
    desks = ("VNS", "VNA/VNS")
    credit_share = 0.5
    dateline = "H\u00c0 N\u1ed8I \u2014 "
    sections = (Section("politics-laws", "Politics & Law"), Section("economy", "Economy"),
                Section("society", "Society"), Section("life-style", "Life & Style"))
    feeds = tuple((f"/rss/{s}.rss", s) for s in SECTIONS)
    feed_limit = 200
    section_pages = (("/economy", "economy"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        minutes = int(story.published.timestamp() // 3_600) - 429_600
        return f"/{story.section_slug}/{1_000_000 + minutes * 20 + story.index % 20}/" \
            f"{slugify(story.title)}.html"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<article class=\"story\"><h2><a href={attr(s.path)}>{esc(s.title)}</a>"
                       "</h2></article>" for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"timeline\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        credit = " \u2014 ".join(story.people) if story.people else story.agencies[0]
        meta = og_meta(story, self) + (
            f"<meta name=\"pubdate\" content=\"{story.published:%Y-%m-%dT%H:%M:%S}\">")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"breadcrumb\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"headline\">{esc(story.title)}</h1>"
            f"<div class=\"datetime\">{story.published:%B %d, %Y - %H:%M}</div>"
            f"<div class=\"sapo\">{esc(story.standfirst)}</div>{share_bar('social-share')}"
            f"{figure(story)}<div class=\"detail__content\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            f"<p class=\"author\">{esc(credit)}</p>"
            f"{related_box('related-news', 'See also', story.related)}</main>")
        return page(f"{story.title} - Viet Nam News", meta, body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {}


SITE = VietNamNews()
