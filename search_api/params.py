"""The search request as the API accepts it, validated before anything reaches Elasticsearch."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from search_api.provenance import DateSource

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
MAX_CURSOR_LENGTH = 1024
MAX_FILTER_VALUES = 50
"""Values per filter (``source=``…): more than the registry has sources; every value becomes a
term of the request, and 100,000 of them made a 35 MB query."""
MAX_FILTER_VALUE_CHARS = 256
"""The index keeps no longer term (its ``ignore_above``): a longer value would match nothing."""

FilterValue = Annotated[str, StringConstraints(max_length=MAX_FILTER_VALUE_CHARS)]


def _iso_date(value: object) -> object:
    """Only ``YYYY-MM-DD``, as the schema says: pydantic alone would also read ``0`` as 1970."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
COPIES_SHOWN = 5


class Sort(StrEnum):
    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"


class Filters(BaseModel):
    """What selects the result set — the query and every filter — shared by every route that
    reads a result set (``/search``, ``/timeline``, ``/export``, ``/top-terms``): a filter added
    here applies to all of them, and binds the cursor (:func:`search_api.cursor.fingerprint`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str | None = Field(
        default=None, max_length=MAX_QUERY_LENGTH,
        description='Simple query syntax: words, "phrases", +must, -exclude, a | b, prefix*',
    )
    source: list[FilterValue] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Source ids (any of)")
    country: list[FilterValue] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="ISO 3166 codes (any of)")
    category: list[FilterValue] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Categories (any of)")
    author: list[FilterValue] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Author names (any of)")
    language: list[FilterValue] = Field(
        default_factory=list, max_length=MAX_FILTER_VALUES, description="Language codes (any of)")
    date_from: IsoDate | None = Field(
        default=None, alias="from", description="Published on or after")
    date_to: IsoDate | None = Field(default=None, alias="to", description="Published on or before")
    date_source: list[DateSource] = Field(
        default_factory=list, max_length=len(DateSource),
        description="How the date was found (any of): metadata (JSON-LD, meta tags), page (a "
                    "visible date), url (guessed from the URL), heuristic (htmldate)")
    has_byline: bool | None = Field(
        default=None, description="true: names its authors; false: names none")
    variants: tuple[tuple[str, ...], ...] = Field(default=(), exclude=True)
    """The name variants in force when the request came (``search_api/variants.py``), which
    ``q`` is expanded with; not a parameter (never read from the request, nor dumped)."""

    @model_validator(mode="after")
    def _check_dates(self) -> Filters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' must not be after 'to'")
        return self


class SearchParams(Filters):
    sort: Sort = Sort.relevance
    page: int = Field(default=1, ge=1)
    size: int = Field(default=10, ge=0, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(
        default=None, max_length=MAX_CURSOR_LENGTH,
        description="The next_cursor of the previous page: continues after its last hit",
    )
    collapse: bool = Field(
        default=False,
        description="One hit per story: near-duplicates (hub reprints…) listed under its copies",
    )

    @model_validator(mode="after")
    def _check(self) -> SearchParams:
        if self.cursor is not None and self.page != 1:
            raise ValueError("use either 'page' or 'cursor', not both")
        if self.cursor is not None and self.collapse:
            # Elasticsearch pages collapsed results by search_after only when sorted by the
            # collapse field itself
            raise ValueError("collapsed results page by 'page', not by 'cursor'")
        if self.cursor is None and self.page * self.size > MAX_RESULT_WINDOW:
            raise ValueError(
                f"page * size must stay within {MAX_RESULT_WINDOW}; page on with 'cursor' instead"
            )
        return self
