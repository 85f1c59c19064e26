"""Response models: what the API promises, as published in its OpenAPI document.

The article models' fields are fields of the indexed document (:mod:`ann.document`), of the same
type; :class:`Article` has exactly its public ones (``tests/unit/test_document_contract.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from ann.document import MAX_BODY_CHARS, DocField
from search_api.params import COPIES_SHOWN


class Copy(BaseModel):
    """Another page of the same story (a hub reprint, a member's republication)."""

    id: str
    url: str
    source_id: str | None = None
    source_name: str | None = None
    published_at: datetime | None = None


class ArticleSummary(BaseModel):
    id: str
    url: str
    title: str
    standfirst: str | None = None
    authors: list[str] = Field(default_factory=list)
    credit: list[str] = Field(
        default_factory=list,
        description="Organisations the byline credits: news agencies, desks, the paper itself")
    published_at: datetime | None = None
    source_id: str | None = None
    source_name: str | None = None
    country: str | None = None
    categories: list[str] = Field(default_factory=list)
    language: str | None = None
    original_paper: str | None = None
    cluster_id: str | None = Field(
        default=None, description="The story this page is a copy of: GET /stories/{cluster_id}")
    highlights: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per field, fragments as HTML: the text escaped, matches in <mark> tags",
    )
    copies: list[Copy] = Field(
        default_factory=list, description="With collapse=true: other pages of the same story"
    )

    @classmethod
    def from_hit(cls, hit: dict[str, Any]) -> ArticleSummary:
        return cls.model_validate(summary_of_hit(hit))


_Fields = tuple[tuple[str, bool, FieldInfo], ...]


def _fields(model: type[BaseModel]) -> _Fields:
    """Per field of ``model``, in its order: its name, whether it is required, its definition."""
    return tuple((name, field.is_required(), field) for name, field in model.model_fields.items())


def _as_written(fields: _Fields, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as ``model_dump(mode="json")`` writes the model validated from it — the same keys
    in the same order, a missing field's default, nothing the model does not have — for values
    already in their JSON form: the engine's ``_source`` is the indexer's ``model_dump(mode=
    "json")`` (``indexer/documents.py``), and pydantic writes a date it read as it was written.
    A required field that is missing is a ``KeyError``, as validating it would be an error."""
    return {name: data[name] if required or name in data
            else field.get_default(call_default_factory=True)
            for name, required, field in fields}


_SUMMARY_FIELDS = _fields(ArticleSummary)
_COPY_FIELDS = _fields(Copy)


def summary_of_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """The :class:`ArticleSummary` of a hit of the engine as JSON data, ready to write: a response
    made of many (``/search``) is not built as models (``tests/integration/test_search_api.py``
    proves every answer is what the models would write)."""
    inner = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("hits", [])
    copies = [_as_written(_COPY_FIELDS, {**h["_source"], DocField.id: h["_id"]})
              for h in inner if h["_id"] != hit["_id"]]
    return _as_written(_SUMMARY_FIELDS, {**hit["_source"], DocField.id: hit["_id"],
                                         "highlights": highlights(hit.get("highlight", {})),
                                         "copies": copies[:COPIES_SHOWN]})


def highlights(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's highlights by the field a reader knows: those of an article's language's own
    analysis (``localized.<language>.body``) stand for the field they copy (``body``) and are
    preferred — they mark whole words where the plain analysis marks single characters."""
    by_field = {name: fragments for name, fragments in found.items()
                if not name.startswith(f"{DocField.localized}.")}
    for name, fragments in found.items():
        if name.startswith(f"{DocField.localized}."):
            by_field[name.rsplit(".", 1)[1]] = fragments
    return by_field


class Article(ArticleSummary):
    body: str = ""
    body_truncated: bool = Field(
        default=False, description=f"The page's text was longer than the index keeps "
                                   f"({MAX_BODY_CHARS:,} characters): body is its beginning")
    body_length: int | None = Field(default=None, description="Characters of the page's text")
    section: str | None = None
    tags: list[str] = Field(default_factory=list)
    updated_at: datetime | None = None
    lead_image: str | None = None
    word_count: int = 0
    original_source_id: str | None = None
    provenance: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Article:
        """The article of a document as the engine's get returns it (``_id``, ``_source``)."""
        return cls.model_validate({**doc["_source"], DocField.id: doc["_id"]})


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int
    page: int
    size: int
    took_ms: int
    hits: list[ArticleSummary]
    facets: dict[str, list[FacetValue]] = Field(
        description="Per facet, its values and counts; empty on pages asked for by cursor"
    )
    next_cursor: str | None = Field(
        default=None, description="Pass as 'cursor' for the next page; null on the last page"
    )
    stories: int | None = Field(
        default=None, description="With collapse=true: how many distinct stories match (approx.)"
    )


class SimilarResponse(BaseModel):
    id: str = Field(description="The article the hits are similar to (never among them)")
    took_ms: int
    hits: list[ArticleSummary]


SourceHealth = Literal["ok", "stale", "empty"]


class SourceStatus(BaseModel):
    id: str
    name: str
    country: str | None = None
    languages: list[str]
    domains: list[str]
    hub: bool
    documents: int
    newest_published_at: datetime | None = None
    newest_indexed_at: datetime | None = None
    health: SourceHealth = Field(
        description="empty: nothing indexed; stale: nothing indexed for stale_after_hours; ok"
    )


class SourcesResponse(BaseModel):
    stale_after_hours: float
    sources: list[SourceStatus]


class Health(BaseModel):
    status: str
    elasticsearch: str
    documents: int | None = None
