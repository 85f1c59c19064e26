"""One batch of crawled pages through the stages: extract → normalize → dedup → bulk index
(near-duplicate clustering follows, in its own task: indexer/clusters.py).

Each stage is a plain function with early returns, every outcome counted (STYLE.md habit 5/6).
Permanent problems with a page (not an article, unparseable) are counted and recorded; transient
problems with Elasticsearch propagate so that the Celery task retries the whole batch — which is
safe, because documents are keyed by canonical URL and unchanged ones are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

from ann.messages import RawPage
from ann.sources import Registry
from indexer.documents import to_document
from indexer.extraction import ExtractionError, NotAnArticle, extract_article
from indexer.metrics import timed_bulk
from indexer.outcomes import BatchOutcome


def extract_stage(
    pages: Iterable[RawPage], registry: Registry, outcome: BatchOutcome
) -> Iterator[dict[str, Any]]:
    """Documents for the pages that hold an article; the rest counted with their reason."""
    for page in pages:
        if page.status != 200:
            outcome.fail(page.url, page.source_id, "dropped", f"http_{page.status}")
            continue
        try:
            source = registry.get(page.source_id)
        except KeyError:
            outcome.fail(page.url, page.source_id, "failed", "unknown_source")
            continue
        try:
            article = extract_article(
                page.body(), page.final_url, source, headers=page.headers
            )
        except NotAnArticle as error:
            outcome.fail(page.url, page.source_id, "dropped", f"not_article/{error.reason}")
            continue
        except ExtractionError as error:
            outcome.fail(page.url, page.source_id, "failed", f"extraction/{error.reason}")
            continue
        yield to_document(article, page)


def dedup_stage(
    es: Elasticsearch, alias: str, documents: list[dict[str, Any]], outcome: BatchOutcome
) -> list[dict[str, Any]]:
    """Drop repeats within the batch and documents whose content is already indexed."""
    unique: dict[str, dict[str, Any]] = {}
    for doc in documents:
        if doc["id"] in unique:
            outcome.count(doc["source_id"], "duplicate_in_batch")
        unique[doc["id"]] = doc
    if not unique:
        return []
    found = es.mget(index=alias, ids=list(unique), source_includes=["content_hash", "cluster_id"])
    stored = {
        hit["_id"]: hit["_source"]
        for hit in found["docs"]
        if hit.get("found")
    }
    changed = []
    for doc_id, doc in unique.items():
        previous = stored.get(doc_id, {})
        if previous.get("content_hash") == doc["content_hash"]:
            outcome.count(doc["source_id"], "unchanged")
        else:
            outcome.count(doc["source_id"], "updated" if doc_id in stored else "new")
            # an edit keeps its story until clustering looks at it again
            doc["cluster_id"] = previous.get("cluster_id") or doc["cluster_id"]
            changed.append(doc)
    return changed


def index_stage(
    es: Elasticsearch, alias: str, documents: list[dict[str, Any]], outcome: BatchOutcome
) -> None:
    """Write the documents in one streaming bulk; per-item errors are counted, not raised."""
    by_id = {doc["id"]: doc for doc in documents}
    actions = ({"_index": alias, "_id": doc["id"], "_source": doc} for doc in documents)
    for ok, item in helpers.streaming_bulk(
        es, actions, chunk_size=500, raise_on_error=False, raise_on_exception=True,
        max_retries=3,
    ):
        result = item["index"]
        doc = by_id[result["_id"]]
        if ok:
            outcome.count(doc["source_id"], "indexed")
        else:
            reason = (result.get("error") or {}).get("type", "unknown")
            outcome.fail(doc["url"], doc["source_id"], "failed", f"index/{reason}")


def process_batch(
    pages: list[RawPage], es: Elasticsearch, alias: str, registry: Registry
) -> BatchOutcome:
    """Extract, dedup and write; clustering follows in its own task (indexer/clusters.py)."""
    outcome = BatchOutcome()
    documents = list(extract_stage(pages, registry, outcome))
    changed = dedup_stage(es, alias, documents, outcome)
    if changed:
        with timed_bulk():
            index_stage(es, alias, changed, outcome)
    return outcome
