"""What spiders yield: a fetched article page on its way to the indexer's queue."""

from __future__ import annotations

from dataclasses import dataclass

from ann.messages import RawPage
from crawler.state import Fetched


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    """A new or changed article, and what its record must say once it is handed over."""

    page: RawPage
    record: Fetched
