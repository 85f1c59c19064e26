"""What spiders yield: a fetched article page on its way to the indexer's queue."""

from __future__ import annotations

from dataclasses import dataclass

from ann.messages import RawPage


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    page: RawPage
