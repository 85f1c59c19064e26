"""The stored document matches the explicit mapping exactly (the mapping is strict)."""

from __future__ import annotations

from datetime import UTC, datetime

from ann.messages import Discovery, RawPage
from ann.urls import canonical_url, document_id
from indexer import clusters
from indexer.article import Article
from indexer.documents import content_hash, to_document
from indexer.mapping import MAPPINGS


def _page() -> RawPage:
    return RawPage(url="https://www.dawn.com/news/1/a", final_url="https://www.dawn.com/news/1/a",
                   status=200, fetched_at=datetime(2024, 1, 2, tzinfo=UTC), source_id="dawn",
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(b"<html/>"))


def test_every_document_field_is_mapped() -> None:
    article = Article(url="https://www.dawn.com/news/1/a", title="A")
    fields = set(to_document(article, _page())) | set(clusters.FIELDS)
    assert fields == set(MAPPINGS["properties"])


def test_content_hash_ignores_when_the_page_was_fetched() -> None:
    article = Article(url="https://www.dawn.com/news/1/a", title="A", body="text")
    assert content_hash(article) == content_hash(article.model_copy())
    assert content_hash(article) != content_hash(article.model_copy(update={"body": "edited"}))


def test_variants_of_one_article_share_an_id() -> None:
    variants = [
        "https://www.thestar.com.my/news/nation/2024/01/02/slug",
        "http://www.thestar.com.my/news/nation/2024/01/02/slug?utm_source=rss#top",
        "https://m.thestar.com.my/news/nation/2024/01/02/slug",
        "https://www.thestar.com.my/news/nation/2024/01/02/slug/amp",
    ]
    assert {document_id(v) for v in variants} == {document_id(variants[0])}
    assert canonical_url(variants[1]) == variants[0]


def test_raw_page_round_trips_its_body() -> None:
    body = "외국 전문가 <p>".encode("euc-kr")
    page = _page().model_copy(update={"body_z": RawPage.pack_body(body)})
    assert RawPage.model_validate_json(page.model_dump_json()).body() == body
