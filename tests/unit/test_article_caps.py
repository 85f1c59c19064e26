"""The normalizer bounds every field a page controls, at construction and on assignment."""

from __future__ import annotations

from datetime import UTC, datetime

from ann.document import (
    MAX_BODY_CHARS,
    MAX_STANDFIRST_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS,
    MAX_TITLE_CHARS,
)
from ann.messages import Discovery, RawPage
from indexer.article import Article
from indexer.documents import to_document

HUGE = "x" * 40_000


def _page(url: str) -> RawPage:
    return RawPage(url=url, final_url=url, status=200, fetched_at=datetime(2025, 3, 1, tzinfo=UTC),
                   source_id="dawn", discovery=Discovery(kind="feed"),
                   body_z=RawPage.pack_body(b""))


def test_terms_beyond_the_cap_are_dropped_and_prose_is_cut() -> None:
    article = Article(
        url="https://www.dawn.com/news/1", title="T" * 5000, standfirst="S" * 50_000,
        tags=["floods", HUGE, *(f"t{n}" for n in range(200))], categories=[HUGE, "Pakistan"],
        authors=[HUGE, "A Reporter"], section=HUGE, language=HUGE, original_paper=HUGE,
        lead_image="https://img.example/" + HUGE,
    )
    assert article.tags[:2] == ["floods", "t0"] and len(article.tags) == MAX_TERMS
    assert article.categories == ["Pakistan"] and article.authors == ["A Reporter"]
    assert article.section is None and article.language is None
    assert article.original_paper is None and article.lead_image is None
    assert len(article.title) == MAX_TITLE_CHARS
    assert article.standfirst is not None and len(article.standfirst) == MAX_STANDFIRST_CHARS


def test_a_field_set_after_construction_is_bounded_too() -> None:
    article = Article(url="https://www.dawn.com/news/1", title="Floods")
    article.language = HUGE
    article.authors = ["A" * (MAX_TERM_CHARS + 1), "B"]
    assert article.language is None and article.authors == ["B"]


def test_a_body_beyond_the_cap_is_cut_and_the_cut_recorded() -> None:
    body = "word " * 400_000  # 2 MB
    url = "https://www.dawn.com/news/2"
    doc = to_document(Article(url=url, title="Long", body=body), _page(url))
    assert len(doc["body"]) == MAX_BODY_CHARS
    assert doc["body_truncated"] is True and doc["body_length"] == len(body)
    short = to_document(Article(url=url, title="Short", body="A few words."), _page(url))
    assert (short["body"], short["body_truncated"], short["body_length"]) == (
        "A few words.", False, 12)
