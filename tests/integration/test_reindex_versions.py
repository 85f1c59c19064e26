"""`ann reindex` keeps the workers' versions: a document copied to the new index keeps its fetch
version, so an older fetch arriving after the swap still ends as ``stale``, and a catch-up pass
never replaces a newer document written to the new index after the swap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ann.settings import Settings
from indexer.mapping import MAPPING_VERSION, ensure_index, index_name
from indexer.outcomes import BatchOutcome
from indexer.pipeline import index_stage
from indexer.reindex import reindex
from tests.support.writes import as_writes

pytestmark = pytest.mark.integration

NEXT = MAPPING_VERSION + 1

FETCHED = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _doc(n: int, title: str) -> dict[str, Any]:
    return {"id": f"d{n}", "url": f"https://paper.example/{n}", "title": title,
            "body": f"Body of story {n}.", "source_id": "dawn", "content_hash": f"{n}-{title}",
            "fetched_at": FETCHED.isoformat(), "indexed_at": datetime.now(UTC).isoformat()}


@pytest.fixture
def alias(isolated: Settings, es: Elasticsearch) -> Iterator[str]:
    ensure_index(es, isolated.index_alias)
    yield isolated.index_alias
    es.indices.delete(index=index_name(isolated.index_alias, NEXT), ignore_unavailable=True)


def _write(es: Elasticsearch, alias: str, docs: list[dict[str, Any]],
           fetched: datetime) -> BatchOutcome:
    outcome = BatchOutcome()
    index_stage(es, alias, as_writes(docs, fetched), outcome)
    return outcome


def test_copies_keep_their_versions_and_older_fetches_stay_stale(
    es: Elasticsearch, alias: str
) -> None:
    assert _write(es, alias, [_doc(n, f"Story {n}") for n in range(3)], FETCHED).total(
        "indexed") == 3
    before = es.get(index=alias, id="d1")["_version"]

    def newer_write_after_the_first_chunk(_: int) -> None:
        # a worker writes a newer fetch of d2 into the new index before the last catch-up
        if es.indices.exists(index=index_name(alias, NEXT)):
            es.index(index=index_name(alias, NEXT), id="d2", document=_doc(2, "Story 2, newer"),
                     version=before + 10, version_type="external_gte")

    report = reindex(es, alias, version=NEXT, progress=newer_write_after_the_first_chunk)
    assert report.swapped and not report.failed
    assert es.get(index=alias, id="d1")["_version"] == before
    assert es.get(index=alias, id="d2")["_source"]["title"] == "Story 2, newer"

    older = _write(es, alias, [_doc(1, "Story 1, an older fetch")], FETCHED - timedelta(hours=1))
    assert (older.total("stale"), older.total("indexed")) == (1, 0)
    assert es.get(index=alias, id="d1")["_source"]["title"] == "Story 1"
