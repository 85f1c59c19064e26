"""Translate validated search parameters into one Elasticsearch request body.

User text only ever reaches ``simple_query_string`` (which cannot fail on syntax), never a raw
``query_string``. Facets follow multi-select semantics: the facet filters go in ``post_filter``
and each facet's aggregation applies every filter but its own, so picking "dawn" still shows how
many hits each other source has.

Highlights are HTML: the engine escapes the article's own text (``encoder: html``) and adds only
the ``<mark>`` tags, so a page that put markup in its title cannot put it in a client's page. A
highlighted field is analyzed up to :data:`HIGHLIGHT_MAX_OFFSET` characters only, so a body longer
than the engine's highlighting limit is highlighted in its first part instead of failing the
whole search.

Paging is by page number (``from``) for the first pages and by ``search_after`` beyond: every sort
ends with the ``id`` keyword as tiebreaker, so the sort values of a hit name one position in the
result list and a cursor made of them continues exactly after it.
"""

from __future__ import annotations

from typing import Any

from ann.document import LOCALIZED_LANGUAGES, LOCALIZED_TEXT, DocField
from search_api.models import ArticleSummary, Copy
from search_api.params import COPIES_SHOWN, Filters, SearchParams, Sort
from search_api.provenance import provenance_filters
from search_api.variants import expand

SortValue = str | int | float

_F = DocField
_LOCALIZED_BOOSTS = {_F.title: "^3", _F.standfirst: "^2", _F.body: ""}
TEXT_FIELDS = [
    f"{_F.title}^4", f"{_F.title}.en^3", f"{_F.title}.cjk^3", f"{_F.standfirst}^2",
    f"{_F.standfirst}.en^2", f"{_F.standfirst}.cjk^2", f"{_F.body}", f"{_F.body}.en",
    f"{_F.body}.cjk", f"{_F.authors}.text^2",
    *(f"{_F.localized}.{language}.{name}{_LOCALIZED_BOOSTS[name]}"
      for language in LOCALIZED_LANGUAGES for name in LOCALIZED_TEXT),
]
"""The searchable fields (:mod:`ann.document`) with their variants (``indexer.mapping``). The
query is analysed by each field's analyzer, so one query reaches an article in any language: a
Japanese verb in another form through ``localized.ja``, a traditional Chinese spelling through
``localized.zh`` (folded to simplified on both sides)."""
FACETS: dict[str, DocField] = {
    "source": _F.source_id,
    "country": _F.country,
    "category": _F.categories,
    "author": _F.authors,
    "language": _F.language,
}
FACET_SIZE = 50
HIGHLIGHT_FIELDS = (_F.title, _F.body, _F.standfirst)
LOCALIZED_HIGHLIGHTS = {f"{_F.localized}.*.{name}": name for name in HIGHLIGHT_FIELDS}
"""Highlighted too, through the article's language's own analysis (``localized``), and returned
as the field they copy (:func:`search_api.models.highlights`): a traditional Chinese query marks
the simplified words it matched, a Japanese one the whole inflected word."""
HIGHLIGHT_MAX_OFFSET = 500_000
"""Below the engine's ``index.highlight.max_analyzed_offset`` (1,000,000), which a query's own
``max_analyzed_offset`` must not exceed; above the indexer's body cap (300,000)."""
COPY_FIELDS = [_F(name) for name in Copy.model_fields if name != _F.id]
"""What a collapsed hit shows of each other copy: the response model's fields."""
HIT_FIELDS = [field for field in _F if field in ArticleSummary.model_fields and field != _F.id]
"""What a hit's ``_source`` brings: the fields of the response's article summary, and none the
answer would drop (the clustering's ``minhash`` alone is 64 numbers, the body is never
shown)."""


def _facet_filters(params: Filters) -> dict[str, dict[str, Any]]:
    chosen = {name: getattr(params, name) for name in FACETS}
    return {name: {"terms": {FACETS[name]: values}} for name, values in chosen.items() if values}


def text_clauses(params: Filters) -> list[dict[str, Any]]:
    """The full-text part of the selection: empty without ``q``; the names ``q`` gives are
    expanded with their variants (:func:`search_api.variants.expand`)."""
    if not (params.q and params.q.strip()):
        return []
    return [{
        "simple_query_string": {
            "query": expand(params.q, params.variants),
            "fields": TEXT_FIELDS,
            "default_operator": "and",
            "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
        }
    }]


