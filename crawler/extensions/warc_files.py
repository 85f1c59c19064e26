"""Rotating gzip WARC/1.1 files: one request and one response record per fetch.

Kept apart from the Scrapy extension so that the file format, naming and rotation rules can be
tested and reused without a crawler. A file is written as ``<name>.warc.gz.open`` and renamed to
``<name>.warc.gz`` when it is closed, so that anything reading the archive directory (replay, a
copy job) only ever sees finished files. Each record is its own gzip member, so a file cut short
by a killed process is still readable up to the damage.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
SOFTWARE = "ann-crawl-index"

# What a writer may prune: only finished files named as this module names them, never a file
# that is still being written (``.open``) nor anything else an operator put in the directory.
_OWN_FILE = re.compile(r"ann-\d{14}-\d+-\d{5}\.warc\.gz")

# Process-wide, so that file names stay unique even if several writers share one directory.
_serials = itertools.count()

# The HTTP client already undid the transfer coding, so the stored payload is not chunked; the
# original value stays visible under the usual ``X-Archive-Orig-`` prefix.
_RENAMED = {"transfer-encoding"}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One fetch as it went over the wire (body as the HTTP client handed it to the crawler)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    protocol: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _response_headers(exchange: Exchange) -> list[tuple[str, str]]:
    """Headers consistent with the stored payload, which a WARC reader will parse by them."""
    headers: list[tuple[str, str]] = []
    for name, value in exchange.response_headers:
        lower = name.lower()
        if lower in _RENAMED:
            headers.append((f"X-Archive-Orig-{name}", value))
        elif lower == "content-length":
            if value != str(len(exchange.body)):
                headers.append((f"X-Archive-Orig-{name}", value))
        else:
            headers.append((name, value))
    headers.append(("Content-Length", str(len(exchange.body))))
    return headers


def _request_headers(exchange: Exchange) -> list[tuple[str, str]]:
    headers = [(n, v) for n, v in exchange.request_headers if n.lower() != "host"]
    return [("Host", urlsplit(exchange.url).netloc), *headers]


@dataclass(frozen=True, slots=True)
class Retention:
    """How much finished archive a directory keeps: files older than ``max_age_seconds`` and, past
    ``max_total_bytes``, the oldest files go first. ``None`` keeps that dimension unbounded.

    The archive exists to rebuild an index without fetching again, so the newest files are the
    valuable ones; a crawler that ran for months must not fill its disk and then fail on the next
    write (which would cost the fetches, not only the archive)."""

    max_age_seconds: float | None = None
    max_total_bytes: int | None = None


def prune(directory: Path, retention: Retention, now: float) -> list[Path]:
    """Delete the finished files of ``directory`` that ``retention`` no longer keeps, oldest
    first; returns what was deleted. Several crawler processes may share a directory and prune
    concurrently, so a file that vanished meanwhile is simply skipped."""
    files: list[tuple[float, str, int, Path]] = []
    for path in directory.iterdir():
        if not _OWN_FILE.fullmatch(path.name):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        files.append((stat.st_mtime, path.name, stat.st_size, path))
    files.sort()  # oldest first; the name (time, pid, serial) orders files closed in one second
    total = sum(size for _, _, size, _ in files)
    doomed: list[Path] = []
    for mtime, _, size, path in files:
        too_old = retention.max_age_seconds is not None and now - mtime > retention.max_age_seconds
        too_much = retention.max_total_bytes is not None and total > retention.max_total_bytes
        if not (too_old or too_much):
            break  # the rest are newer, and what is left fits
        doomed.append(path)
        total -= size
    removed: list[Path] = []
    for path in doomed:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


class RotatingWarcWriter:
    """Appends fetches to ``ann-<YYYYMMDDHHMMSS>-<pid>-<serial>.warc.gz`` files in ``directory``,
    starting a new file once the current one exceeds ``max_bytes`` (compressed) or is older
    than ``max_seconds``; after closing a file it prunes the directory to ``retention``.
    Not thread-safe: Scrapy calls it from the reactor thread only."""

    def __init__(
        self,
        directory: Path,
        max_bytes: int,
        max_seconds: float,
        *,
        retention: Retention = Retention(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.retention = retention
        self._clock = clock
        self._out: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._opened_at = 0.0
        self.closed_files: list[Path] = []
        self.pruned_files: list[Path] = []
        self.exchanges = 0

    def write(self, exchange: Exchange) -> None:
        if self._out is not None and self._clock() - self._opened_at >= self.max_seconds:
            self._close_file()
        writer = self._writer or self._open_file()
        naive_utc = exchange.fetched_at.astimezone(UTC).replace(tzinfo=None)  # what warcio wants
        date = {"WARC-Date": datetime_to_iso_date(naive_utc, use_micros=True)}
        url = exchange.url
        response = writer.create_warc_record(
            url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
            warc_headers_dict=date,
            http_headers=StatusAndHeaders(
                f"{exchange.status} {_reason(exchange.status)}", _response_headers(exchange),
                protocol=exchange.protocol,
            ),
        )
        split = urlsplit(url)
        target = (split.path or "/") + (f"?{split.query}" if split.query else "")
        request = writer.create_warc_record(
            url, "request", payload=BytesIO(exchange.request_body),
            length=len(exchange.request_body), warc_headers_dict=date,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1", _request_headers(exchange),
                is_http_request=True,
            ),
        )
        writer.write_request_response_pair(request, response)
        self.exchanges += 1
        assert self._out is not None
        if self._out.tell() >= self.max_bytes:
            self._close_file()

    def close(self) -> None:
        if self._out is not None:
            self._close_file()

    def _open_file(self) -> WARCWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._opened_at = self._clock()
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(self._opened_at))
        name = f"ann-{stamp}-{os.getpid()}-{next(_serials):05d}{WARC_SUFFIX}"
        self._path = self.directory / name
        self._out = (self.directory / (name + OPEN_SUFFIX)).open("xb")
        self._writer = WARCWriter(self._out, gzip=True, warc_version="1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(name, {
            "software": SOFTWARE,
            "hostname": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/",
        }))
        return self._writer

    def _close_file(self) -> None:
        assert self._out is not None and self._path is not None
        self._out.close()
        os.replace(self._path.with_name(self._path.name + OPEN_SUFFIX), self._path)
        self.closed_files.append(self._path)
        self._out, self._writer, self._path = None, None, None
        self.pruned_files.extend(prune(self.directory, self.retention, self._clock()))
