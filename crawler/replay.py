"""Replay a WARC archive through the indexer without fetching anything.

Used to rebuild an index (a new mapping version, a lost cluster, an extractor fix) from what
was already downloaded. Only archived article pages are sent: 200 responses whose URL belongs
to a registry source and matches its ``article_urls``; feeds, sitemaps, robots.txt and error
pages are skipped and counted by reason. Pages leave through
:class:`crawler.handoff.IndexerClient`, like a crawl's, in batches, and wait as a crawl's do while
the queue holds its high-water mark of batches (a replay reads far faster than indexers write). A
damaged file is reported by name and the remaining files are still replayed.
"""

from __future__ import annotations

import gzip
import io
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from ann.messages import Discovery, RawPage
from ann.sources import Registry
from crawler.spiders.news import KEPT_HEADERS

ARCHIVE_PATTERNS = ("*.warc.gz", "*.warc")

ProgressCallback = Callable[[int], None]
"""Called with the number of archive bytes consumed since the previous call."""


class PageSink(Protocol):
    """Where replayed pages go: :class:`crawler.handoff.IndexerClient` in production."""

    def send(self, pages: Sequence[RawPage]) -> None: ...

    def waiting(self) -> int: ...


@dataclass
class ReplayReport:
    """What a replay read, sent and skipped."""

    files: int = 0
    records: int = 0
    responses: int = 0
    sent: int = 0
    batches: int = 0
    held_seconds: float = 0.0
    """Time spent waiting for the queue to fall below its high-water mark."""
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


def _page(
    record: ArcWarcRecord, registry: Registry, via: str
) -> tuple[str | None, RawPage | None]:
    """The page, or why this one record cannot make one (the rest of the file still can)."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    source = registry.for_url(url)
    assert source is not None  # checked by _skip_reason
    headers = {}
    for name in KEPT_HEADERS:
        value = record.http_headers.get_header(name)
        if value:
            headers[name] = value
    try:
        fetched_at = datetime.fromisoformat(record.rec_headers.get_header("WARC-Date") or "")
    except ValueError:
        return "bad_warc_date", None
    return None, RawPage(
        url=url,
        final_url=url,
        status=200,
        headers=headers,
        fetched_at=fetched_at,
        source_id=source.id,
        discovery=Discovery(kind="replay", via=via),
        body_z=RawPage.pack_body(record.content_stream().read()),
    )


class DamagedArchive(Exception):
    """The archive ends early or is corrupt at some point."""


class _StrictGzip(io.RawIOBase):
    """Multi-member gzip reading that fails loudly: warcio treats any ``EOFError`` as the end
    of the archive, so a file cut short in the middle of a record would otherwise look whole."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._damage: DamagedArchive | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """Whatever decodes before the damage first; the error on the next call."""
        if self._damage is not None:
            raise self._damage
        chunks: list[bytes] = []
        wanted = size if size >= 0 else sys.maxsize
        try:
            while wanted > 0 and (chunk := self._gzip.read1(min(wanted, 1 << 16))):
                chunks.append(chunk)
                wanted -= len(chunk)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            self._damage = DamagedArchive(f"{error} (the file is cut short or corrupt)")
            if not chunks:
                raise self._damage from error
        return b"".join(chunks)


def read_pages(
    path: Path, registry: Registry, report: ReplayReport, progress: ProgressCallback
) -> Iterator[RawPage]:
    """The article pages archived in one WARC file; raises on a damaged file after yielding
    every page before the damage."""
    done = 0
    with path.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        stream: io.RawIOBase | BinaryIO = _StrictGzip(handle) if gzipped else handle
        for record in ArchiveIterator(stream, check_digests="raise"):
            if record.format != "warc":  # warcio reads anything as a lenient ARC record
                raise ArchiveLoadFailed(f"not a WARC file (a {record.format} record at {done})")
            report.records += 1
            if record.rec_type == "response":
                report.responses += 1
                reason = _skip_reason(record, registry)
                if reason is None:
                    reason, page = _page(record, registry, path.name)
                    if page is not None:
                        yield page
                if reason is not None:
                    report.skipped[reason] += 1
            position = handle.tell()
            progress(position - done)
            done = position


def replay(
    files: Sequence[Path],
    client: PageSink,
    registry: Registry,
    batch_size: int,
    progress: ProgressCallback = lambda _: None,
    high_water: int = 0,
    sleep: Callable[[float], None] = time.sleep,
) -> ReplayReport:
    """Send every archived article page in ``files`` to the indexer, ``batch_size`` at a time,
    each batch once fewer than ``high_water`` batches wait (0: at once)."""
    report = ReplayReport(files=len(files))
    batch: list[RawPage] = []

    def flush() -> None:
        if batch:
            while high_water and client.waiting() >= high_water:
                sleep(1.0)
                report.held_seconds += 1.0
            client.send(batch)
            report.sent += len(batch)
            report.batches += 1
            batch.clear()

    for path in files:
        pages = read_pages(path, registry, report, progress)
        while True:
            # Only reading is guarded: a failure to send (Redis down) must stop the replay.
            try:
                page = next(pages)
            except StopIteration:
                break
            except Exception as error:  # warcio fails on malformed input in arbitrary ways
                report.failures[str(path)] = f"{type(error).__name__}: {error}"
                break
            batch.append(page)
            if len(batch) >= batch_size:
                flush()
    flush()
    return report
