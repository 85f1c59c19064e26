"""What spiders yield: a fetched article page on its way to the indexer's queue."""

from __future__ import annotations

from dataclasses import dataclass

from ann.messages import RawPage


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    """A new or changed article, with what must be remembered once it is handed over."""

    page: RawPage
    etag: str | None
    last_modified: str | None
    body_hash: str
    published: float
    """When the article appeared (the feed's date, else now): starts its recheck window."""
    new: bool
