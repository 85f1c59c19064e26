"""Golden bylines: people apart from datelines, sections, weekdays, the paper and its desks.

Every page here was written for this test, in the shapes real member pages take (issue 14): a
byline element running the dateline, the section and the weekday into the names; the paper's own
name or a desk as the byline; an upper-case byline; "By X in Y"; joins in several languages; a
JSON-LD author (the CMS user, a web team) that the page never shows beside a visible byline.
"""

from __future__ import annotations

import json

import pytest

from tests.support.extraction import extract_article

HEADLINE = "Harbour authority approves the new ferry terminal"
FIRST = ("The harbour authority approved the new ferry terminal on Monday after a long review "
         "of its cost and of its effect on the fishing fleet, officials said.")
BODY = "".join(f"<p>{FIRST} Point {n}.</p>" for n in range(6))
URL = "https://example.com/world/2024/10/16/ferry-terminal"
NAV = ("<nav><a href='/world'>World</a> <a href='/asia'>Asia</a> <a href='/sport'>Sport</a></nav>"
       "<footer><a href='/world'>World</a> <a href='/asia'>Asia</a></footer>")


def _page(byline: str, *, ld_author: dict[str, str] | None = None, first: str = "",
          site: str = "Example Times") -> str:
    ld: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                             "headline": HEADLINE, "datePublished": "2024-10-16T08:00:00+08:00",
                             "publisher": {"@type": "Organization", "name": site}}
    if ld_author:
        ld["author"] = ld_author
    return (f"<html><head><title>{HEADLINE} | {site}</title>"
            f"<meta property='og:site_name' content='{site}'>"
            f"<script type='application/ld+json'>{json.dumps(ld)}</script></head>"
            f"<body>{NAV}<article><h1>{HEADLINE}</h1>{byline}{first}{BODY}</article></body></html>")


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<div class='byline'>ZHOU WENTING</div>", ["Zhou Wenting"]),
        ("<p class='byline'>By ZHOU WENTING in Shanghai</p>", ["Zhou Wenting"]),
        ("<p class='byline'>By Maria Santos in Manila</p>", ["Maria Santos"]),
        ("<div class='author'>By Jane Roe, John Doe &amp; Ann Lee</div>",
         ["Jane Roe", "John Doe", "Ann Lee"]),
        ("<div class='author'>Budi Santoso dan Siti Aminah</div>", ["Budi Santoso", "Siti Aminah"]),
        ("<div class='author'>สมชาย ใจดี และ สมหญิง รักไทย</div>", ["สมชาย ใจดี", "สมหญิง รักไทย"]),
        ("<div class='author'>김철수 및 이영희 기자</div>", ["김철수", "이영희"]),
        ("<div class='author'>张伟和李娜</div>", ["张伟", "李娜"]),
        ("<div class='author'>Kim Lee and Nguyen Van An</div>", ["Kim Lee", "Nguyen Van An"]),
    ],
)
def test_visible_bylines_name_people(byline: str, authors: list[str]) -> None:
    assert extract_article(_page(byline), URL).authors == authors


def test_dateline_section_and_weekday_are_no_authors() -> None:
    first = f"<p>CHARLESTON, South Carolina — {FIRST}</p>"
    page = _page("<div class='byline'>Dana Whitfield, CHARLESTON, South Carolina, World, Fri</div>",
                 first=first)
    assert extract_article(page, URL).authors == ["Dana Whitfield"]


def test_a_byline_of_only_dateline_and_section_words_names_nobody() -> None:
    first = f"<p>CHARLESTON, South Carolina — {FIRST}</p>"
    page = _page("<div class='byline'>CHARLESTON, South Carolina, World, Fri</div>", first=first)
    assert extract_article(page, URL).authors == []


def test_the_papers_own_name_is_a_credit_not_a_person_beside_people() -> None:
    article = extract_article(_page("<div class='byline'>By Jane Roe, Example Times</div>"), URL)
    assert (article.authors, article.credit) == (["Jane Roe"], ["Example Times"])


def test_a_desk_byline_is_credited_and_signs_the_unsigned_story() -> None:
    article = extract_article(_page("<div class='byline'>Star Online Report</div>",
                                    site="The Star"), URL)
    assert article.credit == ["Star Online Report"]
    assert article.authors == ["Star Online Report"]  # no person anywhere: the desk signs it


def test_a_desk_credit_does_not_hide_the_reporter() -> None:
    article = extract_article(_page("<div class='byline'>Web Desk</div>",
                                    ld_author={"@type": "Person", "name": "Rahim Uddin"}), URL)
    assert (article.authors, article.credit) == (["Rahim Uddin"], [])


def test_visible_byline_beats_a_jsonld_author_the_page_never_shows() -> None:
    page = _page("<p class='byline'>By Takeshi Mori and Aiko Sato / Staff Writers</p>",
                 ld_author={"@type": "Person", "name": "新間"})
    article = extract_article(page, URL)
    assert article.authors == ["Takeshi Mori", "Aiko Sato"]
    assert article.provenance["authors"] != "jsonld"


def test_a_web_team_named_in_jsonld_is_credit_and_the_byline_is_the_author() -> None:
    page = _page("<div class='byline'>By Maria Santos</div>",
                 ld_author={"@type": "Person", "name": "Newsroom Web Team"})
    article = extract_article(page, URL)
    assert (article.authors, article.credit) == (["Maria Santos"], ["Newsroom Web Team"])


