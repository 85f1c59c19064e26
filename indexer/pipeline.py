"""One batch of crawled pages through the stages: extract → normalize → dedup → bulk index
(near-duplicate clustering follows, in its own task: indexer/clusters.py).

Each stage is a plain function with early returns, every outcome counted (STYLE.md habit 5/6),
so that every page ends as indexed, unchanged, stale, refused with a reason, or undelivered:
the engine's per-item errors are sorted into permanent ones (a mapping refusal, a document too
large: dead-lettered page by page with the engine's reason) and transient ones (429, 5xx,
timeouts: handed back to the task, which sends those pages again with backoff). An engine that
cannot be reached at all propagates, so that the task retries the whole batch.

Writes are versioned with the fetch time (``version_type=external_gte``): a redelivered or
replayed older fetch never replaces a newer one, it ends as ``stale``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from elasticsearch import Elasticsearch, helpers

from ann.document import DocField
from ann.messages import RawPage
from ann.sources import Registry
from indexer.documents import to_document
from indexer.extraction import ExtractionError, NotAnArticle, extract_article
from indexer.metrics import timed_bulk
from indexer.outcomes import BatchOutcome, Undelivered

Pair = tuple[RawPage, dict[str, Any]]
"""A page and the document made of it."""
Write = tuple[Pair, int]
"""A document to write, with the version to write it at."""

CONFLICT = 409


def fetch_version(page: RawPage) -> int:
    """The document's external version: its fetch time in milliseconds. Clustering's update
    adds one to it (an update always does), which a later fetch passes at once."""
    return int(page.fetched_at.timestamp() * 1000)


def is_transient(status: int) -> bool:
    """Throttled (429), or the engine failing on its side (5xx: a shard not available, a
    timeout): the same write can succeed later. Every other refusal is about the document."""
    return status == 429 or status >= 500


def _hint_missed(outcome: BatchOutcome, source_id: str, name: str) -> None:
    """A source hint that found nothing or something implausible: the generic cascade answered
    (counted per source, ``indexer/hint_missed/<field>``, shown by ``ann status``)."""
    outcome.count(source_id, f"hint_missed/{name}")


def extract_stage(pages: Iterable[RawPage], registry: Registry, outcome: BatchOutcome
                  ) -> Iterator[Pair]:
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
                page.body(), page.final_url, source, headers=page.headers, registry=registry,
                on_hint_missed=partial(_hint_missed, outcome, page.source_id),
            )
        except NotAnArticle as error:
            outcome.fail(page.url, page.source_id, "dropped", f"not_article/{error.reason}")
            continue
        except ExtractionError as error:
            outcome.fail(page.url, page.source_id, "failed", f"extraction/{error.reason}")
            continue
        yield page, to_document(article, page)


def dedup_stage(
    es: Elasticsearch, alias: str, pairs: list[Pair], outcome: BatchOutcome
) -> list[Write]:
    """Drop repeats within the batch and documents whose content is already indexed; the rest
    with the version to write them at."""
    unique: dict[str, Pair] = {}
    for page, doc in pairs:
        if doc[DocField.id] in unique:
            outcome.count(doc[DocField.source_id], "duplicate_in_batch")
        unique[doc[DocField.id]] = (page, doc)
    if not unique:
        return []
    found = es.mget(
        index=alias, ids=list(unique),
        source_includes=[DocField.content_hash, DocField.cluster_id, DocField.fetched_at],
    )
    stored = {hit["_id"]: hit for hit in found["docs"] if hit.get("found")}
    changed = []
    for doc_id, (page, doc) in unique.items():
        hit = stored.get(doc_id, {})
        previous = hit.get("_source", {})
        if previous.get(DocField.content_hash) == doc[DocField.content_hash]:
            outcome.count(doc[DocField.source_id], "unchanged")
            continue
        # an edit keeps its story until clustering looks at it again
        doc[DocField.cluster_id] = previous.get(DocField.cluster_id) or doc[DocField.cluster_id]
        version = fetch_version(page)
        if previous.get(DocField.fetched_at) == doc[DocField.fetched_at]:
            # the same fetch extracted again (a fixed extractor): it replaces itself, even
            # after clustering raised the stored version
            version = max(version, int(hit["_version"]))
        changed.append(((page, doc), version))
    return changed


def index_stage(
    es: Elasticsearch, alias: str, versioned: list[Write], outcome: BatchOutcome
) -> None:
    """Write the documents in one streaming bulk and sort every item's result."""
    pages = {doc[DocField.id]: page for (page, doc), _ in versioned}
    actions = ({"_index": alias, "_id": doc[DocField.id], "_source": doc,
                "version": version, "version_type": "external_gte"}
               for (_, doc), version in versioned)
    for ok, item in helpers.streaming_bulk(
        es, actions, chunk_size=500, raise_on_error=False, raise_on_exception=True,
        max_retries=3,
    ):
        result = item["index"]
        page = pages[result["_id"]]
        if ok:
            outcome.count(page.source_id, "indexed")
            outcome.count(page.source_id, f"indexed/{result.get('result', 'written')}")
            continue
        status = int(result.get("status", 0))
        error = result.get("error") or {}
        kind = str(error.get("type", f"http_{status}"))
        if status == CONFLICT:
            outcome.count(page.source_id, "stale")
        elif is_transient(status):
            outcome.count(page.source_id, f"retried/{kind}")
            outcome.retry.append(Undelivered(page, f"index/{kind}"))
        else:
            outcome.dead_letter(page, f"index/{kind}", str(error.get("reason", "")))


def process_batch(
    pages: list[RawPage], es: Elasticsearch, alias: str, registry: Registry
) -> BatchOutcome:
    """Extract, dedup and write; clustering follows in its own task (indexer/clusters.py)."""
    outcome = BatchOutcome()
    pairs = list(extract_stage(pages, registry, outcome))
    changed = dedup_stage(es, alias, pairs, outcome)
    if changed:
        with timed_bulk():
            index_stage(es, alias, changed, outcome)
    return outcome
