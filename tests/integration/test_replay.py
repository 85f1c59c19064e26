"""WARC archive and replay on the real stack: a mirror crawl archives every fetch; with the mirror
stopped, `ann replay` of that archive fills a fresh index through a real Celery worker."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch
from redis import Redis
from warcio.archiveiterator import ArchiveIterator

from ann.settings import Settings
from ann.urls import document_id
from indexer.mapping import index_name
from mirror.server import MirrorServer
from tests.support.env import service_env
from tests.support.harness import celery_workers, run_crawl, wait_drained
from tests.support.mirrors import generate

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]


def _archived_fetches(directory: Path) -> Counter[str]:
    fetched: Counter[str] = Counter()
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    url = urlsplit(record.rec_headers.get_header("WARC-Target-URI"))
                    fetched[url.netloc + url.path + (f"?{url.query}" if url.query else "")] += 1
    return fetched


def test_a_crawl_archives_every_fetch_and_replay_rebuilds_the_index_offline(
    services: Settings,
    es: Elasticsearch,
    redis_client: Redis,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    crawl_settings = services.model_copy(update={"pages_queue": f"test-{tag}-crawl-pages"})
    manifest = generate(tmp_path / "mirror", per_site=3)  # 66 articles: every kind of page
    archive = tmp_path / "warc"
    mirror = MirrorServer(tmp_path / "mirror")
    mirror.start()
    try:
        run_crawl(crawl_settings, mirror.url, extra_env={
            "ANN_WARC_DIR": str(archive), "ANN_KEY_PREFIX": f"test-{tag}",
        })
        counts = mirror.request_counts()
    finally:
        mirror.stop()  # from here on nothing can be fetched
    redis_client.delete(crawl_settings.pages_queue)  # what the crawl queued is not replay's

    assert not list(archive.glob("*.open")), "every WARC file was closed"
    assert _archived_fetches(archive) == Counter(counts)
    assert all(f"{urlsplit(a.url).netloc}{urlsplit(a.url).path}" in counts
               for a in manifest.articles)

    settings = services.model_copy(update={
        "index_alias": f"test-{tag}-articles", "pages_queue": f"test-{tag}-pages",
    })
    try:
        with celery_workers(settings, tmp_path / "worker.log"):
            result = subprocess.run(
                [sys.executable, "-m", "ann", "replay", str(archive)],
                env={**service_env(settings), "COLUMNS": "200"},
                capture_output=True, text=True, timeout=300, check=False,
            )
            assert result.returncode == 0, result.stderr[-4000:]
            assert f"{len(manifest.articles)} in" in result.stderr  # pages sent
            wait_drained(settings)
        es.indices.refresh(index=settings.index_alias)
        assert es.count(index=settings.index_alias)["count"] == len(manifest.articles)
        for expected in manifest.articles:
            doc = es.get(index=settings.index_alias, id=document_id(expected.url))["_source"]
            assert doc["source_id"] == expected.source_id, expected.url
    finally:
        es.indices.delete(index=index_name(settings.index_alias), ignore_unavailable=True)
