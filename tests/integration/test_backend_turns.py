"""The API's calls to the node take turns in the order they come: a call that finds every
connection busy goes next, ahead of a task that asks again as soon as it is answered.

aiohttp's pool alone gives a freed connection to whichever call asks for it first; a loop of
calls took it back every time, and a search waiting beside it was answered only when the loop
ended — or failed on its timeout (:class:`search_api.backend.Backend`)."""

from __future__ import annotations

import asyncio

import pytest
from elasticsearch import AsyncElasticsearch, Elasticsearch

from ann.settings import Settings
from search_api.backend import Backend
from search_api.metrics import ApiMetrics
from tests.support.api_corpus import corpus_documents, index_documents, private_alias

pytestmark = pytest.mark.integration

BODY = {"query": {"match_all": {}}, "size": 1}


async def _race(settings: Settings, loop_calls: int) -> list[str]:
    """One connection; a task calling ``loop_calls`` times back to back, and a call made while
    the loop's first is under way: the order in which they were answered."""
    client = AsyncElasticsearch(settings.es_nodes, connections_per_node=1)
    backend = Backend(client, settings.index_alias, ApiMetrics.create(None), 30.0)
    answered: list[str] = []
    first_under_way = asyncio.Event()

    async def loop() -> None:
        first_under_way.set()  # the waiting call runs once this one waits for the node
        for n in range(1, loop_calls + 1):
            await backend.search(BODY)  # the next call is made at once, in this same step
            answered.append(f"loop {n}")

    async def waiting() -> None:
        await first_under_way.wait()
        await backend.search(BODY)
        answered.append("waiting")

    try:
        await asyncio.gather(loop(), waiting())
    finally:
        await backend.close()
    return answered


def test_a_call_waiting_for_the_connection_goes_before_a_loop_asks_again(
    services: Settings, es: Elasticsearch
) -> None:
    with private_alias(services, es) as settings:
        index_documents(es, settings.index_alias, corpus_documents(3))
        answered = asyncio.run(_race(settings, loop_calls=6))
    assert sorted(answered) == sorted(["waiting", *(f"loop {n}" for n in range(1, 7))])
    assert answered.index("waiting") <= answered.index("loop 2"), answered
