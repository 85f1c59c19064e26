"""`ann check-live` against the offline mirror (no internet here): every source passes on a
healthy mirror; a site that starts answering 403 is reported, alone, and the exit code says so."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from ann.sources import load_registry
from mirror.server import MirrorServer
from tests.support.mirrors import generate

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    root = tmp_path_factory.mktemp("mirror")
    generate(root)
    server = MirrorServer(root)
    server.start()
    yield server
    server.stop()


def _check_live(mirror: MirrorServer) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "ann", "check-live", "--all", "--mirror-url", mirror.url,
         "--json"],
        capture_output=True, text=True, timeout=240, check=False,
    )
    return result.returncode, json.loads(result.stdout)


def test_every_source_passes_on_the_mirror(mirror: MirrorServer) -> None:
    code, report = _check_live(mirror)
    assert code == 0, report
    assert report["ok"] is True
    sources = {s["source_id"]: s for s in report["sources"]}
    assert sorted(sources) == load_registry().ids()
    for source_id, check in sources.items():
        assert check["problems"] == [], source_id
        assert check["urls_matching"] > 0, source_id
        entry = load_registry().get(source_id).entry_points
        checked = Counter(e["kind"] for e in check["entries"])
        assert (checked["robots"], checked["feed"], checked["sitemap"], checked["section"]) == (
            1, len(entry.feeds), len(entry.sitemaps), len(entry.sections)), source_id
        assert len(check["articles"]) == 3, source_id
        for article in check["articles"]:
            assert article["error"] is None and article["title"], article
            assert article["published_at"] and article["body_words"] > 50, article


def test_a_site_answering_403_is_reported_and_fails_the_run(mirror: MirrorServer) -> None:
    broken = load_registry().get("dawn")
    host = urlsplit(broken.entry_points.feeds[0]).hostname or ""
    mirror.set_status(host, 403)
    try:
        code, report = _check_live(mirror)
    finally:
        mirror.set_status(host, None)
    assert code == 1
    assert report["ok"] is False
    failed = {s["source_id"] for s in report["sources"] if not s["ok"]}
    assert failed == {"dawn"}
    dawn = next(s for s in report["sources"] if s["source_id"] == "dawn")
    feeds = [e for e in dawn["entries"] if e["kind"] == "feed"]
    assert feeds and all(e["status"] == 403 and e["error"] == "HTTP 403" for e in feeds)
    assert dawn["urls_matching"] == 0 and dawn["articles"] == []
