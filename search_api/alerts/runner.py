"""One check of one saved search: the stories that matched it since its last check, once each.

**Which time.** A check reads the documents *clustered* since the search's watermark, less an
overlap (``ANN_ALERTS_OVERLAP``) — not by publication date, so a story indexed days after it
appeared is still new to the search, and not by ``indexed_at`` either: a copy is written with its
own id as ``cluster_id`` and joins its story only when clustering runs (``indexer/clusters.py``),
so a check between the two would take each copy of a story for a story of its own.
``clustered_at`` is written with the copy's final story, after ``indexed_at``; the check looks
only at clustered documents.

**No gap, no double.** The watermark is the start of the previous check; a document clustered
before that but searchable only after it (the index's refresh, a slow write, another worker's
clock) is still inside the overlap. Reading the overlap again finds stories already alerted:
:meth:`~search_api.alerts.store.SavedSearchStore.record` keeps each story once per search,
atomically, so the overlap costs a search and never a second alert. One entry per story: the
matching copies are grouped by ``cluster_id``, and a copy found in a later check joins a story
its search has seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from ann.document import DocField
from search_api.alerts.models import SavedSearch, Story
from search_api.alerts.store import SavedSearchStore
from search_api.query import selection

_F = DocField
PAGE = 500
FIELDS = [_F.id, _F.cluster_id, _F.title, _F.url, _F.source_id, _F.source_name,
          _F.published_at, _F.standfirst]


def new_matches_query(search: SavedSearch, overlap: timedelta) -> dict[str, Any]:
    """The search's own selection (as ``/search`` makes it), clustered since its watermark
    less the overlap."""
    since = search.watermark - overlap
    query = selection(search.query)
    query["bool"]["filter"].append(
        {"range": {_F.clustered_at: {"gte": int(since.timestamp() * 1000),
                                     "format": "epoch_millis"}}})
    return query


def _hits(es: Elasticsearch, alias: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every matching document, oldest clustering first, paged by ``search_after``."""
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {
            "query": query, "size": PAGE, "_source": FIELDS,
            "sort": [{_F.clustered_at: "asc"}, {_F.id: "asc"}],
        }
        if after is not None:
            body["search_after"] = after
        hits = es.search(index=alias, body=body)["hits"]["hits"]
        yield from hits
        if len(hits) < PAGE:
            return
        after = hits[-1]["sort"]


def stories(hits: Iterator[dict[str, Any]], now: datetime) -> list[Story]:
    """One story per ``cluster_id``, in the order their first copies were clustered; the copy
    shown is the original (the document that names the cluster) when it matched."""
    copies: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        source = hit["_source"]
        copies.setdefault(source[_F.cluster_id], []).append(source)
    found = []
    for cluster_id, docs in copies.items():
        shown = next((d for d in docs if d[_F.id] == cluster_id), docs[0])
        found.append(Story(
            cluster_id=cluster_id, article_id=shown[_F.id], title=shown.get(_F.title),
            url=shown[_F.url], source_id=shown.get(_F.source_id),
            source_name=shown.get(_F.source_name), published_at=shown.get(_F.published_at),
            standfirst=shown.get(_F.standfirst), copies=len(docs), alerted_at=now))
    return found


def check(es: Elasticsearch, alias: str, store: SavedSearchStore, search: SavedSearch,
          now: datetime, overlap: timedelta, on_new: Callable[[Story], None]) -> list[Story]:
    """Check ``search`` once (``now``: when this check started); return the stories new to it.
    Each is in its feed, and handed to ``on_new`` (its webhook call is queued), as soon as it
    is recorded. The watermark moves to ``now`` only after all of them: a check that fails
    half-way is done again from the same watermark, and finds recorded stories recorded."""
    new = []
    for story in stories(_hits(es, alias, new_matches_query(search, overlap)), now):
        if store.record(search.id, story):
            on_new(story)
            new.append(story)
    store.advance(search.id, now, now)
    return new
