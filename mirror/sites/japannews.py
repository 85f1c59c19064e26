"""The Japan News (Yomiuri, JP): /<sec>/<sub>/YYYYMMDD-NNNNNN/, canonical link,
``article:published_time`` / ``modified_time``, OG, and a top-level JSON-LD *array*
[BlogPosting, BreadcrumbList] like the Yomiuri pages captured in fixtures/misc (V)."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import Section, Site, figure, og_meta, page, related_box, share_bar
from mirror.story import Story

SUBS = {"politics": "politics-government", "world": "asia-pacific", "business": "economy",
        "society": "general-news"}


class JapanNews(Site):
    source_id = "japannews"
    host = "japannews.yomiuri.co.jp"
    name = "The Japan News"
    staff = ("Kazuto Tsukamoto", "Yuki Nakamura", "Hiroshi Ishida", "Takuya Kato", "Ayaka Suzuki",
             "Kenji Takahashi", "Mari Watanabe")
    agencies = ("Jiji Press", "The Associated Press")
    desks = ("The Yomiuri Shimbun",)
    credit_share = 0.35
    dateline = "TOKYO \u2014 "
    sections = (Section("politics", "Politics"), Section("world", "World"),
                Section("business", "Business"), Section("society", "Society"))
    feeds = (("/feed/", None),)
    section_pages = ()

    def article_path(self, story: Story, rng: random.Random) -> str:
        number = 100_000 + story.index * 1_733 % 800_000 + rng.randrange(1_000)
        return (f"/{story.section_slug}/{SUBS[story.section_slug]}/"
                f"{story.published:%Y%m%d}-{number}/")

    def byline(self, story: Story) -> str:
        if story.people:
            return " and ".join(story.people) + " / Yomiuri Shimbun Staff Writer" + (
                "s" if len(story.people) > 1 else "")
        return story.agencies[0]

    def render_article(self, story: Story) -> str:
        when = story.published.isoformat()
        author: object = ([{"@type": "Person", "name": n} for n in story.people]
                          or {"@type": "Organization", "name": story.agencies[0]})
        ld = [{"@context": "http://schema.org/", "@type": "BlogPosting",
               "mainEntityOfPage": {"@type": "WebPage", "@id": story.url}, "url": story.url,
               "headline": story.title, "datePublished": when, "dateModified": when,
               "author": author, "articleSection": story.section_name,
               "publisher": {"@type": "Organization", "name": "The Japan News"}},
              {"@context": "http://schema.org/", "@type": "BreadcrumbList", "itemListElement": [
                  {"@type": "ListItem", "position": 1, "name": story.section_name,
                   "item": f"{self.base()}/{story.section_slug}/"}]}]
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" content={attr(when)}>"
            f"<meta property=\"article:modified_time\" content={attr(when)}>")
        stamp = story.published.strftime("%H:%M JST, %B %-d, %Y")
        body = (
            f"<header>{self.nav()}</header><main><article class=\"article-content\">"
            f"<div class=\"p-category\"><a href=\"/{story.section_slug}/\">"
            f"{esc(story.section_name)}</a></div><h1 class=\"article-title\">"
            f"{esc(story.title)}</h1><div class=\"article-byline\">{esc(self.byline(story))}"
            f"</div><div class=\"postdate\">{stamp}</div>{share_bar('sns-share')}"
            f"{figure(story, 'caption')}<div class=\"p-main-contents\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            "<div class=\"paywall-note\"><p>The Japan News is the English-language newspaper "
            "of The Yomiuri Shimbun.</p></div></article>"
            f"{related_box('related-articles', 'Related Tags', story.related)}</main>")
        return page(f"{story.title} | The Japan News", meta + json_ld(ld), body)

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        years: dict[str, list[Story]] = {}
        for story in stories:
            years.setdefault(f"/sitemap-pt-post-{story.published:%Y}.xml", []).append(story)
        out = {path: feeds.urlset(items) for path, items in years.items()}
        out["/sitemap.xml"] = feeds.sitemap_index(self, sorted(years, reverse=True))
        out["/sitemap-news.xml"] = feeds.news_sitemap(self, stories[:20])
        return out


SITE = JapanNews()
