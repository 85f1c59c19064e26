"""Direct tests of the visible-byline shapes and of the editor labels the author cascade obeys."""

from __future__ import annotations

import json

import lxml.html
import pytest

from indexer.extraction.bylines import _by_line, find_bylines, find_editors
from tests.support.extraction import extract_article

HEADLINE = "Harbour authority approves the new ferry terminal"
BODY = "".join(
    f"<p>The harbour authority approved the new ferry terminal on Monday after a long review of "
    f"its cost and of its effect on the fishing fleet, officials said. Point {n}.</p>"
    for n in range(6))
URL = "https://example.com/news/2024/10/16/ferry-terminal"


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body>{html}</body></html>")


def _page(header: str, after: str = "", ld_author: str | None = None) -> str:
    ld: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                             "headline": HEADLINE, "datePublished": "2024-10-16T08:00:00+08:00"}
    if ld_author:
        ld["author"] = {"@type": "Person", "name": ld_author}
    return (f"<html><head><title>{HEADLINE} | Example Times</title>"
            f"<script type='application/ld+json'>{json.dumps(ld)}</script></head><body>"
            f"<article><h1>{HEADLINE}</h1>{header}{BODY}{after}</article></body></html>")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div>Editor : <a href='/author/112/heryadi'>Heryadi</a></div>", ["Heryadi"]),
        ("<p>Edited by Jane Roe</p>", ["Jane Roe"]),
        ("<p>Penyunting: Budi Santoso</p>", ["Budi Santoso"]),
        ("<p>编辑：张三</p>", ["张三"]),
        ("<span>Editor:</span><span>Jane Roe</span>", ["Jane Roe"]),
        ("<p>Jane Roe, Senior Editor</p><p>Editor's note: this story was updated.</p>", []),
        ("<div><p>Editor: Ann Lee</p><ul><li>Redaktur: Budi</li></ul></div><p>Edited by Jo "
         "Park</p>", ["Ann Lee", "Budi", "Jo Park"]),  # in the page's order
    ],
)
def test_find_editors(html: str, expected: list[str]) -> None:
    assert find_editors(_tree(html)) == expected


def test_metadata_author_the_page_labels_editor_yields_to_the_byline() -> None:
    page = _page("<div class='author-2'>Naufal Zuhdi</div>",
                 after="<div>Editor : <a href='/author/112/heryadi'>Heryadi</a></div>",
                 ld_author="Heryadi")
    assert extract_article(page, URL).authors == ["Naufal Zuhdi"]


def test_metadata_author_the_page_shows_without_an_editor_label_is_kept() -> None:
    page = _page("<div class='author-2'>Naufal Zuhdi</div>",
                 after="<aside><p>More stories by Heryadi</p></aside>", ld_author="Heryadi")
    assert extract_article(page, URL).authors == ["Heryadi"]


def test_agency_credit_under_the_headline() -> None:
    assert find_bylines(_tree(_page("<div class='name'>AFP, MANILA</div>")), [HEADLINE]) == (
        ["AFP, MANILA"], "headline:byline")


def test_a_kicker_under_the_headline_is_no_byline() -> None:
    tree = _tree(_page("<h2><font class='red'>CHINESE AGGRESSION:</font> Manila accused Beijing"
                       "</h2>"))
    assert find_bylines(tree, [HEADLINE]) == ([], "")


def test_another_storys_teaser_card_byline_is_not_this_storys() -> None:
    card = ("<div class='more'><h2>You might also like</h2><a href='/news/2024/10/14/carrier'>"
            "<div><h1>Taiwan on alert over carrier</h1><p>Teaser text.</p>"
            "<h6>By Ben Blanchard and Yimou Lee</h6></div></a></div>")
    article = extract_article(_page("<div class='name'>AFP, MANILA</div>", after=card), URL)
    assert article.authors == ["AFP"]


def test_author_links_in_other_stories_cards_are_not_this_storys() -> None:
    """The story's byline credits the site's staff; the related stories below it, each an
    ``<article>`` of its own linked heading, link their writers' pages: they sign those
    stories, not this one."""
    cards = "".join(
        f"<article class='teaser'><h4><a href='/2024/10/{n}/story'>Another story {n}</a></h4>"
        f"<p>By <a href='/author/{slug}/' rel='author'>{name}</a></p></article>"
        for n, (slug, name) in enumerate((("ben-hon", "Ben Hon"), ("ellie-plass", "Ellie Plass"))))
    byline = "<p>By <a href='/author/example-staff/' rel='author'>Example Staff</a></p>"
    article = extract_article(_page(byline, after=cards), URL)
    assert article.authors == ["Example Staff"]


def test_the_storys_own_article_without_its_h1_keeps_its_byline() -> None:
    """Templates that put the ``<h1>`` above the story's ``<article>`` (which holds the text and
    headings that link elsewhere) keep the byline inside it."""
    page = (f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1><article>"
            "<p>By <a href='/author/jane-roe/'>Jane Roe</a></p>"
            f"<h3><a href='/topics/ferries'>Ferries</a></h3>{BODY}</article></body></html>")
    assert extract_article(page, URL).authors == ["Jane Roe"]


def test_a_link_to_the_author_page_is_not_a_teaser_card() -> None:
    box = ("<a href='https://example.com/author/meghan-neville'><img src='m.jpg'>"
           "<div><h4>About</h4><p>Written by <span>Meghan Neville</span></p></div></a>")
    assert _by_line(_tree(box)) == ["Meghan Neville"]


def test_a_writer_who_also_edits_keeps_the_byline() -> None:
    page = _page("<div class='author-name'>Tshering Palden</div>",
                 after="<p class='edited-by'>Edited by Tshering Palden</p>",
                 ld_author="Tshering Palden")
    assert extract_article(page, URL).authors == ["Tshering Palden"]


def test_an_editor_credit_is_no_byline() -> None:
    tree = _tree(_page("<div>Editor : <a class='author' href='/author/112/heryadi'>Heryadi</a>"
                       "</div>"))
    assert find_bylines(tree, [HEADLINE]) == ([], "")
