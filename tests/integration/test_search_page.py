"""The search page at ``/`` and the documentation at ``/docs``, used in a real browser.

Debian's ``chromium`` (``./dev.sh test`` installs it) driven by Playwright for Python, pointed at
the system browser (no browser download): the API runs under uvicorn on a small corpus indexed with
the indexer's own code — three topics, one story on three papers, articles over three months, one
title carrying markup, four dates guessed from URLs, one byline. The test types a query, ticks a
facet, pages on by cursor, narrows the dates with the chart (by keyboard: weeks, then days),
filters by how the date was found and by byline, opens a story, reads the page on a phone's screen
and opens ``/docs``. Every request the browser makes is logged and any to a host other than
127.0.0.1 is refused and fails the test; so does any console error (a Content-Security-Policy
violation is one). Screenshots of each step go to ``test-artifacts/search-page/``.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from ann.settings import Settings
from tests.support.api_corpus import corpus_documents, document, index_documents, private_alias
from tests.support.served import served_api

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "search-page"
HOSTILE_TITLE = 'Chip curbs <img src=x onerror="document.title=1"> widen'
WAIT_MS = 30_000  # a busy two-core machine: generous, and only ever waited for, never slept


def page_corpus() -> tuple[list[dict[str, Any]], list[str]]:
    """The documents and the ids of the story on three papers (its first copy first)."""
    docs = corpus_documents(4)  # 12 articles of March 2025, three topics
    story = [d for d in docs if "/news/flood-" in d["url"]][:3]  # Dawn, The Star, Korea Herald
    for copy in story[1:]:
        copy["cluster_id"] = story[0]["id"]
    earlier = [document(10 + n, "cricket", source, datetime(2025, 1, 10 + n, tzinfo=UTC))
               for n, source in enumerate(("dawn", "thestar", "koreaherald"))]
    earlier.append(document(13, "cricket", "dawn", datetime(2025, 2, 3, tzinfo=UTC)))
    hostile = document(14, "chips", "thestar", datetime(2025, 3, 2, tzinfo=UTC))
    hostile["title"] = HOSTILE_TITLE
    hostile["authors"] = ["Tan Mei Ling"]
    for doc in [*docs, hostile]:  # dates from the pages' JSON-LD; the earlier ones from URLs
        doc["provenance"] = {**doc.get("provenance", {}), "published_at": "jsonld"}
    for doc in earlier:
        doc["provenance"] = {**doc.get("provenance", {}), "published_at": "url"}
    return [*docs, *earlier, hostile], [d["id"] for d in story]


@pytest.fixture
def site(services: Settings, es: Elasticsearch, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    docs, story = page_corpus()
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, docs)
        with served_api(settings, tmp_path / "uvicorn.log") as api:
            yield api.url, story


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: ./dev.sh test installs it "
                    "(apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


class Watched:
    """A browser context whose every request is logged and kept on 127.0.0.1, and whose pages'
    console errors are collected."""

    def __init__(self, browser: Browser, **options: Any) -> None:
        self.context: BrowserContext = browser.new_context(**options)
        self.context.set_default_timeout(WAIT_MS)
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def page(self) -> Page:
        page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def hit_ids(page: Page) -> list[str]:
    ids = page.locator("#hits > li").evaluate_all("l => l.map(e => e.dataset.id)")
    return [str(i) for i in ids]


def periods(page: Page) -> list[str]:
    """The periods the dates chart draws, oldest first."""
    values = page.locator("#histogram .bar").evaluate_all("l => l.map(e => e.dataset.period)")
    return [str(v) for v in values]


def facet(page: Page, name: str) -> dict[str, int]:
    """A facet's values (as labelled) and counts."""
    rows = page.locator(f"fieldset[data-facet={name}] label").evaluate_all(
        "ls => ls.map(l => [l.querySelector('input').value, l.querySelector('.count').innerText])")
    return {value: int(count) for value, count in rows}


