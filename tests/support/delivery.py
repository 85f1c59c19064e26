"""Pages and indices for the delivery tests: real mirror pages, wrapped as the crawler hands
them over, and an index the engine refuses some documents in.

The refusing index is a copy of the project's mapping in which ``fetched_at`` is a
``date_nanos`` field, which cannot hold a date after 2262: a page fetched "in 2300" is refused
by the engine with a mapping error (a permanent, per-document refusal, as a too-long keyword
is), while every other page is written. It is created under an older version's name
(``<alias>-v0``), so that ``ensure_index`` leaves it as it is.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch

from ann.messages import Discovery, RawPage
from indexer.mapping import MAPPINGS, SETTINGS, index_name
from mirror.layout import BODY, resource_dir
from mirror.manifest import ArticleTruth

REFUSED_AT = datetime(2300, 1, 1, tzinfo=UTC)
"""A fetch time the refusing index's ``date_nanos`` field cannot hold."""


def mirror_page(root: Path, article: ArticleTruth, fetched_at: datetime,
                body: bytes | None = None) -> RawPage:
    """The page of ``article`` as the crawler hands it over (``body`` replaces the mirror's)."""
    parts = urlsplit(article.url)
    directory = resource_dir(root, parts.netloc, parts.path or "/")
    assert directory is not None, article.url
    return RawPage(url=article.url, final_url=article.url, status=200,
                   headers={"content-type": "text/html; charset=utf-8"}, fetched_at=fetched_at,
                   source_id=article.source_id, discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(body if body is not None
                                            else (directory / BODY).read_bytes()))


def create_refusing_index(es: Elasticsearch, alias: str, field: str = "fetched_at",
                          field_type: str = "date_nanos") -> str:
    """An index behind ``alias`` with ``field`` of ``field_type``: by default it refuses the
    documents fetched after 2262 (see above); ``title`` as ``long`` refuses every article."""
    mappings = copy.deepcopy(MAPPINGS)
    mappings["properties"][field] = {"type": field_type}
    name = index_name(alias, 0)
    es.indices.create(index=name, settings=SETTINGS, mappings=mappings,
                      aliases={alias: {"is_write_index": True}})
    return name
