"""A small known corpus for the API tests, indexed through the indexer's own code.

Documents are built as the indexer builds them (``Article`` → ``indexer.documents.to_document``)
and written with ``indexer.pipeline.index_stage`` into an index created by
``indexer.mapping.ensure_index``, so the API is tested against the real mapping. The corpus is made
to stress paging: three topics with distinct vocabularies, repeated texts (equal scores), pairs of
articles published in the same second (equal dates) and articles with no date at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from ann.settings import Settings
from ann.sources import load_registry
from indexer.article import Article
from indexer.mapping import ensure_index, index_name
from indexer.outcomes import BatchOutcome
from indexer.pipeline import index_stage
from tests.support.writes import as_stored, as_writes

BASE = datetime(2025, 3, 1, 6, tzinfo=UTC)
SOURCES = ("dawn", "thestar", "koreaherald")
TOPICS: dict[str, tuple[str, str]] = {
    "flood": (
        "Monsoon floods",
        "Monsoon rains swelled the river and flood water broke the embankment; rescuers "
        "evacuated villages as rainfall continued across the delta.",
    ),
    "chips": (
        "Semiconductor export curbs",
        "Chip makers warned that export curbs on semiconductor equipment would slow wafer "
        "production at the foundry and hurt suppliers of lithography tools.",
    ),
    "cricket": (
        "Cricket final",
        "The captain scored a century as the bowlers took wickets late in the innings and the "
        "team won the cricket final in front of a full stadium.",
    ),
}
FILLER = "Officials said more details would be announced later this week."


@dataclass(frozen=True)
class Doc:
    id: str
    topic: str
    source_id: str
    published_at: datetime | None


def document(n: int, topic: str, source_id: str, published: datetime | None) -> dict[str, Any]:
    """The ``n``-th article of ``topic`` from ``source_id``, as the indexer would store it."""
    source = load_registry().get(source_id)
    url = f"https://www.{source.domains[0]}/news/{topic}-{n}"
    title, sentence = TOPICS[topic]
    body = " ".join([sentence] * (1 + n % 3) + [FILLER])  # three levels of term frequency
    article = Article(
        url=url, title=f"{title} {n % 4}", body=body, published_at=published,
        source_id=source.id, source_name=source.name, country=source.country,
        language="en", word_count=len(body.split()),
    )
    return as_stored(article, fetched_at=BASE)


def corpus_documents(per_topic: int = 20) -> list[dict[str, Any]]:
    docs = []
    for t, topic in enumerate(TOPICS):
        for n in range(per_topic):
            i = t * per_topic + n
            published = None if i % 7 == 3 else BASE + timedelta(hours=i // 2)  # pairs tie
            docs.append(document(n, topic, SOURCES[i % len(SOURCES)], published))
    return docs


def index_documents(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> list[Doc]:
    ensure_index(es, alias)
    outcome = BatchOutcome()
    index_stage(es, alias, as_writes(docs), outcome)
    assert not outcome.failures, outcome.failures
    es.indices.refresh(index=alias)
    return [
        Doc(d["id"], d["url"].rsplit("/", 1)[1].split("-")[0], d["source_id"],
            datetime.fromisoformat(d["published_at"]) if d["published_at"] else None)
        for d in docs
    ]


@contextmanager
def private_alias(services: Settings, es: Elasticsearch) -> Iterator[Settings]:
    """Settings with an alias of their own, its index removed afterwards."""
    settings = services.model_copy(update={"index_alias": f"test-{uuid.uuid4().hex[:8]}-api"})
    try:
        yield settings
    finally:
        es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)
