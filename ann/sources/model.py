"""What a source file may say: the schema of one member site of the registry."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

EntryKind = Literal["feeds", "sitemaps", "sections", "recheck"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("feeds", "sitemaps", "sections")
ALL_ENTRY_KINDS: tuple[EntryKind, ...] = (*ENTRY_KINDS, "recheck")
"""What a plain crawl reads; ``recheck`` (re-fetch recent articles for edits) is scheduled."""


class SectionPage(BaseModel):
    """A section front whose article list (and only that list) yields article links."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    links: str = Field(description="CSS selector of the article links inside the article list")


class EntryPoints(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    sections: list[SectionPage] = Field(default_factory=list)


class ArticleUrls(BaseModel):
    """Which discovered URLs are articles: any ``allow`` regex matches and no ``deny`` does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    allow: list[str] = Field(min_length=1)
    deny: list[str] = Field(default_factory=list)

    @field_validator("allow", "deny")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns

    def matches(self, url: str) -> bool:
        return any(re.search(p, url) for p in self.allow) and not any(
            re.search(p, url) for p in self.deny
        )


class Politeness(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    delay_seconds: float = Field(default=5.0, ge=0)
    concurrency: int = Field(default=1, ge=1, le=16)


class Recrawl(BaseModel):
    """How often each kind of entry point is re-read, and how long articles are re-checked.

    ``feeds`` is the starting interval of adaptive feed polling, which moves between
    ``feeds_min`` and ``feeds_max``; articles are re-fetched (conditionally) every
    ``recheck_every`` for ``recheck_window`` after publication, then left alone.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    feeds: timedelta = timedelta(seconds=40)
    feeds_min: timedelta = timedelta(seconds=20)
    feeds_max: timedelta = timedelta(minutes=15)
    sitemaps: timedelta = timedelta(hours=6)
    sections: timedelta = timedelta(hours=24)
    recheck_every: timedelta = timedelta(hours=6)
    recheck_window: timedelta = timedelta(days=2)


class Hints(BaseModel):
    """Extraction hints for what the page's own metadata lacks: CSS selectors as data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = None
    standfirst: str | None = None
    authors: str | None = None
    published: str | None = None
    body: str | None = None
    section: str | None = None
    original_paper: str | None = None
    drop: list[str] = Field(default_factory=list)
    """Selectors of boilerplate blocks removed before the body is extracted."""


class Source(BaseModel):
    """One member site (or the hub) of the Asia News Network."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    languages: list[str] = Field(min_length=1)
    timezone: str
    domains: list[str] = Field(min_length=1)
    hub: bool = False
    confidence: str = Field(default="G", pattern=r"^[VSG]$")
    """How sure we are of this file: V seen, S second-hand, G guessed (see ann-sources.md)."""
    entry_points: EntryPoints
    article_urls: ArticleUrls
    politeness: Politeness = Politeness()
    recrawl: Recrawl = Recrawl()
    hints: Hints = Hints()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def owns(self, host: str) -> bool:
        host = host.lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)
