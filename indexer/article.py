"""The normalized article: what the indexer writes to Elasticsearch and the API returns.

Every field a page controls is bounded here, whoever builds the article and whenever a field is
set (``validate_assignment``): a page is hostile input, and one 40 KB ``<meta name="keywords">``
value must not make the engine refuse the whole article. Values that cannot be a term at that
length (a 300-character tag, author or language code, a 3,000-character image URL) are dropped;
prose (title, standfirst) is cut. The body is bounded where the document is built
(:mod:`indexer.documents`), which records the cut. The caps are the indexed document's
(:mod:`ann.document`); the mapping applies them again with ``ignore_above``, for documents that
reach the engine another way. Every field here is a field of that contract, of the same type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ann.document import (
    MAX_STANDFIRST_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
)

Provenance = dict[str, str]
"""Field name → how it was found, e.g. ``{"title": "jsonld", "authors": "hint:.byline"}``."""


def _term(value: str | None) -> str | None:
    return value if value is None or len(value) <= MAX_TERM_CHARS else None


def _terms(values: list[str]) -> list[str]:
    return [v for v in values if len(v) <= MAX_TERM_CHARS][:MAX_TERMS]


def _url(value: str | None) -> str | None:
    return value if value is None or len(value) <= MAX_URL_CHARS else None


def _cut(limit: int) -> AfterValidator:
    return AfterValidator(lambda value: value if value is None else value[:limit])


Term = Annotated[str | None, AfterValidator(_term)]
Terms = Annotated[list[str], AfterValidator(_terms)]


class Article(BaseModel):
    """One news article, normalized. Dates are timezone-aware UTC."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    url: str
    """Canonical URL (tracking parameters, AMP and mobile variants removed)."""
    title: Annotated[str, _cut(MAX_TITLE_CHARS)]
    standfirst: Annotated[str | None, _cut(MAX_STANDFIRST_CHARS)] = None
    authors: Terms = Field(default_factory=list)
    """People only."""
    credit: Terms = Field(default_factory=list)
    """Organisations the byline credits: news agencies, desks ("Web Desk"), the paper itself."""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    section: Term = None
    categories: Terms = Field(default_factory=list)
    tags: Terms = Field(default_factory=list)
    body: str = ""
    lead_image: Annotated[str | None, AfterValidator(_url)] = None
    language: Term = None
    word_count: int = 0
    source_id: Term = None
    source_name: Term = None
    country: Term = None
    original_paper: Term = None
    """For hub reprints: the member paper the story came from ("China Daily")."""
    original_source_id: Term = None
    provenance: Provenance = Field(default_factory=dict)
