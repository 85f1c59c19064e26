"""The WARC archive: the rotating writer, the Scrapy extension called directly with a crawler from
``get_crawler``, and reading the archive back for replay."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from ann.messages import RawPage
from ann.sources import load_registry
from crawler.extensions.warc import WarcExtension
from crawler.extensions.warc_files import (
    OPEN_SUFFIX,
    Exchange,
    Retention,
    RotatingWarcWriter,
    prune,
)
from crawler.replay import archive_files, replay

ARTICLE = "https://www.dawn.com/news/1234567/a-story-about-rivers"
NAME = re.compile(rf"^ann-\d{{14}}-{os.getpid()}-\d{{5}}\.warc\.gz$")


def _exchange(url: str = ARTICLE, body: bytes = b"<html>story</html>", status: int = 200,
              ) -> Exchange:
    return Exchange(
        url=url, method="GET", request_headers=[("User-Agent", "ann-test")], request_body=b"",
        protocol="HTTP/1.1", status=status,
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("ETag", '"abc"')],
        body=body, fetched_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    )


def _records(path: Path) -> list[ArcWarcRecord]:
    records = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            record.payload = record.content_stream().read()
            records.append(record)
    return records


def test_writer_rotates_by_size_and_every_file_reads_back(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, max_bytes=6000, max_seconds=3600)
    bodies = [os.urandom(2500) for _ in range(7)]  # incompressible: about 2.5 kB per fetch
    for n, body in enumerate(bodies):
        writer.write(_exchange(f"{ARTICLE}-{n}", body))
    writer.close()

    files = sorted(tmp_path.iterdir())
    assert files == sorted(writer.closed_files)
    assert 3 <= len(files) <= 4 and all(NAME.match(f.name) for f in files)
    assert all(f.stat().st_size < 6000 + 3000 for f in files)
    responses = []
    for path in files:
        records = _records(path)
        assert records[0].rec_type == "warcinfo"
        assert [r.rec_type for r in records[1:]] == ["response", "request"] * (
            (len(records) - 1) // 2)
        responses += [r for r in records if r.rec_type == "response"]
    assert [r.payload for r in responses] == bodies


def test_writer_rotates_by_age(tmp_path: Path) -> None:
    now = [1_000_000.0]
    writer = RotatingWarcWriter(tmp_path, max_bytes=10**9, max_seconds=60, clock=lambda: now[0])
    writer.write(_exchange())
    now[0] += 59
    writer.write(_exchange())
    assert not writer.closed_files  # still the first file, and it is still ".open"
    assert [p.name.endswith(OPEN_SUFFIX) for p in tmp_path.iterdir()] == [True]
    now[0] += 1
    writer.write(_exchange())
    writer.close()
    counts = [sum(r.rec_type == "response" for r in _records(p)) for p in writer.closed_files]
    assert counts == [2, 1]


def test_writer_keeps_the_newest_files_under_the_byte_cap(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.txt"  # an operator's file in the directory is never pruned
    foreign.write_text("keep")
    writer = RotatingWarcWriter(tmp_path, max_bytes=6000, max_seconds=3600,
                                retention=Retention(max_total_bytes=20_000))
    bodies = [os.urandom(2500) for _ in range(20)]  # about 50 kB of incompressible payload
    for n, body in enumerate(bodies):
        writer.write(_exchange(f"{ARTICLE}-{n}", body))
        assert len([p for p in tmp_path.iterdir() if p.name.endswith(OPEN_SUFFIX)]) <= 1
    writer.close()

    kept = sorted(p for p in tmp_path.iterdir() if NAME.match(p.name))
    assert writer.pruned_files and not any(p.exists() for p in writer.pruned_files)
    assert kept == sorted(set(writer.closed_files) - set(writer.pruned_files))
    assert sum(p.stat().st_size for p in kept) <= 20_000
    assert foreign.read_text() == "keep"
    stored = [r.payload for p in kept for r in _records(p) if r.rec_type == "response"]
    assert stored == bodies[-len(stored):]  # what is left is the newest fetches, in order


def test_prune_deletes_finished_files_past_their_age_only(tmp_path: Path) -> None:
    now = 2_000_000_000.0
    old, recent = (tmp_path / f"ann-20260101000000-7-0000{n}.warc.gz" for n in (1, 2))
    still_open = tmp_path / f"ann-20260101000000-7-00003.warc.gz{OPEN_SUFFIX}"
    for path, age_days in ((old, 31), (recent, 29), (still_open, 400)):
        path.write_bytes(b"x")
        os.utime(path, (now - age_days * 86400, now - age_days * 86400))

    assert prune(tmp_path, Retention(max_age_seconds=30 * 86400), now) == [old]
    assert sorted(tmp_path.iterdir()) == [recent, still_open]
    assert prune(tmp_path, Retention(), now) == []  # no bound, nothing pruned


def test_extension_prunes_as_configured(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={
        "ANN_WARC_DIR": str(tmp_path), "ANN_WARC_MAX_BYTES": 4000,
        "ANN_WARC_RETAIN_BYTES": 9000, "ANN_WARC_RETAIN_SECONDS": 0,
    })
    extension = WarcExtension.from_crawler(crawler)
    extension.spider_opened()
    for n in range(12):
        extension.response_received(*_fetch(f"{ARTICLE}{n}", os.urandom(2500)))
    extension.spider_closed()
    assert 0 < sum(p.stat().st_size for p in tmp_path.iterdir()) <= 9000
    assert crawler.stats is not None
    assert crawler.stats.get_value("ann/warc/pruned_files", 0) > 0


def _fetch(url: str, body: bytes, status: int = 200) -> tuple[Response, Request]:
    request = Request(url, headers={"User-Agent": "ann-test", "Accept": "text/html"})
    response = HtmlResponse(url, status=status, body=body, request=request, protocol="HTTP/1.1",
                            headers={"Content-Type": "text/html; charset=utf-8",
                                     "Content-Length": "999", "Transfer-Encoding": "chunked"})
    return response, request


def test_extension_is_off_without_a_directory() -> None:
    with pytest.raises(NotConfigured):
        WarcExtension.from_crawler(get_crawler(settings_dict={"ANN_WARC_DIR": ""}))


def test_extension_writes_a_linked_request_and_response_per_fetch(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ANN_WARC_DIR": str(tmp_path)})
    extension = WarcExtension.from_crawler(crawler)
    extension.spider_opened()
    body = "<html><p>Río story</p></html>".encode()
    response, request = _fetch(ARTICLE + "?page=2", body)
    extension.response_received(response=response, request=request)
    extension.spider_closed()

    [path] = tmp_path.iterdir()
    assert NAME.match(path.name)
    warcinfo, answer, asked = _records(path)
    assert warcinfo.rec_headers.protocol == "WARC/1.1"
    assert answer.rec_headers.get_header("WARC-Target-URI") == ARTICLE + "?page=2"
    assert answer.http_headers.statusline == "200 OK"
    assert answer.http_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    # the payload is stored de-chunked, so the headers must describe it as it is stored
    assert answer.http_headers.get_header("Content-Length") == str(len(body))
    assert answer.http_headers.get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert answer.payload == body
    digest = base64.b32encode(hashlib.sha1(body).digest()).decode()
    assert answer.rec_headers.get_header("WARC-Payload-Digest") == f"sha1:{digest}"
    assert asked.rec_type == "request"
    assert asked.http_headers.protocol == "GET"
    assert asked.http_headers.statusline == "/news/1234567/a-story-about-rivers?page=2 HTTP/1.1"
    assert asked.http_headers.get_header("Host") == "www.dawn.com"
    assert asked.http_headers.get_header("User-Agent") == "ann-test"
    assert asked.rec_headers.get_header("WARC-Concurrent-To") == \
        answer.rec_headers.get_header("WARC-Record-ID")
    assert crawler.stats is not None
    assert crawler.stats.get_value("ann/warc/fetches") == 1


def test_crawlers_of_one_process_share_one_file(tmp_path: Path) -> None:
    extensions = [
        WarcExtension.from_crawler(get_crawler(settings_dict={"ANN_WARC_DIR": str(tmp_path)}))
        for _ in range(2)
    ]
    for extension in extensions:
        extension.spider_opened()
    for n, extension in enumerate(extensions):
        extension.response_received(*_fetch(f"{ARTICLE}{n}", b"<html/>"))
    extensions[0].spider_closed()
    assert [p.name.endswith(OPEN_SUFFIX) for p in tmp_path.iterdir()] == [True]
    extensions[1].spider_closed()
    [path] = tmp_path.iterdir()
    assert sum(r.rec_type == "response" for r in _records(path)) == 2


class _Sink:
    """A queue that an indexer empties one batch per second of the replay's waiting."""

    def __init__(self) -> None:
        self.batches: list[list[RawPage]] = []
        self.queued = 0
        self.queued_at_send: list[int] = []

    def send(self, pages: Sequence[RawPage]) -> None:
        self.batches.append(list(pages))
        self.queued_at_send.append(self.queued)
        self.queued += 1

    def waiting(self) -> int:
        return self.queued

    def take_one(self, _seconds: float) -> None:
        self.queued -= 1


