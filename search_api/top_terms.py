"""Top terms: the words that set a result set apart from the whole archive.

Elasticsearch's ``significant_text`` compares how often each word occurs in the result set
(the foreground) with how often it occurs in the whole index (the background) and ranks the
words by that difference (JLH score), so "said" or "government", common everywhere, rank low and
a story's own vocabulary ranks high. The foreground is a ``sampler`` of the best-matching
:data:`SAMPLE_SIZE` hits: ``significant_text`` re-analyses each document's text, which must stay
bounded whatever the result set's size. ``filter_duplicate_text`` ignores runs of text repeated
across the sample, so the many copies of one reprinted story, or a paper's boilerplate, do not
make their words significant.

Words that characterise no story — English function words and the vocabulary of reporting itself
(``data/news_stopwords.txt``) — are excluded. Results filtered to Chinese, Japanese or Korean are
read through the ``news_cjk`` analysis (character bigrams) instead of the standard one, whose
single characters carry no meaning of their own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, Field

from ann.document import DocField
from search_api.params import Filters
from search_api.query import selection

SAMPLE_SIZE = 500
"""Best-matching hits the terms are drawn from."""
MAX_TERMS = 50
CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
TEXT_FIELD = DocField.body
"""The text the terms are drawn from (its ``cjk`` variant for CJK results)."""


@cache
def stopwords() -> tuple[str, ...]:
    """The excluded words, from the package's data file (one a line, ``#`` comments)."""
    text = resources.files("search_api").joinpath("data", "news_stopwords.txt").read_text(
        encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


class Term(BaseModel):
    term: str
    score: float = Field(description="significant_text's JLH score: higher sets it apart more")
    doc_count: int = Field(description="Sampled hits containing it")
    bg_count: int = Field(description="Documents of the whole index containing it")


class TopTermsResponse(BaseModel):
    sampled: int = Field(description=f"Hits the terms were drawn from (at most {SAMPLE_SIZE})")
    terms: list[Term]


def _field(filters: Filters) -> str:
    cjk = bool(filters.language) and set(filters.language) <= CJK_LANGUAGES
    return f"{TEXT_FIELD}.cjk" if cjk else TEXT_FIELD


def build_top_terms(filters: Filters, size: int) -> dict[str, Any]:
    field = _field(filters)
    return {
        "size": 0, "track_total_hits": False, "query": selection(filters),
        "aggs": {"sample": {
            "sampler": {"shard_size": SAMPLE_SIZE},
            "aggs": {"terms": {"significant_text": {
                "field": field, "source_fields": [TEXT_FIELD], "filter_duplicate_text": True,
                "size": size, "exclude": list(stopwords()),
            }}},
        }},
    }


def read_top_terms(result: dict[str, Any]) -> TopTermsResponse:
    sample = result["aggregations"]["sample"]
    return TopTermsResponse(sampled=sample["doc_count"], terms=[
        Term(term=b["key"], score=b["score"], doc_count=b["doc_count"], bg_count=b["bg_count"])
        for b in sample["terms"]["buckets"]])
