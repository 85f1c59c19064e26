"""Non-article pages: section fronts, tag pages, text-less galleries and live-blog shells.

Dropping them is counted by reason, so the rules are conservative: a page that declares itself
an article (article JSON-LD or ``og:type=article``) is only dropped when it has no text at all.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from indexer.extraction.errors import NotAnArticle

_TAG_PATH = re.compile(r"/(?:tag|tags|keyword|keywords|search|author|authors)(?:/|$)")
_SECTION_PATH = re.compile(r"/(?:category|categories|section|sections|page/\d+)(?:/|$)")
_GALLERY_PATH = re.compile(r"/(?:gallery|galleries|photos?|pictures|multimedia/photos)(?:/|$)")
_MIN_WORDS = 25
_SHORT_PAGE = 120
_LINKS_OF_A_FRONT = 25
_LINKS_OF_A_LIST = 10
_CARDS_OF_A_LIST = 3


def _linked_headings(tree: lxml.html.HtmlElement) -> int:
    """Headings that are links: the cards of a listing (an article's subheadings are not)."""
    return len(tree.xpath("//*[self::h2 or self::h3 or self::h4][.//a[@href]]")[:50])


def _headline_links(tree: lxml.html.HtmlElement) -> int:
    count = 0
    for anchor in tree.iter("a"):
        if len(anchor.text_content().split()) >= 4:
            count += 1
    return count


def check(
    tree: lxml.html.HtmlElement,
    url: str,
    words: int,
    *,
    declared_article: bool,
    ld_type: str | None,
    og_type: str | None,
    dated: bool,
    stated_date: bool,
    listed_url: bool,
) -> None:
    """Raise NotAnArticle with a reason slug, or return for an article.

    A page that declares itself an article but whose text the extractor cannot see (rendered
    by script) is kept: its title, byline and date are still worth indexing. ``dated`` says
    whether any publication date was found, ``stated_date`` whether the page's own markup states
    one (a date htmldate guesses from the text of a listing does not count); ``listed_url``
    whether the source's article URL patterns accept the URL (always true for an unknown site).
    """
    if words == 0 and not declared_article:
        raise NotAnArticle("no_text")
    if ld_type == "liveblogposting" and words < _SHORT_PAGE:
        raise NotAnArticle("live_blog_shell")
    path = urlsplit(url).path.lower()
    if declared_article:
        return
    if (og_type in ("video.other", "video") or _GALLERY_PATH.search(path)) and (
        words < _SHORT_PAGE
    ):
        raise NotAnArticle("gallery")
    if words < _MIN_WORDS:
        raise NotAnArticle("no_text")
    links = _headline_links(tree)
    if _TAG_PATH.search(path) and links >= _LINKS_OF_A_LIST:
        raise NotAnArticle("tag_page")
    if _SECTION_PATH.search(path) and links >= _LINKS_OF_A_LIST:
        raise NotAnArticle("section_front")
    if words < 2 * _MIN_WORDS and links >= _LINKS_OF_A_FRONT:
        raise NotAnArticle("section_front")
    if not stated_date and not listed_url:
        raise NotAnArticle("section_front")  # outside the source's article URLs, no own date
    if not dated and _linked_headings(tree) >= _CARDS_OF_A_LIST:
        raise NotAnArticle("section_front")  # undated, undeclared, and a list of linked cards
