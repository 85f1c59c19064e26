"""Source hints: the registry's CSS selectors, compiled once and applied to the parsed tree.

Selectors are data in the source files; a selector that fails to compile is ignored (and the
generic cascade answers instead) so that one bad source file cannot stop extraction.
"""

from __future__ import annotations

from functools import lru_cache

import lxml.html
from cssselect import SelectorError
from lxml.cssselect import CSSSelector

_VALUE_ATTRIBUTES = ("datetime", "content", "data-date", "title")


@lru_cache(maxsize=512)
def compiled(selector: str) -> CSSSelector | None:
    try:
        return CSSSelector(selector, translator="html")
    except (SelectorError, ValueError, SyntaxError):
        return None


def select(tree: lxml.html.HtmlElement, selector: str | None) -> list[lxml.html.HtmlElement]:
    if not selector:
        return []
    matcher = compiled(selector)
    if matcher is None:
        return []
    return [e for e in matcher(tree) if isinstance(e, lxml.html.HtmlElement)]


def text(element: lxml.html.HtmlElement) -> str:
    """Visible text; for ``<meta>`` (a selector like ``meta[name=author]``) its ``content``."""
    if element.tag == "meta":
        return " ".join((element.get("content") or "").split())
    return " ".join(element.text_content().split())


def first_text(tree: lxml.html.HtmlElement, selector: str | None) -> str | None:
    for element in select(tree, selector):
        value = text(element)
        if value:
            return value
    return None


def all_texts(tree: lxml.html.HtmlElement, selector: str | None) -> list[str]:
    return [value for value in (text(e) for e in select(tree, selector)) if value]


def first_value(tree: lxml.html.HtmlElement, selector: str | None) -> str | None:
    """A machine-readable attribute (``<time datetime>``, ``content``) before the visible text."""
    for element in select(tree, selector):
        for attribute in _VALUE_ATTRIBUTES:
            value = (element.get(attribute) or "").strip()
            if value:
                return value
        value = text(element)
        if value:
            return value
    return None
