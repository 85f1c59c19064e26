"""Response models: what the API promises, as published in its OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ArticleSummary(BaseModel):
    id: str
    url: str
    title: str
    standfirst: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    source_id: str | None = None
    source_name: str | None = None
    country: str | None = None
    categories: list[str] = Field(default_factory=list)
    language: str | None = None
    original_paper: str | None = None
    highlights: dict[str, list[str]] = Field(default_factory=dict)


class Article(ArticleSummary):
    body: str = ""
    section: str | None = None
    tags: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None
    lead_image: str | None = None
    word_count: int = 0
    original_source_id: str | None = None
    provenance: dict[str, Any] = Field(default_factory=dict)


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int
    page: int
    size: int
    took_ms: int
    hits: list[ArticleSummary]
    facets: dict[str, list[FacetValue]]


class Health(BaseModel):
    status: str
    elasticsearch: str
    documents: int | None = None
