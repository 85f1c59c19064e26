"""The typed message contracts: crawler → indexer, and who asks the crawler for a job.

The crawler hands pages to the indexer's queue *by task name* with a JSON body that validates as
:class:`IndexPagesMessage`; it never imports the indexer. Bodies travel zlib-compressed and
base64-encoded so that a message stays small and JSON-safe whatever the page's bytes are.
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

INDEX_PAGES_TASK = "indexer.index_pages"
"""Celery task name that consumes :class:`IndexPagesMessage`."""

CRAWL_SOURCES_TASK = "crawler.crawl_sources"
"""Celery task name of a crawl job, args ``(source_ids, entry_kinds)`` (``ann.sources.EntryKind``
values): the schedule and the API's admin route send it by name, on the crawl queue."""

CHECK_ALERTS_TASK = "search_api.alerts.check_all"
"""Celery task name of the saved searches' scheduled check, no args: beat sends it by name on
the alerts queue (``ANN_ALERTS_QUEUE``); the runner lives in ``search_api.alerts``."""

DiscoveryKind = Literal["feed", "sitemap", "section", "hub", "seed", "replay"]


class Discovery(BaseModel):
    """How the crawler found a page, with what the feed or sitemap said about it."""

    model_config = ConfigDict(frozen=True)

    kind: DiscoveryKind
    via: str | None = None
    title: str | None = None
    published: str | None = None
    lastmod: str | None = None


class RawPage(BaseModel):
    """One fetched article page, as the crawler saw it."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = 1
    url: str
    final_url: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    fetched_at: datetime
    source_id: str
    discovery: Discovery
    body_z: str
    """The response body, zlib-compressed then base64-encoded."""

    @staticmethod
    def pack_body(body: bytes) -> str:
        return base64.b64encode(zlib.compress(body, 6)).decode("ascii")

    def body(self) -> bytes:
        return zlib.decompress(base64.b64decode(self.body_z))


class IndexPagesMessage(BaseModel):
    """A batch of pages: the indexer writes each batch to Elasticsearch in one bulk request."""

    model_config = ConfigDict(frozen=True)

    pages: list[RawPage] = Field(min_length=1)
