"""Golden bylines of the forms issue 14's dev-set review found unread: a lower-case "by" label,
dates run into the byline, a "By" label whose line goes on past the name, a byline naming only
a collective ("Staff", "News Desk"), a personal site whose writer's name is the site's, and a
social profile link that is no author page. Every page here was written for this test."""

from __future__ import annotations

import json

import pytest

from indexer.extraction.authors import split_byline
from tests.support.extraction import extract_article

HEADLINE = "Harbour authority approves the new ferry terminal"
BODY = "".join(
    f"<p>The harbour authority approved the new ferry terminal on Monday after a long review of "
    f"its cost and of its effect on the fishing fleet, officials said. Point {n}.</p>"
    for n in range(6))
URL = "https://www.example.com/blog/ferry-terminal"


def _page(byline: str, *, head: str = "", ld: dict[str, object] | None = None,
          site: str = "Example Times", after: str = "") -> str:
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "BlogPosting",
                               "headline": HEADLINE, "datePublished": "2024-10-16T08:00:00Z"}
    data.update(ld or {})
    return (f"<html><head><title>{HEADLINE} | {site}</title>"
            f"<meta property='og:site_name' content='{site}'>{head}"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><article><h1>{HEADLINE}</h1>{byline}{BODY}</article>{after}</body></html>")


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<div class='meta'>by <span>Jane Roe</span> on Jan 22, 2025</div>", ["Jane Roe"]),
        ("<p>by: Jane Roe, Dec 17, 2025</p>", ["Jane Roe"]),
        ("<ul><li>by <a href='javascript:void(0)'>Jane Roe</a></li></ul>", ["Jane Roe"]),
        ("<div><span>by</span> <span class='name'>Jane Roe</span></div>", ["Jane Roe"]),
        ("<p>By <a href='/magazine/contributor/jane_roe'>Jane Roe</a> "
         "<a href='/digital'>View In Digital Edition</a></p>", ["Jane Roe"]),
    ],
)
def test_by_label_forms(byline: str, authors: list[str]) -> None:
    assert extract_article(_page(byline), URL).authors == authors


def test_a_credit_within_a_line_is_no_byline() -> None:
    footer = ("<footer><small><a href='https://apps.example.net'>Harbour Apps</a> "
              "<span>by</span> <a href='https://maker.example.net'>Makers</a></small></footer>")
    assert extract_article(_page("", after=footer), URL).authors == []


def test_a_capitalised_menu_heading_is_no_byline() -> None:
    menu = "<nav><p>BY COMPANY TYPE</p><p>BY ROLE</p></nav>"
    page = _page("<p>By <span>Jane Roe</span></p>").replace("<body>", "<body>" + menu)
    assert extract_article(page, URL).authors == ["Jane Roe"]


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Dec 17, 2025 · Julian Arni", ["Julian Arni"]),
        ("Aaron Reed | Senior Writer | July 2, 2025", ["Aaron Reed"]),
        ("Jane Roe. Last Updated on December 11, 2025", ["Jane Roe"]),
        ("By Jane Roe Updated: 3/4/2024 at 5:00 pm", ["Jane Roe"]),
        ("Haley Hart • March 3, 2024", ["Haley Hart"]),
        ("Maya May", ["Maya May"]),
    ],
)
def test_dates_run_into_a_byline_are_removed(raw: str, names: list[str]) -> None:
    assert split_byline(raw) == names


@pytest.mark.parametrize("name", ["Staff", "News Desk", "team"])
def test_a_collective_byline_signs_the_unsigned_story(name: str) -> None:
    page = _page("", head=f"<meta name='author' content='{name}'>")
    article = extract_article(page, URL)
    assert (article.authors, article.credit) == ([name], [name])


def test_a_collective_byline_does_not_hide_the_reporter() -> None:
    page = _page("<p class='byline'>By Jane Roe</p>", head="<meta name='author' content='Staff'>")
    assert extract_article(page, URL).authors == ["Jane Roe"]


def test_a_personal_sites_writer_is_a_person() -> None:
    """The writer's name is the site's name; JSON-LD types the author a Person and the
    publisher (the newsletter) has another name."""
    page = _page("", site="Jane Roe", ld={
        "author": {"@type": "Person", "name": "Jane Roe"},
        "publisher": {"@type": "Organization", "name": "Harbour Notes"}})
    assert extract_article(page, "https://janeroe.example.org/p/ferry").authors == ["Jane Roe"]


def test_a_paper_mistyped_as_a_person_is_still_the_papers_name() -> None:
    page = _page("<div class='byline'>By Jane Roe</div>", ld={
        "author": {"@type": "Person", "name": "Example Times"},
        "publisher": {"@type": "Organization", "name": "Example Times"}})
    article = extract_article(page, URL)
    assert (article.authors, article.credit) == (["Jane Roe"], ["Example Times"])


def test_a_jsonld_authors_name_given_as_a_list_is_read() -> None:
    """Any schema.org property may be an array: ``"name": ["Sergio Ruiz | Texas Newsroom"]``
    names the reporter (and the partner newsroom, credited); the page's program line ("Heard
    on <a>Evening Report</a>"), which trafilatura's byline rules read, names nobody."""
    page = _page("<div class='program-block'>Heard on <a href='/programs/evening'>Evening "
                 "Report</a></div>",
                 ld={"author": {"@type": "Person", "name": ["Sergio Ruiz | Texas Newsroom"]}})
    article = extract_article(page, URL)
    assert (article.authors, article.credit) == (["Sergio Ruiz"], ["Texas Newsroom"])


def test_a_social_profile_link_is_no_author_page() -> None:
    """``/profile/`` on another host is the writer's social profile ("Bluesky"); the author's
    page on the site is a byline."""
    after = ("<footer><a href='https://bsky.app/profile/janeroe.example.org'>Bluesky</a>"
             "</footer>")
    page = _page("", after=after, site="Jane Roe", ld={
        "author": {"@type": "Person", "name": "Jane Roe"}})
    assert extract_article(page, "https://janeroe.example.org/p/ferry").authors == ["Jane Roe"]
    local = _page("<div><a href='/profile/jane-roe'>Jane Roe</a></div>", after=after)
    assert extract_article(local, URL).authors == ["Jane Roe"]


def test_a_link_previews_written_by_names_the_author() -> None:
    head = ("<meta name='twitter:label1' content='Written by'>"
            "<meta name='twitter:data1' content='Jane Roe'>"
            "<meta name='twitter:label2' content='Est. reading time'>"
            "<meta name='twitter:data2' content='4 minutes'>")
    article = extract_article(_page("", head=head), URL)
    assert (article.authors, article.provenance["authors"]) == (["Jane Roe"],
                                                                "meta:twitter:data1")


def test_a_reading_time_preview_names_nobody() -> None:
    head = ("<meta name='twitter:label1' content='Est. reading time'>"
            "<meta name='twitter:data1' content='4 minutes'>")
    assert extract_article(_page("", head=head), URL).authors == []


@pytest.mark.parametrize(
    "control", ["Full Bio", "View more posts", "© 2025 Terms and Conditions Privacy Policy",
                "Member Login", "Written By", "Related Stories"])
def test_the_pages_controls_are_no_names(control: str) -> None:
    page = _page(f"<div class='author-box'><a href='/bio'>{control}</a></div>",
                 head="<meta name='author' content='Jane Roe'>")
    assert extract_article(page, URL).authors == ["Jane Roe"]
