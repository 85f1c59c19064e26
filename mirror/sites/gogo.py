"""Gogo (MN) — a guess (G): short /r/<id> URLs, JSON-LD NewsArticle whose dates carry NO offset
("2024-03-05 14:20:00", to be read in Ulaanbaatar time), a news sitemap and one RSS feed.
The real site is mostly in Mongolian; the mirror serves English prose."""

from __future__ import annotations

import random

from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import Section, Site, figure, ld_authors, page, related_box, share_bar
from mirror.story import Story

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(number: int) -> str:
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = ALPHABET[digit] + out
    return out or "0"


class Gogo(Site):
    source_id = "gogo"
    host = "gogo.mn"
    name = "GoGo Mongolia"
    staff = ("B.Bolor", "Ts.Enkhjargal", "D.Munkhzul", "G.Nomin", "B.Tuvshin")
    agencies = ()
    dateline = "Ulaanbaatar /GoGo/ "
    sections = (Section("politics", "Politics"), Section("economy", "Economy"),
                Section("society", "Society"))
    feeds = (("/rss", None),)
    section_pages = ()

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/r/{base36(1_700_000 + story.index * 7_919 + rng.randrange(7_000))}"

    def render_article(self, story: Story) -> str:
        naive = story.published.strftime("%Y-%m-%d %H:%M:%S")
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": naive, "author": ld_authors(story)}
        meta = (f"<meta property=\"og:title\" content={attr(story.title)}>"
                f"<meta property=\"og:type\" content=\"article\">")
        body = (
            f"<header>{self.nav()}</header><main><div class=\"news-category\">"
            f"{esc(story.section_name)}</div><h1 class=\"news-title\">{esc(story.title)}</h1>"
            f"<div class=\"news-info\"><span class=\"author\">{esc(', '.join(story.byline))}"
            f"</span><span class=\"date\">{naive[:16]}</span></div>{share_bar('share')}"
            f"{figure(story)}<div class=\"news-content\">{paragraphs_html(story.paragraphs)}"
            f"</div>{related_box('other-news', 'Other news', story.related)}</main>")
        return page(f"{story.title} | GoGo", meta + json_ld(ld), body)


SITE = Gogo()
