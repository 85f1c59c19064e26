"""The mirror's ground truth: what a correct crawler + extractor must produce from the mirror.

Integration tests compare Elasticsearch against this file, so it lists exactly what each page says.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class ArticleTruth(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    source_id: str
    title: str
    keyword: str = Field(description="a title word rare across the mirror: searching it finds this")
    published_at: str = Field(description="ISO 8601, UTC")
    authors: list[str]
    section: str
    standfirst: str | None = None
    paragraphs: list[str]
    original_paper: str | None = None
    """Display name of the member a hub reprint comes from; null otherwise."""
    original_url: str | None = None
    extra: bool = False
    """Added by ``extra=N``: newer than every base article."""


class SiteTruth(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source_id: str
    host: str
    robots: str
    feeds: list[str]
    sitemaps: list[str]
    sections: list[str]


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int
    per_site: int
    extra: int
    sites: list[SiteTruth]
    articles: list[ArticleTruth]

    def for_source(self, source_id: str) -> list[ArticleTruth]:
        return [a for a in self.articles if a.source_id == source_id]


def write_manifest(manifest: Manifest, path: Path) -> None:
    """Write ``manifest`` article by article: at benchmark size (50,000 articles, ~100 MB of
    JSON) the whole document is never built as one string."""
    head = manifest.model_dump_json(indent=1, exclude={"articles"})
    with path.open("w", encoding="utf-8") as out:
        out.write(head.removesuffix("\n}") + ',\n "articles": [')
        for number, article in enumerate(manifest.articles):
            out.write(("," if number else "") + "\n  " + article.model_dump_json())
        out.write("\n ]\n}\n")


def load_manifest(path: Path) -> Manifest:
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