def _date_filters(params: Filters, time_zone: str | None) -> list[dict[str, Any]]:
    """``from``/``to`` as whole days: of UTC, or of ``time_zone`` when given (``/timeline``
    counts days of the zone it was asked for, and its bounds are days of that zone too)."""
    if not (params.date_from or params.date_to):
        return []
    bounds: dict[str, str] = {}
    if params.date_from:
        bounds["gte"] = params.date_from.isoformat()
    if params.date_to:
        bounds["lte"] = params.date_to.isoformat()
    if time_zone:
        bounds["time_zone"] = time_zone
    return [{"range": {_F.published_at: bounds}}]


def _provenance_filters(params: Filters) -> list[dict[str, Any]]:
    return provenance_filters(params.date_source, params.has_byline)


def _query(params: SearchParams) -> dict[str, Any]:
    """``/search``'s query: the facet filters go to its ``post_filter`` instead."""
    must = text_clauses(params)
    return {"bool": {"must": must or [{"match_all": {}}],
                     "filter": [*_date_filters(params, None), *_provenance_filters(params)]}}


def selection(params: Filters, time_zone: str | None = None, *, text: bool = True
              ) -> dict[str, Any]:
    """The query selecting exactly the result set of ``params`` — text and every filter — for
    the routes that read a whole result set rather than a page of it. ``text=False`` leaves the
    text out: the same filters' whole output, what ``/timeline`` divides by."""
    filters = [*_date_filters(params, time_zone), *_provenance_filters(params),
               *_facet_filters(params).values()]
    return {"bool": {"must": text_clauses(params) if text else [], "filter": filters}}


def _aggregations(facet_filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for name, field in FACETS.items():
        others = [f for other, f in facet_filters.items() if other != name]
        aggs[name] = {
            "filter": {"bool": {"filter": others}},
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE}}},
        }
    aggs["month"] = {
        "filter": {"bool": {"filter": list(facet_filters.values())}},
        "aggs": {
            "values": {
                "date_histogram": {
                    "field": _F.published_at, "calendar_interval": "month", "format": "yyyy-MM",
                    "min_doc_count": 1,
                }
            }
        },
    }
    return aggs


SORT_VALUE_TYPES: dict[Sort, tuple[tuple[type, ...], ...]] = {
    Sort.relevance: ((float, int), (int,), (str,)),
    Sort.newest: ((int,), (str,)),
    Sort.oldest: ((int,), (str,)),
}
"""What Elasticsearch returns per clause of :func:`_sort` (score, epoch milliseconds, id): a
cursor is only accepted when its values have these types, so nothing else reaches the request."""


def _sort(sort: Sort) -> list[Any]:
    if sort is Sort.newest:
        return [{_F.published_at: {"order": "desc", "missing": "_last"}}, {_F.id: "asc"}]
    if sort is Sort.oldest:
        return [{_F.published_at: {"order": "asc", "missing": "_last"}}, {_F.id: "asc"}]
    return ["_score", {_F.published_at: {"order": "desc", "missing": "_last"}}, {_F.id: "asc"}]


def build_search(
    params: SearchParams, search_after: list[SortValue] | None = None
) -> dict[str, Any]:
    """The request for one page: by page number, or after ``search_after`` (a decoded cursor).

    A cursor page asks for one hit more than it shows, to know whether another page follows, and
    leaves the facets out: they are the same on every page and the client has them from the first.
    """
    facet_filters = _facet_filters(params)
    body: dict[str, Any] = {
        "query": _query(params),
        "sort": _sort(params.sort),
        "track_total_hits": True,
        "_source": HIT_FIELDS,
        "highlight": {
            "fields": {
                f: {"number_of_fragments": 2, "fragment_size": 160}
                for f in (*HIGHLIGHT_FIELDS, *LOCALIZED_HIGHLIGHTS)
            },
            "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "require_field_match": False,
            "encoder": "html", "max_analyzed_offset": HIGHLIGHT_MAX_OFFSET,
        },
    }
    if search_after is None:
        body["aggs"] = _aggregations(facet_filters)
        body["from"] = (params.page - 1) * params.size
        body["size"] = params.size
    else:
        body["search_after"] = search_after
        body["size"] = params.size + 1
    if facet_filters:
        body["post_filter"] = {"bool": {"filter": list(facet_filters.values())}}
    if params.collapse:
        body["collapse"] = {"field": _F.cluster_id, "inner_hits": {
            "name": "copies", "size": COPIES_SHOWN + 1, "_source": COPY_FIELDS,
            "sort": [{_F.published_at: {"order": "asc", "missing": "_last"}}, {_F.id: "asc"}],
        }}
        body["aggs"] = {**body.get("aggs", {}),
                        "stories": {"cardinality": {"field": _F.cluster_id}}}
    return body
