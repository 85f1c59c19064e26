"""The article's container, found in one pass over the already-parsed tree.

trafilatura's content extraction copies the tree four times, runs dozens of XPath prunes over
the whole page and then a readability pass for comparison: on real pages that was 60 % of the
cascade's time. Most article pages are simpler than that: their text sits in ``<p>`` blocks
under one container. This module scores that container as readability does (each paragraph
credits its parent in full and its grandparent by half, by length and commas, discounted by
its share of link text; class and id names weigh in), adds the siblings that carry text too
(a body split around an ad slot), and returns pruned copies of those blocks without scripts,
share bars, related-story lists, captions or link lists. When the answer is weak (little text,
or the page has much more paragraph text elsewhere) the caller falls back to trafilatura.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml.etree import _Element

from indexer.extraction.decode import text_of as _text

_PARAGRAPHS = frozenset({"p", "pre"})
_TEXT_HOLDERS = frozenset({"div", "td", "section", "article", "main", "center"})
_SILENT = frozenset({"script", "style", "noscript", "iframe", "svg", "select", "template",
                     "object", "video", "audio", "canvas", "input", "textarea", "label"})
# Boilerplate by tag, unless it holds the article: a misnested page (an unclosed <button> or
# <header>) puts the whole article inside one of these once parsed.
_FRAMING = frozenset({"nav", "aside", "form", "button", "header", "footer", "figure",
                      "figcaption", "dialog", "menu"})
_HELD_PARAGRAPHS = 3
_HELD_CHARS = 80
_MIN_CHARS = 25
_POSITIVE = re.compile(r"article|body|content|entry|hentry|main|post|text|blog|story|prose",
                       re.IGNORECASE)
_NEGATIVE = re.compile(
    r"comment|communit|disqus|foot|masthead|sidebar|sponsor|promo|related|recommend|outbrain|"
    r"taboola|share|social|newsletter|subscribe|signup|widget|popup|modal|cookie|consent|"
    r"breadcrumb|pagination|pager|menu|(?:^|[\s_-])(?:ad|ads|advert\w*|banner|nav|navbar|tags?|"
    r"meta|byline|author|caption|credit|hidden|toolbar|tools)(?:$|[\s_-])",
    re.IGNORECASE,
)
# For ASCII names (almost all) the same tests on the lower-cased string, case-sensitive: the
# patterns are lower case, and IGNORECASE folds an ASCII letter to no other ASCII letter; sre
# matches a long alternation several times faster without case folding.
_POSITIVE_ASCII = re.compile(_POSITIVE.pattern)
_NEGATIVE_ASCII = re.compile(_NEGATIVE.pattern)
_CLAUSE = re.compile(r"[,，、。]")
_LINKY = 0.5
_SIBLING_SHARE = 0.2
_CLASS_WEIGHT = 25.0
_MIN_WORDS_TEXT = 40


@dataclass(frozen=True)
class Found:
    """The chosen blocks (pruned copies) and how much of the page's paragraph text they hold."""

    blocks: list[_Element]
    share: float


def _names(element: _Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


@lru_cache(maxsize=4096)
def _negative(names: str) -> bool:
    """Whether class and id names say boilerplate; a page repeats the same few names on most
    of its elements, so each distinct one is tested once."""
    if names.isascii():
        return _NEGATIVE_ASCII.search(names.lower()) is not None
    return _NEGATIVE.search(names) is not None


def _positive(names: str) -> bool:
    if names.isascii():
        return _POSITIVE_ASCII.search(names.lower()) is not None
    return _POSITIVE.search(names) is not None


@lru_cache(maxsize=4096)
def _weight(names: str) -> float:
    if not names.strip():
        return 0.0
    weight = 0.0
    if _negative(names):
        weight -= _CLASS_WEIGHT
    if _positive(names):
        weight += _CLASS_WEIGHT
    return weight


def _class_weight(element: _Element) -> float:
    return _weight(_names(element))


def _link_chars(element: _Element) -> int:
    return sum(len(_text(a)) for a in element.iter("a"))


def _own_text(element: _Element) -> str:
    """Text directly in ``element`` (its text and its children's tails): a ``<div>`` holding
    text between ``<br>`` tags is a paragraph too."""
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element)
    return "".join(parts)


