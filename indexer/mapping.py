"""The index: an explicit mapping, versioned, behind an alias.

Text is indexed three ways from one field — the standard analyzer (any language), ``news_english``
(stemming) and ``news_cjk`` (bigrams for Chinese, Japanese, Korean) — both from the project's own
analysis plugin (``deploy/elasticsearch/analysis``). A mapping change ships as a new
``MAPPING_VERSION`` and a reindex; readers only ever see the alias.

Every keyword field has an ``ignore_above``: Lucene refuses a term over 32,766 bytes, and a
refused term refuses the whole document, so a value beyond the cap is kept in ``_source`` but not
indexed as a term. The caps are the normalizer's (:mod:`indexer.article`); they are here again for
documents written another way. ``ignore_above`` can be changed on an existing index, so raising or
adding one needs no new version: workers put the mapping at start (:func:`ensure_index`).
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from indexer.article import MAX_TERM_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS

logger = logging.getLogger(__name__)

MAPPING_VERSION = 1

_LANGUAGE_FIELDS: dict[str, Any] = {
    "en": {"type": "text", "analyzer": "news_english"},
    "cjk": {"type": "text", "analyzer": "news_cjk"},
}


def _text(*, keyword: bool = False) -> dict[str, Any]:
    fields = dict(_LANGUAGE_FIELDS)
    if keyword:
        fields["raw"] = _keyword(MAX_TITLE_CHARS)
    return {"type": "text", "fields": fields}


def _keyword(ignore_above: int = MAX_TERM_CHARS, **options: Any) -> dict[str, Any]:
    """A keyword field that never refuses a document: at most 4 UTF-8 bytes per character, so
    any cap up to 8,191 characters keeps a term under Lucene's 32,766 bytes."""
    return {"type": "keyword", "ignore_above": ignore_above, **options}


def _keyword_with_text() -> dict[str, Any]:
    return _keyword(fields={"text": {"type": "text"}})


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _keyword(),
        "url": _keyword(MAX_URL_CHARS),
        "title": _text(keyword=True),
        "standfirst": _text(),
        "body": _text(),
        "body_truncated": {"type": "boolean"},
        "body_length": {"type": "integer"},
        "authors": _keyword_with_text(),
        "published_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "fetched_at": {"type": "date"},
        "indexed_at": {"type": "date"},
        "section": _keyword(),
        "categories": _keyword(),
        "tags": _keyword(),
        "lead_image": _keyword(MAX_URL_CHARS, index=False),
        "language": _keyword(),
        "word_count": {"type": "integer"},
        "source_id": _keyword(),
        "source_name": _keyword(),
        "country": _keyword(),
        "original_paper": _keyword(),
        "original_source_id": _keyword(),
        "discovered_via": _keyword(),
        "content_hash": _keyword(),
        "cluster_id": _keyword(),
        "lsh_bands": _keyword(doc_values=False),
        "minhash": {"type": "long", "index": False, "doc_values": False},
        "clustered_at": {"type": "date"},
        "provenance": {"type": "object", "enabled": False},
    },
}

SETTINGS: dict[str, Any] = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
"""One replica wherever a second node can hold it (a cluster keeps answering when a node goes
down), none on a single node (which would otherwise stay yellow)."""

UNCLUSTERED: dict[str, Any] = {"bool": {"must_not": [{"exists": {"field": "clustered_at"}}]}}
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
