"""Hostile input never crashes extraction: every failure is a typed, countable reason."""

from __future__ import annotations

import contextlib
import gzip
import random
import zlib

import pytest

from ann.settings import get_settings
from indexer.article import Article
from indexer.extraction import ExtractionError, NotAnArticle
from tests.support.extraction import extract_article

URL = "https://example.org/news/2024/03/05/some-story"
SENTENCE = "The minister said the talks would continue next week in the capital. "
PARAGRAPH = f"<p>{SENTENCE * 4}</p>"


def _garbage(size: int) -> bytes:
    rng = random.Random(5)
    return bytes(rng.randrange(256) for _ in range(size))


@pytest.mark.parametrize(
    "page",
    [
        b"",
        "",
        b"   \n\t ",
        b"\x00" * 4096,
        _garbage(20_000),
        b"<html><body><div>" * 100_000,
        b"<html><head><title>Cut",
        b"<html><body><p>" + "\u00e9".encode("utf-16-le") * 50,
        "<?xml version='1.0' encoding='utf-8'?><html><body></body></html>",
        b"<html><body><script type='application/ld+json'>{\"@type\": [[[{</script></body></html>",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    ],
    ids=["empty-bytes", "empty-str", "blank", "nul", "binary", "deep-nesting", "truncated",
         "utf16-no-bom", "xml-declaration", "broken-jsonld", "pdf"],
)
def test_hostile_page_raises_typed_error(page: str | bytes) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_article(page, URL)
    assert caught.value.reason


def test_wrong_declared_charset_still_decodes() -> None:
    body = (f"<html><head><meta charset='iso-8859-1'><title>T</title></head>"
            f"<body><h1>Café talks</h1>{PARAGRAPH}</body></html>")
    article = extract_article(body.encode("utf-8"), URL)
    assert article.title == "Café talks"


def test_truncated_article_is_still_extracted() -> None:
    page = (f"<html><head><title>Budget passes</title></head>"
            f"<body><h1>Budget passes</h1>{PARAGRAPH * 3}")
    article = extract_article(page.encode()[:-10], URL)
    assert article.title == "Budget passes"
    assert article.word_count > 20


def test_not_an_article_is_an_extraction_error() -> None:
    assert issubclass(NotAnArticle, ExtractionError)


@pytest.mark.timeout(20)
def test_attribute_bomb_is_defused() -> None:
    attributes = " ".join(f'a{i}="x"' for i in range(100_000))
    page = f"<html><body><h1 {attributes}>Budget passes</h1>{PARAGRAPH * 3}</body></html>"
    assert extract_article(page.encode(), URL).title == "Budget passes"


def test_hostile_jsonld_does_not_lose_the_page() -> None:
    script = "[" * 100_000 + "]" * 100_000
    page = (f"<html><head><script type='application/ld+json'>{script}</script></head>"
            f"<body><h1>Budget passes</h1>{PARAGRAPH * 3}</body></html>")
    assert extract_article(page, URL).title == "Budget passes"


@pytest.mark.needs_shared
@pytest.mark.slow  # the whole corpus of non-article documents
def test_corpus_of_non_article_documents_never_crashes() -> None:
    """Feeds, sitemaps and robots.txt files in every encoding and state of repair (the shared
    feeds corpus) go through extraction: each gives an Article or a typed reason."""
    root = get_settings().shared_dir / "fixtures" / "feeds-corpus"
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and "LICENSES" not in p.parts]
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            with contextlib.suppress(OSError, EOFError, zlib.error):
                data = gzip.decompress(data)
        try:
            assert isinstance(extract_article(data, URL), Article)
        except ExtractionError as error:
            assert error.reason, path


def test_malformed_canonical_link_is_ignored() -> None:
    page = (f"<html><head><link rel='canonical' href='http://[broken'></head>"
            f"<body><h1>Budget passes</h1>{PARAGRAPH * 3}</body></html>")
    article = extract_article(page, URL)
    assert (article.url, article.provenance["url"]) == (URL, "url")
