"""Near-duplicate clusters: a story reprinted by the hub and by members shares a ``cluster_id``.

Each document carries a MinHash signature of its body shingles (datasketch) and the
locality-sensitive-hashing bands of that signature, stored as keywords: finding the documents
that may be near-duplicates is then one ``terms`` query per document, answered by the index
itself, with no second store to keep consistent. Candidates are confirmed by the signatures'
estimated Jaccard similarity and looked for only within a few days of the publication date —
a story is reprinted within days, while a template paragraph recurs for years. An identical,
long headline in that window also joins a cluster: a hub teaser may carry only the first
paragraphs of the member's text.

Clustering runs after indexing, not inside it: a document is written with its own id (or the
cluster it already had) as ``cluster_id`` and without ``clustered_at``; :func:`cluster_pending`
then takes the unclustered documents in the order they were indexed, after a refresh, so it sees
every copy written before — including those written by other workers at the same moment, which a
search made while indexing would miss. One run at a time (``indexer.tasks.cluster_index``), so
the first copy of a story always names the cluster and later ones join it; documents of one run
are compared with each other too. A document rewritten meanwhile is skipped (sequence-number
check) and taken by the next run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from datasketch import MinHash
from elasticsearch import Elasticsearch, helpers

from ann.document import DocField, Writer, written_by
from indexer.mapping import UNCLUSTERED

logger = logging.getLogger(__name__)

_F = DocField

FIELDS = tuple(sorted(written_by(Writer.clustering)))
"""What clustering adds to a document (``to_document`` makes the rest, ``cluster_id`` included)."""
RUN_SIZE = 500
PERMUTATIONS = 64
BANDS, ROWS = 16, 4  # 16 × 4 = 64: pairs above ~0.5 Jaccard collide in some band
SAME_STORY = 0.7  # estimated Jaccard of the bodies' shingles
WINDOW = timedelta(days=3)
_MIN_TITLE_WORDS = 6  # "Editorial", "Letters to the editor" recur daily: not evidence
_MAX_CANDIDATES = 20
_WORD = re.compile(r"\w+")
_SHINGLE_WORDS = 4
_SHINGLE_CHARS = 5
_MIN_WORDS = 40  # fewer \w+ runs than this: CJK text (no spaces) or a stub, shingled by characters


def shingles(text: str) -> set[bytes]:
    """Overlapping word 4-grams, or character 5-grams for text written without spaces."""
    words = _WORD.findall(text.casefold())
    if len(words) >= _MIN_WORDS:
        n = _SHINGLE_WORDS
        return {" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)}
    chars = "".join(words)
    n = _SHINGLE_CHARS
    return {chars[i:i + n].encode() for i in range(max(1, len(chars) - n + 1))} if chars else set()


def signature(text: str) -> list[int]:
    """The MinHash signature of ``text`` (empty for empty text)."""
    grams = shingles(text)
    if not grams:
        return []
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch(list(grams))
    return [int(v) for v in minhash.hashvalues]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal slots."""
    if not a or len(a) != len(b):
        return 0.0
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def _title_key(title: str) -> str | None:
    words = _WORD.findall(title.casefold())
    if len(words) < _MIN_TITLE_WORDS:
        return None
    return "t:" + hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


def bands(minhash: list[int], title: str) -> list[str]:
    """The LSH keys of a document: one per band of its signature, plus its headline's."""
    keys = []
    if len(minhash) == PERMUTATIONS:
        for band in range(BANDS):
            rows = np.asarray(minhash[band * ROWS:(band + 1) * ROWS], dtype=np.uint32)
            keys.append(f"{band}:{hashlib.blake2b(rows.tobytes(), digest_size=8).hexdigest()}")
    title_key = _title_key(title)
    if title_key:
        keys.append(title_key)
    return keys


@dataclass(frozen=True)
class _Known:
    """A document already clustered: stored in the index or earlier in this batch."""

    id: str
    cluster_id: str
    minhash: list[int]
    bands: frozenset[str]
    published_at: datetime | None


def _published(doc: dict[str, Any]) -> datetime | None:
    value = doc.get(_F.published_at)
    return datetime.fromisoformat(value) if value else None


def _same_story(doc: dict[str, Any], other: _Known) -> bool:
    published = _published(doc)
    if published and other.published_at and abs(published - other.published_at) > WINDOW:
        return False
    shared = other.bands.intersection(doc[_F.lsh_bands])
    if any(key.startswith("t:") for key in shared):
        return True
    return bool(shared) and similarity(doc[_F.minhash], other.minhash) >= SAME_STORY


