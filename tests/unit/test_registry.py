"""The source registry: every file validates, and its URL rules fit the mirror's real URL shapes."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ann.settings import get_settings
from ann.sources import SOURCES_DIR, load_registry
from ann.sources import load_source as load_one
from mirror.manifest import Manifest
from tests.support.mirrors import generate

REGISTRY = load_registry()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return generate(tmp_path_factory.mktemp("mirror"), per_site=12)


def test_every_file_validates_and_ids_are_unique() -> None:
    files = sorted(SOURCES_DIR.glob("*.yaml"))
    ids = [load_one(f).id for f in files]
    assert len(ids) == len(set(ids)) == len(REGISTRY) >= 7
    assert [s.id for s in REGISTRY if s.hub] == ["asianews"]


@pytest.mark.parametrize("source_id", REGISTRY.ids())
def test_entry_points_are_on_the_sources_domains(source_id: str) -> None:
    source = REGISTRY.get(source_id)
    entry = source.entry_points
    urls = [*entry.feeds, *entry.sitemaps, *(s.url for s in entry.sections)]
    assert urls, "a source needs at least one entry point"
    for url in urls:
        assert source.owns(urlsplit(url).hostname or ""), url
        assert not source.article_urls.matches(url), f"entry point taken for an article: {url}"


@pytest.mark.parametrize("source_id", REGISTRY.ids())
def test_allow_rules_match_mirror_articles_only(source_id: str, manifest: Manifest) -> None:
    source = REGISTRY.get(source_id)
    articles = manifest.for_source(source_id)
    assert articles
    for article in articles:
        assert source.article_urls.matches(article.url), article.url
    site = next(s for s in manifest.sites if s.source_id == source_id)
    host = f"https://{site.host}"
    not_articles = [*site.feeds, *site.sitemaps, *site.sections, site.robots, host + "/",
                    host + "/about-us/", host + "/tags/asean", host + "/search?q=x"]
    for url in not_articles:
        assert not source.article_urls.matches(url), url


def test_load_source_rejects_id_mismatch(tmp_path: Path) -> None:
    text = (SOURCES_DIR / "dawn.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "notdawn.yaml"
    wrong.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="must equal the file name"):
        load_one(wrong)


def test_extra_sources_join_the_registry_in_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ANN_EXTRA_SOURCES_DIR`` adds its files to the default registry; a file may not take a
    member's id."""
    text = (SOURCES_DIR / "dawn.yaml").read_text(encoding="utf-8")
    ours, clash = tmp_path / "ours", tmp_path / "clash"
    ours.mkdir()
    clash.mkdir()
    (ours / "mysite.yaml").write_text(
        text.replace("id: dawn", "id: mysite").replace("dawn.com", "mysite.example"),
        encoding="utf-8")
    (clash / "dawn.yaml").write_text(text, encoding="utf-8")
    try:
        monkeypatch.setenv("ANN_EXTRA_SOURCES_DIR", str(ours))
        get_settings.cache_clear()
        registry = load_registry()
        assert registry.ids() == sorted([*REGISTRY.ids(), "mysite"])
        assert registry.for_url("https://www.mysite.example/news/1") == registry.get("mysite")
        monkeypatch.setenv("ANN_EXTRA_SOURCES_DIR", str(clash))
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="share an id"):
            load_registry()
    finally:
        monkeypatch.delenv("ANN_EXTRA_SOURCES_DIR")
        get_settings.cache_clear()
    assert load_registry().ids() == REGISTRY.ids()
