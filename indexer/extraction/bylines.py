"""Visible bylines on pages whose metadata names no author.

Three generic shapes cover most templates: schema.org microdata (``itemprop=author`` with a
nested ``name``), a link to the author's page (``/author/jane-doe``), and a short "By Jane Doe" /
"Written by" line. Only short texts qualify, so a sentence that starts with "By" is not a name.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import XPath

_MICRODATA = XPath(
    "//*[@itemprop='author']//*[@itemprop='name'] | //*[@itemprop='author'][not(*)]"
)
_AUTHOR_LINK = XPath(
    "//a[contains(@href, '/author/') or contains(@href, '/authors/') or "
    "contains(@href, '/writer/') or contains(@href, '/profile/') or @rel='author']"
)
_BY_TEXT = XPath(
    "//text()[starts-with(normalize-space(), 'By') or starts-with(normalize-space(), 'by ') or "
    "starts-with(normalize-space(), 'Written by') or starts-with(normalize-space(), 'Author')]"
)
_BY_LINE = re.compile(r"^(?:written\s+)?by\s*[:：]?\s*(.{2,60})$|^author\s*[:：]\s*(.{2,60})$",
                      re.IGNORECASE)
_LABEL = re.compile(r"^(?:written by|author|by)\s*[:：]?$", re.IGNORECASE)
_MAX = 5


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join((element.get("content") or element.text_content()).split())


def _short(text: str) -> bool:
    return 2 <= len(text) <= 60 and len(text.split()) <= 6


def find_bylines(tree: lxml.html.HtmlElement) -> tuple[list[str], str]:
    """Raw byline strings and the shape that found them (for provenance)."""
    found = [t for t in (_text(e) for e in _MICRODATA(tree)[:_MAX]) if _short(t)]
    if found:
        return found, "microdata"
    found = [t for t in (_text(e) for e in _AUTHOR_LINK(tree)[:_MAX]) if _short(t)]
    if found:
        return found, "link:author"
    for node in _BY_TEXT(tree)[:20]:
        parent = node.getparent()
        if parent is None:
            continue
        line = " ".join(parent.text_content().split())
        match = _BY_LINE.match(line)
        if match:
            return [match.group(1) or match.group(2)], "byline"
        if _LABEL.match(line):
            following = parent.getnext()
            if following is not None and _short(_text(following)):
                return [_text(following)], "byline"
    return [], ""
