"""Visible bylines on pages whose metadata names no author (or only an editor).

Four generic shapes cover most templates: schema.org microdata (``itemprop=author`` with a
nested ``name``), a link to the author's page (``/author/jane-doe``), a short "By Jane Doe" /
"Written by" line, and the line under the headline (an element classed as the author's, or a news
agency's credit such as "AFP, MANILA"). Only short texts qualify, so a sentence that starts with
"By" is not a name. Pages that carry several stories put other stories' bylines in teaser
cards; a byline inside a link that also wraps a heading (not the author's page), or inside an
``<article>`` of its own linked heading beside the story's ``<h1>``, is a card's.

The same pages label their editors ("Editor: Jane Doe", "Penyunting: ..."); ``find_editors``
reads those labels so that the cascade can tell an editor filed as the metadata author from the
reporter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from functools import partial
from itertools import islice, pairwise
from urllib.parse import urlsplit

import lxml.html
from lxml.etree import XPath, iterwalk

from indexer.extraction import rules
from indexer.extraction.authors import AGENCIES, split_byline

_MICRODATA = XPath(
    "//*[@itemprop='author']//*[@itemprop='name'] | //*[@itemprop='author'][not(*)]"
)
_AUTHOR_ITEMPROP = XPath("//@itemprop[. = 'author']", smart_strings=False)
_AUTHOR_PATH = re.compile(r"/(?:authors?|writer|profile)/")
_BY_TEXT = XPath(
    "//text()[starts-with(normalize-space(), 'By') or starts-with(normalize-space(), 'by ') or "
    "starts-with(normalize-space(), 'Written by') or starts-with(normalize-space(), 'Author')]"
)
_BY_LOWER = XPath(
    "//text()[starts-with(normalize-space(), 'By') or starts-with(normalize-space(), 'by') or "
    "starts-with(normalize-space(), 'Written by') or "
    "starts-with(normalize-space(), 'Author')]"
)
"""As ``_BY_TEXT``, with a lower-case "by" ("by <a>Jane Roe</a>", "by: Jane Roe"); an
upper-case "BY ROLE" is a menu heading more often than a byline."""
_BY_LINE = re.compile(r"^(?:written\s+)?by\s*[:：]?\s*(.{2,60})$|^author\s*[:：]\s*(.{2,60})$",
                      re.IGNORECASE)
_BY_WORD = re.compile(r"^(?:written\s+)?by\b|^author\b", re.IGNORECASE)
_INLINE = frozenset({"a", "span", "strong", "em", "b", "i", "small", "img", "abbr", "cite"})
_LABEL = re.compile(r"^(?:written by|author|by)\s*[:：]?$", re.IGNORECASE)
_CARD = XPath(
    "ancestor::a[@href][.//h1 or .//h2 or .//h3 or .//h4 or .//h5 or .//h6]"
    "[not(contains(@href, '/author') or contains(@href, '/profile/') or "
    "contains(@href, '/writer/'))] | "
    "ancestor::article[not(.//h1)][//h1][string-length(normalize-space()) < 500]"
    "[.//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][.//a[@href]]]"
)
"""Another story's teaser card: a link wrapping a heading (not the author's page), or, on a
page whose story has an ``<h1>``, a short ``<article>`` without it whose heading links
elsewhere (the story's own ``<article>`` may leave the ``<h1>`` outside, but holds the text)."""
_AFTER = XPath("following::*[position() <= 40]")
_AUTHOR_CLASS = re.compile(r"author|byline|writer|reporter", re.IGNORECASE)
_BODY_WORDS = 20  # a paragraph this long means the story's text has begun
_EDITOR_WORDS = ("dit", "DIT", "enyunting", "ENYUNTING", "edaktur", "EDAKTUR", "编辑", "編輯")
_TEXTS = XPath(".//text()", smart_strings=False)  # every text and tail below the element
_EDITOR_START = re.compile(r"^\s*(?:edit|penyunting|redaktur|责任编辑|責任編輯|编辑|編輯)",
                           re.IGNORECASE)
_EDITOR_LINE = re.compile(
    r"^(?:edited\s+by\s*[:：]?|(?:editors?|penyunting|redaktur|责任编辑|責任編輯|编辑|編輯)\s*[:：])"
    r"\s*(.{2,60})$", re.IGNORECASE)
_EDITOR_LABEL = re.compile(r"^(?:edited\s+by|(?:editors?|penyunting|redaktur|责任编辑|責任編輯|"
                           r"编辑|編輯)\s*[:：])$", re.IGNORECASE)
_MAX = 5
_NAMED = _MAX * 2  # the elements a shape reads names from
_JOINS = frozenset({",", "and", "&", "dan", "y", "und", "et", "e"})


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join((element.get("content") or element.text_content()).split())


def _short(text: str) -> bool:
    return 2 <= len(text) <= 60 and len(text.split()) <= 6


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _editor_line(text: str) -> bool:
    return bool(_EDITOR_LINE.match(text) or _EDITOR_LABEL.match(text))


def _credits_editor(element: lxml.html.HtmlElement) -> bool:
    """Whether the element is an editor's credit ("Editor : <a class=author>Jane</a>")."""
    parent = element.getparent()
    lines = [element.text_content()] + ([parent.text_content()] if parent is not None else [])
    return any(_editor_line(" ".join(line.split())) for line in lines)


def _named(elements: list[lxml.html.HtmlElement]) -> list[str]:
    """Short texts of the first few elements that are not an editor's credit."""
    kept = (e for e in elements[:_NAMED] if not _credits_editor(e))
    return [t for t in (_text(e) for e in kept) if _short(t)][:_MAX]


def _microdata(tree: lxml.html.HtmlElement) -> list[str]:
    """Most pages declare no author in microdata: one look at the attributes tells, cheaper
    than the two walks of the elements that ``_MICRODATA`` makes."""
    if not _AUTHOR_ITEMPROP(tree):
        return []
    return _named(_MICRODATA(tree))


def _site(url: str) -> str:
    """The registered part of the page's host ("example.com" of "www.example.com")."""
    labels = (urlsplit(url).hostname or "").split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else ".".join(labels)


def _on_site(link: lxml.html.HtmlElement, site: str) -> bool:
    """A link to the site itself (relative, or to a host of the same domain); ``rel=author``
    is the author's link wherever it leads."""
    href = (link.get("href") or "").strip()
    if link.get("rel") == "author" or not href.startswith(("http:", "https:", "//")):
        return True
    host = urlsplit(href).hostname or ""
    return not site or host == site or host.endswith("." + site)


def _to_author(link: lxml.html.HtmlElement) -> bool:
    """A link to an author's page (``/author/jane-doe``, ``rel=author``)."""
    href = link.get("href") or ""
    return _AUTHOR_PATH.search(href) is not None or link.get("rel") == "author"


def _author_links(tree: lxml.html.HtmlElement, url: str = "") -> list[str]:
    """Links to the author's page on the site (``/author/jane-doe``); a ``/profile/`` link to
    another host is a social profile ("Bluesky"), not the byline. Only the first links that
    ``_named`` reads are looked for."""
    links: Iterator[lxml.html.HtmlElement] = (
        link for link in tree.iter("a") if _to_author(link) and not _CARD(link))
    if url and rules.current().author_links_on_site:
        site = _site(url)
        links = (link for link in links if _on_site(link, site))
    return _named(list(islice(links, _NAMED)))


def _labelled_name(element: lxml.html.HtmlElement, line: re.Pattern[str],
                   label: re.Pattern[str]) -> str | None:
    """The name an element's labelled line gives ("By Jane Doe", "Editor: Jane Doe"), or the
    short text of the element after a bare label ("By" then "<span>Jane Doe</span>")."""
    text = " ".join(element.text_content().split())
    match = line.match(text)
    if match:
        return next(group for group in match.groups() if group)
    if label.match(text):
        following = element.getnext()
        if following is not None and _short(_text(following)):
            return _text(following)
    return None


def _label_children(label: lxml.html.HtmlElement) -> str | None:
    """The names a bare label's children give ("By <a>Jane Roe</a> and <a>John Doe</a>"),
    up to the first child not joined to the one before: "By <a>Jane Roe</a> <a>View In
    Digital Edition</a>" names Jane Roe."""
    parts = [_text(label[0])]
    for before, child in pairwise(label):
        join = (before.tail or "").strip()
        if join.casefold() not in _JOINS:
            break
        parts.extend((join, _text(child)))
    name = " ".join(p for p in parts if p)
    return name if _short(name) else None


def _continues_phrase(node: str, owner: lxml.html.HtmlElement) -> bool:
    """Whether a text continues words on its own line: the inline element before it (or, for
    a tail, the inline element it follows) ends with a letter."""
    before: lxml.html.HtmlElement | None = owner if getattr(node, "is_tail", False) \
        else owner.getprevious()
    if before is None or before.tag not in _INLINE:
        return False  # the text opens its line (or its block)
    text = (before.tail or "").strip() if before is not owner else ""
    text = text or " ".join(before.text_content().split())
    return bool(text) and text[-1].isalpha()


def _by_line(tree: lxml.html.HtmlElement) -> list[str]:
    lower = rules.current().by_label_forms
    for node in (_BY_LOWER if lower else _BY_TEXT)(tree)[:20]:
        parent = node.getparent()
        if parent is None or _CARD(parent):
            continue  # another story's teaser card
        if lower and not _BY_WORD.match(node.strip()):
            continue  # "Byron", "bypass": a word, not the label
        if lower and node.strip().startswith("by") and _continues_phrase(node, parent):
            continue  # "RuffRuff Apps by Tsun", "Theme by": a credit within a line
        name = _labelled_name(parent, _BY_LINE, _LABEL)
        if lower and len(parent) and _LABEL.match(node.strip()) and not node.is_tail:
            name = _label_children(parent) or name
        if name:
            return [name]
    return []


def _headline(
    tree: lxml.html.HtmlElement, headlines: Collection[str]
) -> lxml.html.HtmlElement | None:
    """The heading that shows the story's headline (one of the page's declared titles, or a
    part of one: the ``<title>`` adds the site's name)."""
    wanted = [_fold(h) for h in headlines if h]
    for heading in tree.iter("h1", "h2"):
        text = _fold(heading.text_content())
        if len(text) >= 10 and any(text == w or text in w for w in wanted):
            return heading
    return None


def _credit(element: lxml.html.HtmlElement, text: str) -> bool:
    """A byline element: classed as the author's, or a news agency's credit ("AFP, MANILA")."""
    names = split_byline(text)
    if not names or _credits_editor(element):
        return False
    classed = _AUTHOR_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}")
    return bool(classed) or all(n.casefold() in AGENCIES for n in names)


