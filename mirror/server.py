"""Serve a generated mirror on 127.0.0.1, routing by the ``Host`` header the crawler sends.

Answers conditional requests (ETag / Last-Modified → 304) like real CDNs do, counts every request
per (host, path) so recrawl tests can assert what was re-fetched, counts the bytes it sends per
host (``bench/crawl.py``'s recrawl ratio), can fail a host on demand or make one of its paths
hostile (:meth:`MirrorServer.set_hostile`): a decompression bomb, a response that never
finishes, a page far larger than any article.

Given a TLS context it serves HTTPS, and a ``redirect`` rule answers a host's requests with a
301 instead: :mod:`mirror.internet` puts the sites at their real names on ports 80 and 443.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

from mirror.layout import BODY, HTML, TYPE, resource_dir

STATS_PATH = "/__mirror__/stats"
Hostile = Literal["gzip_bomb", "never_finishes", "oversize"]
BOMB_INFLATED_BYTES = 1024**3 + 1024**2
"""What the bomb inflates to, at least: more than 1 GiB, from about 1 MB on the wire."""
_BOMB_MEMBER_BYTES = 16 * 1024**2
NEVER_FINISHES_SECONDS = 600.0
"""How long a response that never finishes holds its connection (or until the server stops)."""
OVERSIZE_BYTES = 8 * 1024 * 1024


@cache
def gzip_bomb() -> bytes:
    """Gzip members of zeros inflating to ``BOMB_INFLATED_BYTES`` in all (about 1 MB, built
    once). One member of 16 MiB is compressed and repeated: a gzip stream may hold many
    members, and compressing the whole gibibyte would take most of a minute."""
    member = gzip.compress(bytes(_BOMB_MEMBER_BYTES), compresslevel=9, mtime=0)
    return member * (BOMB_INFLATED_BYTES // _BOMB_MEMBER_BYTES + 1)


def oversize_page() -> bytes:
    """A well-formed article page of ``OVERSIZE_BYTES``: one story, then padding paragraphs."""
    paragraph = b"<p>" + b"The minister said the talks would continue next week. " * 20 + b"</p>"
    head = b"<html><head><title>A long story</title></head><body><article><h1>A long story</h1>"
    count = OVERSIZE_BYTES // len(paragraph) + 1
    return head + paragraph * count + b"</article></body></html>"

Redirect = Callable[[str, str], "str | None"]
"""(host, path) -> the Location to send with a 301, or None to serve the page."""


@dataclass(frozen=True)
class RequestRecord:
    at: float
    host: str
    path: str
    status: int
    client: str = ""
    """The address the request came from (which crawler host sent it)."""


class _Listener(ThreadingHTTPServer):
    """The standard server with a real listen backlog: its default of 5 drops connections
    when a crawler opens dozens at once, and the client's SYN retries stall it for seconds."""

    request_queue_size = 256
    daemon_threads = True


class _CountingWriter(io.BufferedIOBase):
    """The handler's output stream, counting what is written: the bytes a crawl costs a site
    (status line, headers and body) are measured here, where they leave."""

    def __init__(self, inner: io.BufferedIOBase) -> None:
        super().__init__()
        self._inner = inner
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # bytes only, as sent
        self._inner.write(data)
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        self._inner.flush()

    def close(self) -> None:
        if not self.closed:
            try:
                super().close()  # flushes while the socket writer is still open
            finally:
                self._inner.close()


