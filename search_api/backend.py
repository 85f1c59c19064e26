"""Every Elasticsearch call the API makes, in one place: timed, bounded, its failures translated.

Routes never handle a transport exception themselves. An unreachable, failing (5xx), overloaded
(429) or slow backend becomes :class:`BackendUnavailable`, which the application answers with a
503 saying what went wrong; a request the engine refuses (any other 4xx) becomes
:class:`BackendRejected`, a 400 with the engine's reason — the client's request, not the
backend, is at fault, and a 503 would send it (and its retries) back to try the same again.
Each call waits at most the configured timeout (``ANN_API_ES_TIMEOUT``) and is not retried after
a timeout: a client that gave up waits for nobody, and a query that was slow once would only be
slow again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import orjson
from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    ConnectionTimeout,
    NotFoundError,
    SerializationError,
    TransportError,
)
from elasticsearch.serializer import JsonSerializer

from ann.settings import Settings
from search_api.metrics import ApiMetrics


class BackendUnavailable(Exception):
    """Elasticsearch could not answer; the message is safe to show to the client."""


class IndexMissing(BackendUnavailable):
    """The alias points nowhere yet: nothing was ever indexed."""


class BackendRejected(Exception):
    """Elasticsearch refused the request (a 4xx); the message is its reason, safe to show."""


MAX_REASON_CHARS = 300
_BACKEND_FAULTS = frozenset({401, 403, 408, 429})
"""4xx statuses that are about the API's credentials or the engine's load, not the client's
request: a 503 like a 5xx."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_JSON = {"accept": "application/json", "content-type": "application/json"}
"""The headers of a JSON request, as the client's own methods send them."""


def engine_reason(error: ApiError, alias: str) -> str:
    """The root cause of a refusal, for a client: one line, bounded, without the name of the
    versioned index behind the alias (clients know the alias only)."""
    body = error.body if isinstance(error.body, dict) else {}
    detail = body.get("error")
    cause = detail.get("root_cause", [detail])[0] if isinstance(detail, dict) else {}
    if not isinstance(cause, dict):
        cause = {}
    kind, reason = cause.get("type") or error.message, cause.get("reason") or ""
    text = f"{kind}: {reason}" if reason else str(kind)
    text = re.sub(rf"{re.escape(alias)}-v\d+", alias, _CONTROL.sub(" ", text))
    return text[:MAX_REASON_CHARS]


