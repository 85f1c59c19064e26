"""Direct tests of the hydration-payload reader and of the body taken from it."""

from __future__ import annotations

import json

import lxml.html

from indexer.extraction.body import from_payload, keep
from indexer.extraction.payload import about, strings
from tests.support.extraction import extract_article

HEADLINE = "Harbour authority approves the new ferry terminal"
SENTENCE = ("The harbour authority approved the new ferry terminal on Monday after a long review "
            "of its cost and its effect on the fishing fleet.")
ARTICLE_HTML = "".join(f"<p>{SENTENCE} Paragraph {n}.</p>" for n in range(8))
OTHER = "Cookies help us deliver our services and remember your settings on this site. " * 10


def _flight_page(html: str) -> str:
    """A Next.js App Router page: the article HTML in a Flight text row ("T", its length in
    UTF-8 bytes), split across two pushes the way Next.js flushes its stream."""
    row = f"5:T{len(html.encode()):x},{html}"
    first, second = row[:40], row[40:] + '1:["$","div",null,{"children":"$5"}]\n'
    pushes = "".join(f"<script>self.__next_f.push({json.dumps([1, part])})</script>"
                     for part in (first, second))
    return (f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1>"
            f"<div id='root'></div><script>(self.__next_f=self.__next_f||[]).push([0])</script>"
            f"{pushes}</body></html>")


def _next_data_page(data: object) -> str:
    return (f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1>"
            f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(data)}</script>"
            "</body></html>")


def test_strings_reads_flight_text_rows() -> None:
    tree = lxml.html.fromstring(_flight_page(ARTICLE_HTML))
    assert strings(tree) == [ARTICLE_HTML]


def test_strings_walks_json_scripts_and_json_inside_strings() -> None:
    state = json.dumps({"article": {"title": HEADLINE, "content": ARTICLE_HTML}})
    tree = lxml.html.fromstring(_next_data_page({"props": {"apolloState": state, "legal": OTHER}}))
    assert strings(tree) == sorted([ARTICLE_HTML, OTHER], key=len, reverse=True)


def test_strings_skips_broken_json() -> None:
    page = ("<html><body><script type='application/json'>{\"a\": </script><p>x</p>"
            "</body></html>")
    assert strings(lxml.html.fromstring(page)) == []


def test_from_payload_takes_the_text_about_the_headline() -> None:
    page = _next_data_page({"props": {"legal": OTHER * 3, "story": {"body": ARTICLE_HTML}}})
    paragraphs = from_payload(lxml.html.fromstring(page), HEADLINE, "https://example.com/a", [])
    assert paragraphs[0].startswith("The harbour authority approved")
    assert not any("Cookies" in p for p in paragraphs)


def test_from_payload_wants_the_headline_terms() -> None:
    page = _next_data_page({"props": {"legal": OTHER * 3}})
    assert from_payload(lxml.html.fromstring(page), HEADLINE, "https://example.com/a", []) == []


def test_article_rendered_from_its_payload_keeps_its_body() -> None:
    article = extract_article(_flight_page(ARTICLE_HTML), "https://example.com/news/ferry-terminal")
    assert article.body.startswith(SENTENCE)
    assert article.provenance["body"] == "payload"


def test_markup_body_wins_over_a_payload_of_the_same_length() -> None:
    page = _flight_page(ARTICLE_HTML).replace("<div id='root'></div>", ARTICLE_HTML)
    article = extract_article(page, "https://example.com/news/ferry-terminal")
    assert article.provenance["body"] != "payload"


def test_template_placeholders_are_not_paragraphs() -> None:
    assert not keep("$$ARTICLEAD$$", None)
    assert not keep("{{ad_slot}}", None)
    assert keep("$5 million", None)


def test_about_matches_headline_terms_across_scripts() -> None:
    assert about(SENTENCE, HEADLINE)
    assert not about(OTHER, HEADLINE)
    assert about("국민의힘은 한동훈을 제명했다. 장동혁 대표가 밝혔다.", "장동혁, 한동훈 제명했지만")
    assert not about("오늘 날씨는 맑고 바람이 분다.", "장동혁, 한동훈 제명했지만")
    assert not about(SENTENCE, "")
