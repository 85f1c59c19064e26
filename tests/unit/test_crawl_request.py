"""Source ids and entry kinds are checked against the registry before any argv is built: a
scheduled job (or an admin's recrawl) naming an unknown source, or an option in disguise, fails
with a clear error and starts no process."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from ann.sources import load_registry
from crawler import tasks
from crawler.run import CrawlRequest, InvalidCrawl

BAD_IDS = [["--output=/tmp/pwned"], ["-h"], ["dawn", "no-such-paper"], [""], []]


@pytest.mark.parametrize("source_ids", BAD_IDS)
def test_unknown_or_option_like_ids_are_refused(source_ids: list[str]) -> None:
    with pytest.raises(InvalidCrawl):
        CrawlRequest.of(source_ids, ["feeds"], registry=load_registry())


@pytest.mark.parametrize("kinds", [["--since=1970-01-01"], ["everything"], []])
def test_unknown_entry_kinds_are_refused(kinds: list[str]) -> None:
    with pytest.raises(InvalidCrawl, match="entry kinds"):
        CrawlRequest.of(["dawn"], kinds, registry=load_registry())


@pytest.mark.parametrize("source_ids", BAD_IDS)
def test_the_scheduled_job_starts_no_process_for_bad_ids(
    source_ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: started.append(a))
    with pytest.raises(InvalidCrawl):
        tasks.crawl_sources(source_ids, ["feeds"])
    assert started == []


def test_ids_come_after_the_end_of_options_and_name_the_crawler_entry_point() -> None:
    argv = CrawlRequest.of(["dawn", "thestar", "dawn"], ["feeds"], registry=load_registry()).argv()
    assert argv[1:3] == ["-m", "crawler.run"]
    assert argv[argv.index("--"):] == ["--", "dawn", "thestar"]


def test_the_entry_point_refuses_an_option_given_as_a_source() -> None:
    result = subprocess.run([sys.executable, "-m", "crawler.run", "--", "--help"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "unknown source(s) ['--help']" in result.stderr
