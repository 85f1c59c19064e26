"""``GET /articles/{id}`` (one article in full) and ``GET /articles/{id}/similar``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from search_api.errors import NOT_FOUND, REFUSED
from search_api.models import Article, ArticleSummary, SimilarResponse
from search_api.similar import MAX_SIMILAR, build_similar
from search_api.state import State

router = APIRouter()

MAX_ID_LENGTH = 64

ArticleId = Annotated[str, Path(
    pattern=f"^[0-9A-Za-z]{{1,{MAX_ID_LENGTH}}}$",
    description="The id of a hit: alphanumeric (a hex hash), at most 64 characters; anything "
                "else is refused before it reaches Elasticsearch",
)]


@router.get("/articles/{article_id}", response_model=Article, summary="One article in full",
            responses={**NOT_FOUND, **REFUSED})
async def get_article(state: State, article_id: ArticleId) -> Article:
    doc = await state.backend.get(article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id}")
    return Article.from_document(doc)


@router.get(
    "/articles/{article_id}/similar", response_model=SimilarResponse,
    summary="Articles like this one, by the distinctive terms of its title and body",
    responses={**NOT_FOUND, **REFUSED},
)
async def similar_articles(
    state: State, article_id: ArticleId,
    size: Annotated[int, Query(ge=1, le=MAX_SIMILAR)] = 10,
) -> SimilarResponse:
    if not await state.backend.exists(article_id):
        raise HTTPException(404, f"no article {article_id}")
    result = await state.backend.search(
        build_similar(state.backend.alias, article_id, size), operation="similar"
    )
    return SimilarResponse(
        id=article_id,
        took_ms=result["took"],
        hits=[ArticleSummary.from_hit(h) for h in result["hits"]["hits"]],
    )
