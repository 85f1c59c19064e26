"""Golden-file tests: saved real pages (read from the shared fixtures dir) against reviewed JSON.

Each ``tests/golden/*.json`` names a fixture page, its URL, the expected fields and a review note
saying where the expectation departs from the fixture's own reference parse and why. Cases with
an ``xfail`` key are known gaps (strict: fixing one makes the test fail until the key is removed).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ann.settings import get_settings
from tests.support.extraction import extract_article

GOLDEN = Path(__file__).resolve().parents[2] / "golden"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(GOLDEN.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        cases.append(pytest.param(case, id=path.stem, marks=marks))
    return cases


def _page(fixture: str) -> bytes:
    data = (get_settings().shared_dir / fixture).read_bytes()
    return gzip.decompress(data) if fixture.endswith(".gz") else data


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.needs_shared
@pytest.mark.parametrize("case", _cases())
def test_golden_page(case: dict[str, Any]) -> None:
    expected = case["expected"]
    article = extract_article(_page(case["fixture"]), case["url"])
    assert _fold(article.title) == _fold(expected["title"])
    assert article.authors == expected["authors"]
    if expected.get("published_at"):
        want = datetime.fromisoformat(expected["published_at"])
        assert article.published_at is not None
        assert article.published_at.tzinfo is not None
        if want.tzinfo is None:
            assert article.published_at.date() == want.date()
        else:
            assert abs(article.published_at - want) < timedelta(minutes=1)
    if expected.get("language"):
        assert article.language == expected["language"]
    if expected.get("source_id"):
        assert article.source_id == expected["source_id"]
    for snippet in expected.get("body_contains", []):
        assert _fold(snippet) in _fold(article.body)
    for snippet in expected.get("body_excludes", []):
        assert _fold(snippet) not in _fold(article.body)
    assert article.word_count >= expected.get("min_words", 1)
    assert article.provenance["title"] and article.provenance["body"]
