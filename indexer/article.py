"""The normalized article: what the indexer writes to Elasticsearch and the API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

Provenance = dict[str, str]
"""Field name → how it was found, e.g. ``{"title": "jsonld", "authors": "hint:.byline"}``."""


class Article(BaseModel):
    """One news article, normalized. Dates are timezone-aware UTC."""

    model_config = ConfigDict(extra="forbid")

    url: str
    """Canonical URL (tracking parameters, AMP and mobile variants removed)."""
    title: str
    standfirst: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    section: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    body: str = ""
    lead_image: str | None = None
    language: str | None = None
    word_count: int = 0
    source_id: str | None = None
    source_name: str | None = None
    country: str | None = None
    original_paper: str | None = None
    """For hub reprints: the member paper the story came from ("China Daily")."""
    original_source_id: str | None = None
    provenance: Provenance = Field(default_factory=dict)