def _texts(element: lxml.html.HtmlElement, most: int | None = None) -> list[str]:
    """The non-blank texts of an element and its descendants, or only the first ``most``: a
    container of the whole story need not be read to learn that it holds more than one."""
    return list(islice((t for t in element.itertext() if t.strip()), most))


def _under_headline(tree: lxml.html.HtmlElement, headlines: Collection[str]) -> list[str]:
    """The byline between the headline and the story's first paragraph."""
    heading = _headline(tree, headlines)
    if heading is None:
        return []
    for element in _AFTER(heading):
        if element.tag == "p":
            parts = _texts(element)
            if len(" ".join(parts).split()) >= _BODY_WORDS:
                break
        else:
            parts = _texts(element, 2)
        if len(parts) == 1:
            text = " ".join(parts[0].split())
            if _short(text) and _credit(element, text):
                return [text]  # one text of its own: a name, not a name run into a date
    return []


def find_bylines(
    tree: lxml.html.HtmlElement, headlines: Collection[str] = (), url: str = ""
) -> tuple[list[str], str]:
    """Raw byline strings of the first shape that finds any, and the shape (for provenance);
    ``headlines`` (the page's declared titles) locate the line under the headline, ``url``
    (the page's) tells the site's author pages from social profiles. An editor's credit is not
    a byline."""
    under: Callable[[lxml.html.HtmlElement], list[str]] = partial(_under_headline,
                                                                  headlines=headlines)
    links: Callable[[lxml.html.HtmlElement], list[str]] = partial(_author_links, url=url)
    shapes: tuple[tuple[str, Callable[[lxml.html.HtmlElement], list[str]]], ...] = (
        ("microdata", _microdata), ("link:author", links), ("byline", _by_line),
        ("headline:byline", under))
    for origin, shape in shapes:
        found = shape(tree)
        if found:
            return found, origin
    return [], ""


