"""Extraction costs time linear in the page's size, whatever the page is built to do.

Each hostile page below repeats one pattern that made a regex (or a loop) rescan the input from
many starting points: an unclosed ``<tag`` run at the end of a truncated page, a byline of one
endless word, of unclosed brackets, a headline and section built to match each other at every
separator, thousands of declared sections. The test times ``extract_article`` on the page at two
sizes eight times apart, in CPU time of this process (another process's load does not count),
the median of a few runs, and asserts the ratio stays far below the square's 64.
"""

from __future__ import annotations

import contextlib
import gc
import json
import statistics
import time
from collections.abc import Callable

import pytest

from indexer.extraction import ExtractionError
from tests.support.extraction import extract_article

URL = "https://example.org/news/2024/03/05/some-story"
PARAGRAPH = "<p>" + "The minister said the talks would continue next week in the capital. " * 4 \
    + "</p>"
SMALL = 20_000
GROWTH = 8
MAX_RATIO = 24  # linear growth is at most 8 (less, with the page's fixed cost); quadratic is 64
RUNS = 3


def _page(head: str = "", body: str = "", closed: bool = True) -> str:
    page = (f"<html><head><title>Budget passes</title>{head}</head>"
            f"<body><h1>Budget passes</h1>{PARAGRAPH * 3}{body}")
    return page + "</body></html>" if closed else page


def _ld(node: dict[str, object]) -> str:
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


HOSTILE: dict[str, Callable[[int], str]] = {
    # a truncated page ending in tag starts that never close
    "unclosed-tags": lambda n: _page(closed=False) + "<a " * (n // 3),
    "unclosed-tags-with-attributes": lambda n: _page(closed=False) + "<p class=x " * (n // 11),
    # bylines: one endless word before an "@", endless opening brackets
    "byline-long-word": lambda n: _page(f"<meta name='author' content='{'a' * n}@'>"),
    "byline-words-and-ats": lambda n: _page(f"<meta name='author' content='{'a@' * (n // 2)}'>"),
    "byline-brackets": lambda n: _page(f"<meta name='author' content='{'(' * n}'>"),
    "jsonld-author-brackets": lambda n: _page(_ld({"@type": "NewsArticle", "headline": "Budget",
                                                   "author": "[" * n})),
    # markup inside metadata values: a run of "<" with no ">"
    "jsonld-headline-angles": lambda n: _page(_ld({"@type": "NewsArticle", "headline": "<" * n})),
    "meta-description-angles": lambda n: _page(f"<meta name='description' content='{'<' * n}'>"),
    # a headline and a section that could match each other at every separator
    "title-and-section": lambda n: _page(f"<meta property='og:title' content='{'-x' * (n // 4)}'>"
                                         f"<meta property='article:section' "
                                         f"content='{'x-' * (n // 4)}x'>"),
    "many-sections": lambda n: _page("<meta property='article:section' content='"
                                     + ",".join(str(i) for i in range(n // 6)) + "'>"),
}


def _cpu_seconds(page: str) -> float:
    gc.collect()
    start = time.process_time()
    with contextlib.suppress(ExtractionError):  # a refusal is fine: only its cost counts
        extract_article(page, URL)
    return time.process_time() - start


def _median_cpu_seconds(page: str, give_up_after: float | None = None) -> float:
    """The median of ``RUNS`` timings; one run past ``give_up_after`` is answer enough (a
    quadratic page's larger size would otherwise take minutes to show it)."""
    times = []
    for _ in range(RUNS):
        times.append(_cpu_seconds(page))
        if give_up_after is not None and times[-1] > give_up_after:
            return times[-1]
    return statistics.median(times)


@pytest.mark.timeout(300)
@pytest.mark.slow  # ten extractions of pages up to megabytes, timed
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_extraction_time_grows_linearly(name: str) -> None:
    build = HOSTILE[name]
    extract_article(_page(), URL)  # imports and caches warmed before any timing
    small = _median_cpu_seconds(build(SMALL))
    large = _median_cpu_seconds(build(SMALL * GROWTH), give_up_after=small * MAX_RATIO * 2)
    ratio = large / small
    print(f"{name}: {small:.3f} s at {SMALL} chars, {large:.3f} s at {SMALL * GROWTH}: "
          f"x{ratio:.1f}")
    assert ratio < MAX_RATIO, f"{name}: x{ratio:.1f} for x{GROWTH} the size"
