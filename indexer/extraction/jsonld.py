"""The article node of the page's JSON-LD, the most reliable metadata a news page carries.

Pages nest it in ``@graph`` arrays, top-level lists, ``mainEntity`` or ``@type`` lists, and often
declare several objects (WebPage, Organization, BreadcrumbList...). This module finds the one
article-typed object and flattens the fields the cascade needs; broken JSON (trailing commas,
raw control characters, HTML comments) is repaired or skipped, never raised.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html

ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "liveblogposting", "scholarlyarticle", "techarticle", "report", "posting", "webpage",
})
_NEWS_FIRST = ("newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
               "article", "blogposting", "liveblogposting")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_TAG = re.compile(r"<[^<>]{0,300}>")  # no "<" inside: a run of "<" costs one step each


@dataclass
class LdArticle:
    type: str
    headline: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_are_organizations: bool = False
    people: list[str] = field(default_factory=list)
    """The authors typed as a ``Person``."""
    published: str | None = None
    modified: str | None = None
    section: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    image: str | None = None
    language: str | None = None
    body: str | None = None
    publisher: str | None = None
    """The publisher's name: the site's own name, never an author."""


def _load(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except RecursionError:
        return None  # hostile nesting: this script is ignored, the page is not
    except ValueError:
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
        except (ValueError, RecursionError):
            return None


def _nodes(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack and len(found) < 200:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            found.append(item)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if isinstance(item.get(key), list | dict):
                    stack.append(item[key])
    return found


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1].lower() for v in values if v]


def _text(value: Any, ids: dict[str, dict[str, Any]] | None = None) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and ids and set(value) <= {"@id", "@type"}:
        value = ids.get(str(value.get("@id")), value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url")
        if isinstance(value, list):  # any property may be an array: {"name": ["Jane Roe"]}
            value = value[0] if value else None
    if isinstance(value, str | int | float) and str(value).strip():
        return " ".join(html.unescape(_TAG.sub(" ", str(value))).split()) or None
    return None


def _strings(value: Any, ids: dict[str, dict[str, Any]] | None = None) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = _text(item, ids)
        if text:
            out.append(text)
    return out


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _organizations(value: Any, ids: dict[str, dict[str, Any]]) -> bool:
    """Whether every author node is typed as an organisation (the paper, not a person)."""
    items = value if isinstance(value, list) else [value]
    nodes = [ids.get(str(i.get("@id")), i) if isinstance(i, dict) else i for i in items]
    return bool(nodes) and all(
        isinstance(n, dict) and any("organization" in t for t in _types(n)) for n in nodes)


def _people(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """The names of the author nodes typed as a person."""
    items = value if isinstance(value, list) else [value]
    nodes = [ids.get(str(i.get("@id")), i) if isinstance(i, dict) else i for i in items]
    return [name for n in nodes if isinstance(n, dict) and "person" in _types(n)
            for name in [_text(n.get("name"))] if name]


def _rank(node: dict[str, Any]) -> int:
    types = _types(node)
    for index, name in enumerate(_NEWS_FIRST):
        if name in types:
            return index
    return len(_NEWS_FIRST) if node.get("headline") else len(_NEWS_FIRST) + 1


def find_article(tree: lxml.html.HtmlElement) -> LdArticle | None:
    """The best article-typed JSON-LD object of the page, or None."""
    candidates: list[dict[str, Any]] = []
    ids: dict[str, dict[str, Any]] = {}
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        for node in _nodes(_load(script.text)):
            if isinstance(node.get("@id"), str) and len(node) > 2:
                ids.setdefault(node["@id"], node)
            if ARTICLE_TYPES.intersection(_types(node)) and (
                node.get("headline") or node.get("datePublished") or node.get("articleBody")
            ):
                candidates.append(node)
    if not candidates:
        return None
    node = min(candidates, key=_rank)
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = [k for k in re.split(r"[,;，、]", keywords)]
    return LdArticle(
        type=_types(node)[0] if _types(node) else "article",
        headline=_text(node.get("headline")) or _text(node.get("name")),
        description=_text(node.get("description")),
        authors=_strings(node.get("author"), ids) or _strings(node.get("creator"), ids),
        authors_are_organizations=_organizations(node.get("author"), ids),
        people=_people(node.get("author"), ids),
        published=_text(node.get("datePublished")) or _text(node.get("dateCreated")),
        modified=_text(node.get("dateModified")),
        section=_strings(node.get("articleSection")),
        keywords=[k.strip() for k in _strings(keywords) if k.strip()],
        image=_image(node.get("image")) or _image(node.get("thumbnailUrl")),
        language=_text(node.get("inLanguage")),
        body=node.get("articleBody") if isinstance(node.get("articleBody"), str) else None,
        publisher=_text(node.get("publisher"), ids),
    )
