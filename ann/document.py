"""The indexed document: the contract between the indexer, which writes it, and the API, which
reads it — every field, its type, how it may be queried and how long it may be, defined once.

The indexer's mapping (:mod:`indexer.mapping`) is rendered from :data:`FIELDS`, its normalizer
(:mod:`indexer.article`) and writer (:mod:`indexer.documents`) take their caps from here, and the
API's models and query builders name fields by :class:`DocField` only. A field renamed or retyped
on one side and not the other would otherwise come back as ``None`` from the API without an error;
``tests/unit/test_document_contract.py`` compares every side with this table.

A field is *searchable* when full-text search matches it (analysed text), *filterable* when it is
indexed for exact terms or ranges (filters, facets, sorts), *aggregatable* when it keeps the
column values that sorts and aggregations read; a field that is none of these is stored only,
returned with the document and never queried. *public* fields are the ones ``GET /articles/{id}``
returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_TERM_CHARS = 256
"""A tag, category, section, author, language or name: longer is not one."""
MAX_TERMS = 50
"""Values kept per list field (tags, categories, authors), in the page's order."""
MAX_URL_CHARS = 2048
"""A URL longer than this is not kept (browsers and crawlers stop near 2,000 too)."""
MAX_TITLE_CHARS = 1000
MAX_STANDFIRST_CHARS = 5000
MAX_BODY_CHARS = 300_000
"""About 50,000 words, several times the longest news article; under the engine's highlighting
limit (``index.highlight.max_analyzed_offset``, 1,000,000 characters)."""


class DocField(StrEnum):
    """The name of every field of an indexed document; a ``str``, usable in any request body."""

    id = "id"
    url = "url"
    title = "title"  # type: ignore[assignment]  # the field's name, not str.title
    standfirst = "standfirst"
    body = "body"
    body_truncated = "body_truncated"
    body_length = "body_length"
    authors = "authors"
    credit = "credit"
    published_at = "published_at"
    updated_at = "updated_at"
    fetched_at = "fetched_at"
    indexed_at = "indexed_at"
    section = "section"
    categories = "categories"
    tags = "tags"
    lead_image = "lead_image"
    language = "language"
    word_count = "word_count"
    source_id = "source_id"
    source_name = "source_name"
    country = "country"
    original_paper = "original_paper"
    original_source_id = "original_source_id"
    discovered_via = "discovered_via"
    content_hash = "content_hash"
    cluster_id = "cluster_id"
    lsh_bands = "lsh_bands"
    minhash = "minhash"
    clustered_at = "clustered_at"
    provenance = "provenance"
    localized = "localized"


class FieldType(StrEnum):
    keyword = "keyword"
    text = "text"
    date = "date"
    integer = "integer"
    long = "long"
    boolean = "boolean"
    object = "object"


class Writer(StrEnum):
    """Who sets a field, which is also when it exists."""

    normalizer = "normalizer"
    """Extracted from the page (:class:`indexer.article.Article`)."""
    indexer = "indexer"
    """Added when the document is built (:func:`indexer.documents.to_document`)."""
    clustering = "clustering"
    """Added after indexing, by near-duplicate clustering (:mod:`indexer.clusters`)."""


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType
    writer: Writer
    public: bool
    many: bool = False
    searchable: bool = False
    filterable: bool = True
    aggregatable: bool = True
    max_chars: int | None = None
    """The writer's cap; on a keyword (or a text's exact ``raw`` variant) the engine's too."""
    keys: tuple[str, ...] = ()
    """An object's keys indexed as keywords (filterable objects only); others stay in
    ``_source`` unindexed, so a key the writer adds later never refuses a document."""


def _term(writer: Writer = Writer.normalizer, *, public: bool = True, many: bool = False,
          max_chars: int = MAX_TERM_CHARS, searchable: bool = False, filterable: bool = True,
          aggregatable: bool = True) -> FieldSpec:
    return FieldSpec(FieldType.keyword, writer, public, many=many, searchable=searchable,
                     filterable=filterable, aggregatable=aggregatable, max_chars=max_chars)


def _prose(max_chars: int, *, exact: bool = False) -> FieldSpec:
    return FieldSpec(FieldType.text, Writer.normalizer, True, searchable=True, filterable=exact,
                     aggregatable=exact, max_chars=max_chars)


def _plain(
    kind: FieldType, writer: Writer = Writer.normalizer, *, public: bool = True
) -> FieldSpec:
    return FieldSpec(kind, writer, public)


