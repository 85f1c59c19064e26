"""From a normalized :class:`Article` to the document stored in Elasticsearch.

The stored body is bounded (:data:`MAX_BODY_CHARS`): a multi-megabyte page would make every
search that highlights it slow, and the reader of a search result gains nothing from the tail of
a 2 MB page. The cut is recorded (``body_truncated``; ``body_length`` is the full length) so
that it is never silent; the content hash and word count still describe the whole article.
"""

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
MAX_BODY_CHARS = 300_000
"""About 50,000 words, several times the longest news article; under the engine's highlighting
limit (``index.highlight.max_analyzed_offset``, 1,000,000 characters)."""


def content_hash(article: Article) -> str:
    """Hash of what a reader sees: an unchanged article is never re-written."""
    data = article.model_dump_json(include=set(_HASHED_FIELDS))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def to_document(article: Article, page: RawPage) -> dict[str, Any]:
    doc = article.model_dump(mode="json")
    doc["body"] = article.body[:MAX_BODY_CHARS]
    doc["body_truncated"] = len(article.body) > MAX_BODY_CHARS
    doc["body_length"] = len(article.body)
    doc["id"] = document_id(article.url)
    doc["content_hash"] = content_hash(article)
    doc["cluster_id"] = doc["id"]  # until clustering says otherwise (indexer/clusters.py)
    doc["fetched_at"] = page.fetched_at.isoformat()
    doc["indexed_at"] = datetime.now(UTC).isoformat()
    doc["discovered_via"] = page.discovery.kind
    return doc