def _paragraph_score(text: str, links: int) -> float:
    length = len(text)
    return (1 + len(_CLAUSE.findall(text)) + min(length // 100, 3)) * (1 - links / length)


def _skipped(element: _Element) -> bool:
    """Never text: scripts, styles, form controls, media (and comments)."""
    return not isinstance(element.tag, str) or element.tag in _SILENT


def _framing(element: _Element) -> bool:
    """Boilerplate by tag, class or id, or hidden."""
    if element.tag in _FRAMING:
        return True
    if not element.keys():
        return False  # no class, id or style: most elements of an article's text
    if _negative(_names(element)):
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def _holds_text(element: _Element) -> bool:
    """Several long paragraphs of prose: where the article is, whatever the wrapper says."""
    held = 0
    for paragraph in element.iter("p"):
        text = _text(paragraph)
        if len(text) >= _HELD_CHARS and _link_chars(paragraph) < 0.25 * len(text):
            held += 1
            if held >= _HELD_PARAGRAPHS:
                return True
    return False


def _scores(body: _Element) -> tuple[dict[_Element, float], int]:
    """Container scores and the page's total paragraph characters. lxml's own iterator picks
    the paragraph and text-holder elements (no Python walk over every node); whether one sits
    inside a script, form control or media element is remembered per ancestor."""
    muted: dict[_Element, bool] = {}
    scores: dict[_Element, float] = {}
    total = 0
    for element in body.iter(*_PARAGRAPHS, *_TEXT_HOLDERS):
        paragraph = element.tag in _PARAGRAPHS
        text = (_text(element) if paragraph else _own_text(element)).strip()
        if len(text) < _MIN_CHARS or _muted(element, muted):
            continue
        links = min(_link_chars(element), len(text)) if paragraph else 0
        total += len(text) - links
        score = _paragraph_score(text, links)
        holder = element.getparent() if paragraph else element
        for level, ancestor in enumerate(_ancestors(holder, 2)):
            if ancestor not in scores:
                scores[ancestor] = _class_weight(ancestor)
            scores[ancestor] += score / (level + 1)
    return scores, total


def _muted(element: _Element, memo: dict[_Element, bool]) -> bool:
    """Whether the element or one of its ancestors never holds text (memoized per node)."""
    chain: list[_Element] = []
    node: _Element | None = element
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    value = memo[node] if node is not None else False
    for item in reversed(chain):
        value = value or _skipped(item)
        memo[item] = value
    return value


def _ancestors(element: _Element | None, count: int) -> list[_Element]:
    out: list[_Element] = []
    while element is not None and len(out) < count:
        out.append(element)
        element = element.getparent()
    return out


def _best(scores: dict[_Element, float]) -> _Element | None:
    """The top candidate after discounting its own link density (a list of teasers scores
    high on length alone)."""
    top = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:5]
    best, best_score = None, 0.0
    for element, score in top:
        text = len(_text(element)) or 1
        adjusted = score * (1 - min(_link_chars(element), text) / text)
        if adjusted > best_score:
            best, best_score = element, adjusted
    return best


def _common_container(best: _Element, scores: dict[_Element, float]) -> _Element:
    """A CMS that renders each paragraph as its own component (``div.text-block > p``, one per
    paragraph) spreads the text over cousins: the container is then the nearest ancestor of
    every scored block sharing the best block's tag and class, unless that is the whole page."""
    signature = (best.tag, best.get("class"))
    if not signature[1]:
        return best
    paths = [list(e.iterancestors()) for e in scores
             if e is not best and (e.tag, e.get("class")) == signature]
    if not paths:
        return best
    common = set(best.iterancestors())
    for path in paths:
        common.intersection_update(path)
    for ancestor in best.iterancestors():
        if ancestor in common:
            return best if ancestor.tag in ("body", "html") else ancestor
    return best


def _with_siblings(best: _Element, scores: dict[_Element, float]) -> list[_Element]:
    """The container and its siblings that hold article text too (a body split by an ad)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, scores.get(best, 0.0) * _SIBLING_SHARE)
    chosen: list[_Element] = []
    for sibling in parent:
        if sibling is best:
            chosen.append(sibling)
            continue
        if _skipped(sibling) or (_framing(sibling) and not _holds_text(sibling)):
            continue
        if scores.get(sibling, 0.0) >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            text = _text(sibling).strip()
            if len(text) > 80 and _link_chars(sibling) < 0.25 * len(text):
                chosen.append(sibling)
    return chosen


def _prune(element: _Element) -> None:
    """Remove, in place, what is not article text: skipped tags, boilerplate by class or id,
    link lists."""
    for child in list(element):
        if _skipped(child) or (_framing(child) and not _holds_text(child)):
            _remove(child)
            continue
        if child.tag in ("ul", "ol", "li", "div", "p", "table", "section"):
            links = _link_chars(child)  # no link, nothing to measure: the text is not read
            if links and links > _LINKY * len(_text(child).strip()) > 0:
                _remove(child)
                continue
        _prune(child)


def _remove(element: _Element) -> None:
    """Drop an element but keep its tail (text that follows it belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def find(tree: lxml.html.HtmlElement, min_share: float = 0.0) -> Found | None:
    """The article's blocks as pruned copies, or None when the page has no paragraph text.

    With ``min_share``, a page whose chosen blocks hold less of its paragraph text than that
    even before pruning (pruning only removes text) gets ``Found([], share)`` with that upper
    bound as its share: the caller drops such an answer, and the copies are not made."""
    body = tree.find("body")
    if body is None:
        body = tree
    scores, total = _scores(body)
    best = _best(scores)
    if best is None or total == 0:
        return None
    best = _common_container(best, scores)
    chosen = _with_siblings(best, scores)
    if min_share > 0:
        most = min(sum(len(_text(e).strip()) for e in chosen) / total, 1.0)
        if most < min_share:
            return Found(blocks=[], share=most)
    blocks: list[_Element] = []
    kept = 0
    for element in chosen:
        copy = deepcopy(element)
        copy.tail = None
        _prune(copy)
        kept += len(_text(copy).strip())
        blocks.append(copy)
    return Found(blocks=blocks, share=min(kept / total, 1.0))
