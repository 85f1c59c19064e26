"""A member site built by a test: fixed routes by path, a log of what was asked, optional TLS."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, dict[str, str], bytes]


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>{n}</title><link>{link}</link></item>"
                    for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
            "</channel></rss>").encode()


def article(title: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{'Words of the story. ' * 40}</p></article></body></html>").encode()


class Site:
    """Answers ``routes[path]`` (404 otherwise); ``requests`` lists the paths asked, in order."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def asked(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for path in self.requests if path.startswith(prefix))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                    status, headers, body = site.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler

    @contextmanager
    def serving(self, host: str = "127.0.0.1", port: int = 0,
                tls: ssl.SSLContext | None = None) -> Iterator[int]:
        """Serve on ``host:port`` in a thread; yields the port."""
        server = ThreadingHTTPServer((host, port), self._handler())
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@contextmanager
def counting_listener(host: str) -> Iterator[tuple[int, list[int]]]:
    """A TCP port on ``host`` that accepts and counts connections: yields (port, [count])."""
    count = [0]
    stop = threading.Event()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((host, 0))
    listener.listen(16)
    listener.settimeout(0.2)

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            count[0] += 1
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], count
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.close()