def _window_filter(doc: dict[str, Any]) -> list[dict[str, Any]]:
    moment = _published(doc)
    if not moment:
        return []
    return [{"range": {_F.published_at: {"gte": (moment - WINDOW).isoformat(),
                                        "lte": (moment + WINDOW).isoformat()}}}]


def _candidates(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> list[list[_Known]]:
    """For each document, the indexed documents sharing one of its bands (one msearch)."""
    searches: list[dict[str, Any]] = []
    for doc in docs:
        searches.append({"index": alias})
        searches.append({
            "size": _MAX_CANDIDATES,
            "_source": [_F.cluster_id, _F.minhash, _F.lsh_bands, _F.published_at],
            "query": {"bool": {
                # clustered documents only: the unclustered ones are later in the queue, and
                # will join this one
                "filter": [{"terms": {_F.lsh_bands: doc[_F.lsh_bands]}},
                           {"exists": {"field": _F.clustered_at}}, *_window_filter(doc)],
                "must_not": [{"ids": {"values": [doc[_F.id]]}}],
            }},
            "sort": [{_F.indexed_at: "asc"}],
        })
    responses = es.msearch(searches=searches)["responses"]
    found: list[list[_Known]] = []
    for response in responses:
        if "error" in response:  # the index does not exist yet: nothing to join
            found.append([])
            continue
        found.append([
            _Known(hit["_id"], hit["_source"].get(_F.cluster_id) or hit["_id"],
                   hit["_source"].get(_F.minhash) or [],
                   frozenset(hit["_source"].get(_F.lsh_bands) or []), _published(hit["_source"]))
            for hit in response["hits"]["hits"]
        ])
    return found


def _assign(es: Elasticsearch, alias: str, docs: list[dict[str, Any]]) -> None:
    """Set ``minhash``, ``lsh_bands`` and ``cluster_id`` on each document, in place."""
    for doc in docs:
        doc[_F.minhash] = signature(doc.get(_F.body) or "")
        doc[_F.lsh_bands] = bands(doc[_F.minhash], doc.get(_F.title) or "")
    searchable = [doc for doc in docs if doc[_F.lsh_bands]]
    indexed = dict(zip((d[_F.id] for d in searchable), _candidates(es, alias, searchable),
                       strict=True)) if searchable else {}
    earlier: list[_Known] = []
    for doc in docs:
        match = next((k for k in [*indexed.get(doc[_F.id], []), *earlier]
                      if k.id != doc[_F.id] and _same_story(doc, k)), None)
        doc[_F.cluster_id] = match.cluster_id if match else doc[_F.id]
        earlier.append(_Known(doc[_F.id], doc[_F.cluster_id], doc[_F.minhash],
                              frozenset(doc[_F.lsh_bands]), _published(doc)))


def cluster_pending(es: Elasticsearch, alias: str, size: int = RUN_SIZE) -> tuple[int, int]:
    """Cluster up to ``size`` unclustered documents, oldest first: (clustered, joined a story).

    Call it until it returns fewer than ``size``; it must not run twice at once (see above)."""
    es.indices.refresh(index=alias)
    hits = es.search(
        index=alias, size=size, seq_no_primary_term=True,
        query=UNCLUSTERED,
        sort=[{_F.indexed_at: {"order": "asc", "missing": "_first"}}, {_F.id: "asc"}],
        source_includes=[_F.title, _F.body, _F.published_at],
    )["hits"]["hits"]
    docs = [{**hit["_source"], _F.id: hit["_id"]} for hit in hits]
    if not docs:
        return 0, 0
    _assign(es, alias, docs)
    now = datetime.now(UTC).isoformat()
    actions = (
        {"_op_type": "update", "_index": hit["_index"], "_id": hit["_id"],
         "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"],
         "doc": {_F.cluster_id: doc[_F.cluster_id], _F.lsh_bands: doc[_F.lsh_bands],
                 _F.minhash: doc[_F.minhash], _F.clustered_at: now}}
        for hit, doc in zip(hits, docs, strict=True)
    )
    _, errors = helpers.bulk(es, actions, raise_on_error=False)
    for error in errors:  # type: ignore[union-attr]
        item = error.get("update", {})
        if item.get("status") != 409:  # 409: rewritten since it was read, the next run takes it
            logger.warning("clustering %s failed: %s", item.get("_id"), item.get("error"))
    es.indices.refresh(index=alias)
    return len(docs), sum(doc[_F.cluster_id] != doc[_F.id] for doc in docs)
