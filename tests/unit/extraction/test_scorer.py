"""The body scorer: the article container from the parsed tree, trafilatura only when weak."""

from __future__ import annotations

from typing import Any

import pytest
import trafilatura

from indexer.extraction import body, rules, scorer
from indexer.extraction.decode import parse
from tests.support.extraction import extract_article

URL = "https://example.org/world/2024/03/05/harbour-talks"
SENTENCES = [
    "The harbour authority said on Tuesday that talks with the shipping lines would resume, "
    "after a week in which the two sides exchanged letters about fees and berths.",
    "Officials, speaking on condition of anonymity, described the mood as cautious, "
    "although both delegations agreed that the schedule for the new terminal should hold.",
    "Dock workers, who walked out twice last year, said they would watch the outcome closely, "
    "and their union asked to be heard before any contract is signed.",
    "The city council, which owns a stake in the port, is expected to vote on the plan in May, "
    "once the auditors have reported on the cost of the dredging work.",
]
RELATED = "".join(f"<li><a href='/story/{i}'>Another story about the harbour number {i} "
                  f"and its long history</a></li>" for i in range(8))


def _component_page() -> str:
    """Each paragraph rendered as its own component, cousins under the article; a related
    list, a share bar and a footer around them."""
    blocks = "".join(f"<div class='block-wrap'><div class='rich-text'><p>{s}</p></div></div>"
                     "<div class='ad-slot'><span>Advertisement</span></div>" for s in SENTENCES)
    return (f"<html><head><title>Harbour talks resume</title></head><body>"
            f"<nav><a href='/'>Home</a><a href='/world'>World</a></nav><main><article>"
            f"<h1>Harbour talks resume</h1><div class='share-tools'><a href='#'>Share on X</a>"
            f"</div>{blocks}<section class='related-stories'><ul>{RELATED}</ul></section>"
            f"</article></main><footer><p>Copyright 2024 Example Media. All rights reserved. "
            f"Terms of use and privacy policy apply.</p></footer></body></html>")


def test_cousin_components_make_one_body_without_boilerplate() -> None:
    found = scorer.find(parse(_component_page()))
    assert found is not None and found.share >= 0.7
    article = extract_article(_component_page(), URL)
    assert article.provenance["body"] == "scorer"
    assert article.body.split("\n\n") == SENTENCES


def _split_page() -> str:
    main = "".join(f"<p>{s}</p>" for s in SENTENCES[:2])
    other = "".join(f"<p>{s}</p>" for s in SENTENCES[2:])
    return (f"<html><head><title>Harbour talks resume</title></head><body>"
            f"<div class='left'><div class='col'>{main}</div></div>"
            f"<table><tr><td><div class='box'>{other}</div></td></tr></table></body></html>")


def test_text_split_between_two_regions_falls_back_to_trafilatura() -> None:
    # half of the prose in the main column, half in an unrelated box elsewhere on the page:
    # the scorer's pick holds too little of the page's text to be trusted
    page = _split_page()
    found = scorer.find(parse(page))
    assert found is not None and found.share < 0.7
    assert extract_article(page, URL).provenance["body"] == "trafilatura"
    # asked for a share of 0.7, the scorer gives up before copying: its bound is under it too
    bounded = scorer.find(parse(page), min_share=0.7)
    assert bounded is not None and bounded.blocks == [] and found.share <= bounded.share < 0.7


@pytest.mark.parametrize(("weak_words", "passes"), [(0, [True]), (10**9, [True, False])])
def test_trafilatura_fallbacks_run_only_after_a_weak_first_pass(
    monkeypatch: pytest.MonkeyPatch, weak_words: int, passes: list[bool]
) -> None:
    # the page's four sentences (~120 words) are a strong first pass under a bound of 0 words and
    # a weak one under a huge bound: only then do readability and jusText run
    seen: list[bool] = []
    real = trafilatura.bare_extraction

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["fast"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    with rules.using(trafilatura_weak_words=weak_words):
        paragraphs = body.from_trafilatura(parse(_split_page()), URL, [])
    assert seen == passes
    assert " ".join(paragraphs).split() == " ".join(SENTENCES).split()


def test_a_weak_bound_never_hides_a_strong_answer() -> None:
    found = scorer.find(parse(_component_page()), min_share=0.7)
    assert found is not None and found.blocks and found.share >= 0.7
    assert found.share == scorer.find(parse(_component_page())).share  # type: ignore[union-attr]


def test_page_without_paragraphs_has_no_container() -> None:
    assert scorer.find(parse("<html><body><a href='/a'>A</a><img src='x.png'></body></html>")) \
        is None


def test_ascii_class_names_are_judged_as_with_ignorecase() -> None:
    names = ["Article-Body ", "SIDEBAR widget", "top-AD x", "ads_slot ", "Adventure ", "nav",
             "NavBar main", "post-Meta", "byLine-wrap", "Footer", " id-Advertisement",
             "story__Text", "tags", "Tag-cloud", "loadMore", "", " ", "Menu_Item x"]
    for value in names:
        assert scorer._negative(value) is (scorer._NEGATIVE.search(value) is not None)
        assert scorer._positive(value) is (scorer._POSITIVE.search(value) is not None)
