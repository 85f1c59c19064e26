"""The index: an explicit mapping, versioned, behind an alias.

Text is indexed three ways from one field — the standard analyzer (any language), ``news_english``
(stemming) and ``news_cjk`` (bigrams for Chinese, Japanese, Korean) — both from the project's own
analysis plugin (``deploy/elasticsearch/analysis``) — and, for an article in one of the languages
the plugin has an analyzer for, a fourth way: its ``localized.<language>`` copy, analysed by that
language's analyzer (:data:`LANGUAGE_ANALYZERS`). A mapping change ships as a new
``MAPPING_VERSION`` and a reindex; readers only ever see the alias.

Every keyword field has an ``ignore_above``: Lucene refuses a term over 32,766 bytes, and a
refused term refuses the whole document, so a value beyond the cap is kept in ``_source`` but not
indexed as a term. The caps are the document contract's (:mod:`ann.document`), which the
normalizer applies too; the engine applies them again for documents written another way.
``ignore_above`` can be changed on an existing index, so raising or adding one needs no new
version: workers put the mapping at start (:func:`ensure_index`).
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from ann.document import (
    FIELDS,
    LOCALIZED_LANGUAGES,
    LOCALIZED_TEXT,
    MAX_TERM_CHARS,
    DocField,
    FieldSpec,
    FieldType,
)

logger = logging.getLogger(__name__)

MAPPING_VERSION = 3
"""3: ``localized.<language>``, the text of an article in Japanese, Korean, Chinese, Indonesian,
Thai, Hindi or Bengali analysed by that language's analyzer (``ann reindex`` derives it for the
documents indexed before). 2: ``provenance`` indexed (its keys as keywords), so searches filter on
how a field was found; version 1 stored it unindexed (``enabled: false``, which an existing index
cannot change)."""

LANGUAGE_ANALYZERS: dict[str, str] = {
    "ja": "news_japanese", "ko": "news_korean", "zh": "news_chinese", "id": "news_indonesian",
    "th": "news_thai", "hi": "news_hindi", "bn": "news_bengali",
}
"""The plugin's analyzer of each of :data:`ann.document.LOCALIZED_LANGUAGES`."""

_LANGUAGE_FIELDS: dict[str, Any] = {
    "en": {"type": "text", "analyzer": "news_english"},
    "cjk": {"type": "text", "analyzer": "news_cjk"},
}


def _keyword(ignore_above: int, **options: Any) -> dict[str, Any]:
    """A keyword field that never refuses a document: at most 4 UTF-8 bytes per character, so
    any cap up to 8,191 characters keeps a term under Lucene's 32,766 bytes."""
    return {"type": "keyword", "ignore_above": ignore_above, **options}


def _text(spec: FieldSpec) -> dict[str, Any]:
    """Analysed three ways; an exact ``raw`` variant when the field is also filterable."""
    fields = dict(_LANGUAGE_FIELDS)
    if spec.filterable:
        fields["raw"] = _keyword(spec.max_chars or MAX_TERM_CHARS)
    return {"type": "text", "fields": fields}


def _localized() -> dict[str, Any]:
    """``localized.<language>.<field>``: each language's text under its own analyzer."""
    return {"type": "object", "properties": {
        language: {"properties": {
            str(name): {"type": "text", "analyzer": LANGUAGE_ANALYZERS[language]}
            for name in LOCALIZED_TEXT}}
        for language in LOCALIZED_LANGUAGES}}


def field_mapping(spec: FieldSpec) -> dict[str, Any]:
    """The engine's mapping of one field of the document contract (:mod:`ann.document`)."""
    if spec.type is FieldType.text:
        return _text(spec)
    if spec.type is FieldType.object and spec.searchable:
        return _localized()
    if spec.type is FieldType.object:
        if not spec.filterable:
            return {"type": "object", "enabled": False}
        # dynamic false: a key outside the contract is kept in _source, never a refusal
        return {"type": "object", "dynamic": False, "properties": {
            str(key): _keyword(spec.max_chars or MAX_TERM_CHARS) for key in spec.keys}}
    options: dict[str, Any] = {}
    if not spec.filterable:
        options["index"] = False
    if not spec.aggregatable:
        options["doc_values"] = False
    if spec.type is FieldType.keyword:
        if spec.searchable:  # a name matched by full-text search too (``authors.text``)
            options["fields"] = {"text": {"type": "text"}}
        return _keyword(spec.max_chars or MAX_TERM_CHARS, **options)
    return {"type": str(spec.type), **options}


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {str(name): field_mapping(spec) for name, spec in FIELDS.items()},
}

SETTINGS: dict[str, Any] = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
"""One replica wherever a second node can hold it (a cluster keeps answering when a node goes
down), none on a single node (which would otherwise stay yellow)."""

UNCLUSTERED: dict[str, Any] = {
    "bool": {"must_not": [{"exists": {"field": DocField.clustered_at}}]}
}
"""The documents near-duplicate clustering has not seen yet (new, rewritten, or indexed before
it existed): the query the clustering runs, the workers' start-up and ``ann status`` share."""


def index_name(alias: str, version: int = MAPPING_VERSION) -> str:
    return f"{alias}-v{version}"


def ensure_index(es: Elasticsearch, alias: str) -> str:
    """Create the current versioned index and point the alias at it; an existing one gets the
    fields added since it was created (adding fields needs no new version).

    An alias still on an older version is written to as it is until ``ann reindex`` moves it:
    creating the new index here would give the alias two write indices."""
    name = index_name(alias)
    if es.indices.exists(index=name):
        es.indices.put_mapping(index=name, properties=MAPPINGS["properties"])
        return name
    if es.indices.exists_alias(name=alias):
        current = next(iter(es.indices.get_alias(name=alias)))
        logger.warning("alias %s is on %s, this code's mapping is %s: run `ann reindex`",
                       alias, current, name)
        return current
    try:
        es.indices.create(
            index=name,
            settings=SETTINGS,
            mappings=MAPPINGS,
            aliases={alias: {"is_write_index": True}},
        )
    except BadRequestError as error:
        # Several workers start at once and race to create it: losing the race is fine.
        if error.error != "resource_already_exists_exception":
            raise
    return name
