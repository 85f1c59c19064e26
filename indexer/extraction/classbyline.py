"""trafilatura's byline search (``trafilatura.metadata.extract_author``) in one walk of the
parsed tree, without its copy of the page.

trafilatura copies the whole tree, deletes from the copy what cannot hold the byline (comment
sections, sidebars, ``<time>``, ``<figure>``, ...: ``AUTHOR_DISCARD_XPATHS``) and then runs
three regular-expression XPaths over it (``AUTHOR_XPATHS``: classes and ids naming the author,
the byline, the writer), taking the first short text. On real pages that was the largest single
cost of the byline step (a copy and four EXSLT-regex walks per page). The same tests are made
here on each element in one ``iter()`` of the shared tree, judged once per combination of tag
and attribute values (a page repeats a few on most of its elements): an element the copy would
have lost is skipped, and its text is left out of a candidate's (its tail kept, as
trafilatura's ``delete_element`` keeps it). ``tests/unit/extraction/test_classbyline.py``
checks the result equals ``extract_author``'s on every dev and fixture page.
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
_OTHER_MARKS = frozenset({"itemprop", "rel", "data-testid", "data-component"})
"""The attributes besides ``id`` and ``class`` that the expressions read; few elements carry any."""
_DISCARDED = -1


def _discarded(tag: str, ident: str | None, classes: str | None, component: str | None) -> bool:
    if tag in _ALWAYS_DISCARDED or "Figure" in (component or ""):
        return True
    return tag in _DISCARD_TAGS and (
        ident == "comments" or classes in ("comments", "title", "date")
        or (ident is not None and _DISCARD_ID.search(ident) is not None)
        or (classes is not None and _DISCARD_CLASS.search(classes) is not None))


def _expression(tag: str, ident: str | None, classes: str | None, itemprop: str | None,
                rel: str | None, testid: str | None, component: str | None) -> int | None:
    """The first of trafilatura's three byline expressions an element matches (0, 1, 2)."""
    if tag == "author" or (tag in _FIRST_TAGS and (
            rel == "author" or ident == "author" or classes == "author"
            or itemprop == "author name" or testid in ("AuthorCard", "AuthorURL")
            or (classes is not None and _FIRST_CLASS.search(classes) is not None))):
        return 0
    if tag in _SECOND_TAGS and (
            classes in ("byline", "username", "byl", "BBL")
            or (itemprop is not None and "author" in itemprop)
            or (ident is not None and _SECOND_ID.search(ident) is not None)
            or (classes is not None and _SECOND_CLASS.search(classes) is not None)):
        return 1
    if ("Byline" in (component or "") or (itemprop is not None and "author" in itemprop)
            or (ident is not None and _THIRD_ID.search(ident) is not None)
            or (classes is not None and _THIRD_CLASS.search(classes) is not None)):
        return 2
    return None


@lru_cache(maxsize=8192)
def _verdict(tag: str, ident: str | None = None, classes: str | None = None,
             itemprop: str | None = None, rel: str | None = None, testid: str | None = None,
             component: str | None = None) -> int | None:
    """``_DISCARDED``, the number of the first expression matched, or None, for an element with
    these tag and attributes: a page repeats the same few on most of its elements, so each
    combination is judged once."""
    if _discarded(tag, ident, classes, component):
        return _DISCARDED
    return _expression(tag, ident, classes, itemprop, rel, testid, component)


def _element_verdict(element: lxml.html.HtmlElement, tag: str) -> int | None:
    """``_verdict`` of an element, reading only the attributes it has: most carry at most an
    ``id`` and a ``class``."""
    keys = element.keys()
    if not keys:
        return _verdict(tag)
    get = element.get
    if _OTHER_MARKS.isdisjoint(keys):
        return _verdict(tag, get("id"), get("class"))
    return _verdict(tag, get("id"), get("class"), get("itemprop"), get("rel"),
                    get("data-testid"), get("data-component"))


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


def _lost(element: lxml.html.HtmlElement, discarded: set[lxml.html.HtmlElement]) -> bool:
    """Whether the element is inside a block trafilatura's copy has lost."""
    return any(a in discarded for a in element.iterancestors())


def _discard_below(element: lxml.html.HtmlElement,
                   discarded: set[lxml.html.HtmlElement]) -> None:
    """Add the element's discarded descendants, before the walk reaches them."""
    for below in element.iterdescendants():
        if isinstance(below.tag, str) and _element_verdict(below, below.tag) == _DISCARDED:
            discarded.add(below)


def _byline_text(element: lxml.html.HtmlElement,
                 discarded: set[lxml.html.HtmlElement]) -> str | None:
    """The candidate's text, if it has a byline's length."""
    content = _text(element, discarded)
    return content if content and 2 < len(content) < _LEN_LIMIT else None


def class_byline(tree: lxml.html.HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, from one walk of ``tree``.
    A candidate of the first expression is judged where the walk meets it (its ancestors met
    before it, its descendants judged on the spot): the first that has a byline's length is
    the answer, and the rest of the page need not be walked. The others wait for the end."""
    discarded: set[lxml.html.HtmlElement] = set()
    later: tuple[list[lxml.html.HtmlElement], ...] = ([], [])
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        verdict = _element_verdict(element, tag)
        if verdict == _DISCARDED:
            discarded.add(element)
        elif verdict == 0 and not _lost(element, discarded):
            _discard_below(element, discarded)
            content = _byline_text(element, discarded)
            if content:
                return normalize_authors(None, content)
        elif verdict:
            later[verdict - 1].append(element)
    for found in later:
        for element in found:
            content = None if _lost(element, discarded) else _byline_text(element, discarded)
            if content:
                return normalize_authors(None, content)
    return None
