"""The project's stable analysis plugin (deploy/elasticsearch/analysis) on a real node.

Needs the `es` fixture (an `elasticsearch.Elasticsearch` client) from tests/conftest.py, which
starts the local node with `deploy/local/elasticsearch.sh start`.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from elasticsearch import Elasticsearch

pytestmark = pytest.mark.integration

PLUGIN = "ann-analysis"

# analyzer -> (text, expected tokens). Lucene 9.12 (Elasticsearch 8.19) behaviour.
EXPECTED: dict[str, tuple[str, list[str]]] = {
    # Porter stemming + English stop words ("the" goes).
    "news_english": ("Running ministers said the election", ["run", "minist", "said", "elect"]),
    # Overlapping Han bigrams.
    "news_cjk": ("外国专家表示", ["外国", "国专", "专家", "家表", "表示"]),
    # Morphology (kuromoji): the past tense 食べた is indexed as its dictionary form; particles go.
    "news_japanese": ("寿司を食べた", ["寿司", "食べる"]),
    # Morphology (nori): the particle 에 goes, the verb 갔다 is read as its stem 가.
    "news_korean": ("학교에 갔다", ["학교", "가"]),
    # Traditional folded to simplified, then smartcn word segmentation.
    "news_chinese": ("中國經濟增長放緩", ["中国", "经济", "增长", "放缓"]),
    # Stop word "para" goes; prefixes/suffixes stemmed.
    "news_indonesian": ("Para menteri mengatakan pemilihan", ["teri", "ata", "ilih"]),
    # Dictionary word segmentation; stop word "กล่าว" goes.
    "news_thai": ("รัฐมนตรีกล่าวว่าการเลือกตั้ง", ["รัฐมนตรี", "ว่าการ", "เลือกตั้ง"]),
    # Stop words "ने"/"कहा" go; normalisation + light stemming.
    "news_hindi": ("मंत्रियों ने चुनाव कहा", ["मंतर", "चुनाव"]),
    "news_bengali": ("মন্ত্রীরা নির্বাচনের কথা বলেছেন", ["মন্ত্রি", "নিররাচন", "কথ", "বলে"]),
}


def _tokens(es: Elasticsearch, analyzer: str, text: str) -> list[str]:
    resp = es.indices.analyze(analyzer=analyzer, text=text)
    return [t["token"] for t in resp["tokens"]]


def test_plugin_installed(es: Elasticsearch) -> None:
    nodes = es.nodes.info(metric="plugins")["nodes"]
    assert nodes
    for node in nodes.values():
        assert PLUGIN in {plugin["name"] for plugin in node["plugins"]}


@pytest.mark.parametrize("analyzer", sorted(EXPECTED))
def test_analyzer_tokens(es: Elasticsearch, analyzer: str) -> None:
    text, expected = EXPECTED[analyzer]
    assert _tokens(es, analyzer, text) == expected


def test_english_stems_and_drops_stop_words(es: Elasticsearch) -> None:
    assert _tokens(es, "news_english", "The ministers' elections") == ["minist", "elect"]


def test_cjk_bigrams_offsets(es: Elasticsearch) -> None:
    resp = es.indices.analyze(analyzer="news_cjk", text="外国专家表示")
    offsets = [(t["start_offset"], t["end_offset"]) for t in resp["tokens"]]
    assert offsets == [(0, 2), (1, 3), (2, 4), (3, 5), (4, 6)]


def test_analyzers_usable_in_mappings(es: Elasticsearch) -> None:
    """By name on a field, and as a `type` of a custom-named analyzer in index settings."""
    index = f"ann-test-analysis-{uuid.uuid4().hex[:8]}"
    es.indices.create(
        index=index,
        settings={
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {"analyzer": {"body_en": {"type": "news_english"}}},
        },
        mappings={
            "properties": {
                "title": {
                    "type": "text",
                    "analyzer": "news_english",
                    "fields": {"cjk": {"type": "text", "analyzer": "news_cjk"}},
                },
                "body": {"type": "text", "analyzer": "body_en"},
            }
        },
    )
    try:
        es.index(
            index=index,
            id="1",
            document={
                "title": "Ministers running the elections 外国专家表示",
                "body": "Voters voted",
            },
            refresh=True,
        )

        def hits(query: dict[str, Any]) -> int:
            return int(es.search(index=index, query=query)["hits"]["total"]["value"])

        assert hits({"match": {"title": "election run minister"}}) == 1
        assert hits({"match_phrase": {"title.cjk": "专家"}}) == 1
        assert hits({"match": {"body": "voting"}}) == 1
        assert hits({"match": {"title": "referendum"}}) == 0
    finally:
        es.indices.delete(index=index, ignore_unavailable=True)
