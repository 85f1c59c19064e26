"""Every string in the data a script-rendered page ships for its own hydration.

Some templates render the article from data instead of markup: a Next.js App Router page streams
React Server Components ("Flight") rows in ``self.__next_f.push`` scripts, a Pages Router page
(and Nuxt, Astro...) puts one JSON document in a ``<script type="application/json">``; the
server-rendered HTML then holds no article text at all. This module only decodes those payloads,
Flight rows with the ``nextflight`` library (it joins rows split across pushes and reads the
byte-counted text rows that carry HTML), JSON scripts with ``json``; which string is the article
is the body step's choice (``body.from_payload``), helped by ``about``: a payload also carries
other stories' summaries, legal pages and interface copy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from nextflight import FlightExtractor

_FLIGHT = "self.__next_f.push("
_MIN_CHARS = 200  # shorter strings are labels, captions, URLs: never a whole article
_MAX_NODES = 100_000  # a bound on the walk, so a huge state dump costs little
_TERM = re.compile(r"[^\W\d_]+")
_UNSPACED = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
                       r"\uac00-\ud7af\uf900-\ufaff]")
_MIN_SHARED_TERMS = 0.3


def _walk(data: Any) -> Iterator[str]:
    """The long strings of a decoded payload, depth first, the walk bounded. A string that is
    itself a JSON document (an Apollo or Redux state serialized twice) is walked, not yielded."""
    stack, seen = [data], 0
    while stack and seen < _MAX_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, str):
            if len(item) < _MIN_CHARS:
                continue
            if item.lstrip()[:1] in ("{", "["):
                try:
                    stack.append(json.loads(item))
                    continue
                except (ValueError, RecursionError):
                    pass  # text that merely starts with a bracket
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _flight(scripts: list[str]) -> Iterator[str]:
    try:
        chunks = FlightExtractor("\n".join(scripts), decode_rsc_values=False).raw_chunks
        values = list(chunks.values())
    except Exception:  # a third-party parser on hostile input costs only this fallback, never
        return  # the page
    for value in values:
        yield from _walk(value)


def _scripts(tree: lxml.html.HtmlElement) -> Iterator[tuple[bool, str]]:
    """(is Flight, text) of the page's payload scripts."""
    for script in tree.iter("script"):
        text = script.text or ""
        if _FLIGHT in text:
            yield True, text
        elif (script.get("type") or "").strip().lower() == "application/json" and text.strip():
            yield False, text


def size(tree: lxml.html.HtmlElement) -> int:
    """Characters in the page's payload scripts: no text read from them has more words (a word
    is at least one character, and decoding JSON escapes only shortens)."""
    return sum(len(text) for _, text in _scripts(tree))


def strings(tree: lxml.html.HtmlElement) -> list[str]:
    """Distinct strings of at least ``_MIN_CHARS`` from the page's Flight and JSON payloads
    (JSON-LD is read elsewhere), longest first."""
    flight: list[str] = []
    found: list[str] = []
    for is_flight, text in _scripts(tree):
        if is_flight:
            flight.append(text)
            continue
        try:
            found.extend(_walk(json.loads(text)))
        except (ValueError, RecursionError):
            continue  # broken or hostile JSON: this script is skipped, not the page
    if flight:
        found.extend(_flight(flight))
    return sorted(set(found), key=len, reverse=True)


def _terms(text: str) -> set[str]:
    """Words of three letters or more; in scripts whose words are short or unspaced (CJK,
    hangul, kana) every pair of letters, so that "한동훈" still matches "한동훈을"."""
    out: set[str] = set()
    for word in _TERM.findall(text.casefold()):
        if _UNSPACED.search(word):
            out.update(word[i:i + 2] for i in range(len(word) - 1))
        elif len(word) >= 3:
            out.add(word)
    return out


def about(text: str, headline: str) -> bool:
    """Whether a text shares enough of the headline's terms to be its article (a payload also
    carries other stories' summaries, legal pages and translated interface copy)."""
    wanted = _terms(headline)
    return bool(wanted) and len(wanted & _terms(text)) >= _MIN_SHARED_TERMS * len(wanted)
