"""The index: an explicit mapping, versioned, behind an alias.

Text is indexed three ways from one field — the standard analyzer (any language), ``news_english``
(stemming) and ``news_cjk`` (bigrams for Chinese, Japanese, Korean) — both from the project's own
analysis plugin (``deploy/elasticsearch/analysis``). A mapping change ships as a new
``MAPPING_VERSION`` and a reindex; readers only ever see the alias.
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

logger = logging.getLogger(__name__)

MAPPING_VERSION = 1

_LANGUAGE_FIELDS: dict[str, Any] = {
    "en": {"type": "text", "analyzer": "news_english"},
    "cjk": {"type": "text", "analyzer": "news_cjk"},
}


def _text(*, keyword: bool = False) -> dict[str, Any]:
    fields = dict(_LANGUAGE_FIELDS)
    if keyword:
        fields["raw"] = {"type": "keyword", "ignore_above": 512}
    return {"type": "text", "fields": fields}


def _keyword_with_text() -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": 256, "fields": {"text": {"type": "text"}}}


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "url": {"type": "keyword"},
        "title": _text(keyword=True),
        "standfirst": _text(),
        "body": _text(),
        "authors": _keyword_with_text(),
        "published_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "fetched_at": {"type": "date"},
        "indexed_at": {"type": "date"},
        "section": {"type": "keyword"},
        "categories": {"type": "keyword"},
        "tags": {"type": "keyword"},
        "lead_image": {"type": "keyword", "index": False},
        "language": {"type": "keyword"},
        "word_count": {"type": "integer"},
        "source_id": {"type": "keyword"},
        "source_name": {"type": "keyword"},
        "country": {"type": "keyword"},
        "original_paper": {"type": "keyword"},
        "original_source_id": {"type": "keyword"},
        "discovered_via": {"type": "keyword"},
        "content_hash": {"type": "keyword"},
        "cluster_id": {"type": "keyword"},
        "lsh_bands": {"type": "keyword", "doc_values": False},
        "minhash": {"type": "long", "index": False, "doc_values": False},
        "clustered_at": {"type": "date"},
        "provenance": {"type": "object", "enabled": False},
    },
}

SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}

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
