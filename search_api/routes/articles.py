"""``GET /articles/{id}`` (one article in full) and ``GET /articles/{id}/similar``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from search_api.errors import NOT_FOUND, REFUSED, invalid
from search_api.models import Article, ArticleSummary, SimilarResponse
from search_api.similar import MAX_SIMILAR, build_similar
from search_api.state import State

router = APIRouter()

MAX_ID_LENGTH = 64


async def article_id(article_id: Annotated[str, Path()]) -> str:
    """Ids are hex hashes: anything else is refused before it reaches Elasticsearch."""
    if not article_id.isalnum() or len(article_id) > MAX_ID_LENGTH:
        raise invalid(("path", "article_id"),
                      f"article id must be alphanumeric, at most {MAX_ID_LENGTH} characters",
                      article_id[:MAX_ID_LENGTH])
    return article_id


ArticleId = Annotated[str, Depends(article_id)]


@router.get("/articles/{article_id}", response_model=Article, summary="One article in full",
            responses={**NOT_FOUND, **REFUSED})
async def get_article(state: State, doc_id: ArticleId) -> Article:
    doc = await state.backend.get(doc_id)
    if doc is None:
        raise HTTPException(404, f"no article {doc_id}")
    return Article.model_validate({**doc["_source"], "id": doc["_id"]})


@router.get(
    "/articles/{article_id}/similar", response_model=SimilarResponse,
    summary="Articles like this one, by the distinctive terms of its title and body",
    responses={**NOT_FOUND, **REFUSED},
)
async def similar_articles(
    state: State, doc_id: ArticleId,
    size: Annotated[int, Query(ge=1, le=MAX_SIMILAR)] = 10,
) -> SimilarResponse:
    if not await state.backend.exists(doc_id):
        raise HTTPException(404, f"no article {doc_id}")
    result = await state.backend.search(
        build_similar(state.backend.alias, doc_id, size), operation="similar"
    )
    return SimilarResponse(
        id=doc_id,
        took_ms=result["took"],
        hits=[ArticleSummary.from_hit(h) for h in result["hits"]["hits"]],
    )