class _Serializer(JsonSerializer):
    """The client's JSON, by orjson both ways: an export page of 2,000 hits is about 0.76 MB of
    JSON, which the standard library parses 2-3 times slower, and a ``/search`` request body
    (2.7 kB) took it 0.08 ms to write, orjson 0.015. ``OPT_NON_STR_KEYS`` takes the ``StrEnum``
    keys of the query builders (:class:`ann.document.DocField`) as the strings they are; what
    orjson cannot write itself goes to the client's ``default`` as before (a ``Decimal``)."""

    def loads(self, data: bytes) -> Any:
        return orjson.loads(data)

    def dumps(self, data: Any) -> bytes:
        if isinstance(data, str):
            return data.encode("utf-8", "surrogatepass")
        if isinstance(data, bytes):
            return data
        try:
            return orjson.dumps(data, default=self.default, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError as error:
            raise SerializationError(
                f"Unable to serialize to JSON: {type(data).__name__}", errors=(error,)
            ) from error


class Backend:
    def __init__(
        self, es: AsyncElasticsearch, alias: str, metrics: ApiMetrics, timeout_seconds: float
    ) -> None:
        self.es = es
        self.alias = alias
        self._search_path = f"/{quote(alias, safe=',')}/_search"
        self.metrics = metrics
        self.timeout_seconds = timeout_seconds
        self._turns = asyncio.Semaphore(sum(
            node.config.connections_per_node for node in es.transport.node_pool.all()))
        """Calls in flight, at most one per connection the client keeps (elastic-transport's
        ``connections_per_node``, 10 by default, for each node); the others wait in arrival order.
        aiohttp's pool gives a freed connection to whichever call asks next, not to the one
        that has waited longest, so a task that calls again in the same step (a loop of calls,
        a route's second call in a row) takes it back every time, and a call that arrived when
        all were busy can wait until the loop ends — or fail on its timeout
        (``tests/integration/test_backend_turns.py``). asyncio's semaphore serves its waiters
        first come, first served, and lets no newcomer pass them."""

    @classmethod
    def connect(cls, settings: Settings, metrics: ApiMetrics) -> Backend:
        timeout = settings.api_es_timeout_seconds
        nodes = settings.es_nodes
        # With several nodes, a node that fails or hangs (shutting down, overloaded) costs one
        # attempt and the search goes to the next: one more attempt than there are nodes. With
        # one node a retry after a timeout would only double the wait.
        # meta_header: no usage statistics for Elastic on every request
        es = AsyncElasticsearch(
            nodes, request_timeout=timeout, retry_on_timeout=len(nodes) > 1,
            max_retries=max(1, len(nodes)), serializer=_Serializer(),
            meta_header=False,
        )
        return cls(es, settings.index_alias, metrics, timeout)

    async def close(self) -> None:
        await self.es.close()

    @asynccontextmanager
    async def _call(self, operation: str) -> AsyncIterator[None]:
        """Wait for a turn (:attr:`_turns`), time the call; a NotFoundError passes through for
        the caller to interpret. The wait is bounded by the call's own timeout."""
        try:
            async with asyncio.timeout(self.timeout_seconds):
                await self._turns.acquire()
        except TimeoutError as error:
            raise BackendUnavailable(
                f"search backend busy: no connection free within {self.timeout_seconds:g} s"
            ) from error
        try:
            with self.metrics.backend_call(operation):
                yield
        except NotFoundError:
            raise
        except ConnectionTimeout as error:
            raise BackendUnavailable(
                f"search backend did not answer within {self.timeout_seconds:g} s"
            ) from error
        except ApiError as error:
            if 400 <= error.status_code < 500 and error.status_code not in _BACKEND_FAULTS:
                raise BackendRejected(
                    f"search backend refused the request: {engine_reason(error, self.alias)}"
                ) from error
            raise BackendUnavailable(
                f"search backend unavailable: {type(error).__name__} ({error.status_code})"
            ) from error
        except TransportError as error:
            raise BackendUnavailable(
                f"search backend unavailable: {type(error).__name__}"
            ) from error
        finally:
            self._turns.release()

    async def search(self, body: dict[str, Any], operation: str = "search") -> dict[str, Any]:
        try:
            async with self._call(operation):
                # what es.search(index=, body=) sends, without its keyword arguments' rewriting
                # and the request it builds from them: ~0.1 ms of CPU per call
                response = await self.es.perform_request(
                    "POST", self._search_path, headers=_JSON, body=body, endpoint_id="search",
                    path_parts={"index": self.alias})
        except NotFoundError as error:
            raise IndexMissing("the index does not exist yet: crawl something first") from error
        result: dict[str, Any] = response.body
        return result

    async def open_point_in_time(self, keep_alive: str) -> str:
        """A point in time over the alias: searches over it see the index as it is now."""
        try:
            async with self._call("open_pit"):
                response = await self.es.open_point_in_time(index=self.alias,
                                                            keep_alive=keep_alive)
        except NotFoundError as error:
            raise IndexMissing("the index does not exist yet: crawl something first") from error
        return str(response["id"])

    async def search_point_in_time(self, body: dict[str, Any], filter_path: str,
                                   operation: str) -> dict[str, Any]:
        """A search over the point in time ``body["pit"]`` names (no index: the PIT has one)."""
        async with self._call(operation):
            response = await self.es.search(body=body, filter_path=filter_path)
        result: dict[str, Any] = response.body
        return result

    async def close_point_in_time(self, pit_id: str) -> None:
        """Frees the engine's search contexts now rather than at the keep-alive's end."""
        async with self._call("close_pit"):
            await self.es.close_point_in_time(id=pit_id)

    async def get(self, doc_id: str, excludes: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """The stored document with its ``_id`` and ``_source``, or None when there is none."""
        try:
            async with self._call("get"):
                response = await self.es.get(
                    index=self.alias, id=doc_id, source_excludes=list(excludes) or None
                )
        except NotFoundError:
            return None
        doc: dict[str, Any] = response.body
        return doc

    async def exists(self, doc_id: str) -> bool:
        async with self._call("exists"):
            return bool(await self.es.exists(index=self.alias, id=doc_id))

    async def count(self) -> int:
        """Documents in the index; 0 while it does not exist."""
        try:
            async with self._call("count"):
                response = await self.es.count(index=self.alias)
        except NotFoundError:
            return 0
        return int(response["count"])

    async def cluster_status(self) -> str:
        async with self._call("cluster_health"):
            response = await self.es.cluster.health()
        return str(response["status"])
