"""Near-duplicate clusters on the real Elasticsearch node: who joins whom, and who does not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ann.settings import Settings
from indexer import clusters
from indexer.clusters import cluster_pending, shingles, signature, similarity
from indexer.mapping import MAPPINGS, SETTINGS, UNCLUSTERED, ensure_index, index_name
from indexer.outcomes import BatchOutcome
from indexer.pipeline import index_stage
from mirror.invent import EnglishWriter
from tests.support.harness import celery_workers
from tests.support.writes import as_writes

pytestmark = pytest.mark.integration

DAY = datetime(2026, 3, 5, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def stories() -> list[str]:
    """Four different stories as the mirror writes them (its stories of one topic repeat their
    sentence shapes, as a paper's do), long enough to shingle by words."""
    writer = EnglishWriter(seed=0)
    texts = []
    for slot in range(200):
        body = "\n".join(writer.document(slot, "MY").paragraphs)
        if len(body.split()) > 250:
            texts.append(body)
        if len(texts) == 4:
            return texts
    pytest.fail("fewer than four long stories in 200")


@pytest.fixture
def alias(isolated: Settings, es: Elasticsearch) -> Iterator[str]:
    ensure_index(es, isolated.index_alias)
    yield isolated.index_alias


def _doc(doc_id: str, body: str, title: str = "Untitled", when: datetime = DAY) -> dict[str, Any]:
    return {"id": doc_id, "url": f"https://paper.example/{doc_id}", "title": title,
            "body": body, "published_at": when.isoformat(),
            "indexed_at": datetime.now(UTC).isoformat(), "source_id": "thestar",
            "content_hash": doc_id, "cluster_id": doc_id}


def _index(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> dict[str, str]:
    """Write ``docs`` as one indexer batch, cluster, and return each one's cluster."""
    outcome = BatchOutcome()
    index_stage(es, alias, as_writes(docs), outcome)
    assert not outcome.failures
    assert cluster_pending(es, alias)[0] == len(docs)
    assert cluster_pending(es, alias) == (0, 0)  # nothing left, nothing clustered twice
    found = es.mget(index=alias, ids=[d["id"] for d in docs])["docs"]
    return {d["_id"]: d["_source"]["cluster_id"] for d in found}


def _edited(text: str) -> str:
    """The text as a reprint carries it: a credit line added, its last paragraph cut."""
    paragraphs = text.split("\n")
    return "\n".join(["This story first appeared in The Star.", *paragraphs[:-1]])


def test_a_reprint_joins_the_original_across_runs_and_within_one(
    es: Elasticsearch, alias: str, stories: list[str]
) -> None:
    first = _index(es, alias, [_doc("a1", stories[0]), _doc("b1", stories[1])])
    assert first == {"a1": "a1", "b1": "b1"}
    later = _index(es, alias, [
        _doc("a2", _edited(stories[0]), when=DAY + timedelta(hours=6)),
        _doc("c1", stories[2]), _doc("c2", _edited(stories[2])),
    ])
    assert later == {"a2": "a1", "c1": "c1", "c2": "c1"}


def test_the_same_text_outside_the_window_or_a_different_one_stays_apart(
    es: Elasticsearch, alias: str, stories: list[str]
) -> None:
    _index(es, alias, [_doc("a1", stories[0])])
    later = _index(es, alias, [
        _doc("a9", stories[0], when=DAY + timedelta(days=40)), _doc("d1", stories[3]),
    ])
    assert later == {"a9": "a9", "d1": "d1"}


def test_a_long_identical_headline_joins_even_when_the_teaser_is_short(
    es: Elasticsearch, alias: str, stories: list[str]
) -> None:
    title = "Floods force thousands from their homes across the northern provinces"
    _index(es, alias, [_doc("a1", stories[0], title=title)])
    teaser = stories[0].split("\n")[0]
    assert _index(es, alias, [_doc("h1", teaser, title=title)]) == {"h1": "a1"}
    assert _index(es, alias, [_doc("e1", stories[1], title="Editorial")]) == {"e1": "e1"}


def test_text_without_spaces_is_shingled_by_characters() -> None:
    chinese = "外国专家表示中国经济持续恢复向好为世界经济增长注入动力" * 3
    assert all(len(s.decode()) == 5 for s in shingles(chinese))
    edited = chinese.replace("动力", "活力", 1)
    assert similarity(signature(chinese), signature(edited)) > 0.7
    assert signature("") == []


def test_a_starting_worker_upgrades_an_index_made_before_clustering(
    es: Elasticsearch, isolated: Settings, stories: list[str], tmp_path: Path
) -> None:
    alias = isolated.index_alias
    before = {k: v for k, v in MAPPINGS["properties"].items()
              if k not in ("cluster_id", *clusters.FIELDS)}
    es.indices.create(index=index_name(alias), settings=SETTINGS,
                      mappings={**MAPPINGS, "properties": before},
                      aliases={alias: {"is_write_index": True}})
    for doc in (_doc("a1", stories[0]), _doc("a2", _edited(stories[0])), _doc("b1", stories[1])):
        doc.pop("cluster_id")
        es.index(index=alias, id=doc["id"], document=doc)
    es.indices.refresh(index=alias)

    with celery_workers(isolated, tmp_path / "worker.log", concurrency=1):
        deadline = time.monotonic() + 60
        while es.count(index=alias, query=UNCLUSTERED)["count"] and (
                time.monotonic() < deadline):
            time.sleep(0.5)
    found = {d["_id"]: d["_source"].get("cluster_id")
             for d in es.mget(index=alias, ids=["a1", "a2", "b1"])["docs"]}
    assert found == {"a1": "a1", "a2": "a1", "b1": "b1"}, (tmp_path / "worker.log").read_text()
