"""The page's own declared metadata: ``<meta>`` tags, canonical link and ``<html lang>``.

Collected in one pass into a ``PageMeta`` so the cascade can ask for "the first of these keys"
and record which key answered (``meta:og:title``). Keys are lower-cased ``name``, ``property``
or ``itemprop`` values; repeated keys (``article:tag``) keep every value in order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.html

_TAG = re.compile(r"<[^<>]{0,300}>")  # no "<" inside: a run of "<" costs one step each


@dataclass
class PageMeta:
    values: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    title: str | None = None

    def first(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty value among ``keys`` and the key that held it."""
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return value, key
        return None

    def candidates(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """Each key's first value, with its provenance (``meta:<key>``), in the keys' order."""
        found = (self.first(key) for key in keys)
        return [(value, f"meta:{key}") for value, key in filter(None, found)]

    def all(self, key: str) -> list[str]:
        return [v for v in self.values.get(key, ()) if v]


def _clean(content: str) -> str:
    if "<" in content or "&" in content:
        content = html.unescape(_TAG.sub(" ", content))
    return " ".join(content.split())


def read_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    meta = PageMeta()
    for element in tree.iter("meta", "link", "title"):
        tag = element.tag
        if tag == "meta":
            content = (element.get("content") or "").strip()
            for attribute in ("property", "name", "itemprop"):
                key = (element.get(attribute) or "").strip().lower()
                if key and content:
                    meta.values.setdefault(key, []).append(_clean(content))
        elif tag == "link":
            if meta.canonical is None and "canonical" in (element.get("rel") or "").lower():
                meta.canonical = (element.get("href") or "").strip() or None
        elif meta.title is None:
            meta.title = " ".join(element.text_content().split()) or None
    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    lang = html.get("lang") or html.get("xml:lang")
    meta.lang = lang.strip() if lang and lang.strip() else None
    return meta