PROVENANCE_KEYS: tuple[str, ...] = (
    DocField.title, DocField.authors, DocField.published_at, DocField.updated_at,
    DocField.section, DocField.tags, DocField.standfirst, DocField.lead_image, DocField.body,
    DocField.language, DocField.url, DocField.original_paper,
)
"""The fields whose provenance the extractor records (``docs/extraction.md``, "The cascade and
its provenance values"): ``provenance.<field>`` is a keyword, so a search can filter on how a
field was found (``jsonld``, ``meta:<key>``, ``hint:<selector>``, ``url``, ``htmldate`` …)."""

LOCALIZED_LANGUAGES: tuple[str, ...] = ("ja", "ko", "zh", "id", "th", "hi", "bn")
"""The languages (``language``'s ISO 639-1 codes) whose text is also analysed by that language's
own analyzer. English needs no copy: every document's text has an English variant already."""
LOCALIZED_TEXT: tuple[DocField, ...] = (DocField.title, DocField.standfirst, DocField.body)
"""The text fields copied under ``localized.<language>``."""
FIELDS: dict[DocField, FieldSpec] = {
    DocField.id: _term(Writer.indexer),
    DocField.url: _term(max_chars=MAX_URL_CHARS),
    DocField.title: _prose(MAX_TITLE_CHARS, exact=True),
    DocField.standfirst: _prose(MAX_STANDFIRST_CHARS),
    DocField.body: _prose(MAX_BODY_CHARS),
    DocField.body_truncated: _plain(FieldType.boolean, Writer.indexer),
    DocField.body_length: _plain(FieldType.integer, Writer.indexer),
    DocField.authors: _term(many=True, searchable=True),
    DocField.credit: _term(many=True),  # organisations credited: agencies, desks, the paper
    DocField.published_at: _plain(FieldType.date),
    DocField.updated_at: _plain(FieldType.date),
    DocField.fetched_at: _plain(FieldType.date, Writer.indexer, public=False),
    DocField.indexed_at: _plain(FieldType.date, Writer.indexer, public=False),
    DocField.section: _term(),
    DocField.categories: _term(many=True),
    DocField.tags: _term(many=True),
    DocField.lead_image: _term(max_chars=MAX_URL_CHARS, filterable=False),
    DocField.language: _term(),
    DocField.word_count: _plain(FieldType.integer),
    DocField.source_id: _term(),
    DocField.source_name: _term(),
    DocField.country: _term(),
    DocField.original_paper: _term(),
    DocField.original_source_id: _term(),
    DocField.discovered_via: _term(Writer.indexer, public=False),
    DocField.content_hash: _term(Writer.indexer, public=False),
    DocField.cluster_id: _term(Writer.indexer),  # a hit's story: GET /stories/{cluster_id}
    DocField.lsh_bands: _term(Writer.clustering, public=False, many=True, aggregatable=False),
    DocField.minhash: FieldSpec(FieldType.long, Writer.clustering, False, many=True,
                                filterable=False, aggregatable=False),
    DocField.clustered_at: _plain(FieldType.date, Writer.clustering, public=False),
    DocField.provenance: FieldSpec(FieldType.object, Writer.normalizer, True,
                                   aggregatable=False, max_chars=MAX_TERM_CHARS,
                                   keys=PROVENANCE_KEYS),
    # localized.<language>.<field>: the article's title, standfirst and body again, written only
    # for an article in one of LOCALIZED_LANGUAGES and only under its language, where the mapping
    # analyses them with that language's analyzer (morphology, word segmentation, traditional to
    # simplified Chinese). Kept in _source: clustering's partial updates re-index from it.
    DocField.localized: FieldSpec(FieldType.object, Writer.indexer, False, searchable=True,
                                  filterable=False, aggregatable=False),
}
"""Every field of the index, in one table (the mapping is ``dynamic: strict``: no other field)."""


def localized(document: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``localized`` value of a document (its other fields): None unless its language is one
    of :data:`LOCALIZED_LANGUAGES`. The writer and ``ann reindex`` (documents indexed before the
    field existed) both derive it here."""
    language = document.get(DocField.language)
    if language not in LOCALIZED_LANGUAGES:
        return None
    text = {str(name): document[name] for name in LOCALIZED_TEXT if document.get(name)}
    return {language: text} if text else None


HIT_EXCLUDES: tuple[DocField, ...] = (DocField.body, DocField.provenance, DocField.localized)
"""Left out of search hits: a list of results shows neither the full text (nor its localized copy)
nor how it was found."""


def written_by(*writers: Writer) -> frozenset[DocField]:
    """The fields those writers set."""
    return frozenset(name for name, spec in FIELDS.items() if spec.writer in writers)


def public_fields() -> frozenset[DocField]:
    """The fields ``GET /articles/{id}`` returns."""
    return frozenset(name for name, spec in FIELDS.items() if spec.public)
