"""The hostile sites' server: HTTPS on port 443 for every name of a site list written by
:mod:`tests.support.hostile`, on a host of the simulated internet of its own.

Routes are fixed answers by host and path, or hostile ones: a gzip bomb (the mirror's own), a
response that never finishes, and a calendar of sitemap indexes without end (each lists
``CALENDAR_FAN_OUT`` more pages of the calendar). Every request is appended to ``--access-log``
as one JSON line with the client's address, as the internet host logs its own.

Run by path (``python tests/support/wild.py --sites ... --cert ... --key ... --bind ...
--access-log ...``) by :class:`tests.support.deployment.Deployment`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mirror.server import gzip_bomb

CALENDAR_FAN_OUT = 100
NEVER_FINISHES_SECONDS = 900.0


def calendar_page(host: str, prefix: str, number: int) -> bytes:
    """A sitemap index listing ``CALENDAR_FAN_OUT`` pages of the calendar no other page lists
    (``<prefix><n>.xml``; the pages under page ``n`` are numbered ``n * fan-out + 1`` on, as
    a month lists its days and a day its hours): every level is new to the crawler."""
    first = number * CALENDAR_FAN_OUT + 1
    entries = "".join(f"<sitemap><loc>https://{host}{prefix}{n}.xml</loc></sitemap>"
                      for n in range(first, first + CALENDAR_FAN_OUT))
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
            ).encode()


class Wild:
    """The site list (``{"sites": {host: {path: route}}, "calendars": {host: prefix}}``) and
    the access log."""

    def __init__(self, sites: dict[str, Any], log: Path) -> None:
        self.sites: dict[str, dict[str, dict[str, Any]]] = sites["sites"]
        self.calendars: dict[str, str] = sites.get("calendars", {})
        self._log = log.open("a", encoding="utf-8")
        self._lock = threading.Lock()
        self.stopping = threading.Event()

    def close(self) -> None:
        """Let go of responses that never finish, and close the access log."""
        self.stopping.set()
        with self._lock:
            self._log.close()

    def record(self, host: str, path: str, status: int, client: str) -> None:
        line = json.dumps({"at": time.time(), "host": host, "path": path, "status": status,
                           "client": client, "scheme": "https"})
        with self._lock:
            self._log.write(line + "\n")
            self._log.flush()

    def route(self, host: str, path: str) -> dict[str, Any]:
        prefix = self.calendars.get(host)
        if prefix and path.startswith(prefix) and path.endswith(".xml"):
            number = path.removeprefix(prefix).removesuffix(".xml")
            if number.isdigit():
                return {"status": 200, "headers": {"Content-Type": "application/xml"},
                        "body": calendar_page(host, prefix, int(number)).decode()}
        return self.sites.get(host, {}).get(path, {"status": 404, "body": "not here"})


def _etag(route: dict[str, Any]) -> str | None:
    """A route marked ``validated`` answers ``If-None-Match`` with a 304, as CDNs do; its
    ETag is its body's hash, so a changed body is a new ETag."""
    if not route.get("validated"):
        return None
    digest = hashlib.sha1(str(route.get("body", "")).encode(), usedforsecurity=False)
    return f'"{digest.hexdigest()[:16]}"'


def handler_for(wild: Wild) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # the access log is written by Wild.record

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            route = wild.route(host, self.path)
            kind = route.get("hostile")
            etag = _etag(route)
            status = 304 if etag and self.headers.get("If-None-Match") == etag else int(
                route.get("status", 200))
            wild.record(host, self.path, status, str(self.client_address[0]))
            if kind == "never_finishes":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"<html><head><title>Slow</title></head><body><p>")
                self.wfile.flush()
                wild.stopping.wait(NEVER_FINISHES_SECONDS)
                self.close_connection = True
                return
            headers: dict[str, str] = dict(route.get("headers", {}))
            if etag:
                headers["ETag"] = etag
            if kind == "gzip_bomb":
                body = gzip_bomb()
                headers.update({"Content-Type": "text/html", "Content-Encoding": "gzip"})
            else:
                body = b"" if status == 304 else str(route.get("body", "")).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Listener(ThreadingHTTPServer):
    """A threading server with a listen backlog for a crawler opening many connections."""

    request_queue_size = 128
    daemon_threads = True


@contextmanager
def served_on_loopback(wild: Wild) -> Iterator[str]:
    """Serve ``wild`` over plain HTTP on a free port of 127.0.0.1 in a thread (tests that need
    no namespace); its base URL. The server and ``wild`` are closed afterwards."""
    server = Listener(("127.0.0.1", 0), handler_for(wild))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        wild.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wild.py")
    parser.add_argument("--sites", type=Path, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--bind", required=True)
    parser.add_argument("--access-log", type=Path, required=True)
    args = parser.parse_args(argv)
    wild = Wild(json.loads(args.sites.read_text(encoding="utf-8")), args.access_log)
    gzip_bomb()  # built once, before the first request
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    server = Listener((args.bind, 443), handler_for(wild))
    server.socket = tls.wrap_socket(server.socket, server_side=True,
                                    do_handshake_on_connect=False)
    print(f"serving {len(wild.sites)} hostile sites on {args.bind}:443", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        wild.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
