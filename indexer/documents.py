"""From a normalized :class:`Article` to the document stored in Elasticsearch.

The stored body is bounded (:data:`ann.document.MAX_BODY_CHARS`): a multi-megabyte page would make
every search that highlights it slow, and the reader of a search result gains nothing from the
tail of a 2 MB page. The cut is recorded (``body_truncated``; ``body_length`` is the full length)
so that it is never silent; the content hash and word count still describe the whole article.
The document's fields are the contract's (:mod:`ann.document`): those of the normalizer and of
the indexer, never the ones clustering adds later.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from ann.document import MAX_BODY_CHARS, DocField, localized
from ann.messages import RawPage
from ann.urls import document_id
from indexer.article import Article

_HASHED_FIELDS: frozenset[str] = frozenset({
    DocField.title, DocField.standfirst, DocField.authors, DocField.published_at,
    DocField.updated_at, DocField.section, DocField.categories, DocField.tags, DocField.body,
    DocField.lead_image, DocField.original_paper,
})


def content_hash(article: Article) -> str:
    """Hash of what a reader sees: an unchanged article is never re-written."""
    data = article.model_dump_json(include=set(_HASHED_FIELDS))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def to_document(article: Article, page: RawPage) -> dict[str, Any]:
    doc: dict[str, Any] = article.model_dump(mode="json")
    doc_id = document_id(article.url)
    doc.update({
        DocField.body: article.body[:MAX_BODY_CHARS],
        DocField.body_truncated: len(article.body) > MAX_BODY_CHARS,
        DocField.body_length: len(article.body),
        DocField.id: doc_id,
        DocField.content_hash: content_hash(article),
        DocField.cluster_id: doc_id,  # until clustering says otherwise (indexer/clusters.py)
        DocField.fetched_at: page.fetched_at.isoformat(),
        DocField.indexed_at: datetime.now(UTC).isoformat(),
        DocField.discovered_via: page.discovery.kind,
    })
    doc[DocField.localized] = localized(doc)
    return doc
