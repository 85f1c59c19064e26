"""The Korea Herald: /article/<id>, JSON-LD with author.name, body in article.article-body."""

from __future__ import annotations

import random
from datetime import datetime

from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import Section, Site, newsletter_box, og_meta, page, related_box, share_bar
from mirror.story import Story

EPOCH = datetime(2019, 1, 1).timestamp()


class KoreaHerald(Site):
    source_id = "koreaherald"
    host = "www.koreaherald.com"
    name = "The Korea Herald"
    staff = ("Choi Si-young", "Kim Arin", "Son Ji-hyoung", "Park Jun-hee", "Lee Jaeeun",
             "Shin Ji-hye", "Jo He-rim", "Ahn Sung-mi", "Yoon Min-sik")
    agencies = ("Yonhap",)
    dateline = ""
    sections = (Section("national", "National"), Section("business", "Business"),
                Section("world", "World"), Section("life", "Life&Culture"))
    feeds = (("/rss/newsAll", None),)
    section_pages = (("/list/national", "national"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        # Ids grow with time like the real ones; the story index keeps them unique.
        minutes = int((story.published.timestamp() - EPOCH) // 60)
        return f"/article/{10_000_000 + minutes * 10 + story.index % 10}"

    def list_html(self, stories: list[Story]) -> str:
        items = "".join(f"<li><a class=\"news_link\" href={attr(s.path)}><p class=\"news_title\">"
                        f"{esc(s.title)}</p></a></li>" for s in stories)
        return f"<ul class=\"news_list\">{items}</ul>"

    def section_list_wrapper(self, inner: str) -> str:
        return inner

    def render_article(self, story: Story) -> str:
        author: object = ({"@type": "Person", "name": story.people[0]} if len(story.people) == 1
                          else [{"@type": "Person", "name": n} for n in story.people]
                          or {"@type": "Organization", "name": story.agencies[0]})
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
              "datePublished": story.published.isoformat(), "author": author,
              "mainEntityOfPage": story.url}
        writers = " and ".join(story.people) if story.people else story.agencies[0]
        email = (f"<p class=\"reporter-email\">{esc(story.people[0].lower().replace(' ', ''))}"
                 "@heraldcorp.com</p>") if story.people else ""
        body = (
            f"<header>{self.nav()}</header><main><div class=\"article-category\"><a href=\"/list/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></div>"
            f"<h1 class=\"news_title\">{esc(story.title)}</h1>"
            f"<h2 class=\"news_sub_title\">{esc(story.standfirst)}</h2>"
            f"<div class=\"article-byline\">By <span class=\"writer\">{esc(writers)}</span>"
            f"<span class=\"date\">Published : {story.published:%b. %d, %Y - %H:%M}</span></div>"
            f"{share_bar('article-share')}<article class=\"article-body\">"
            f"<figure><img src=\"/img/{story.index}.jpg\" alt=\"\"><figcaption>"
            f"{esc(story.photo_credit)}</figcaption></figure>"
            f"{paragraphs_html(story.paragraphs)}{email}</article>"
            f"{related_box('related-news', 'Most Popular', story.related)}"
            f"{newsletter_box('newsletter-box', 'Korea Herald')}</main>")
        return page(f"{story.title} - The Korea Herald", og_meta(story, self) + json_ld(ld), body)


SITE = KoreaHerald()
