"""Name and place variants on the real node: ``Burma`` finds an article that says only
``Myanmar``, and a pair added to the operator's file and loaded with ``ann variants load`` works
at once, with nothing reindexed (query-time expansion, ``search_api/variants.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ann.ops.cli import app as cli
from ann.settings import Settings
from indexer.article import Article
from search_api.app import create_app
from tests.support.api_corpus import index_documents, private_alias
from tests.support.writes import as_stored

pytestmark = pytest.mark.integration

ARTICLES = {
    "myanmar": ("Myanmar junta extends emergency rule",
                "The military government in Myanmar extended the state of emergency for six "
                "months, state media in Naypyidaw said on Thursday."),
    "hsinchu": ("Chip plant expansion approved",
                "Regulators approved a new wafer fab in Hsinchu science park, the company said, "
                "adding 3,000 jobs by 2027."),
    "cricket": ("Cricket final",
                "The captain scored a century as the team won the final in front of a full "
                "stadium."),
}


@dataclass(frozen=True)
class Served:
    api: TestClient
    settings: Settings
    extra: Path
    ids: dict[str, str]


@pytest.fixture(scope="module")
def served(services: Settings, es: Elasticsearch, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Served]:
    extra = tmp_path_factory.mktemp("variants") / "ours.txt"
    extra.write_text("# this deployment's own variants\n", encoding="utf-8")
    docs = []
    for key, (title, body) in ARTICLES.items():
        url = f"https://www.thestar.com.my/news/{key}"
        article = Article(url=url, title=title, body=body, source_id="thestar", language="en",
                          published_at=datetime(2025, 11, 5, tzinfo=UTC))
        docs.append(as_stored(article))
    with private_alias(services, es) as base:
        settings = base.model_copy(update={
            "variants_file": extra, "variants_index": f"{base.index_alias}-variants",
            "api_variants_refresh_seconds": 0.0})
        try:
            index_documents(es, settings.index_alias, docs)
            with TestClient(create_app(settings)) as api:  # its start loads the variants
                yield Served(api, settings, extra, {d["url"].rsplit("/", 1)[1]: d["id"]
                                                    for d in docs})
        finally:
            es.indices.delete(index=settings.variants_index, ignore_unavailable=True)


def _found(served: Served, q: str) -> set[str]:
    answer = served.api.get("/search", params={"q": q})
    assert answer.status_code == 200, answer.text
    by_id = {v: k for k, v in served.ids.items()}
    return {by_id[hit["id"]] for hit in answer.json()["hits"]}


def test_burma_finds_the_article_that_says_myanmar(served: Served) -> None:
    assert _found(served, "Burma") == {"myanmar"}
    assert _found(served, "burma emergency") == {"myanmar"}
    assert _found(served, "emergency -Burma") == set()  # the exclusion applies to the group
    assert _found(served, '"Burma"') == set()  # a quoted phrase is the reader's exact words


def test_a_pair_added_to_the_file_works_once_loaded_with_no_reindex(
    served: Served, es: Elasticsearch, monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexed_before = es.count(index=served.settings.index_alias)["count"]
    assert _found(served, "Xinzhu") == set()
    with served.extra.open("a", encoding="utf-8") as file:
        file.write("Hsinchu, Xinzhu\n")
    monkeypatch.setattr("ann.ops.cli.variants.get_settings", lambda: served.settings)
    result = CliRunner().invoke(cli, ["variants", "load"])
    assert result.exit_code == 0, result.output
    assert _found(served, "Xinzhu") == {"hsinchu"}
    assert _found(served, "Burma") == {"myanmar"}  # the shipped list stays in force
    assert es.count(index=served.settings.index_alias)["count"] == indexed_before