def test_a_jsonld_author_the_page_shows_is_kept() -> None:
    page = _page("<div class='byline'>By <a href='/author/pedro-cruz'>Pedro Cruz</a></div>",
                 ld_author={"@type": "Person", "name": "Pedro Cruz"})
    article = extract_article(page, URL)
    assert (article.authors, article.provenance["authors"]) == (["Pedro Cruz"], "jsonld")


def test_an_agency_byline_is_the_author_and_the_credit() -> None:
    article = extract_article(_page("<div class='byline'>AFP, KUALA LUMPUR</div>"), URL)
    assert (article.authors, article.credit) == (["AFP"], ["AFP"])


def test_a_name_linked_twice_in_the_storys_own_header_is_a_person() -> None:
    """The story's ``<header>`` (it holds the headline) shows the byline: the name linking to
    the reporter's page and to a social profile ("@PriyaNair") is no menu entry repeated."""
    header = ("<header class='ArticleHeader'><h1>" + HEADLINE + "</h1>"
              "<div class='ArticleHeader-byline'><a href='/priya-nair/'>Priya Nair</a> "
              "<a href='https://social.example.net/@PriyaNair'>@PriyaNair</a></div></header>")
    page = _page("", ld_author={"@type": "Person", "name": "Priya Nair"}).replace(
        f"<h1>{HEADLINE}</h1>", header)
    article = extract_article(page, URL)
    assert (article.authors, article.provenance["authors"]) == (["Priya Nair"], "jsonld")


def test_a_name_in_the_sites_header_menu_twice_is_a_section() -> None:
    """The site's own header (no headline in it) is a menu: a text two of its links show is a
    section even when the byline element repeats it."""
    menu = ("<header class='site'><a href='/markets'>Markets</a></header>"
            "<footer><a href='/markets'>Markets</a></footer>")
    page = _page("<div class='byline'>Lena Ortiz, Markets</div>").replace("<body>",
                                                                           "<body>" + menu)
    assert extract_article(page, URL).authors == ["Lena Ortiz"]


def test_a_sites_address_in_the_byline_is_no_name() -> None:
    """"Lifestyle Desk / lifestyle.newsmag.in / Updated: …": trafilatura's byline reader turns
    the address into words ("Lifestyle Newsmag In"); the page shows them joined by dots, so
    they are an address, no name, and the desk signs the unsigned story."""
    page = _page("<div class='byline'><a href='/toireporter/lifestyle-desk'>Lifestyle Desk</a>"
                 " / lifestyle.newsmag.in / <span>Updated: Dec 17, 2025, 21:47 IST</span></div>")
    article = extract_article(page, URL)
    assert article.authors == ["Lifestyle Desk"]
    assert "Lifestyle Newsmag In" not in article.authors + article.credit


def test_a_name_whose_words_only_look_like_an_address_is_a_person() -> None:
    """A short last word ("Ng") is no top-level domain unless the page shows the dotted form."""
    article = extract_article(_page("<div class='byline'>By Alvin Ng</div>"), URL)
    assert article.authors == ["Alvin Ng"]


def test_a_controls_text_classed_as_the_authors_is_no_name() -> None:
    """A tooltip under the headline, classed as the author's ("Learn about our" editorial
    policies), is a phrase, not a person; the desk the page credits signs the story."""
    tooltip = ("<div class='author-tooltip'><span class='author-tooltip__learn-more'>Learn about "
               "our </span><a href='/legal#policy'>editorial policies</a></div>")
    article = extract_article(_page(tooltip, ld_author={"@type": "Person",
                                                        "name": "The Example Team"}), URL)
    assert article.authors == ["The Example Team"]


@pytest.mark.parametrize("name", ["Ludwig van Beethoven", "Siti binti Aminah", "jane roe"])
def test_names_with_particles_or_all_in_lower_case_are_people(name: str) -> None:
    authors = extract_article(_page(f"<div class='byline'>By {name}</div>"), URL).authors
    assert [a.casefold() for a in authors] == [name.casefold()]  # trafilatura capitalises


def test_a_byline_naming_only_a_menu_entry_of_several_words_is_the_writer() -> None:
    """A small site's owner is also its menu ("Jeff Cobb" links to the about page twice): the
    byline naming only that name names the writer; a section word alone is still no one."""
    menu = ("<nav><a href='/about'>Jeff Cobb</a></nav><footer><a href='/about'>Jeff Cobb</a>"
            "</footer>")
    page = _page("<div class='byline'>By Jeff Cobb</div>").replace("<body>", "<body>" + menu)
    assert extract_article(page, URL).authors == ["Jeff Cobb"]
    assert extract_article(_page("<div class='byline'>World</div>"), URL).authors == []


def test_a_category_naming_the_writer_does_not_hide_the_byline() -> None:
    """Some sites file each story under its writer too (``articleSection``: "Perspectives,
    Paul Fenaroli"); the byline naming that person alone is the writer's."""
    page = _page("<div class='byline-div'><p>By: Paul Fenaroli</p></div>").replace(
        '"headline"', '"articleSection": "Perspectives, Paul Fenaroli", "headline"')
    assert extract_article(page, URL).authors == ["Paul Fenaroli"]
