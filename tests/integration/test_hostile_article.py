"""An article built to be refused — a 40 KB keywords meta, a 2 MB body — is indexed and served.

The page goes through the indexer's own batch (extract → normalize → dedup → bulk) into the real
node, and the API searches it with highlights. Documents written past the normalizer (another
writer, an older indexer) are held by the mapping's own caps, also on an index created before
those caps existed and upgraded the way workers upgrade it at start.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch
from fastapi.testclient import TestClient

from ann.document import MAX_BODY_CHARS
from ann.messages import Discovery, RawPage
from ann.settings import Settings
from ann.sources import load_registry
from indexer.mapping import MAPPINGS, SETTINGS, ensure_index, index_name
from indexer.pipeline import process_batch
from search_api.app import create_app

pytestmark = pytest.mark.integration

URL = "https://www.dawn.com/news/1900001/floods-cut-off-the-delta"
HUGE = "x" * 40_000


def hostile_page() -> bytes:
    """A real-looking article whose keywords meta is one 40 KB value and whose body is 2 MB."""
    words = ["monsoon", "river", "delta", "rescue", "village", "embankment", "rainfall"]
    paragraph = " ".join(f"{words[i % len(words)]}{i % 97}" for i in range(60))
    paragraphs = "".join(f"<p>{paragraph} sentence {i}.</p>" for i in range(4200))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": "Floods cut off the delta",
                     "datePublished": "2025-03-01T06:00:00Z",
                     "author": {"@type": "Person", "name": "A Reporter"}})
    return (
        f'<html lang="en"><head><title>Floods cut off the delta</title>'
        f'<meta name="keywords" content="{HUGE}">'
        f'<meta property="og:image" content="https://img.dawn.com/{HUGE}.jpg">'
        f'<script type="application/ld+json">{ld}</script></head>'
        f'<body><article><h1>Floods cut off the delta</h1>{paragraphs}</article></body></html>'
    ).encode()


def raw_page(body: bytes) -> RawPage:
    return RawPage(url=URL, final_url=URL, status=200, fetched_at=datetime.now(UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(body))


def unsafe_document(doc_id: str) -> dict[str, Any]:
    """A document as a writer that skipped the normalizer would send it."""
    return {"id": doc_id, "url": f"https://www.dawn.com/{HUGE}", "title": "Unchecked",
            "body": "monsoon " * 200_000, "tags": [HUGE], "categories": [HUGE], "section": HUGE,
            "authors": [HUGE], "lead_image": HUGE, "language": HUGE, "source_id": "dawn"}


def test_a_page_with_a_40kb_keywords_meta_and_a_2mb_body_is_indexed_and_searchable(
    isolated: Settings, es: Elasticsearch
) -> None:
    alias = isolated.index_alias
    ensure_index(es, alias)
    body = hostile_page()
    assert len(body) > 2_000_000

    outcome = process_batch([raw_page(body)], es, alias, load_registry())

    assert not outcome.failures, outcome.failures
    es.indices.refresh(index=alias)
    stored = es.search(index=alias, query={"match_all": {}})["hits"]["hits"]
    assert len(stored) == 1
    doc = stored[0]["_source"]
    assert doc["title"] == "Floods cut off the delta" and doc["tags"] == []
    assert doc["lead_image"] is None
    assert doc["body_truncated"] is True and doc["body_length"] > 2_000_000
    assert len(doc["body"]) == MAX_BODY_CHARS
    with TestClient(create_app(isolated)) as api:
        found = api.get("/search", params={"q": "embankment5"})
        assert found.status_code == 200, found.text
        hit = found.json()["hits"][0]
        assert "<mark>embankment5</mark>" in " ".join(hit["highlights"]["body"])
        full = api.get(f"/articles/{hit['id']}").json()
        assert (full["body_truncated"], full["body_length"]) == (True, doc["body_length"])


def test_documents_past_the_normalizer_are_held_by_the_mapping_caps(
    isolated: Settings, es: Elasticsearch
) -> None:
    alias = isolated.index_alias
    ensure_index(es, alias)
    es.index(index=alias, id="unsafe1", document=unsafe_document("unsafe1"), refresh=True)
    with TestClient(create_app(isolated)) as api:  # a 1.6 MB body: beyond the highlight limit
        found = api.get("/search", params={"q": "monsoon"})
    assert found.status_code == 200, found.text
    assert [h["id"] for h in found.json()["hits"]] == ["unsafe1"]


def _uncapped(mapping: Any) -> Any:
    """``mapping`` as it was before the caps: no ``ignore_above`` anywhere."""
    if isinstance(mapping, dict):
        return {k: _uncapped(v) for k, v in mapping.items() if k != "ignore_above"}
    return mapping


def test_an_index_created_before_the_caps_gets_them_when_a_worker_starts(
    isolated: Settings, es: Elasticsearch
) -> None:
    alias = isolated.index_alias
    properties = {k: v for k, v in MAPPINGS["properties"].items()
                  if k not in {"body_truncated", "body_length"}}
    es.indices.create(index=index_name(alias), settings=SETTINGS,
                      mappings={**MAPPINGS, "properties": _uncapped(properties)},
                      aliases={alias: {"is_write_index": True}})
    with pytest.raises(BadRequestError, match="document_parsing_exception"):
        es.index(index=alias, id="before", document=unsafe_document("before"))

    ensure_index(es, alias)  # what a worker does at start

    assert es.index(index=alias, id="after", document=unsafe_document("after"))["result"] == \
        "created"