class MirrorServer:
    def __init__(
        self, root: Path, host: str = "127.0.0.1", port: int = 0, *,
        tls: ssl.SSLContext | None = None, redirect: Redirect | None = None,
    ) -> None:
        self.root = root
        self.redirect = redirect
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = {}
        self._bytes: dict[str, int] = {}
        self._latency: dict[str, float] = {}
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._log: list[RequestRecord] = []
        self._faults: dict[str, int] = {}
        self._hostile: dict[tuple[str, str | None], Hostile] = {}
        self._stopping = threading.Event()
        self._httpd = _Listener((host, port), _handler_for(self))
        if tls is not None:
            # The handshake happens on the handler's first read, in its own thread: done in
            # accept() it would hold up every other connection behind one slow client.
            self._httpd.socket = tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if isinstance(self._httpd.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{self._httpd.server_address[0]!s}:{self.port}"

    def start(self) -> int:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="mirror-server")
        self._thread.start()
        return self.port

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._stopping.set()  # lets go of responses that never finish
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def set_status(self, host: str, status: int | None) -> None:
        """Answer every request for ``host`` with ``status`` (None: back to normal)."""
        with self._lock:
            if status is None:
                self._faults.pop(host.lower(), None)
            else:
                self._faults[host.lower()] = status

    def fault(self, host: str) -> int | None:
        with self._lock:
            return self._faults.get(host)

    def set_hostile(self, host: str, path: str | None, kind: Hostile | None) -> None:
        """Answer ``path`` of ``host`` (every path when None) with a hostile response:
        ``gzip_bomb`` (about 1 MB sent as ``Content-Encoding: gzip``, more than 1 GiB
        inflated), ``never_finishes`` (headers and a first part of the body, then nothing until
        ``NEVER_FINISHES_SECONDS`` pass or the server stops), ``oversize`` (an 8 MB article
        page). None puts the path back to normal."""
        with self._lock:
            if kind is None:
                self._hostile.pop((host.lower(), path), None)
            else:
                self._hostile[(host.lower(), path)] = kind

    def hostile(self, host: str, path: str) -> Hostile | None:
        with self._lock:
            return self._hostile.get((host, path)) or self._hostile.get((host, None))

    def record(self, host: str, path: str, status: int, client: str = "") -> None:
        with self._lock:
            self._counts[(host, path)] = self._counts.get((host, path), 0) + 1
            self._log.append(RequestRecord(time.time(), host, path, status, client))

    def count(self, host: str, path: str) -> int:
        with self._lock:
            return self._counts.get((host, path), 0)

    # -- latency and concurrency (politeness tests: how many requests a host serves at once) ---
    def set_latency(self, host: str, seconds: float) -> None:
        """Make every answer for ``host`` take at least ``seconds``, like a slow site."""
        with self._lock:
            self._latency[host.lower()] = seconds

    @contextmanager
    def serving(self, host: str) -> Iterator[None]:
        with self._lock:
            now = self._in_flight.get(host, 0) + 1
            self._in_flight[host] = now
            self._max_in_flight[host] = max(now, self._max_in_flight.get(host, 0))
            latency = self._latency.get(host, 0.0)
        try:
            if latency:
                time.sleep(latency)
            yield
        finally:
            with self._lock:
                self._in_flight[host] -= 1

    def max_in_flight(self, host: str) -> int:
        """The most requests for ``host`` that were being answered at the same moment."""
        with self._lock:
            return self._max_in_flight.get(host, 0)

    # -- response bytes (what a crawl costs the sites; bench/crawl.py's recrawl ratio) --------
    def add_bytes(self, host: str, n: int) -> None:
        with self._lock:
            self._bytes[host] = self._bytes.get(host, 0) + n

    def bytes_sent(self) -> int:
        """Bytes written in answers to crawl requests (headers and bodies; stats not counted)."""
        with self._lock:
            return sum(self._bytes.values())

    def request_counts(self) -> dict[str, int]:
        """Requests answered so far, by ``host/path``."""
        with self._lock:
            return {f"{h}{p}": n for (h, p), n in sorted(self._counts.items())}

    def stats(self) -> dict[str, object]:
        counts = self.request_counts()
        with self._lock:
            return {"counts": counts,
                    "log": [asdict(r) for r in self._log],
                    "bytes": dict(sorted(self._bytes.items())),
                    "bytes_total": sum(self._bytes.values())}

    def reset_stats(self) -> None:
        with self._lock:
            self._counts.clear()
            self._log.clear()
            self._bytes.clear()
            self._max_in_flight.clear()


def _handler_for(server: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ann-mirror/1"

        def log_message(self, format: str, *args: object) -> None:
            return  # the request log lives in server.stats()

        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile)

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _answer(self, *, head: bool) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            path = self.path
            if path.startswith(STATS_PATH) and host in {"127.0.0.1", "localhost", ""}:
                data = json.dumps(server.stats()).encode()
                self._send(200, data, {"Content-Type": "application/json"}, head)
                return
            with server.serving(host):
                self._answer_site(host, path, head)

        def _answer_site(self, host: str, path: str, head: bool) -> None:
            location = server.redirect(host, path) if server.redirect else None
            hostile = server.hostile(host, path)
            if location is not None:
                status, body, headers = 301, b"", {"Location": location}
            elif hostile == "never_finishes":
                server.record(host, path, 200, str(self.client_address[0]))
                self._never_finish()
                return
            elif hostile == "gzip_bomb":
                status, body, headers = 200, gzip_bomb(), {"Content-Type": HTML,
                                                           "Content-Encoding": "gzip"}
            elif hostile == "oversize":
                status, body, headers = 200, oversize_page(), {"Content-Type": HTML}
            else:
                status, body, headers = self._resolve(host, path)
            server.record(host, path, status, str(self.client_address[0]))
            counter = self.wfile
            before = counter.written if isinstance(counter, _CountingWriter) else 0
            self._send(status, body, headers, head)
            if isinstance(counter, _CountingWriter):
                server.add_bytes(host, counter.written - before)

        def _never_finish(self) -> None:
            """Promise a body, send a first part of it, then hold the connection."""
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"<html><head><title>Slow</title></head><body><p>")
            self.wfile.flush()
            server._stopping.wait(NEVER_FINISHES_SECONDS)
            self.close_connection = True

        def _resolve(self, host: str, path: str) -> tuple[int, bytes, dict[str, str]]:
            fault = server.fault(host)
            if fault is not None:
                return fault, b"mirror fault injection\n", {"Content-Type": "text/plain"}
            where = resource_dir(server.root, host, path)
            body_file = where / BODY if where is not None else None
            if body_file is None or not body_file.is_file():
                return 404, b"<h1>Not found</h1>\n", {"Content-Type": HTML}
            body = body_file.read_bytes()
            type_file = body_file.parent / TYPE
            ctype = type_file.read_text(encoding="utf-8") if type_file.is_file() else HTML
            mtime = int(body_file.stat().st_mtime)
            etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
            headers = {"Content-Type": ctype, "ETag": etag,
                       "Last-Modified": formatdate(mtime, usegmt=True)}
            if self._not_modified(etag, mtime):
                return 304, b"", headers
            return 200, body, headers

        def _not_modified(self, etag: str, mtime: int) -> bool:
            match = self.headers.get("If-None-Match")
            if match is not None:
                return etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return mtime <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

    return Handler
