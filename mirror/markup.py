"""Escaping helpers shared by every template, so no page or feed is ever malformed."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr


def esc(text: str) -> str:
    """Text content for HTML or XML."""
    return escape(text)


def attr(text: str) -> str:
    """A quoted attribute value, quotes included."""
    return quoteattr(text)


def json_ld(data: object) -> str:
    body = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{body}</script>'


def paragraphs_html(paragraphs: list[str], cls: str = "") -> str:
    klass = f" class={attr(cls)}" if cls else ""
    return "\n".join(f"<p{klass}>{esc(p)}</p>" for p in paragraphs)


def links_html(items: list[tuple[str, str]], cls: str) -> str:
    lis = "".join(f"<li><a href={attr(href)}>{esc(label)}</a></li>" for href, label in items)
    return f"<ul class={attr(cls)}>{lis}</ul>"


def and_join(names: list[str]) -> str:
    """"A", "A and B", "A, B and C": how a byline or an author box lists names."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
