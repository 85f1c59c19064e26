"""`ann reindex` on the real node: the alias moves to a new version and no write is lost, even
writes that arrive while documents are being copied."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from ann.ops.cli import app
from ann.settings import Settings
from indexer.mapping import MAPPING_VERSION, ensure_index, index_name
from indexer.reindex import ReindexError, current_index, reindex

pytestmark = pytest.mark.integration

NEXT = MAPPING_VERSION + 1
"""The version the code's mapping moves on to in these tests."""


def _doc(n: int, title: str) -> dict[str, Any]:
    return {"id": f"d{n}", "url": f"https://paper.example/{n}", "title": title,
            "body": f"Body of story {n}.", "source_id": "dawn", "content_hash": f"{n}-{title}",
            "indexed_at": datetime.now(UTC).isoformat()}


def _write(es: Elasticsearch, alias: str, doc: dict[str, Any]) -> None:
    es.index(index=alias, id=doc["id"], document=doc)


@pytest.fixture
def alias(isolated: Settings, es: Elasticsearch) -> Iterator[str]:
    name = isolated.index_alias
    ensure_index(es, name)
    for n in range(1200):  # more than one scroll page and bulk chunk
        _write(es, name, _doc(n, f"Story {n}"))
    es.indices.refresh(index=name)
    yield name
    for version in (MAPPING_VERSION, NEXT):
        es.indices.delete(index=index_name(name, version), ignore_unavailable=True)


def test_the_alias_moves_and_writes_during_the_copy_are_kept(es: Elasticsearch, alias: str) -> None:
    calls = 0

    def worker_writes_meanwhile(_: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # while the first chunk is being copied: a new story and an edit
            _write(es, alias, _doc(5000, "Written during the copy"))
            _write(es, alias, _doc(3, "Story 3, edited during the copy"))

    report = reindex(es, alias, version=NEXT, progress=worker_writes_meanwhile)

    assert (report.source, report.target, report.swapped) == (
        index_name(alias, MAPPING_VERSION), index_name(alias, NEXT), True)
    assert current_index(es, alias) == index_name(alias, NEXT)
    assert report.copied == 1200 and report.caught_up >= 2 and not report.failed
    assert es.count(index=alias)["count"] == 1201
    assert es.get(index=alias, id="d3")["_source"]["title"] == "Story 3, edited during the copy"
    found = es.search(index=alias, query={"match_phrase": {"title": "written during the copy"}})
    assert [h["_id"] for h in found["hits"]["hits"]] == ["d5000"]
    # kept, so that the swap can be undone
    assert es.indices.exists(index=index_name(alias, MAPPING_VERSION))
    # writers now reach the new index through the alias
    _write(es, alias, _doc(6000, "After the swap"))
    assert es.get(index=index_name(alias, NEXT), id="d6000")["found"]


def test_cli_reports_and_deletes_the_old_index_when_asked(
    es: Elasticsearch, alias: str, isolated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ann.ops.cli.reindex.get_settings", lambda: isolated)
    monkeypatch.setattr("indexer.mapping.MAPPING_VERSION", NEXT)  # the code's mapping moved on
    result = CliRunner().invoke(app, ["reindex", "--delete-old"])
    assert result.exit_code == 0, result.output
    assert "copied 1200" in result.output and "deleted" in result.output
    assert not es.indices.exists(index=index_name(alias, MAPPING_VERSION))
    again = CliRunner().invoke(app, ["reindex"])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_reindexing_what_does_not_exist_is_a_clear_error(es: Elasticsearch) -> None:
    with pytest.raises(ReindexError, match="no alias"):
        reindex(es, f"missing-{uuid.uuid4().hex[:8]}", version=NEXT)


def test_workers_keep_writing_to_an_alias_left_on_an_older_version(
    es: Elasticsearch, isolated: Settings
) -> None:
    alias = isolated.index_alias
    older = index_name(alias, 0)
    es.indices.create(index=older, aliases={alias: {"is_write_index": True}})
    try:
        assert ensure_index(es, alias) == older  # not a second write index beside it
        assert not es.indices.exists(index=index_name(alias))
    finally:
        es.indices.delete(index=older)