def find_editors(tree: lxml.html.HtmlElement) -> list[str]:
    """Raw names the page's visible text labels as its editors: "Editor: Jane Doe", "Edited by
    Jane Doe", or such a label followed by the name's own element. A role word without a colon
    ("Senior Editor") is a job title, not a label, and is left alone."""
    found: list[str] = []
    for owner in _editor_labels(tree):
        name = _labelled_name(owner, _EDITOR_LINE, _EDITOR_LABEL)
        if name:
            found.append(name)
    return found


def _opens_with_editor(text: str | None) -> bool:
    """A text that opens with an editor's label ("Editor:", "Edited by", "Penyunting")."""
    if not text or _EDITOR_START.match(text) is None:
        return False
    return any(word in text for word in _EDITOR_WORDS)


def _editor_labels(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements owning (as text or tail) the first 20 text nodes, in document order, that
    start with an editor's label. One walk testing each text once: an XPath ``//text()`` with a
    ``contains()`` per label word copied every text node of the page once per word."""
    opening = filter(_EDITOR_START.match, _TEXTS(tree))  # plain strings, tested in C
    if not any(map(_opens_with_editor, opening)) and not _opens_with_editor(tree.tail):
        return []  # most pages: no text opens with a label, and the walk below is not needed
    owners: list[lxml.html.HtmlElement] = []
    for event, element in iterwalk(tree, events=("start", "end")):
        if event == "start":
            if not isinstance(element.tag, str):
                continue  # a comment's text is not a text node (its tail is)
            text = element.text
        else:
            text = element.tail
        if _opens_with_editor(text):
            owners.append(element)
            if len(owners) == 20:
                break
    return owners
