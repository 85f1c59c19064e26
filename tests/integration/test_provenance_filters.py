"""Provenance as a filter on the real node: an index of mapping version 1 (provenance stored,
not indexed) moved by ``ann reindex`` to the current version, then filtered on how each date
was found and on the byline.

The pages go through the real extraction: The Star's articles dated by a ``<meta>`` tag, by
JSON-LD, by the visible date its selector names, or by nothing but the date in their URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from ann.document import DocField
from ann.messages import Discovery, RawPage
from ann.settings import Settings
from ann.sources import load_registry
from ann.urls import document_id
from indexer.mapping import MAPPING_VERSION, MAPPINGS, SETTINGS, index_name
from indexer.pipeline import process_batch
from indexer.reindex import reindex
from search_api.app import create_app

pytestmark = pytest.mark.integration

URL = "https://www.thestar.com.my/news/nation/2024/03/{day:02d}/bridge-works-{n}-advance"
DATES = {
    "meta": '<meta property="article:published_time" content="2024-03-{day:02d}T14:20:00+08:00">',
    "jsonld": '<script type="application/ld+json">{{"@context": "https://schema.org", "@type": '
              '"NewsArticle", "datePublished": "2024-03-{day:02d}T14:20:00+08:00"}}</script>',
    "page": '<p class="date">Tuesday, {day:02d} Mar 2024</p>',
    "url": "",
}
PAGES = [("meta", True), ("jsonld", True), ("page", True), ("url", True), ("url", True),
         ("meta", False)]
"""(how the page states its date, whether it names an author)."""
VERSION_1: dict[str, Any] = {
    **MAPPINGS, "properties": {**MAPPINGS["properties"],
                               DocField.provenance: {"type": "object", "enabled": False}},
}
"""The mapping before provenance was indexed."""


def _html(n: int, dated: str, byline: bool) -> str:
    day = n + 1
    markup = DATES[dated].format(day=day)
    sentence = (f"The Kerema{n} bridge in Penang moved ahead as engineers poured concrete and "
                "officials inspected the site. ")
    return (f"<html><head><title>Bridge works {n} advance</title>"
            f'<meta property="og:type" content="article">{"" if dated == "page" else markup}'
            f'</head><body><h1 class="headline">Bridge works {n} advance</h1>'
            f'{"<div class=credit__authors><a>Tan Mei Ling</a></div>" if byline else ""}'
            f'{markup if dated == "page" else ""}'
            f'<div id="story-body"><p>{sentence * 6}</p><p>{sentence * 5}</p></div></body></html>')


@dataclass
class Filtered:
    api: TestClient
    ids: dict[int, str]
    before_reindex: int


@pytest.fixture(scope="module")
def filtered(services: Settings, es: Elasticsearch) -> Iterator[Filtered]:
    settings = services.model_copy(update={"index_alias": f"test-{datetime.now(UTC):%H%M%S%f}"
                                                          "-provenance"})
    alias = settings.index_alias
    es.indices.create(index=index_name(alias, 1), settings=SETTINGS, mappings=VERSION_1,
                      aliases={alias: {"is_write_index": True}})
    pages, ids = [], {}
    for n, (dated, byline) in enumerate(PAGES):
        url = URL.format(day=n + 1, n=n)
        ids[n] = document_id(url)
        pages.append(RawPage(url=url, final_url=url, status=200, fetched_at=datetime.now(UTC),
                             source_id="thestar", discovery=Discovery(kind="feed"),
                             body_z=RawPage.pack_body(_html(n, dated, byline).encode())))
    try:
        outcome = process_batch(pages, es, alias, load_registry())
        assert outcome.total("indexed") == len(PAGES), outcome
        es.indices.refresh(index=alias)
        with TestClient(create_app(settings)) as api:
            before = api.get("/search", params={"date_source": "url"}).json()["total"]
            report = reindex(es, alias)
            assert report.swapped and report.copied == len(PAGES) and not report.failed
            yield Filtered(api, ids, before)
    finally:
        for version in (1, MAPPING_VERSION):
            es.indices.delete(index=index_name(alias, version), ignore_unavailable=True)


def _found(filtered: Filtered, params: dict[str, Any]) -> set[str]:
    answer = filtered.api.get("/search", params={**params, "size": 100})
    assert answer.status_code == 200, answer.text
    return {hit["id"] for hit in answer.json()["hits"]}


def _ids(filtered: Filtered, wanted: set[str]) -> set[str]:
    return {filtered.ids[n] for n, (dated, _) in enumerate(PAGES) if dated in wanted}


def test_the_reindexed_index_filters_out_exactly_the_dates_guessed_from_the_url(
    filtered: Filtered,
) -> None:
    assert filtered.before_reindex == 0  # version 1 stored provenance without indexing it
    for n, (dated, _) in enumerate(PAGES):
        article = filtered.api.get(f"/articles/{filtered.ids[n]}").json()
        assert article["provenance"]["published_at"].split(":")[0] == {
            "meta": "meta", "jsonld": "jsonld", "page": "hint", "url": "url"}[dated]
    everything = _found(filtered, {})
    assert len(everything) == len(PAGES)
    trusted = _found(filtered, {"date_source": ["metadata", "page"]})
    assert trusted == _ids(filtered, {"meta", "jsonld", "page"})
    assert everything - trusted == _ids(filtered, {"url"})
    assert _found(filtered, {"date_source": "url"}) == _ids(filtered, {"url"})
    assert _found(filtered, {"date_source": "metadata"}) == _ids(filtered, {"meta", "jsonld"})


def test_has_byline_splits_the_articles_by_whether_they_name_an_author(
    filtered: Filtered,
) -> None:
    unsigned = {filtered.ids[n] for n, (_, byline) in enumerate(PAGES) if not byline}
    assert _found(filtered, {"has_byline": "false"}) == unsigned
    assert _found(filtered, {"has_byline": "true"}) == set(filtered.ids.values()) - unsigned
    answer = filtered.api.get("/search", params={"has_byline": "true", "date_source": "url",
                                                 "size": 0}).json()
    assert answer["total"] == 2 and sum(f["count"] for f in answer["facets"]["source"]) == 2
