"""The request behind ``GET /articles/{id}/similar``: ``more_like_this`` on title and body.

Elasticsearch reads the article's own terms from the index (``like`` by id), keeps the most
distinctive ones and finds the documents that share enough of them. The article itself is excluded
by ``include: false`` and, so that the promise does not rest on how that option resolves the liked
document, by a ``must_not`` on its id as well.
"""

from __future__ import annotations

from typing import Any

from ann.document import HIT_EXCLUDES, DocField

MAX_SIMILAR = 50
SIMILAR_FIELDS = [DocField.title, DocField.body]


def build_similar(alias: str, article_id: str, size: int) -> dict[str, Any]:
    return {
        "query": {
            "bool": {
                "must": [{
                    "more_like_this": {
                        "fields": SIMILAR_FIELDS,
                        "like": [{"_index": alias, "_id": article_id}],
                        "include": False,
                        # a headline word occurs once: the default of 2 would ignore every title
                        "min_term_freq": 1,
                        # a term only this article has cannot find another one
                        "min_doc_freq": 2,
                        "max_query_terms": 25,
                    }
                }],
                "must_not": [{"ids": {"values": [article_id]}}],
            }
        },
        "size": size,
        "track_total_hits": False,
        "_source": {"excludes": list(HIT_EXCLUDES)},
    }
