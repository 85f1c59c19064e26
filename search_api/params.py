"""The search request as the API accepts it, validated before anything reaches Elasticsearch."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
MAX_CURSOR_LENGTH = 1024
COPIES_SHOWN = 5


class Sort(StrEnum):
    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"


class SearchParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str | None = Field(
        default=None, max_length=MAX_QUERY_LENGTH,
        description='Simple query syntax: words, "phrases", +must, -exclude, a | b, prefix*',
    )
    source: list[str] = Field(default_factory=list, description="Source ids (any of)")
    country: list[str] = Field(default_factory=list, description="ISO 3166 codes (any of)")
    category: list[str] = Field(default_factory=list, description="Categories (any of)")
    author: list[str] = Field(default_factory=list, description="Author names (any of)")
    language: list[str] = Field(default_factory=list, description="Language codes (any of)")
    date_from: date | None = Field(default=None, alias="from", description="Published on or after")
    date_to: date | None = Field(default=None, alias="to", description="Published on or before")
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
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' must not be after 'to'")
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
