"""``GET /export`` on the real node: a whole result set, each hit once, while the index changes,
in memory that does not grow with the export; the fields, formats, filters and cap."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch, helpers
from fastapi.testclient import TestClient

from ann.settings import Settings
from indexer.mapping import ensure_index
from search_api.app import create_app
from tests.support.api_corpus import corpus_documents, index_documents, private_alias
from tests.support.served import served_api

pytestmark = pytest.mark.integration

ROWS = 50_000
BASE = datetime(2025, 1, 1, tzinfo=UTC)
MAX_GROWTH_MIB = 16
"""The export's 50,000 hits as parsed objects would take several times this."""


def _tiny(n: int, source_id: str = "dawn") -> dict[str, Any]:
    """A document an export shows something of, with no text to analyse (cheap to index)."""
    return {"_id": f"d{n}", "id": f"d{n}", "url": f"https://www.dawn.com/news/{n}",
            "source_id": source_id, "published_at": (BASE + timedelta(minutes=n)).isoformat()}


def _writer(es: Elasticsearch, alias: str, stop: threading.Event, written: list[int]
            ) -> Callable[[], None]:
    """Keeps indexing while the export runs: new documents, and new versions of exported ones,
    each batch refreshed so that searches would see it at once."""

    def run() -> None:
        n = ROWS
        while not stop.is_set() and n < ROWS + 20_000:
            batch = [_tiny(i) for i in range(n, n + 500)]
            batch += [_tiny(i, "thestar") for i in range(n - ROWS, n - ROWS + 500)]
            helpers.bulk(es, batch, index=alias, refresh=True)
            n += 500
            written.append(len(batch))

    return run


def test_an_export_of_50000_rows_has_every_id_once_while_documents_are_indexed(
    services: Settings, es: Elasticsearch, tmp_path: Path, report: Callable[[str], None],
) -> None:
    with private_alias(services, es) as settings:
        alias = settings.index_alias
        ensure_index(es, alias)
        helpers.bulk(es, (_tiny(n) for n in range(ROWS)), index=alias, chunk_size=5000)
        es.indices.refresh(index=alias)
        with served_api(settings, tmp_path / "uvicorn.log") as api:
            # warmed up by an export of two pages, which any export holds at a time
            assert httpx.get(f"{api.url}/export", params={"limit": 4000}).status_code == 200
            before = api.memory_kib()
            stop, written = threading.Event(), list[int]()
            indexer = threading.Thread(target=_writer(es, alias, stop, written))
            ids: list[str] = []
            sent = 0
            started = time.monotonic()
            fields = ["id", "source_id", "url", "published_at"]
            with httpx.stream("GET", f"{api.url}/export", timeout=120,
                              params={"format": "csv", "fields": fields}) as answer:
                assert answer.status_code == 200, answer.read()
                lines = answer.iter_lines()
                assert next(lines) == "id,source_id,url,published_at"
                indexer.start()
                for line in lines:
                    sent += len(line) + 2
                    ids.append(line.split(",", 1)[0])
            seconds = time.monotonic() - started
            stop.set()
            indexer.join(timeout=120)
            after = api.memory_kib()
    assert written, "nothing was indexed while the export ran"
    assert len(ids) == ROWS and set(ids) == {f"d{n}" for n in range(ROWS)}
    growth = (after["VmHWM"] - before["VmHWM"]) / 1024
    report(f"{len(ids)} rows ({sent / 2**20:.1f} MiB of CSV) in {seconds:.1f} s while "
           f"{sum(written)} documents were written; API (uvicorn process, /proc VmHWM) peak "
           f"{after['VmHWM'] / 1024:.1f} MiB, {before['VmHWM'] / 1024:.1f} MiB before: "
           f"+{growth:.1f} MiB")
    assert growth < MAX_GROWTH_MIB, "the API's memory grew with the export"


@pytest.fixture(scope="module")
def api(services: Settings, es: Elasticsearch) -> Iterator[TestClient]:
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, corpus_documents(7))
        small = settings.model_copy(update={"api_export_page_size": 4,
                                            "api_export_max_rows": 15})
        with TestClient(create_app(small)) as client:
            yield client


def test_the_export_takes_the_search_filters_pages_past_one_page_and_stops_at_the_cap(
    api: TestClient,
) -> None:
    total = api.get("/search", params={"q": "floods", "source": "dawn", "size": 0}).json()
    lines = api.get("/export", params={"q": "floods", "source": "dawn", "format": "ndjson",
                                       "fields": ["id", "source_id", "authors"]}).text
    rows = [json.loads(line) for line in lines.splitlines()]
    assert len(rows) == total["total"] and {r["source_id"] for r in rows} == {"dawn"}
    assert all(set(r) == {"id", "source_id", "authors"} for r in rows)
    capped = api.get("/export", params={"limit": 5}, headers={"Accept": "text/csv"})
    assert capped.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(capped.text)))) == 1 + 5
    everything = api.get("/export", params={"fields": "id"})
    assert len(everything.text.split()) == 1 + 15, "ANN_API_EXPORT_MAX_ROWS of 21 documents"
    assert everything.headers["x-export-limit"] == "15"


def test_unknown_fields_are_a_422_and_a_limit_over_the_cap_is_cut_to_it(api: TestClient) -> None:
    assert api.get("/export", params={"fields": "minhash"}).status_code == 422
    over = api.get("/export", params={"limit": 16, "fields": "id"})
    assert over.headers["x-export-limit"] == "15" and len(over.text.split()) == 1 + 15
