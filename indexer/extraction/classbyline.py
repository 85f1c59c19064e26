"""trafilatura's byline search (``trafilatura.metadata.extract_author``) in one walk of the
parsed tree, without its copy of the page.

trafilatura copies the whole tree, deletes from the copy what cannot hold the byline (comment
sections, sidebars, ``<time>``, ``<figure>``, ...: ``AUTHOR_DISCARD_XPATHS``) and then runs
three regular-expression XPaths over it (``AUTHOR_XPATHS``: classes and ids naming the author,
the byline, the writer), taking the first short text. On real pages that was the largest single
cost of the byline step (a copy and four EXSLT-regex walks per page). The same tests are made
here on each element in one ``iter()`` of the shared tree: an element the copy would have lost
is skipped, and its text is left out of a candidate's (its tail kept, as trafilatura's
``delete_element`` keeps it). ``tests/unit/extraction/test_classbyline.py`` checks the result
equals ``extract_author``'s on every dev and fixture page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from trafilatura.json_metadata import normalize_authors

_LEN_LIMIT = 120  # extract_author's len_limit

# AUTHOR_DISCARD_XPATHS
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    r"article-(?:share|support)|print|category|meta-date|meta-reviewer")
_ALWAYS_DISCARDED = frozenset({"time", "figure"})

# AUTHOR_XPATHS, in their order
_FIRST_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_FIRST_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_SECOND_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_SECOND_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_SECOND_CLASS = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_THIRD_ID = re.compile(r"[Aa]uthor")
_THIRD_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")


@lru_cache(maxsize=4096)
def _class_marks(classes: str) -> tuple[bool, bool, bool, bool]:
    """Which class patterns a class attribute matches (discarded, first, second, third
    expression): a page repeats the same few class strings on most of its elements."""
    return (_DISCARD_CLASS.search(classes) is not None, _FIRST_CLASS.search(classes) is not None,
            _SECOND_CLASS.search(classes) is not None, _THIRD_CLASS.search(classes) is not None)


@lru_cache(maxsize=4096)
def _id_marks(ident: str) -> tuple[bool, bool, bool]:
    """Which id patterns an id matches (discarded, second, third expression)."""
    return (_DISCARD_ID.search(ident) is not None, _SECOND_ID.search(ident) is not None,
            _THIRD_ID.search(ident) is not None)


def _discarded(element: lxml.html.HtmlElement, tag: str, ident: str | None,
               classes: str | None) -> bool:
    if tag in _ALWAYS_DISCARDED:
        return True
    if tag not in _DISCARD_TAGS:
        return "Figure" in (element.get("data-component") or "")
    return (ident == "comments" or classes in ("comments", "title", "date")
            or (ident is not None and _id_marks(ident)[0])
            or (classes is not None and _class_marks(classes)[0])
            or "Figure" in (element.get("data-component") or ""))


def _expression(element: lxml.html.HtmlElement, tag: str, ident: str | None,
                classes: str | None) -> int | None:
    """The first of trafilatura's three byline expressions this element matches (0, 1, 2)."""
    itemprop = element.get("itemprop")
    if tag == "author" or (tag in _FIRST_TAGS and (
            element.get("rel") == "author" or ident == "author" or classes == "author"
            or itemprop == "author name"
            or element.get("data-testid") in ("AuthorCard", "AuthorURL")
            or (classes is not None and _class_marks(classes)[1]))):
        return 0
    if tag in _SECOND_TAGS and (
            classes in ("byline", "username", "byl", "BBL")
            or (itemprop is not None and "author" in itemprop)
            or (ident is not None and _id_marks(ident)[1])
            or (classes is not None and _class_marks(classes)[2])):
        return 1
    if ("Byline" in (element.get("data-component") or "")
            or (itemprop is not None and "author" in itemprop)
            or (ident is not None and _id_marks(ident)[2])
            or (classes is not None and _class_marks(classes)[3])):
        return 2
    return None


def _text(element: lxml.html.HtmlElement, discarded: set[lxml.html.HtmlElement]) -> str:
    """``itertext()`` of the element as trafilatura's pruned copy has it: a discarded
    descendant's text left out, its tail joined to the text before it."""
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        slot = node.text or ""
        for child in node:
            if child in discarded:
                slot += child.tail or ""
                continue
            parts.append(slot)
            if isinstance(child.tag, str):
                walk(child)
            slot = child.tail or ""
        parts.append(slot)

    walk(element)
    return " ".join(" ".join(parts).split())


def class_byline(tree: lxml.html.HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, from one walk of ``tree``."""
    discarded: set[lxml.html.HtmlElement] = set()
    candidates: list[list[lxml.html.HtmlElement]] = [[], [], []]
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if not element.keys():  # most elements: only the tag can count
            if tag in _ALWAYS_DISCARDED:
                discarded.add(element)
            elif tag == "author":
                candidates[0].append(element)
            continue
        ident, classes = element.get("id"), element.get("class")
        if _discarded(element, tag, ident, classes):
            discarded.add(element)
            continue
        number = _expression(element, tag, ident, classes)
        if number is not None:
            candidates[number].append(element)
    for found in candidates:
        for element in found:
            if any(a in discarded for a in element.iterancestors()):
                continue  # inside a block trafilatura's copy has lost
            content = _text(element, discarded)
            if content and 2 < len(content) < _LEN_LIMIT:
                return normalize_authors(None, content)
    return None
