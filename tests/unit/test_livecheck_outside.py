"""`ann check-live` keeps to the crawler's network guard: live, no request or redirect hop
reaches an address inside our network (a listener there counts the connections it gets)."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ann.ops.livecheck import Fetcher
from tests.support.ports import free_port


class _Listener:
    """Counts the connections made to ``host``: the internal service a redirect points at."""

    def __init__(self, host: str) -> None:
        self.sock = socket.create_server((host, 0))
        self.sock.settimeout(0.2)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}/internal"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def internal() -> Iterator[_Listener]:
    listener = _Listener("127.0.0.2")
    yield listener
    listener.close()


@pytest.fixture
def site(internal: _Listener) -> Iterator[tuple[str, list[str]]]:
    """A "member site" on 127.0.0.1 whose every page redirects to the internal listener."""
    asked: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(301)
            self.send_header("Location", internal.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robots.txt", asked
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _fetcher(*allowed: str) -> Fetcher:
    return Fetcher("ann-test", timeout=5, delay=0,
                   allow_networks=tuple(ipaddress.ip_network(n) for n in allowed))


def test_a_loopback_site_is_not_contacted(site: tuple[str, list[str]]) -> None:
    url, asked = site
    fetched = _fetcher().get(url)
    assert fetched.status is None and fetched.error == "refused: loopback"
    assert asked == []


def test_a_redirect_inside_is_refused_before_it_connects(
    site: tuple[str, list[str]], internal: _Listener
) -> None:
    url, asked = site
    fetched = _fetcher("127.0.0.1/32").get(url)  # the site is admitted, the internal host not
    assert asked == ["/robots.txt"]
    assert fetched.error == "refused: loopback" and fetched.url == internal.url
    assert internal.connections == 0
    # the listener does count: admitted too, the same redirect reaches it
    assert _fetcher("127.0.0.0/8").get(url).status == 200
    assert internal.connections == 1
