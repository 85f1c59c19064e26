"""The application factory: routes, middleware and the Elasticsearch client's lifespan, explicit.

One ``AsyncElasticsearch`` client is opened at start-up and closed at shutdown; routes receive it
through typed application state (see :mod:`search_api.routes`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from elasticsearch import AsyncElasticsearch
from fastapi import FastAPI

from ann.settings import Settings, get_settings
from search_api.routes import router
from search_api.state import ApiState


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        es = AsyncElasticsearch(settings.es_url, request_timeout=10)
        app.state.api = ApiState(es=es, alias=settings.index_alias)
        try:
            yield
        finally:
            await es.close()

    app = FastAPI(
        title="ANN search",
        version="0.1.0",
        summary="Full-text and faceted search over the Asia News Network papers.",
        lifespan=lifespan,
    )
    app.include_router(router)
    return app
