"""The API's HTTP/1.1 node class (search_api/es_node.py) against a small HTTP server of the test's.

The real node is exercised by every API test that reaches Elasticsearch; these cases are the ones
a healthy node rarely produces: a connection the server closes, a chunked or gzipped answer, a
HEAD answer that announces a body it does not send, a request abandoned half-way.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
from collections.abc import Awaitable, Callable

import pytest
from elastic_transport import AiohttpHttpNode, ConnectionError, ConnectionTimeout, NodeConfig
from elasticsearch import AsyncElasticsearch

from search_api.es_node import StreamHttpNode, node_class_for

Handler = Callable[[bytes, bytes], Awaitable[bytes | None]]
"""(request line and headers, body) -> the raw answer, or None to answer nothing."""


class Server:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                answer = await self.handler(head, body)
                if answer is None:
                    await asyncio.sleep(3600)
                    return
                writer.write(answer)
                await writer.drain()
                if b"connection: close" in answer.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass
        finally:
            writer.close()


def _answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", "X-elastic-product: Elasticsearch",
             "content-type: application/json", *headers]
    if not any(h.lower().startswith("transfer-encoding") for h in headers):
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _node(port: int, **config: object) -> StreamHttpNode:
    return StreamHttpNode(NodeConfig("http", "127.0.0.1", port, **config))  # type: ignore[arg-type]


def test_requests_share_one_kept_alive_connection_and_chunked_answers_are_read_whole() -> None:
    async def handler(head: bytes, body: bytes) -> bytes:
        return (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
                b"content-type: application/json\r\n\r\n"
                b"3\r\n{\"a\r\n" + b"4\r\n\": 1\r\n" + b"1\r\n}\r\n" + b"0\r\n\r\n")

    async def run() -> None:
        async with Server(handler) as server:
            node = _node(server.port)
            for _ in range(3):
                response = await node.perform_request(
                    "POST", "/x/_search", body=b'{"size": 0}',
                    headers=None)
                assert response.meta.status == 200
                assert response.body == b'{"a": 1}'
                assert response.meta.headers["Content-Type"] == "application/json"
            await node.close()
            assert server.connections == 1
            assert server.requests[0].startswith(b"POST /x/_search HTTP/1.1\r\n")
            assert server.requests[0].endswith(b'\r\n\r\n{"size": 0}')
            assert b"\r\nhost: 127.0.0.1:%d\r\n" % server.port in server.requests[0]

    asyncio.run(run())


def test_a_connection_the_server_closes_is_not_used_again() -> None:
    async def handler(head: bytes, body: bytes) -> bytes:
        return _answer(b"{}", "connection: close")

    async def run() -> None:
        async with Server(handler) as server:
            node = _node(server.port)
            for _ in range(3):
                assert (await node.perform_request("GET", "/")).meta.status == 200
            await node.close()
            assert server.connections == 3

    asyncio.run(run())


def test_a_head_answer_ends_at_its_headers_and_the_connection_goes_on() -> None:
    async def handler(head: bytes, body: bytes) -> bytes:
        if head.startswith(b"HEAD"):  # announces 20 bytes, sends none (RFC 9110, 9.3.2)
            return (b"HTTP/1.1 404 Not Found\r\ncontent-length: 20\r\n"
                    b"content-type: application/json\r\n\r\n")
        return _answer(b'{"found": true}')

    async def run() -> None:
        async with Server(handler) as server:
            node = _node(server.port)
            head = await asyncio.wait_for(node.perform_request("HEAD", "/x/_doc/1"), 5)
            assert (head.meta.status, head.body) == (404, b"")
            get = await node.perform_request("GET", "/x/_doc/1")
            assert (get.meta.status, get.body) == (200, b'{"found": true}')
            await node.close()
            assert server.connections == 1

    asyncio.run(run())


def test_gzip_goes_out_and_comes_back_when_the_node_config_asks_for_it() -> None:
    async def handler(head: bytes, body: bytes) -> bytes:
        assert b"content-encoding: gzip" in head.lower()
        return _answer(gzip.compress(gzip.decompress(body) + b"!"), "content-encoding: gzip")

    async def run() -> None:
        async with Server(handler) as server:
            node = _node(server.port, http_compress=True)
            response = await node.perform_request("POST", "/", body=b"hello")
            assert response.body == b"hello!"
            await node.close()

    asyncio.run(run())


def test_an_abandoned_request_closes_its_connection_and_a_silent_node_times_out() -> None:
    answered = 0

    async def handler(head: bytes, body: bytes) -> bytes | None:
        nonlocal answered
        if b"/slow" in head:
            return None
        answered += 1
        return _answer(b'{"n": %d}' % answered)

    async def run() -> None:
        async with Server(handler) as server:
            node = _node(server.port)
            slow = asyncio.ensure_future(node.perform_request("GET", "/slow"))
            while len(server.requests) < 1:
                await asyncio.sleep(0.01)
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            # the next request does not read an answer meant for the abandoned one
            assert (await node.perform_request("GET", "/")).body == b'{"n": 1}'
            with pytest.raises(ConnectionTimeout):
                await node.perform_request("GET", "/slow", request_timeout=0.2)
            assert (await node.perform_request("GET", "/")).body == b'{"n": 2}'
            await node.close()
            assert server.connections == 3

    asyncio.run(run())


def test_a_port_nobody_listens_on_is_a_connection_error() -> None:
    async def run() -> None:
        async with Server(lambda head, body: asyncio.sleep(0, None)) as server:
            port = server.port
        node = _node(port)
        with pytest.raises(ConnectionError):
            await node.perform_request("GET", "/")

    asyncio.run(run())


def test_tls_nodes_stay_on_the_clients_own_node_class() -> None:
    assert node_class_for(["http://a:9200", "HTTP://b:9200"]) is StreamHttpNode
    assert node_class_for(["http://a:9200", "https://b:9200"]) is AiohttpHttpNode
    with pytest.raises(ValueError, match="plain HTTP"):
        StreamHttpNode(NodeConfig("https", "127.0.0.1", 9200))


def test_the_credentials_of_es_url_go_with_every_request() -> None:
    async def handler(head: bytes, body: bytes) -> bytes:
        return _answer(b'{"count": 7}')

    async def run() -> None:
        async with Server(handler) as server:
            es = AsyncElasticsearch([f"http://elastic:s3cret@127.0.0.1:{server.port}"],
                                    node_class=node_class_for(["http://a"]))
            assert (await es.count(index="x"))["count"] == 7
            await es.close()
            expected = b"authorization: Basic " + base64.b64encode(b"elastic:s3cret")
            assert expected in server.requests[0]

    asyncio.run(run())
