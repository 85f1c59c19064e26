"""The article text as paragraphs joined by a blank line, without the page's boilerplate.

When the source's ``body`` hint matches, its paragraphs are read directly (fast and exact);
otherwise trafilatura's content extraction runs on the already-parsed tree with its metadata
extraction off. A page rendered from data rather than markup gets its text from the page's
hydration payload (``from_payload``): the longest string there, HTML or plain, that is about the
headline. Either way, blocks named by the source's ``drop`` hints and paragraphs that are
share prompts, newsletter blurbs, "read more" lines, author-bio boxes or bare date stamps are
removed, and a reporter's name signing the last line is handed to the byline cascade.
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache

import lxml.html
import trafilatura
from cssselect import HTMLTranslator, SelectorError
from lxml.etree import ParserError, _Element

from indexer.extraction import hints, payload, rules, scorer
from indexer.extraction.wordcount import word_count

_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "blockquote", "li", "pre", "figcaption", "td"})
_CONTAINERS = frozenset({"ul", "ol", "table", "tbody", "tr", "div", "section", "article", "main",
                         "span", "figure", "body", "font", "center"})
_BOILERPLATE = re.compile(
    r"^(?:enjoyed this (?:story|article)|share (?:this|it|on)|click (?:here )?to share|"
    r"sign up (?:for|to)|subscribe (?:to|now|for)|get (?:the|our) (?:latest|newsletter)|"
    r"(?:also )?read (?:more|also|next)\b|related(?: stories| articles| news)?\s*[:：]|"
    r"(?:see|watch) (?:also|more)\s*[:：]|follow us on|download (?:the|our) app|"
    r"advertisement$|scroll to continue|copyright ©|all rights reserved|"
    r"(?:about the author|the author is)\b|join our (?:whatsapp|telegram)|"
    r"for the latest news, follow)",
    re.IGNORECASE,
)
_SILENT = frozenset({"script", "style", "noscript", "aside", "nav", "form", "button", "iframe"})
_SHORT = 25
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DATE_WORDS = re.compile(
    r"\d+|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|"
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|\b(?:am|pm|a\.m\.|p\.m\.|utc|gmt|jst|kst|ist|"
    r"sgt|myt|wib|pht|ict|pkt|hkt|updated|published|posted|last|on|at)\b|[年月日時分:,./|\-–—()\s]"
)
_SIGNATURE = re.compile(r"^[^\W\d_][^\d_,;:!?()]*[^\W\d_]$")
_PLACEHOLDER = re.compile(r"^(?:\$\$|\{\{|%%|\[\[)[\w.\-]+(?:\$\$|\}\}|%%|\]\])$")
_HTML_TAG = re.compile(r"<[a-zA-Z/][^<>]{0,300}>")
_PAYLOAD_CANDIDATES = 5
_MIN_PAYLOAD_WORDS = 50
_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=256)
def _xpath(selectors: tuple[str, ...]) -> tuple[str, ...]:
    """The ``drop`` hints as XPath for trafilatura's ``prune_xpath`` (bad selectors skipped)."""
    out: list[str] = []
    for selector in selectors:
        try:
            out.append(_TRANSLATOR.css_to_xpath(selector))
        except (SelectorError, ValueError, SyntaxError):
            continue
    return tuple(out)


def _is_date_line(paragraph: str) -> bool:
    """A line that is only a date/time stamp ("17:41 JST, October 13, 2024", "Updated: ...")."""
    if len(paragraph) > 60 or not _YEAR.search(paragraph):
        return False
    return not _DATE_WORDS.sub(" ", paragraph.lower()).strip(" ,.:|-–—/()")


def keep(paragraph: str, title: str | None) -> bool:
    """False for boilerplate lines (short share / newsletter / related prompts), bare date
    stamps, template placeholders and the title."""
    if not paragraph or _is_date_line(paragraph) or _PLACEHOLDER.match(paragraph):
        return False  # a template placeholder ("$$ARTICLEAD$$") is an unfilled ad slot
    if title and paragraph.casefold() == title.casefold():
        return False
    return not (len(paragraph.split()) <= _SHORT and _BOILERPLATE.match(paragraph))


def _flat(element: _Element) -> str:
    """A block's text; a ``<br>`` or a nested block separates words, scripts say nothing."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag not in _SILENT:
            if tag == "br" or tag in _BLOCKS:
                parts.append(" ")
            parts.append(_flat(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _block_texts(root: _Element) -> list[str]:
    """One paragraph per block element of a hinted container, in document order."""
    out: list[str] = []

    def walk(element: _Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SILENT:
            return
        if tag in _BLOCKS or not any(isinstance(c.tag, str) and (c.tag in _BLOCKS or c.tag in
                                                                   _CONTAINERS) for c in element):
            value = " ".join(_flat(element).split())
            if value:
                out.append(value)
            return
        # text flowing between the blocks (a "<div>Text <a>link</a>'s text<br>More</div>")
        # is one paragraph per run, up to the next block or line break, not one per inline tag
        run = [element.text or ""]
        for child in element:
            child_tag = child.tag if isinstance(child.tag, str) else ""
            if child_tag in _BLOCKS or child_tag in _CONTAINERS or child_tag == "br":
                _flush(run, out)
                walk(child)
                run = []
            elif child_tag not in _SILENT:
                run.append(_flat(child))
            run.append(child.tail or "")
        _flush(run, out)

    walk(root)
    return out


def _flush(run: list[str], out: list[str]) -> None:
    value = " ".join("".join(run).split())
    if value:
        out.append(value)


def from_hint(
    tree: lxml.html.HtmlElement, selector: str | None, drop: list[str]
) -> list[str] | None:
    """Paragraphs of the hinted body container, or None when the hint does not match."""
    matches = hints.select(tree, selector)
    if not matches:
        return None
    paragraphs: list[str] = []
    for match in matches:
        container = deepcopy(match)
        _drop(container, drop)
        paragraphs.extend(_block_texts(container))
    return paragraphs or None


def _drop(container: _Element, drop: list[str]) -> None:
    """Remove, in place, the blocks the source's ``drop`` hints name."""
    for drop_selector in drop:
        for element in hints.select(container, drop_selector):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)


