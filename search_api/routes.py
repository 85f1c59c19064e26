"""HTTP routes: /search, /articles/{id}, /health."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from elasticsearch import ApiError, NotFoundError, TransportError
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from search_api.models import Article, ArticleSummary, FacetValue, Health, SearchResponse
from search_api.params import MAX_PAGE_SIZE, MAX_QUERY_LENGTH, SearchParams, Sort
from search_api.query import FACETS, build_search
from search_api.state import ApiState, api_state

router = APIRouter()
State = Annotated[ApiState, Depends(api_state)]


def search_params(
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH)] = None,
    source: Annotated[list[str] | None, Query()] = None,
    country: Annotated[list[str] | None, Query()] = None,
    category: Annotated[list[str] | None, Query()] = None,
    author: Annotated[list[str] | None, Query()] = None,
    language: Annotated[list[str] | None, Query()] = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    sort: Sort = Sort.relevance,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=0, le=MAX_PAGE_SIZE)] = 10,
) -> SearchParams:
    try:
        return SearchParams.model_validate({
            "q": q, "source": source or [], "country": country or [],
            "category": category or [], "author": author or [], "language": language or [],
            "from": date_from, "to": date_to, "sort": sort, "page": page, "size": size,
        })
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error


def _summary(hit: dict[str, Any]) -> ArticleSummary:
    return ArticleSummary.model_validate(
        {**hit["_source"], "id": hit["_id"], "highlights": hit.get("highlight", {})}
    )


def _facets(aggregations: dict[str, Any]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    for name in [*FACETS, "month"]:
        buckets = aggregations[name]["values"]["buckets"]
        facets[name] = [
            FacetValue(value=str(b.get("key_as_string", b["key"])), count=b["doc_count"])
            for b in buckets
        ]
    return facets


@router.get("/search", response_model=SearchResponse, summary="Search articles")
async def search(
    state: State, params: Annotated[SearchParams, Depends(search_params)]
) -> SearchResponse:
    try:
        result = await state.es.search(index=state.alias, body=build_search(params))
    except NotFoundError as error:
        raise HTTPException(503, "the index does not exist yet: crawl something first") from error
    except (ApiError, TransportError) as error:
        raise HTTPException(503, f"search backend unavailable: {type(error).__name__}") from error
    return SearchResponse(
        total=result["hits"]["total"]["value"],
        page=params.page,
        size=params.size,
        took_ms=result["took"],
        hits=[_summary(h) for h in result["hits"]["hits"]],
        facets=_facets(result["aggregations"]),
    )


@router.get("/articles/{article_id}", response_model=Article, summary="One article in full")
async def get_article(state: State, article_id: str) -> Article:
    if not article_id.isalnum() or len(article_id) > 64:
        raise HTTPException(422, "article id must be alphanumeric, at most 64 characters")
    try:
        doc = await state.es.get(index=state.alias, id=article_id)
    except NotFoundError as error:
        raise HTTPException(404, f"no article {article_id}") from error
    return Article.model_validate({**doc["_source"], "id": doc["_id"]})


@router.get("/health", response_model=Health, summary="Is the search backend reachable")
async def health(state: State) -> Health:
    try:
        cluster = await state.es.cluster.health()
        count = await state.es.count(index=state.alias)
    except NotFoundError:
        return Health(status="ok", elasticsearch=cluster["status"], documents=0)
    except (ApiError, TransportError) as error:
        raise HTTPException(503, f"elasticsearch unreachable: {type(error).__name__}") from error
    return Health(status="ok", elasticsearch=cluster["status"], documents=count["count"])
