"""The hub, asianews.network (WordPress): own articles and member reprints, laid out like seed/."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import and_join, attr, esc, links_html, paragraphs_html
from mirror.sites.base import Section, Site, page
from mirror.story import Story, slugify


def paper_of(story: Story) -> str:
    """The member a reprint comes from (any member may be reprinted), else the hub itself."""
    return story.original.paper if story.original else "Asia News Network"


class AsiaNews(Site):
    source_id = "asianews"
    host = "asianews.network"
    name = "Asia News Network"
    staff = ("Nattaya Vichit", "Pichaya Somsak", "Lee Min-ji", "Ravi Kumar", "Suthida Kaew")
    agencies = ()
    dateline = "BANGKOK \u2013 "
    sections = (Section("diplomacy", "Diplomacy"), Section("economics", "Economics"),
                Section("culture", "Culture"))
    feeds = (("/feed/", None), ("/category/news/diplomacy/feed/", "diplomacy"),
             ("/category/news/economics/feed/", "economics"))
    section_pages = (("/category/news/diplomacy/", "diplomacy"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        slug = slugify(story.title)
        if story.original and story.index % 2 == 0:
            slug += "-" + slugify(paper_of(story))
        return f"/{slug}/"

    def nav(self) -> str:
        items = [(f"/category/news/{s.slug}/", s.name) for s in self.sections]
        items += [("/about-us/", "About us"), ("/eastern-briefings/", "Newsletter"),
                  ("/members/", "Members")]
        return f"<nav class=\"main-navigation\">{links_html(items, 'menu')}</nav>"

    def categories(self, story: Story) -> str:
        other = "Economics" if story.section_name != "Economics" else "Diplomacy"
        return ", ".join(f"<a href=\"/category/news/{n.lower()}/\">{n}</a>"
                         for n in (story.section_name, other))

    def list_html(self, stories: list[Story]) -> str:
        return "<div class=\"post-list\">" + "".join(
            f"<article><h2><a href={attr(s.path)}>{esc(s.title)}</a></h2>"
            f"<p>{esc(s.standfirst)}</p></article>" for s in stories) + "</div>"

    def section_list_wrapper(self, inner: str) -> str:
        return inner

    def related_item(self, story: Story) -> str:
        return (f"<li><div class=\"cats\">{self.categories(story)}</div><h3><a href="
                f"{attr(story.path)}>{esc(story.title)}</a></h3><p>{esc(story.standfirst)}</p>"
                f"<p class=\"by\">By {esc(paper_of(story))}</p>"
                f"<p class=\"date\">{story.published:%B %d, %Y}</p></li>")

    def render_article(self, story: Story) -> str:
        # The seed page lists one related story twice; keep that quirk.
        related = story.related[:1] + story.related
        credit = f"PHOTO: {paper_of(story).upper()}" if story.original else story.photo_credit
        paper = (f"<span class=\"original-paper\">{esc(paper_of(story))}</span>"
                 if story.original else "")
        names = " and ".join(
            f"<a href=\"/author/{slugify(n)}/\">{esc(n)}</a>" for n in story.authors)
        meta = (f"<meta property=\"og:type\" content=\"article\"><meta property=\"og:title\" "
                f"content={attr(story.title)}><meta property=\"article:published_time\" "
                f"content={attr(story.published.isoformat())}><link rel=\"canonical\" "
                f"href={attr(story.url)}>")
        body = (
            f"<header>{self.nav()}</header><main><article class=\"post\">"
            f"<div class=\"entry-categories\">{self.categories(story)}</div>"
            f"<h1 class=\"entry-title\">{esc(story.title)}</h1>"
            f"<p class=\"entry-standfirst\">{esc(story.standfirst)}</p>"
            f"<figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/{story.index}.jpg\" "
            f"alt=\"\"><figcaption>{esc(credit)}</figcaption></figure>"
            f"<div class=\"author-name\">Written by {names} {paper}</div>"
            f"<div class=\"updated-date\">Updated: <time datetime="
            f"{attr(story.published.isoformat())}>{story.published:%B %d, %Y}</time></div>"
            f"<div class=\"entry-content\">{paragraphs_html(story.paragraphs)}</div>"
            "<div class=\"share-block\"><p>Enjoyed this story? Share it.</p></div>"
            f"{self.author_box(story)}"
            "<div class=\"newsletter-box\"><h3>Eastern Briefings</h3><p>All you need to know about"
            " Asia</p><p>Our Eastern Briefings Newsletter presents curated stories from 22 Asian "
            "newspapers from South, Southeast and Northeast Asia.</p></div></article>"
            "<section class=\"related-stories\"><ul>"
            + "".join(self.related_item(s) for s in related) + "</ul></section></main>")
        return page(f"{story.title} - Asia News Network", meta, body)

    def author_box(self, story: Story) -> str:
        if not story.authors:
            return ""
        return (f"<div class=\"author-box\"><p>About the Author: {esc(and_join(story.authors))} "
                f"writes for {esc(paper_of(story))}.</p></div>")

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/wp-sitemap.xml": feeds.sitemap_index(self, ["/wp-sitemap-posts-post-1.xml"]),
                "/wp-sitemap-posts-post-1.xml": feeds.urlset(stories)}


SITE = AsiaNews()