def from_scorer(
    tree: lxml.html.HtmlElement, drop: list[str], min_share: float = 0.0
) -> tuple[list[str], float]:
    """Paragraphs of the container the page's own scorer picks (see ``scorer``) and the share
    of the page's paragraph text they hold; ``([], 0.0)`` when the page has no paragraphs.
    Under ``min_share`` the answer is dropped by the caller: ``([], share)``, nothing copied
    or read."""
    found = scorer.find(tree, min_share)
    if found is None:
        return [], 0.0
    if found.share < min_share:
        return [], found.share
    paragraphs: list[str] = []
    for block in found.blocks:  # copies: pruning them leaves the shared tree intact
        _drop(block, drop)
        paragraphs.extend(_block_texts(block))
    return paragraphs, found.share


def from_trafilatura(tree: lxml.html.HtmlElement, url: str, drop: list[str]) -> list[str]:
    """Paragraphs trafilatura keeps (it copies the tree, so ours stays intact).

    Its own pass first (``fast``); its fallbacks — readability and jusText, each run on the page
    and compared with it, about as costly again — only when that pass is weak, under
    ``rules.trafilatura_weak_words`` words: where the fallbacks changed a dev page's body, they
    mended short first passes and spoiled long ones (docs/extraction.md)."""
    paragraphs = _trafilatura_paragraphs(tree, url, drop, fast=True)
    if sum(map(word_count, paragraphs)) < rules.current().trafilatura_weak_words:
        paragraphs = _trafilatura_paragraphs(tree, url, drop, fast=False)
    return paragraphs


def _trafilatura_paragraphs(
    tree: lxml.html.HtmlElement, url: str, drop: list[str], fast: bool
) -> list[str]:
    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, with_metadata=False, include_comments=False,
        include_tables=True, prune_xpath=list(_xpath(tuple(drop))) or None,
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    for element in body.iter("lb", "cell", "item", "row", "p", "head", "list", "quote", "table"):
        element.tail = " " + (element.tail or "")  # blocks, breaks and cells separate words
    paragraphs: list[str] = []
    for element in body:
        parts = list(element) if element.tag in ("list", "table") else [element]
        for part in parts:
            value = " ".join("".join(part.itertext()).split())
            if value:
                paragraphs.append(value)
        tail = " ".join((element.tail or "").split())
        if tail:  # text between blocks hangs off the previous block's tail
            paragraphs.append(tail)
    if body.text and body.text.strip():
        paragraphs.insert(0, " ".join(body.text.split()))
    return paragraphs


def _paragraphs(value: str) -> list[str]:
    """A payload string's paragraphs: block by block when it is HTML, line by line otherwise."""
    if not _HTML_TAG.search(value):
        return [" ".join(line.split()) for line in value.splitlines() if line.strip()]
    try:
        return _block_texts(lxml.html.fragment_fromstring(value, create_parent="div"))
    except (ParserError, ValueError):
        return []


def _choose(strings: list[str], headline: str) -> tuple[str, list[str]] | None:
    """Of the few longest payload strings, the one with most words that is about the headline,
    with its paragraphs; none under ``_MIN_PAYLOAD_WORDS``."""
    best: tuple[str, list[str]] | None = None
    most = _MIN_PAYLOAD_WORDS - 1
    for value in strings[:_PAYLOAD_CANDIDATES]:
        paragraphs = _paragraphs(value)
        text = " ".join(paragraphs)
        words = word_count(text)
        if words > most and payload.about(text, headline):
            best, most = (value, paragraphs), words
    return best


def from_payload(
    tree: lxml.html.HtmlElement, headline: str, url: str, drop: list[str]
) -> list[str]:
    """The article's paragraphs from the page's hydration payload (see ``payload``). HTML
    there goes through trafilatura like any page (captions, bylines and ad slots out) unless
    that keeps under half of its blocks."""
    chosen = _choose(payload.strings(tree), headline)
    if chosen is None:
        return []
    value, blocks = chosen
    if not _HTML_TAG.search(value):
        return blocks
    try:
        document = lxml.html.document_fromstring(f"<html><body><article>{value}</article></body>"
                                                 "</html>")
    except (ParserError, ValueError):
        return blocks
    paragraphs = from_trafilatura(document, url, drop)
    if word_count(" ".join(paragraphs)) < word_count(" ".join(blocks)) // 2:
        return blocks
    return paragraphs


def split_signature(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """A reporter's name signing the last line ("Lê Phương") is a byline, not body text."""
    if len(paragraphs) < 2:
        return paragraphs, None
    last = paragraphs[-1]
    words = last.split()
    if 2 <= len(words) <= 4 and _SIGNATURE.match(last) and not last.isupper() and all(
        w[0].isupper() for w in words
    ):
        return paragraphs[:-1], last
    return paragraphs, None


def clean(paragraphs: list[str], title: str | None) -> str:
    """Kept paragraphs joined by a blank line (a paragraph the author repeated stays repeated)."""
    return "\n\n".join(p for p in paragraphs if keep(p, title))
