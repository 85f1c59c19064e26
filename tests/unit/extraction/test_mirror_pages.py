"""Every registry source: its offline-mirror article pages reproduce the mirror's ground truth.

A small mirror is generated into a temporary directory; the manifest lists what each page says
(title, publication instant, authors, original paper of hub reprints), so extraction with the
source's hints must give back exactly that.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ann.sources import load_registry
from ann.urls import canonical_url
from indexer.extraction import NotAnArticle
from mirror.layout import BODY, resource_dir
from mirror.manifest import Manifest
from tests.support.extraction import extract_article
from tests.support.mirrors import generate

PER_SITE = 20


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("mirror")
    return root, generate(root, per_site=PER_SITE)


def _member_id(paper: str | None) -> str | None:
    """The registry id of the member named ``paper`` (the hub's reprints map to it)."""
    if paper is None:
        return None
    return next((s.id for s in load_registry() if s.name == paper and not s.hub), None)


@pytest.mark.parametrize("source_id", load_registry().ids())
def test_mirror_articles_match_manifest(source_id: str, mirror: tuple[Path, Manifest]) -> None:
    root, manifest = mirror
    source = load_registry().get(source_id)
    truths = manifest.for_source(source_id)
    assert truths, f"the mirror has no article for {source_id}"
    wrong: list[tuple[str, str, object, object]] = []
    for truth in truths:
        parts = urlsplit(truth.url)
        folder = resource_dir(root, parts.hostname or "", parts.path)
        assert folder is not None
        article = extract_article((folder / BODY).read_bytes(), truth.url, source)
        checks: dict[str, tuple[object, object]] = {
            "url": (article.url, canonical_url(truth.url)),
            "title": (article.title, truth.title),
            "published_at": (article.published_at, datetime.fromisoformat(truth.published_at)),
            "authors": (article.authors, truth.authors),
            "original_paper": (article.original_paper, truth.original_paper),
            "original_source_id": (article.original_source_id, _member_id(truth.original_paper)),
            "body": (article.body, "\n\n".join(truth.paragraphs)),
            "source_id": (article.source_id, source_id),
            "language": (article.language in source.languages, True),
            "body_from_hint": (article.provenance.get("body", "").startswith("hint:"), True),
        }
        wrong.extend((truth.url, name, got, want) for name, (got, want) in checks.items()
                     if got != want)
    assert wrong == []


@pytest.mark.parametrize("source_id", load_registry().ids())
def test_mirror_section_pages_are_not_articles(
    source_id: str, mirror: tuple[Path, Manifest]
) -> None:
    root, manifest = mirror
    source = load_registry().get(source_id)
    site = next(s for s in manifest.sites if s.source_id == source_id)
    for url in site.sections:
        parts = urlsplit(url)
        folder = resource_dir(root, parts.hostname or "", parts.path)
        assert folder is not None
        with pytest.raises(NotAnArticle) as caught:
            extract_article((folder / BODY).read_bytes(), url, source)
        assert caught.value.reason in {"section_front", "no_text"}
