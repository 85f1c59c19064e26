"""From a normalized :class:`Article` to the document stored in Elasticsearch."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from ann.messages import RawPage
from ann.urls import document_id
from indexer.article import Article

_HASHED_FIELDS = (
    "title", "standfirst", "authors", "published_at", "updated_at", "section", "categories",
    "tags", "body", "lead_image", "original_paper",
)


def content_hash(article: Article) -> str:
    """Hash of what a reader sees: an unchanged article is never re-written."""
    data = article.model_dump_json(include=set(_HASHED_FIELDS))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def to_document(article: Article, page: RawPage) -> dict[str, Any]:
    doc = article.model_dump(mode="json")
    doc["id"] = document_id(article.url)
    doc["content_hash"] = content_hash(article)
    doc["cluster_id"] = doc["id"]  # until clustering says otherwise (indexer/clusters.py)
    doc["fetched_at"] = page.fetched_at.isoformat()
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    doc["discovered_via"] = page.discovery.kind
    return doc