def test_search_page_in_a_real_browser(
    site: tuple[str, list[str]], browser: Browser, report: Callable[[str], None]
) -> None:
    url, story = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    expect.set_options(timeout=WAIT_MS)
    page = watched.page()

    # every article, cursor paging (one result per story unticked): two pages, each article once
    page.goto(f"{url}/?collapse=false")
    expect(page.locator("#summary")).to_have_text("17 articles")
    first = hit_ids(page)
    shoot(page, "1-all-articles")
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#position")).to_have_text("Page 2")
    second = hit_ids(page)
    assert len(first) == 10 and len(second) == 7 and not set(first) & set(second)
    page.get_by_role("button", name="Previous page").click()
    expect(page.locator("#position")).to_have_text("Page 1")
    assert hit_ids(page) == first

    # the chart follows the dates spanned: three months by week; a week's bar, by keyboard,
    # narrows the dates to that week, drawn by day; a day's bar to that day
    expect(page.locator("#histogram svg")).to_have_attribute("data-interval", "week")
    expect(page.locator("#dates-title")).to_have_text("Published per week")
    assert periods(page) == ["2025-01-06", "2025-02-03", "2025-02-24"]  # Mondays
    page.locator('#histogram .bar[data-period="2025-01-06"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_have_text("3 articles")
    expect(page.locator("#from")).to_have_value("2025-01-06")
    expect(page.locator("#to")).to_have_value("2025-01-12")
    expect(page.locator("#histogram svg")).to_have_attribute("data-interval", "day")
    assert periods(page) == ["2025-01-10", "2025-01-11", "2025-01-12"]
    shoot(page, "2-week-by-day")
    page.locator('#histogram .bar[data-period="2025-01-11"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_have_text("1 article")
    expect(page.locator("#to")).to_have_value("2025-01-11")
    page.get_by_role("button", name="All dates").click()
    expect(page.locator("#summary")).to_have_text("17 articles")

    # provenance: dates guessed from URLs left out; only articles that name their authors
    page.get_by_label("the page's metadata").check()
    expect(page.locator("#summary")).to_have_text("13 articles")
    page.get_by_label("Byline").select_option("true")
    expect(page.locator("#summary")).to_have_text("1 article")
    assert "date_source=metadata" in page.url and "has_byline=true" in page.url
    page.get_by_label("Byline").select_option("")
    page.get_by_label("the page's metadata").uncheck()
    expect(page.locator("#summary")).to_have_text("17 articles")

    # a query typed, one result per story: the story on three papers shows once, with the others
    page.get_by_label("One result per story").check()
    page.get_by_label("Search the Asia News Network papers").fill("flood")
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_have_text("4 articles, 2 stories for “flood”")
    assert story[0] in hit_ids(page) or set(story) & set(hit_ids(page))
    shown = page.locator("#hits > li").filter(has=page.locator(".copies"))
    expect(shown).to_have_count(1)
    expect(shown.locator(".copies li")).to_have_count(2)
    expect(shown.locator(".copies")).to_contain_text("Also published by")
    expect(page.locator("#hits mark").first).to_have_text("flood", ignore_case=True)
    exports = page.request.get(f"{url}/openapi.json").json()["paths"].keys() >= {"/export"}
    if exports:  # the link is offered only where the API serves /export: it exports every match
        link = page.get_by_role("link", name="Export these results (CSV)")
        answer = page.request.get(f"{url}{link.get_attribute('href')}")
        assert answer.ok and len(list(csv.reader(io.StringIO(answer.text())))) == 1 + 4
    else:
        expect(page.locator("#export")).to_be_hidden()
    before = {name: facet(page, name) for name in ("source", "country")}
    assert before["country"] == {"PK": 2, "MY": 1, "KR": 1}

    # a facet ticked: the other facets' counts follow, the ticked facet keeps its alternatives
    page.get_by_role("checkbox", name="Dawn").check()
    expect(page.locator("#summary")).to_have_text("2 articles, 2 stories for “flood”")
    expect(page.locator("fieldset[data-facet=country] label")).to_have_count(1)
    after = {name: facet(page, name) for name in ("source", "country")}
    assert after["country"] == {"PK": 2} != before["country"]
    assert after["source"] == before["source"]  # multi-select: The Star is still offered
    shoot(page, "3-flood-dawn")
    page.get_by_role("checkbox", name="Dawn").uncheck()
    expect(page.locator("#summary")).to_have_text("4 articles, 2 stories for “flood”")

    # a story opened from its result: the article, its copies on the other papers, similar ones
    shown.locator("h3 a").click()
    expect(page.locator("#story h2")).to_be_visible()
    opened = shown_id = page.url.rsplit("=", 1)[1]
    expect(page.locator("#story")).to_be_focused()
    copies = page.locator("#story section[aria-labelledby=copies-title] [data-id]")
    expect(copies.first).to_be_visible()
    others = set(story) - {shown_id}
    assert others <= {str(i) for i in copies.evaluate_all("l => l.map(e => e.dataset.id)")}
    expect(page.locator("#story section[aria-labelledby=similar-title] li").first).to_be_visible()
    shoot(page, "4-story")
    page.get_by_role("button", name="Back to results").click()
    expect(page.locator("#summary")).to_have_text("4 articles, 2 stories for “flood”")
    assert opened in story

    # markup in a title is shown as text: no element made of it, nothing run
    page.get_by_label("Search the Asia News Network papers").fill("widen")
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_have_text("1 article, 1 story for “widen”")
    expect(page.locator("#hits h3")).to_contain_text("<img src=x")
    expect(page.locator("#hits img")).to_have_count(0)
    assert page.title() == "ANN search"

    # on a phone's screen: nothing wider than the screen
    phone = watched.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{url}/?q=flood")
    expect(phone.locator("#summary")).to_have_text("4 articles, 2 stories for “flood”")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(phone, "5-phone")

    # a story's own address (shared, reloaded) opens the story view; back leads to every article
    phone.goto(f"{url}/?article={story[0]}")
    expect(phone.locator("#story h2")).to_have_text("Monsoon floods 0")
    phone.get_by_role("button", name="Back to results").click()
    expect(phone.locator("#summary")).to_have_text("17 articles, 15 stories")

    # the documentation page, rendered from the API's own copy of their assets
    page.goto(f"{url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ANN search")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 6
    shoot(page, "6-docs")

    watched.context.close()
    report(f"{len(watched.requests)} requests, {len(watched.refused)} left 127.0.0.1; "
           f"screenshots in {ARTIFACTS}")
    assert watched.refused == []
    assert watched.errors == []
