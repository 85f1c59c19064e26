"""``GET /top-terms``: the words that characterise a result set (:mod:`search_api.top_terms`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_api.errors import REFUSED
from search_api.routes.filters import Selected
from search_api.state import State
from search_api.top_terms import MAX_TERMS, TopTermsResponse, build_top_terms, read_top_terms

router = APIRouter()


@router.get("/top-terms", response_model=TopTermsResponse,
            summary="Words that set a result set apart from the archive", responses=REFUSED)
async def top_terms(
    state: State, selected: Selected,
    size: Annotated[int, Query(ge=1, le=MAX_TERMS, description="Terms to return")] = 20,
) -> TopTermsResponse:
    result = await state.backend.search(build_top_terms(selected, size), operation="top_terms")
    return read_top_terms(result)
