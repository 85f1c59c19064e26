"""The visible headline, not the ``<title>`` with its " | Site" suffix.

The page's metadata (JSON-LD headline, ``og:title``, ``<title>``...) says which text is the title;
the visible heading (the source's title hint, else an ``<h1>`` outside the masthead, logo or
hidden blocks) says how readers see it. In order:

1. the heading (or its first or last part, when a kicker, subtitle or date sits inside the
   ``<h1>``) that best agrees with a metadata title — with the metadata's characters when the two
   differ only by typographic quotes, which themes add on display;
2. the one heading left that does not name the site and shares the topic of the metadata (editors
   often shorten ``og:title`` for sharing) — except on a news article whose JSON-LD headline
   disagrees with it;
3. the first metadata title with its site-name segment removed.

Segments that name the site or the section the URL sits in ("… | Opinion" under
``/story/opinion/``) are cut from either kind, a ``<time>`` printed inside the heading is left
out, and mojibake in any candidate is undone first.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from urllib.parse import urlsplit

import lxml.html

_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]\s+|\s*[｜|ㅣ]\s*")
_WORD = re.compile(r"\w+")
_SECTION_SEPARATORS = frozenset("-|–—:ㅣ｜")
_MAX_TITLE = 400
_NOT_HEADLINE = ("logo", "site-title", "brand", "blind", "sr-only", "screen-reader", "hidden",
                 "visually-hidden", "modal", "login")
_MIN_LONE_WORDS = 3
_TRUNCATED_AT = 100  # JSON-LD headlines this long may have been cut
_MAX_LONE_WORDS = 20  # longer is a sentence (a dek or a promo), not a headline
_PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_QUOTE_PAIRS = {'""': '"', "''": "'", "\u201c\u201d": "\u201c\u201d",
                "\u2018\u2019": "\u2018\u2019"}


def normalize(title: str) -> str:
    """One spacing; entities a page escaped twice ("&#x26;") decoded."""
    if "&" in title and ";" in title:
        title = html.unescape(title)
    return " ".join(title.split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def similarity(a: str, b: str) -> float:
    """1 for the same words; the shorter's share of the longer when one contains the other;
    else word-F1 (0 when fewer than 0.7)."""
    fa, fb = " ".join(_words(a)), " ".join(_words(b))
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    wa, wb = Counter(fa.split()), Counter(fb.split())
    shorter, longer = sorted((sum(wa.values()), sum(wb.values())))
    if (fa in fb or fb in fa) and shorter >= 0.4 * longer:
        return shorter / longer
    overlap = sum((wa & wb).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(wa.values()), overlap / sum(wb.values())
    f1 = 2 * precision * recall / (precision + recall)
    return f1 if f1 >= 0.7 else 0.0


def _shares_topic(heading: str, structured: list[tuple[str, str]], site: set[str]) -> bool:
    """At least two content words (not the site's name) in common with some metadata title."""
    words = {w for w in _words(heading) if len(w) > 3 and w not in site}
    return any(len(words & set(_words(text))) >= 2 for text, _ in structured)


def _site_words(url: str, site_names: list[str]) -> set[str]:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = {w for name in site_names for w in _words(name)}
    names.update(p for p in re.split(r"[.\-]", host) if len(p) > 2)
    return names


def _section_words(url: str) -> set[str]:
    """Words of the URL's folders ("/story/opinion/contributors/…/slug"): the section a page
    sits in, which templates append to titles ("Headline | Opinion"). The last segment is the
    article's own slug and made of headline words, so it is left out."""
    folders = [f for f in urlsplit(url).path.split("/") if f][:-1]
    return {w for folder in folders for w in re.split(r"[\W_]+", folder.casefold())
            if w and not w.isdigit()}


def strip_site(title: str, url: str, site_names: list[str], heading: bool = False) -> str:
    """``title`` without leading or trailing segments that name the site or the section the URL
    sits in. A visible ``heading`` loses only trailing segments made wholly of such words: the
    looser tests suited to ``<title>`` suffixes ("SFist - San Francisco News…") would cut a
    headline's own "… / Moving Companies in San Francisco"."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = _site_words(url, site_names)
    section = _section_words(url)

    def is_site(part: str) -> bool:
        words = _words(part)
        joined = "".join(words)
        if not words:
            return False
        if all(w in site for w in words) or all(w in section for w in words):
            return True
        return not heading and (joined in site or any(joined in s for s in site)
                                or any(s in joined for s in site if len(s) > 4))

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while not heading and len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(_SEPARATORS.split(title)):
        return title
    separators = _SEPARATORS.findall(title)
    if len(parts) == 1:
        return parts[0].strip()
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and separators else title


def strip_sections(title: str, sections: list[str]) -> str:
    """``title`` without a trailing segment naming one of the page's declared sections, however
    it is attached ("…커졌다-정치" under ``content_category`` 정치, "… | Opinion")."""
    for _ in range(2):  # "Headline - Politics - National"
        for name in sections:
            start = _section_suffix(title, name)
            if start is not None and len(_words(title[:start])) >= _MIN_LONE_WORDS - 1:
                title = title[:start]
                break
        else:
            return title
    return title


def _section_suffix(title: str, name: str) -> int | None:
    """Where a trailing "<separator> ``name``" begins in ``title`` (case aside), or None.

    Compared from the end, not searched with a regex: a search tries the name at every
    separator of the title, quadratic when a crafted title and section repeat one pattern."""
    rest = title.rstrip()
    if not name or len(name) >= len(rest) or \
            rest[-len(name):].casefold() != name.casefold():
        return None
    rest = rest[:-len(name)].rstrip()
    if not rest or rest[-1] not in _SECTION_SEPARATORS:
        return None
    return len(rest[:-1].rstrip())


def _in_masthead(element: lxml.html.HtmlElement) -> bool:
    """A logo heading: inside the page header / navigation, or a link to the home page."""
    ancestors = list(element.iterancestors())
    in_article = any(a.tag in ("article", "main") for a in ancestors)
    for ancestor in ancestors:
        if ancestor.tag == "nav" or (not in_article and (
            ancestor.tag == "header" or (ancestor.get("role") or "") == "banner"
        )):
            return True
    identity = f"{element.get('id') or ''} {element.get('class') or ''}".lower()
    hidden = "display:none" in (element.get("style") or "").replace(" ", "")
    return hidden or any(mark in identity for mark in _NOT_HEADLINE)


def _text(element: lxml.html.HtmlElement) -> str:
    """The element's text without its ``<time>`` descendants: a dateline printed inside the
    heading ("Dec 18 2025 Preparing a transition") is not part of the headline."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != "time":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _segments(element: lxml.html.HtmlElement) -> list[str]:
    """The heading's own text and each child's, so "Title<span>Subtitle</span>" is two parts."""
    parts = [element.text or ""]
    for child in element:
        parts.extend((_text(child) if child.tag != "time" else "", child.tail or ""))
    return [" ".join(p.split()) for p in parts if p.strip()]


def headings(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of the page's ``<h1>`` elements (child parts on separate lines), logo and
    masthead headings left out."""
    out: list[str] = []
    for element in tree.iter("h1"):
        text = "\n".join(_segments(element))
        if text and len(text) <= _MAX_TITLE and not _in_masthead(element) and text not in out:
            out.append(text)
        if len(out) >= 5:
            break
    return out


def _site_segments(structured: list[tuple[str, str]], url: str, names: list[str]) -> set[str]:
    """Folded title segments that name the site ("Stanford Online" of "X | Stanford Online")."""
    segments: set[str] = set()
    for text, _ in structured:
        parts = _SEPARATORS.split(text)
        if len(parts) > 1:
            segments.update(" ".join(_words(p)) for p in parts[1:])
    site = _site_words(url, names)
    segments.update(" ".join(_words(n)) for n in names)
    return {s for s in segments if s} | {w for w in site if len(w) > 3}


def choose(
    structured: list[tuple[str, str]], visible: list[tuple[str, str]], url: str,
    site_names: list[str], news: bool = False,
) -> tuple[str, str] | None:
    """(title, provenance) from metadata candidates and visible-heading candidates, in order.

    A heading that agrees with the metadata wins; else the one remaining heading that does not
    name the site (editors often shorten ``og:title`` for sharing and keep the visible headline).
    """
    scored = [(max((similarity(v, s) for s, _ in structured), default=0.0), -i, v, o)
              for i, (t, o) in enumerate(visible) for v in _variants(t)]
    best = max(scored, default=None)
    if best is not None and best[0] > 0:
        heading = strip_site(normalize(_unquote(best[2])), url, site_names, heading=True)
        return _verbatim(heading, structured, url, site_names), best[3]
    site = _site_segments(structured, url, site_names)
    headlines = [(t, o) for t, o in visible if " ".join(_words(t)) not in site
                 and (not structured or _shares_topic(t, structured, site))]
    lone = headlines[0][0] if len(headlines) == 1 else ""
    if _MIN_LONE_WORDS <= len(_words(lone)) <= _MAX_LONE_WORDS and not lone.isupper() and not (
        news and structured and structured[0][1] == "jsonld"
    ):  # a news article's declared headline outranks a heading that disagrees with it
        return strip_site(normalize(_variants(lone)[0]), url, site_names, heading=True), \
            headlines[0][1]
    if structured:
        text, origin = _untruncated(structured, url, site_names)
        cleaned = strip_site(text, url, site_names)
        return normalize(_unquote(cleaned)), origin if cleaned == text else f"{origin}+stripped"
    return (normalize(_variants(visible[0][0])[0]), visible[0][1]) if visible else None


def _untruncated(structured: list[tuple[str, str]], url: str,
                 site_names: list[str]) -> tuple[str, str]:
    """The first metadata title, or a longer one that continues its last words: SEO plugins cut
    JSON-LD headlines at about 110 characters (a " - Section" suffix is no continuation)."""
    first = normalize(structured[0][0]).rstrip(" .…")
    if len(first) < _TRUNCATED_AT:
        return structured[0]
    for text, origin in structured[1:]:
        longer = normalize(strip_site(text, url, site_names))
        rest = longer[len(first):] if longer.startswith(first) else ""
        if re.match(r"\s*[\w(]", rest):
            return text, origin
    return structured[0]


def _variants(heading: str) -> list[str]:
    """The whole heading, then its first and last parts (a subtitle, a kicker or a dateline
    printed inside the ``<h1>``)."""
    parts = heading.split("\n")
    return list(dict.fromkeys([" ".join(parts), parts[0], parts[-1]]))


def _verbatim(heading: str, structured: list[tuple[str, str]], url: str,
              site_names: list[str]) -> str:
    """The metadata's text when it differs from the heading only by typographic quotes (or
    capitals, for an all-capitals heading).

    Themes re-typeset headings on display (WordPress turns ' into ’); the metadata keeps the
    text as the editor typed it."""
    def plain(text: str) -> str:  # an all-capitals heading is a style, not the text
        text = text.translate(_PLAIN_QUOTES)
        return text.casefold() if heading.isupper() else text

    for text, _ in structured:
        candidate = normalize(strip_site(text, url, site_names))
        if candidate != heading and plain(candidate) == plain(heading):
            return candidate
    return heading


def _unquote(title: str) -> str:
    """A title wrapped whole in quotes ("\"What is Git?\"") loses the wrapping pair only."""
    if len(title) > 2 and title[0] + title[-1] in _QUOTE_PAIRS and not any(
        q in title[1:-1] for q in _QUOTE_PAIRS[title[0] + title[-1]]
    ):
        return title[1:-1].strip()
    return title