def test_replay_sends_archived_articles_and_survives_a_damaged_file(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path / "a", max_bytes=10**9, max_seconds=3600)
    for n in range(3):
        writer.write(_exchange(f"https://www.dawn.com/news/123456{n}/story"))
    writer.write(_exchange("https://www.dawn.com/feeds/home"))  # a feed: not an article URL
    writer.write(_exchange("https://www.dawn.com/news/1234569/gone", status=404))
    writer.write(_exchange("https://example.org/news/1234567/x"))  # no source owns it
    writer.close()
    [good] = writer.closed_files
    damaged = tmp_path / "b" / "damaged.warc.gz"
    damaged.parent.mkdir()
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])

    files = archive_files([tmp_path / "b", tmp_path / "a"])
    assert files == [damaged, good]
    sink, progressed = _Sink(), list[int]()
    report = replay(files, sink, load_registry(), batch_size=2, progress=progressed.append)

    assert list(report.failures) == [str(damaged)]
    pages = [p for batch in sink.batches for p in batch]
    assert [len(b) for b in sink.batches][:-1] == [2] * (len(sink.batches) - 1)
    assert report.sent == len(pages) >= 4  # the damaged copy still gave its first articles
    from_good = [p for p in pages if p.discovery.via == good.name]
    assert [p.url for p in from_good] == [f"https://www.dawn.com/news/123456{n}/story"
                                          for n in range(3)]
    page = from_good[0]
    assert (page.source_id, page.status, page.discovery.kind) == ("dawn", 200, "replay")
    assert page.fetched_at == datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert page.headers == {"content-type": "text/html; charset=utf-8", "etag": '"abc"'}
    assert page.body() == b"<html>story</html>"
    assert report.skipped["not_article_url"] >= 1 and report.skipped["status_404"] >= 1
    assert report.skipped["not_a_source"] >= 1
    assert sum(progressed) <= sum(f.stat().st_size for f in files)


def test_replay_waits_while_the_queue_is_at_its_high_water_mark(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path / "a", max_bytes=10**9, max_seconds=3600)
    for n in range(6):
        writer.write(_exchange(f"https://www.dawn.com/news/123456{n}/story"))
    writer.close()
    sink = _Sink()
    report = replay(writer.closed_files, sink, load_registry(), batch_size=1, high_water=2,
                    sleep=sink.take_one)
    assert report.sent == 6
    assert max(sink.queued_at_send) == 1  # never sent onto a queue at its mark
    assert report.held_seconds == 4  # batches 3 to 6 each waited for one to be taken


def test_a_file_that_is_not_warc_is_reported_by_name(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.warc"
    bogus.write_bytes(b"this is not a WARC file\n")
    report = replay([bogus], _Sink(), load_registry(), batch_size=10)
    assert list(report.failures) == [str(bogus)] and report.sent == 0
    with pytest.raises(FileNotFoundError, match="missing"):
        archive_files([tmp_path / "missing"])
