"""The Kathmandu Post (NP): /<section>/YYYY/MM/DD/<slug> and /rss (S); markup G: no JSON-LD,
``article:published_time`` at +05:45 (Nepal's quarter-hour offset), visible dates only."""

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


class KathmanduPost(Site):
    source_id = "kathmandupost"
    host = "kathmandupost.com"
    name = "The Kathmandu Post"
    staff = ("Binod Ghimire", "Anil Giri", "Post Bahadur Basnet", "Prithvi Man Shrestha",
             "Tika R Pradhan", "Sangam Prasain", "Arjun Poudel")
    agencies = ()
    desks = ("Post Report",)
    dateline = ""
    sections = (Section("national", "National"), Section("politics", "Politics"),
                Section("money", "Money"), Section("world", "World"))
    feeds = (("/rss", None),)
    section_pages = (("/politics", "politics"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        return f"/{story.section_slug}/{story.published:%Y/%m/%d}/{slugify(story.title)}"

    def list_html(self, stories: list[Story]) -> str:
        return "".join(f"<article class=\"article-image\"><a href={attr(s.path)}><h3>"
                       f"{esc(s.title)}</h3></a><p>{esc(s.standfirst)}</p></article>"
                       for s in stories)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"block--morenews\">{inner}</div>"

    def render_article(self, story: Story) -> str:
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>")
        authors = "".join(f"<h5 class=\"text-capitalize\"><a href=\"/author/{slugify(n)}\">"
                          f"{esc(n)}</a></h5>" for n in story.byline)
        body = (
            f"<header>{self.nav()}</header><main><h4 class=\"title--line__red\"><a href=\"/"
            f"{story.section_slug}\">{esc(story.section_name)}</a></h4>"
            f"<h1>{esc(story.title)}</h1><span class=\"title--sub\">{esc(story.standfirst)}"
            f"</span><div class=\"article-author\">{authors}</div>"
            f"<div class=\"updated-time\"><div>Published at : {story.published:%B %-d, %Y}</div>"
            f"</div>{share_bar('share-wrap')}{figure(story)}"
            f"<section class=\"story-section\">{paragraphs_html(story.paragraphs)}</section>"
            f"{related_box('block--related', 'Related News', story.related)}"
            f"{newsletter_box('newsletter', 'Post')}</main>")
        return page(story.title, meta, body)


SITE = KathmanduPost()
