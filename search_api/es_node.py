"""The API's connection to an Elasticsearch node: HTTP/1.1 over kept-alive asyncio connections.

The client's default node class posts each request through an ``aiohttp`` session; on a
``/search`` that costs about 0.65 ms more CPU than writing the request on a kept-alive stream and
reading the answer with ``httptools`` (the C parser uvicorn already uses for the API's own
requests) — a third of the API's CPU per request once the application's own work was cut
(docs/benchmarks.md, "API"). This node class does only that, under the client's transport, which
keeps what it gives: the pool of nodes and their failover, retries, serializers, the translation of
statuses into ``ApiError`` subclasses. What the class must give a transport it gives: a bounded pool
of connections per node (``connections_per_node``), the request timeout (connecting included),
``ConnectionError``/``ConnectionTimeout`` on a failed or silent node, gzip both ways when the node
config asks for it, the node config's headers (credentials from ``ES_URL`` among them).

Plain ``http://`` nodes only: :func:`node_class_for` leaves ``https://`` nodes on the client's
``aiohttp`` class, which handles certificates, fingerprints and client keys.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Sequence
from typing import cast
from urllib.parse import urlsplit

import httptools
from elastic_transport import (
    AiohttpHttpNode,
    ApiResponseMeta,
    BaseAsyncNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
)
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType


class _Connection(asyncio.Protocol):
    """One kept-alive connection; one request in flight at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser: httptools.HttpResponseParser | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.head = False
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.status = 0
        self.keep_alive = False
        self.closed = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass of it

    def data_received(self, data: bytes) -> None:
        if self.parser is None:  # bytes nobody asked for: the connection is out of step
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(ConnectionError(f"malformed response from the node: {error}",
                                       errors=(error,)))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ConnectionError("the node closed the connection",
                                   errors=(exc,) if exc else ()))

    # httptools.HttpResponseParser callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.head:  # a HEAD answer announces a length but sends no body
            self._done()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self._done()

    # requests

    def send(self, request: bytes, head: bool, waiter: asyncio.Future[None]) -> None:
        assert self.transport is not None
        self.parser = httptools.HttpResponseParser(self)
        self.head = head
        self.headers = []
        self.body = []
        self.waiter = waiter
        self.transport.write(request)

    def reusable(self) -> bool:
        return (self.keep_alive and not self.closed and self.transport is not None
                and not self.transport.is_closing())

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _done(self) -> None:
        assert self.parser is not None
        self.status = self.parser.get_status_code()
        self.keep_alive = self.parser.should_keep_alive()
        self.parser = None  # anything more on the wire before the next request is no answer
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, error: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.close()


class StreamHttpNode(BaseAsyncNode):
    """An ``http://`` node reached over kept-alive asyncio connections (see the module)."""

    _CLIENT_META_HTTP_CLIENT = ("as", "1")

    def __init__(self, config: NodeConfig) -> None:
        if config.scheme != "http":
            raise ValueError(f"{type(self).__name__} speaks plain HTTP only, not {config.scheme}")
        super().__init__(config)
        self._idle: list[_Connection] = []
        self._slots: asyncio.Semaphore | None = None
        self._connections = max(1, config.connections_per_node)
        host = f"[{self.host}]" if ":" in self.host else self.host
        self._host_header = f"{host}:{self.port}".encode("ascii")

    async def perform_request(  # type: ignore[override]
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        timeout = self.config.request_timeout if request_timeout is DEFAULT else request_timeout
        request_headers = self._headers.copy()
        if headers:
            request_headers.update(headers)
        if body and self._http_compress:
            body = gzip.compress(body)
            request_headers["content-encoding"] = "gzip"
        request = self._request(method, target, request_headers, body)
        loop = asyncio.get_running_loop()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._connections)
        start = loop.time()
        deadline = None if timeout is None else start + float(timeout)
        async with self._slots:
            try:
                status, response_headers, data = await self._exchange(
                    loop, request, method == "HEAD", deadline)
            except (ConnectionError, ConnectionTimeout) as error:
                self._log_request(method=method, target=target, headers=request_headers,
                                  body=body, exception=error)
                raise
        duration = loop.time() - start
        meta = ApiResponseMeta(node=self.config, duration=duration, http_version="1.1",
                               status=status, headers=response_headers)
        self._log_request(method=method, target=target, headers=request_headers, body=body,
                          meta=meta, response=data)
        return NodeApiResponse(meta, data)

    def _request(self, method: str, target: str, headers: HttpHeaders,
                 body: bytes | None) -> bytes:
        lines = [f"{method} {self.path_prefix}{target} HTTP/1.1".encode("ascii"),
                 b"host: " + self._host_header]
        lines.extend(f"{name}: {value}".encode("latin-1") for name, value in headers.items())
        if body or method in ("POST", "PUT"):
            lines.append(b"content-length: %d" % len(body or b""))
        return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")

    async def _exchange(
        self, loop: asyncio.AbstractEventLoop, request: bytes, head: bool,
        deadline: float | None,
    ) -> tuple[int, HttpHeaders, bytes]:
        connection = await self._connection(loop, deadline)
        waiter: asyncio.Future[None] = loop.create_future()
        timer = None if deadline is None else loop.call_at(deadline, _expire, waiter)
        ok = False
        try:
            connection.send(request, head, waiter)
            await waiter
            ok = True
        finally:
            if timer is not None:
                timer.cancel()
            if ok and connection.reusable():
                self._idle.append(connection)
            else:  # cancelled, timed out or failed mid-answer: the stream is out of step
                connection.close()
        response_headers = HttpHeaders(
            {name.decode("latin-1"): value.decode("latin-1")
             for name, value in connection.headers})
        data = b"".join(connection.body)
        if response_headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return connection.status, response_headers, data

    async def _connection(self, loop: asyncio.AbstractEventLoop,
                          deadline: float | None) -> _Connection:
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed and connection.transport is not None \
                    and not connection.transport.is_closing():
                return connection
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(_Connection, self.host, self.port),
                None if deadline is None else max(0.0, deadline - loop.time()))
        except TimeoutError as error:
            raise ConnectionTimeout("Connection timed out during request",
                                    errors=(error,)) from None
        except OSError as error:
            raise ConnectionError(str(error), errors=(error,)) from None
        return connection

    async def close(self) -> None:  # type: ignore[override]
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(ConnectionTimeout("Connection timed out during request"))


def node_class_for(urls: Sequence[str]) -> type[BaseAsyncNode]:
    """This module's class when every node is plain ``http://``; else the client's default."""
    if all(urlsplit(url).scheme.lower() == "http" for url in urls):
        return StreamHttpNode
    return AiohttpHttpNode

