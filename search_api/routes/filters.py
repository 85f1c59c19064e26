"""The query parameters that select a result set, read once for every route that takes them.

``/search``, ``/timeline``, ``/export`` and ``/top-terms`` declare :data:`Selected` and so accept
the same ``q`` and filters with the same caps and the same 422s; a filter added to
:class:`~search_api.params.Filters` and here reaches all of them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from search_api.params import MAX_FILTER_VALUES, MAX_QUERY_LENGTH, Filters, FilterValue, IsoDate
from search_api.provenance import DateSource
from search_api.state import State

Filter = Annotated[list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES)]


async def selected_filters(
    state: State,
    q: Annotated[str | None, Query(max_length=MAX_QUERY_LENGTH)] = None,
    source: Filter = None,
    country: Filter = None,
    category: Filter = None,
    author: Filter = None,
    language: Filter = None,
    date_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to")] = None,
    date_source: Annotated[list[DateSource] | None, Query(max_length=len(DateSource))] = None,
    has_byline: bool | None = None,
) -> Filters:
    variants = tuple(await state.variants.groups(state.backend.es)) if q else ()
    try:
        return Filters.model_validate({
            "variants": variants, "q": q, "source": source or [], "country": country or [],
            "category": category or [], "author": author or [], "language": language or [],
            "from": date_from, "to": date_to, "date_source": date_source or [],
            "has_byline": has_byline,
        })
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from error


Selected = Annotated[Filters, Depends(selected_filters)]
"""What a route declares to take the query and every filter: ``async def route(selected:
Selected)``."""
