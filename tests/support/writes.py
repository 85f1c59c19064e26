"""Documents made by a test, wrapped as the pipeline's writes (the page each came from, the
version it is written at) so that they go through :func:`indexer.pipeline.index_stage`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ann.messages import Discovery, RawPage
from indexer.article import Article
from indexer.documents import to_document
from indexer.pipeline import Write, fetch_version


def as_stored(article: Article, fetched_at: datetime | None = None) -> dict[str, Any]:
    """``article`` as the indexer stores it, from a page of its URL found in a feed (the
    page's own bytes are not kept)."""
    page = RawPage(url=article.url, final_url=article.url, status=200,
                   fetched_at=fetched_at or datetime.now(UTC), source_id=article.source_id,
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(b""))
    return to_document(article, page)


def as_writes(docs: list[dict[str, Any]], fetched_at: datetime | None = None) -> list[Write]:
    writes: list[Write] = []
    for doc in docs:
        page = RawPage(url=doc["url"], final_url=doc["url"], status=200,
                       fetched_at=fetched_at or datetime.now(UTC), source_id=doc["source_id"],
                       discovery=Discovery(kind="seed"), body_z=RawPage.pack_body(b""))
        writes.append(((page, doc), fetch_version(page)))
    return writes
