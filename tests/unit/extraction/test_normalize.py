"""Direct tests of the normalization steps: bylines, dates, charsets, JSON-LD, titles, pages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from ann.sources import Hints, load_registry
from indexer.extraction import NotAnArticle
from indexer.extraction.authors import clean_authors
from indexer.extraction.body import clean, from_hint, split_signature
from indexer.extraction.dates import parse_date
from indexer.extraction.decode import decode
from indexer.extraction.hub import original_paper
from indexer.extraction.jsonld import find_article
from indexer.extraction.title import strip_site
from indexer.extraction.wordcount import word_count
from tests.support.extraction import extract_article

NOW = datetime(2026, 11, 28, tzinfo=UTC)
SENTENCE_TEXT = "The minister said the talks would continue next week in the capital."
TEXT = f"<p>{(SENTENCE_TEXT + ' ') * 6}</p>"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe, John Roe | Staff Writer"], ["Jane Doe", "John Roe"]),
        (["Written by Jane Doe (jane.doe@example.com)"], ["Jane Doe"]),
        (["Jane Doe", "PHOTO: AFP"], ["Jane Doe"]),
        (["By Jane Doe with AFP"], ["Jane Doe"]),
        (["AFP"], ["AFP"]),
        (["AFP, MANILA"], ["AFP"]),
        (["Reuters", "The Associated Press"], ["Reuters"]),
        (["https://example.com/author/jane-doe/"], ["Jane Doe"]),
        (["Dylan Bailey, MS, RD"], ["Dylan Bailey"]),
        (["jane doe", "Jane Doe"], ["jane doe"]),
        (["Senior Correspondent"], []),
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2024-10-13T17:41:00+09:00", None, datetime(2024, 10, 13, 8, 41, tzinfo=UTC)),
        ("2024-03-05 07:20", ZoneInfo("Asia/Shanghai"), datetime(2024, 3, 4, 23, 20, tzinfo=UTC)),
        ("July 31, 2019", ZoneInfo("Asia/Seoul"), datetime(2019, 7, 30, 15, 0, tzinfo=UTC)),
        ("2019年7月31日 10:05", ZoneInfo("Asia/Tokyo"), datetime(2019, 7, 31, 1, 5, tzinfo=UTC)),
        ("Tue, 05 Mar 2024 10:00:00 +0800", None, datetime(2024, 3, 5, 2, 0, tzinfo=UTC)),
        ("Jakarta ● Tue, March 5, 2024", ZoneInfo("Asia/Jakarta"),
         datetime(2024, 3, 4, 17, 0, tzinfo=UTC)),
        ("20240305", None, datetime(2024, 3, 5, tzinfo=UTC)),
        ("2082-01-01T00:00:00Z", None, None),
        ("1970-01-01", None, None),
        ("5 min read", None, None),
        ("", None, None),
    ],
)
def test_parse_date(value: str, zone: ZoneInfo | None, expected: datetime | None) -> None:
    assert parse_date(value, zone, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "charset"),
    [("한국어 기사 본문입니다", "euc-kr"), ("中文新闻报道", "gb2312"),
     ("日本語の記事です", "shift_jis"), ("ข่าวภาษาไทย", "tis-620"), ("繁體中文新聞", "big5")],
)
def test_legacy_charsets(text: str, charset: str) -> None:
    page = f"<html><head><meta charset='{charset}'></head><body><p>{text}</p></body></html>"
    assert text in decode(page.encode(charset))
    header = {"Content-Type": f"text/html; charset={charset}"}
    assert text in decode(f"<p>{text}</p>".encode(charset), header)


def test_bom_wins_over_meta() -> None:
    page = "<meta charset='iso-8859-1'><p>Café</p>".encode("utf-8-sig")
    assert "Café" in decode(page)


def test_jsonld_graph_and_author_reference() -> None:
    page = lxml.html.fromstring("""<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Site"},
      {"@type": ["NewsArticle"], "headline": "Talks resume", "datePublished": "2024-03-05",
       "author": {"@id": "#jane"}, "articleSection": "World"},
      {"@type": "Person", "@id": "#jane", "name": "Jane Doe"}]}
    </script></head><body></body></html>""")
    found = find_article(page)
    assert found is not None
    assert (found.headline, found.authors, found.section) == ("Talks resume", ["Jane Doe"],
                                                               ["World"])


def test_title_site_suffix_is_removed() -> None:
    url = "https://www.straitstimes.com/asia/x"
    assert strip_site("Talks resume | The Straits Times", url, ["The Straits Times"]) == (
        "Talks resume")
    assert strip_site("Covid-19 - what we know", url, []) == "Covid-19 - what we know"


def test_title_section_segment_is_removed() -> None:
    url = "https://www.example-paper.com/story/opinion/contributors/2025/12/19/meditation-health/"
    assert strip_site("How meditation rewires brains | Opinion", url, []) == (
        "How meditation rewires brains")
    # the article's own slug is not its section
    assert strip_site("Best Movers / Moving Companies", "https://city.example/moving-companies/",
                      []) == "Best Movers / Moving Companies"


def test_visible_headline_loses_dateline_site_and_section_but_not_its_own_words() -> None:
    def title_of(h1: str, url: str, head: str = "") -> str:
        page = (f"<html><head>{head}</head><body><h1>{h1}</h1>"
                f"<article>{TEXT}</article></body></html>")
        return extract_article(page, url).title

    dated = ('<a href="/blog/transitions.html"><time datetime="2025-12-18">Dec <span>18</span>'
             " 2025</time> Preparing a transition</a>")
    assert title_of(dated, "https://blog.example/blog/transitions.html",
                    "<meta property='og:title' content='Preparing a transition'>") == (
        "Preparing a transition")
    assert title_of("Best UK Art Exhibitions 2025 – Artlyst", "https://www.artlyst.com/features/best/",
                    "<title>Best UK Art Exhibitions 2025 – Artlyst</title>") == (
        "Best UK Art Exhibitions 2025")
    assert title_of("21+ Best Movers / Moving Companies in San Francisco",
                    "https://sfist.com/san-francisco-movers/",
                    "<meta property='og:site_name' content='SFist - San Francisco News'>"
                    "<title>21+ Best Movers / Moving Companies in San Francisco</title>") == (
        "21+ Best Movers / Moving Companies in San Francisco")


def test_title_loses_a_declared_section_however_it_is_attached() -> None:
    page = ("<html><head><meta name='content_category' content='정치'>"
            "<meta property='og:title' content='장동혁, 한동훈 제명했지만 부담 커졌다"
            "-정치ㅣ한국일보'>"
            "<meta property='og:site_name' content='한국일보'>"
            f"</head><body><article>{TEXT}</article></body></html>")
    article = extract_article(page, "https://www.hankookilbo.com/news/article/A1")
    assert (article.title, article.section) == ("장동혁, 한동훈 제명했지만 부담 커졌다", "정치")


def test_title_mojibake_is_repaired() -> None:
    # UTF-8 read as Latin-1 by the site's template: "Investorâ\x80\x99s"
    broken = "A DIY Investor’s Guide | JOHNSON’S®".encode().decode("latin-1")
    page = (f"<html><head><title>{broken}</title></head>"
            f"<body><article>{TEXT}</article></body></html>")
    assert extract_article(page, "https://www.johnsonsbaby.com/tips/guide").title == (
        "A DIY Investor’s Guide")


def _page_with(ld_type: str) -> str:
    heading = "Floods LIVE: Rescue teams reach cut-off villages as rivers peak overnight"
    updates = "".join(f"<p>{hour}:00 update. {SENTENCE_TEXT}</p>" for hour in range(10, 22))
    return ("<html><head>"
            "<meta property='og:title' content='Thousands evacuated as floods hit the north"
            " | Daily Paper'><meta property='og:site_name' content='Daily Paper'>"
            '<script type="application/ld+json">'
            f'{{"@type": "{ld_type}", "headline": "{heading}",'
            ' "datePublished": "2024-08-04T13:23:00Z"}</script>'
            f"</head><body><h1>{heading}</h1><article>{updates}</article></body></html>")


def test_a_live_blog_is_titled_by_its_share_title_not_its_rolling_heading() -> None:
    live = extract_article(_page_with("LiveBlogPosting"), "https://daily.example/news/floods-live")
    assert live.title == "Thousands evacuated as floods hit the north"
    assert live.provenance["title"] == "meta:og:title+stripped"
    story = extract_article(_page_with("NewsArticle"), "https://daily.example/news/floods")
    assert story.title.startswith("Floods LIVE: Rescue teams")


def test_word_count_is_cjk_aware() -> None:
    assert word_count("外国专家表示") == 6
    assert word_count("Talks resume in Seoul") == 4
    assert word_count("首尔 talks") == 3


def test_visible_headline_and_provenance() -> None:
    page = f"""<html><head><title>Talks resume in Seoul | Daily Paper</title>
    <meta property="og:site_name" content="Daily Paper">
    <meta property="article:published_time" content="2024-03-05T10:00:00+09:00">
    <meta name="author" content="By Jane Doe and John Roe">
    </head><body><h1>Talks resume in Seoul</h1><article>{TEXT}</article></body></html>"""
    article = extract_article(page, "https://daily.example/news/talks")
    assert article.title == "Talks resume in Seoul"
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.published_at == datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
    assert article.provenance["title"] == "h1"
    assert article.provenance["published_at"] == "meta:article:published_time"
    assert article.provenance["authors"] == "meta:author"
    assert article.language == "en"


def test_share_prompts_are_not_body() -> None:
    page = f"""<html><body><h1>Budget passes</h1><article>{TEXT}
    <p>Enjoyed this story? Share it.</p><p>Sign up for our newsletter</p></article></body></html>"""
    article = extract_article(page, "https://daily.example/news/budget")
    assert "Share it" not in article.body
    assert "newsletter" not in article.body


@pytest.mark.parametrize(
    ("url", "reason"),
    [("https://daily.example/tag/economy/", "tag_page"),
     ("https://daily.example/category/world/", "section_front")],
)
def test_listing_pages_are_not_articles(url: str, reason: str) -> None:
    links = "".join(f"<li><a href='/n/{i}'>Story number {i} about the economy</a></li>"
                    for i in range(30))
    page = f"<html><body><h1>Economy</h1><ul>{links}</ul><p>Latest economy news.</p></body></html>"
    with pytest.raises(NotAnArticle) as caught:
        extract_article(page, url)
    assert caught.value.reason == reason


def test_date_stamp_and_signature_lines_leave_the_body() -> None:
    paragraphs = ["17:41 JST, October 13, 2024", SENTENCE_TEXT, SENTENCE_TEXT, "Lê Phương"]
    kept, signature = split_signature(paragraphs)
    assert signature == "Lê Phương"
    assert clean(kept, None) == f"{SENTENCE_TEXT}\n\n{SENTENCE_TEXT}"


def test_stale_hints_fall_back_to_the_generic_cascade() -> None:
    source = load_registry().get("straitstimes").model_copy(
        update={"hints": Hints(title="h1.gone", body="div.gone", authors=".gone")})
    page = f"""<html><head><meta name="author" content="Jane Doe">
    <meta property="article:published_time" content="2024-03-05T10:00:00+08:00"></head>
    <body><h1>Talks resume in Seoul</h1><article>{TEXT}</article><div class="gone">Ad</div>
    </body></html>"""
    missed: list[str] = []
    article = extract_article(page, "https://www.straitstimes.com/asia/talks-resume", source,
                              on_hint_missed=missed.append)
    assert (article.title, article.authors) == ("Talks resume in Seoul", ["Jane Doe"])
    assert article.provenance["title"] == "h1"
    assert article.provenance["body"] == "scorer"  # the generic path's first step
    assert article.source_id == "straitstimes"
    # the body hint matched a two-word block, the title hint nothing; the authors hint was
    # never consulted (the page's metadata names the author)
    assert missed == ["body", "title"]


HINTS = Hints(title="h1.headline", standfirst="p.dek", authors=".byline a",
              published="time.stamp", body="div.story", section=".crumbs a")


def _hinted_page(byline: str, stamp: str) -> str:
    return f"""<html><head><title>Talks resume in Seoul | The Straits Times</title>
    <meta property="og:type" content="article"></head><body>
    <nav class="crumbs"><a href="/asia">Asia</a></nav>
    <h1 class="headline">Talks resume in Seoul</h1>
    <p class="dek">Negotiators meet again after a month.</p><div class="byline">{byline}</div>
    <time class="stamp" datetime="{stamp}">{stamp}</time><div class="story">{TEXT}</div>
    </body></html>"""


def test_hints_that_find_their_field_are_not_reported() -> None:
    source = load_registry().get("straitstimes").model_copy(update={"hints": HINTS})
    missed: list[str] = []
    article = extract_article(_hinted_page("<a href='/authors/jane-doe'>Jane Doe</a>",
                                           "2024-03-05T10:00:00+08:00"),
                              "https://www.straitstimes.com/asia/talks-resume", source,
                              on_hint_missed=missed.append)
    assert {k: v.split(":")[0] for k, v in article.provenance.items()
            if k in ("title", "body", "authors", "published_at", "section", "standfirst")} == {
        "title": "hint", "body": "hint", "authors": "hint", "published_at": "hint",
        "section": "hint", "standfirst": "hint"}
    assert missed == []


def test_hints_that_find_nothing_plausible_are_reported() -> None:
    """A byline hint matching only "Share", a date hint matching no date: the generic steps
    answer and each field is reported once."""
    source = load_registry().get("straitstimes").model_copy(update={"hints": HINTS})
    missed: list[str] = []
    page = _hinted_page("<a href='/share'>Share</a>", "Share this story").replace(
        'class="dek"', 'class="lede"')
    extract_article(page, "https://www.straitstimes.com/asia/talks-resume", source,
                    on_hint_missed=missed.append)
    assert missed == ["authors", "published", "standfirst"]


def test_hinted_body_keeps_words_apart_and_drops_blocks() -> None:
    tree = lxml.html.fromstring(
        "<html><body><div id='c'><p>one<br>two</p><script>var x;</script>"
        "<div class='share'>Share</div><p>three <b>four</b></p></div></body></html>")
    assert from_hint(tree, "#c", [".share"]) == ["one two", "three four"]
    assert from_hint(tree, "#missing", []) is None


def test_hub_reprint_credited_in_the_byline_maps_to_its_member() -> None:
    registry = load_registry()
    hub_source = next(s for s in registry if s.hub)
    member = registry.get("chinadaily")
    name, found, origin = original_paper(None, ["By the way", member.name], registry, hub_source)
    assert (name, found, origin) == (member.name, member, "authors")
    name, found, origin = original_paper("By The Nation Weekly", [], registry, hub_source)
    assert (name, found, origin) == ("The Nation Weekly", None, "hint")
