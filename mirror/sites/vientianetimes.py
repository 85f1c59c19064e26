"""Vientiane Times (LA) — a guess (G): an old hand-built site with .php pages, table layout, no
OG, no JSON-LD, no feed or sitemap; the date alone ("Latest Update March 5, 2024") in the text.
Discovery is by section fronts, which therefore list every story."""

from __future__ import annotations

import random

from mirror.markup import attr, esc
from mirror.sites.base import Section, Site, page
from mirror.story import Story, slugify


class VientianeTimes(Site):
    source_id = "vientianetimes"
    host = "www.vientianetimes.org.la"
    name = "Vientiane Times"
    staff = ("Souksakhone Vaenkeo", "Phetphoxay Sengpaseuth", "Somsack Pongkhao")
    agencies = ("KPL", "Xinhua")
    desks = ("Times Reporters",)
    dateline = ""
    sections = (Section("national", "National"), Section("business", "Business"),
                Section("provincial", "Provincial"))
    feeds = ()
    section_pages = (("/sub-new/National.php", "national"), ("/sub-new/Business.php", "business"),
                     ("/sub-new/Provincial.php", "provincial"))
    section_limit = 500
    date_only = True

    def article_path(self, story: Story, rng: random.Random) -> str:
        word = "".join(w.capitalize() for w in slugify(story.title, 2).split("-"))
        return f"/freeContent/FreeConten{story.published:%Y}_{word}{story.index}.php"

    def list_html(self, stories: list[Story]) -> str:
        rows = "".join(f"<tr><td class=\"newsTitle\"><a href={attr(s.path)}>{esc(s.title)}</a>"
                       "</td></tr>" for s in stories)
        return f"<table class=\"newsList\">{rows}</table>"

    def section_list_wrapper(self, inner: str) -> str:
        return inner

    def sitemap_files(self, stories: list[Story]) -> dict[str, str]:
        return {}

    def render_article(self, story: Story) -> str:
        who = "By " + " and ".join(story.byline)
        paragraphs = "".join(f"<p class=\"style1\">{esc(p)}</p>" for p in story.paragraphs)
        body = (
            "<table width=\"100%\"><tr><td class=\"menu\"><a href=\"/\">Home</a> | "
            "<a href=\"/sub-new/National.php\">National</a> | <a href=\"/sub-new/Business.php\">"
            "Business</a></td></tr><tr><td><h2 class=\"newsHead\">"
            f"{esc(story.title)}</h2><p class=\"date\">(Latest Update "
            f"{story.published:%B %-d, %Y})</p><div id=\"newsContent\">{paragraphs}"
            f"<p class=\"byline\">{esc(who)}</p></div></td></tr>"
            "<tr><td class=\"footer\">Copyright \u00a9 Vientiane Times. All rights reserved."
            "</td></tr></table>")
        return page(f"{story.title} - Vientiane Times", "", body)


SITE = VientianeTimes()
