"""What every site template provides, with the shared page scaffolding and feed/sitemap defaults."""

from __future__ import annotations

import random
from dataclasses import dataclass

from mirror import feeds
from mirror.markup import attr, esc, links_html
from mirror.story import Story


@dataclass(frozen=True)
class Section:
    slug: str
    name: str


class Site:
    source_id = ""
    host = ""
    name = ""
    language = "en"
    sections: tuple[Section, ...] = ()
    dateline = ""
    feeds: tuple[tuple[str, str | None], ...] = ()
    """(path, section slug or None for all) of each RSS feed."""
    section_pages: tuple[tuple[str, str], ...] = ()
    """(path, section slug) of each section front."""
    extra_hosts: tuple[str, ...] = ()
    """Other hosts the site serves entry points from (paths given as absolute URLs)."""
    robots_capture = ""
    """File name of a real captured robots.txt to serve on every host (default: ``host``)."""
    crawl_delay: int | None = None
    """The Crawl-delay of the site's real robots.txt, for the robots.txt the mirror writes."""
    robots_disallow: tuple[str, ...] = ()
    """Paths the site's real robots.txt disallows, for the robots.txt the mirror writes."""
    feed_limit = 30
    """Items per feed. Every site lists each article somewhere (a sitemap, or full-length
    feeds or section fronts where the site has no sitemap), so a full crawl finds them all."""
    section_limit = 20
    date_only = False
    """The page states a date but no time: articles are dated at local midnight."""
    staff: tuple[str, ...] = ()
    """Plausible staff names of the paper, for its bylines."""
    agencies: tuple[str, ...] = ()
    """The wire agencies it carries, credited alone or beside its staff."""
    desks: tuple[str, ...] = ()
    """Desk credits that stand for the whole byline (a correct extractor returns them as
    authors)."""
    credit_share = 0.12
    """How often an agency or desk credit alone is the byline."""

    def base(self) -> str:
        return f"https://{self.host}"

    def url(self, path: str) -> str:
        """The absolute URL of a site path, or of an absolute URL on one of ``extra_hosts``."""
        return path if path.startswith("https://") else self.base() + path

    def locate(self, path: str) -> tuple[str, str]:
        """(host, path) under which the generator writes ``path``."""
        if path.startswith("https://"):
            host, _, rest = path.removeprefix("https://").partition("/")
            return host, "/" + rest
        return self.host, path

    def article_path(self, story: Story, rng: random.Random) -> str:
        raise NotImplementedError

    def render_article(self, story: Story) -> str:
        raise NotImplementedError

    def pick_byline(self, rng: random.Random) -> tuple[list[str], list[str]]:
        """(people, credits): usually 1-2 staff, sometimes an agency or desk credit alone (then
        it is the byline) or staff plus an agency (then the people are)."""
        credits = [*self.agencies, *self.desks]
        roll = rng.random()
        if credits and roll < self.credit_share:
            return [], [rng.choice(credits)]
        people = rng.sample(self.staff, 1 if rng.random() < 0.7 else 2)
        if self.agencies and roll > 0.85:
            return people, [rng.choice(self.agencies)]
        return people, []

    def feed_item_creator(self, story: Story) -> str:
        return ", ".join(story.byline)

    # -- section fronts -------------------------------------------------------------------------
    def nav(self) -> str:
        items = [(f"/{s.slug}", s.name) for s in self.sections]
        items += [("/about-us", "About us"), ("/tags/asean", "ASEAN"), ("/multimedia", "Videos")]
        return f"<nav class=\"site-nav\">{links_html(items, 'nav-list')}</nav>"

    def list_item(self, story: Story) -> str:
        return (f"<li class=\"story\"><h3 class=\"card-title\"><a href={attr(story.path)}>"
                f"{esc(story.title)}</a></h3><p>{esc(story.standfirst)}</p></li>")

    def list_html(self, stories: list[Story]) -> str:
        return "<ul>" + "".join(self.list_item(s) for s in stories) + "</ul>"

    def render_section(self, slug: str, stories: list[Story]) -> str:
        name = next((s.name for s in self.sections if s.slug == slug), slug)
        popular = links_html([("/authors/editorial", "Our editors"), ("/tags/weather", "Weather"),
                              ("/subscribe", "Subscribe")], "sidebar-links")
        return page(f"{name} | {self.name}", "", (
            f"<header>{self.nav()}</header><main><h1>{esc(name)}</h1>"
            f"{self.section_list_wrapper(self.list_html(stories))}</main>"
            f"<aside class=\"sidebar\"><h2>More</h2>{popular}</aside>"), self.language)

    def section_list_wrapper(self, inner: str) -> str:
        return f"<div class=\"section-article-list\">{inner}</div>"

    # -- discovery files ------------------------------------------------------------------------
    def feed_files(self, stories: list[Story]) -> dict[str, str]:
        out: dict[str, str] = {}
        for path, slug in self.feeds:
            chosen = [s for s in stories if slug is None or s.section_slug == slug]
            out[path] = feeds.rss(self, path, chosen[:self.feed_limit])
        return out

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {"/sitemap.xml": feeds.news_sitemap(self, stories)}


def page(title: str, head: str, body: str, lang: str = "en") -> str:
    return (f"<!DOCTYPE html>\n<html lang={attr(lang)}><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title>{head}</head><body>{body}</body></html>\n")


def og_meta(story: Story, site: Site, *, og_type: bool = True) -> str:
    tags = [("og:title", story.title), ("og:url", story.url), ("og:description", story.standfirst),
            ("og:site_name", site.name)]
    if og_type:
        tags.append(("og:type", "article"))
    return "".join(f"<meta property={attr(k)} content={attr(v)}>" for k, v in tags) + (
        f"<link rel=\"canonical\" href={attr(story.url)}>")


def share_bar(cls: str) -> str:
    items = "".join(f"<li><a href=\"#\" class=\"share-{n}\">{n.title()}</a></li>"
                    for n in ("facebook", "twitter", "whatsapp", "email"))
    return f"<div class={attr(cls)}><span>Share this article</span><ul>{items}</ul></div>"


def newsletter_box(cls: str, name: str) -> str:
    return (f"<div class={attr(cls)}><h3>Get the {esc(name)} newsletter</h3>"
            "<p>Sign up for our free daily briefing and get the top stories in your inbox.</p>"
            "<form><input type=\"email\" placeholder=\"Email address\"><button>Sign up</button>"
            "</form></div>")


def related_box(cls: str, heading: str, stories: list[Story]) -> str:
    items = [(s.path, s.title) for s in stories]
    inner = links_html(items, "related-list")
    return f"<div class={attr(cls)}><h3>{esc(heading)}</h3>{inner}</div>"


def ld_authors(story: Story) -> list[dict[str, str]]:
    """JSON-LD authors: people as Person, a lone agency or desk credit as Organization."""
    return ([{"@type": "Person", "name": n} for n in story.people]
            or [{"@type": "Organization", "name": a} for a in story.agencies])


def figure(story: Story, caption_cls: str = "") -> str:
    klass = f" class={attr(caption_cls)}" if caption_cls else ""
    return (f"<figure><img src=\"/img/{story.index}.jpg\" alt=\"\"><figcaption{klass}>"
            f"{esc(story.photo_credit)}</figcaption></figure>")
