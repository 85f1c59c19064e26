"""Philippine Daily Inquirer (WordPress): newsinfo.inquirer.net/<id>/<slug>, the all-sections
``www.inquirer.net/fullfeed``, Yoast JSON-LD ``@graph``, "By: Name" and
"Philippine Daily Inquirer / 05:20 AM March 05, 2024". The real robots.txt (captured for
www.inquirer.net, served on both hosts; the mirror's own copies its delay and rule) disallows
``/4711/``: the section front lists one such link, so a crawler that ignores robots.txt is
caught."""

from __future__ import annotations

import random

from mirror import feeds
from mirror.markup import attr, esc, json_ld, paragraphs_html
from mirror.sites.base import Section, Site, figure, og_meta, page, related_box, share_bar
from mirror.sites.wordpress import yoast_graph, yoast_sitemaps
from mirror.story import Story, slugify

FULLFEED = "https://www.inquirer.net/fullfeed"
TRAP = "/4711/robots-disallowed-page"


class Inquirer(Site):
    source_id = "inquirer"
    host = "newsinfo.inquirer.net"
    crawl_delay = 5
    robots_disallow = ("/4711/",)
    extra_hosts = ("www.inquirer.net",)
    robots_capture = "www.inquirer.net"
    name = "Philippine Daily Inquirer"
    staff = ("Jerome Aning", "Marlon Ramos", "Jane Bautista", "Krixia Subingsubing",
             "Dexter Cabalza", "Nestor Corrales", "Leila B. Salaverria", "Tina G. Santos")
    agencies = ("Agence France-Presse", "Associated Press", "Reuters")
    desks = ("INQUIRER.net",)
    dateline = "MANILA, Philippines \u2014 "
    sections = (Section("nation", "Nation"), Section("metro", "Metro"),
                Section("regions", "Regions"), Section("latest-stories", "Latest Stories"))
    feeds = ((FULLFEED, None), ("/feed", None))
    section_pages = (("/category/latest-stories", "latest-stories"),)

    def article_path(self, story: Story, rng: random.Random) -> str:
        number = 1_100_000 + story.index * 9_973 % 900_000 + rng.randrange(100)
        return f"/{number}/{slugify(story.title, 9)}"

    def list_html(self, stories: list[Story]) -> str:
        items = "".join(f"<div class=\"ch-ls-item\"><h2><a href={attr(s.path)}>{esc(s.title)}"
                        "</a></h2></div>" for s in stories)
        trap = (f"<div class=\"ch-ls-item\"><h2><a href=\"{TRAP}\">Archived story</a></h2>"
                "</div>")
        return f"<div id=\"ch-ls-box\">{items}{trap}</div>"

    def section_list_wrapper(self, inner: str) -> str:
        return inner

    def render_article(self, story: Story) -> str:
        graph = yoast_graph(self, story, "NewsArticle")
        who = ("By: " + ", ".join(story.people)) if story.people else story.agencies[0]
        stamp = story.published.strftime("%I:%M %p %B %d, %Y")
        meta = og_meta(story, self) + (
            f"<meta property=\"article:published_time\" "
            f"content={attr(story.published.isoformat())}>")
        body = (
            f"<header>{self.nav()}</header><main><div id=\"art-head-wrap\">"
            f"<div class=\"art-cat\"><a href=\"/category/{story.section_slug}\">"
            f"{esc(story.section_name)}</a></div><h1 class=\"entry-title\">{esc(story.title)}</h1>"
            f"<div id=\"art_author\">{esc(who)}</div><div id=\"art_plat\">Philippine Daily "
            f"Inquirer / {stamp}</div></div>{share_bar('share-buttons')}{figure(story)}"
            f"<div id=\"article_content\"><div class=\"article-body\">"
            f"{paragraphs_html(story.paragraphs)}</div>"
            "<div class=\"read-next\"><p>READ NEXT</p></div>"
            "<div id=\"billboard_article\"><p>Subscribe to INQUIRER PLUS to get access to The "
            "Philippine Daily Inquirer &amp; other 70+ titles.</p></div></div>"
            f"{related_box('related-stories', 'Related Stories', story.related)}</main>")
        return page(f"{story.title} | Inquirer News", meta + json_ld(graph), body)

    def feed_item_creator(self, story: Story) -> str:
        return ", ".join(story.byline)

    def feed_files(self, stories: list[Story]) -> dict[str, str]:
        return {FULLFEED: feeds.rss(self, FULLFEED, stories[:40]),
                "/feed": feeds.rss(self, "/feed", stories[:30])}

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return yoast_sitemaps(self, stories)  # G: Yoast's index on the news subdomain


SITE = Inquirer()
