"""Replay a WARC archive through the indexer without fetching anything.

Used to rebuild an index (a new mapping version, a lost cluster, an extractor fix) from what
was already downloaded. Only archived article pages are sent: 200 responses whose URL belongs
to a registry source and matches its ``article_urls``; feeds, sitemaps, robots.txt and error
pages are skipped and counted by reason. Pages leave through
:class:`crawler.handoff.IndexerClient`, like a crawl's, in batches. A damaged file is reported
by name and the remaining files are still replayed.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from ann.messages import Discovery, RawPage
from ann.sources import Registry
from crawler.handoff import IndexerClient
from crawler.spiders.news import KEPT_HEADERS

ARCHIVE_PATTERNS = ("*.warc.gz", "*.warc")

ProgressCallback = Callable[[int], None]
"""Called with the number of archive bytes consumed since the previous call."""


@dataclass
class ReplayReport:
    """What a replay read, sent and skipped."""

    files: int = 0
    records: int = 0
    responses: int = 0
    sent: int = 0
    batches: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    """Archive file → why it could not be read to the end."""


def archive_files(paths: Sequence[Path]) -> list[Path]:
    """The WARC files named, with directories expanded (sorted, so oldest names first)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted({f for p in ARCHIVE_PATTERNS for f in path.rglob(p)}))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such WARC file or directory: {path}")
    return found


def _skip_reason(record: ArcWarcRecord, registry: Registry) -> str | None:
    status = int(record.http_headers.get_statuscode()) if record.http_headers else 0
    if status != 200:
        return f"status_{status}" if status else "no_http_headers"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    source = registry.for_url(url)
    if source is None:
        return "not_a_source"
    if not source.article_urls.matches(url):
        return "not_article_url"
    return None


def _page(record: ArcWarcRecord, registry: Registry, via: str) -> RawPage:
    url = record.rec_headers.get_header("WARC-Target-URI")
    source = registry.for_url(url)
    assert source is not None  # checked by _skip_reason
    headers = {}
    for name in KEPT_HEADERS:
        value = record.http_headers.get_header(name)
        if value:
            headers[name] = value
    date = record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")
    return RawPage(
        url=url,
        final_url=url,
        status=200,
        headers=headers,
        fetched_at=datetime.fromisoformat(date),
        source_id=source.id,
        discovery=Discovery(kind="replay", via=via),
        body_z=RawPage.pack_body(record.content_stream().read()),
    )


def read_pages(
    path: Path, registry: Registry, report: ReplayReport, progress: ProgressCallback
) -> Iterator[RawPage]:
    """The article pages archived in one WARC file; raises on a damaged file after yielding
    every page before the damage."""
    done = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            report.records += 1
            if record.rec_type == "response":
                report.responses += 1
                reason = _skip_reason(record, registry)
                if reason is None:
                    yield _page(record, registry, path.name)
                else:
                    report.skipped[reason] += 1
            position = handle.tell()
            progress(position - done)
            done = position


def replay(
    files: Sequence[Path],
    client: IndexerClient,
    registry: Registry,
    batch_size: int,
    progress: ProgressCallback = lambda _: None,
) -> ReplayReport:
    """Send every archived article page in ``files`` to the indexer, ``batch_size`` at a time."""
    report = ReplayReport(files=len(files))
    batch: list[RawPage] = []

    def flush() -> None:
        if batch:
            client.send(batch)
            report.sent += len(batch)
            report.batches += 1
            batch.clear()

    for path in files:
        try:
            for page in read_pages(path, registry, report, progress):
                batch.append(page)
                if len(batch) >= batch_size:
                    flush()
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as error:
            report.failures[str(path)] = f"{type(error).__name__}: {error}"
    flush()
    return report
