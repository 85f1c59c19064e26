"""``GET /search``: full-text and faceted search, paged by page number or by cursor."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from search_api.cursor import CursorError, decode_cursor, encode_cursor
from search_api.errors import REFUSED, invalid
from search_api.models import SearchResponse, summary_of_hit
from search_api.params import SearchParams
from search_api.query import FACETS, SortValue, build_search
from search_api.query_model import VALIDATION_ERROR, QueryModel
from search_api.state import ApiState, State

router = APIRouter()


SEARCH_QUERY = QueryModel(SearchParams)
"""/search's parameters: the query, every filter (:class:`~search_api.params.Filters`, as the
other result-set routes take them) and the paging, read in one validation."""


async def read_search(
    request: Request, state: ApiState,
) -> tuple[SearchParams, list[SortValue] | None]:
    """The parameters, with the name variants ``q`` is expanded with (as the other result-set
    routes take them), and the decoded cursor: a malformed or foreign one is a 422 like any other
    bad parameter.

    Read by the route, not declared as dependencies: FastAPI solves a dependency's own
    dependencies again before looking in its cache, so the parameters and the cursor as two
    dependencies on the state made eight solvings per request (~35 µs of CPU)."""
    params = SEARCH_QUERY.read(request.query_params)
    if params.q:
        params = params.model_copy(update={"variants": tuple(await state.variants.groups(
            state.backend.es))})
    try:
        return params, decode_cursor(params, state.cursor_secret)
    except CursorError as error:
        raise invalid(("query", "cursor"), str(error), params.cursor) from error


def _facets(aggregations: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per facet, its values and counts as the response validates them (``FacetValue``)."""
    return {
        name: [{"value": str(b.get("key_as_string", b["key"])), "count": b["doc_count"]}
               for b in aggregations[name]["values"]["buckets"]]
        for name in [*FACETS, "month"]
    }


def _next_cursor(
    params: SearchParams, after: list[SortValue] | None, hits: list[dict[str, Any]], total: int,
    secret: bytes,
) -> str | None:
    """A cursor after the page's last hit, when another page follows.

    A cursor page fetched one hit more than it shows (see :func:`build_search`); a numbered page
    knows its position, and the total is exact (``track_total_hits``).
    """
    shown = hits[: params.size]
    if not shown or params.collapse:
        return None
    more = len(hits) > params.size if after is not None else params.page * params.size < total
    return encode_cursor(params, shown[-1]["sort"], secret) if more else None


_HIT_LINKS = {
    name: {"operationId": operation, "parameters": {"article_id": "$response.body#/hits/0/id"}}
    for name, operation in (("article", "get_article_articles__article_id__get"),
                            ("similar", "similar_articles_articles__article_id__similar_get"))
}
"""OpenAPI links: a hit's id is what ``/articles/{article_id}`` takes (clients and generated
tests follow them)."""


@router.get("/search", response_model=SearchResponse, summary="Search articles",
            responses={**REFUSED, 200: {"links": _HIT_LINKS}, 422: VALIDATION_ERROR},
            openapi_extra={"parameters": SEARCH_QUERY.openapi_parameters()})
async def search(state: State, request: Request) -> Response:
    params, after = await read_search(request, state)
    result = await state.backend.search(build_search(params, after))
    hits = result["hits"]["hits"]
    total = result["hits"]["total"]["value"]
    # written from plain data: validating the answer into models and writing them out again took
    # a tenth of the request's CPU, for the same bytes (response_model documents the answer;
    # tests/integration/test_search_api.py checks every answer against it)
    return Response(orjson.dumps({
        "total": total,
        "page": params.page,
        "size": params.size,
        "took_ms": result["took"],
        "hits": [summary_of_hit(h) for h in hits[: params.size]],
        "facets": _facets(result["aggregations"]) if after is None else {},
        "next_cursor": _next_cursor(params, after, hits, total, state.cursor_secret),
        "stories": result["aggregations"]["stories"]["value"] if params.collapse else None,
    }), media_type="application/json")
