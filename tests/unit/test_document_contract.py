"""Every side of the indexed document keeps to its contract (:mod:`ann.document`).

A field renamed or retyped in the normalizer, the writer, the mapping, the API's models or its
query builders — and not in the contract — fails here, instead of coming back as ``None`` from
the API.
"""

from __future__ import annotations

import types
from datetime import UTC, datetime
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from ann.document import (
    FIELDS,
    HIT_EXCLUDES,
    LOCALIZED_LANGUAGES,
    LOCALIZED_TEXT,
    DocField,
    FieldSpec,
    FieldType,
    Writer,
    public_fields,
    written_by,
)
from ann.messages import Discovery, RawPage
from indexer import article as normalized
from indexer import clusters
from indexer.documents import to_document
from indexer.mapping import LANGUAGE_ANALYZERS, MAPPINGS
from indexer.reindex import upgraded
from search_api import export, models, query, similar, sources, stories, timeline, top_terms
from search_api.params import Sort

_SCALARS: dict[FieldType, type] = {
    FieldType.keyword: str, FieldType.text: str, FieldType.date: datetime,
    FieldType.integer: int, FieldType.long: int, FieldType.boolean: bool, FieldType.object: dict,
}
_API_ONLY = frozenset({"highlights", "copies"})
"""Fields of the API's article models that are about the search, not the document."""


def _python_type(spec: FieldSpec) -> Any:
    scalar = _SCALARS[spec.type]
    return list[scalar] if spec.many else scalar  # type: ignore[valid-type]


def _shape(annotation: Any) -> Any:
    """``list[str]`` for ``list[str]``, ``str`` for ``str | None``, ``dict`` for ``dict[K, V]``."""
    if get_origin(annotation) in (Union, types.UnionType):
        [annotation] = [a for a in get_args(annotation) if a is not type(None)]
    return dict if get_origin(annotation) is dict else annotation


def _assert_fields_of_the_contract(
    model: type[BaseModel], skip: frozenset[str] = frozenset()
) -> set[str]:
    names = set(model.model_fields) - skip
    assert names <= set(DocField), f"{model.__qualname__}: {names - set(DocField)} not in it"
    for name in names:
        expected = _python_type(FIELDS[DocField(name)])
        got = _shape(model.model_fields[name].annotation)
        assert got == expected, f"{model.__qualname__}.{name}: {got}, the contract says {expected}"
    return names


def _page() -> RawPage:
    return RawPage(url="https://www.dawn.com/news/1/a", final_url="https://www.dawn.com/news/1/a",
                   status=200, fetched_at=datetime(2024, 1, 2, tzinfo=UTC), source_id="dawn",
                   discovery=Discovery(kind="feed"), body_z=RawPage.pack_body(b"<html/>"))


def test_the_mapping_has_every_field_and_no_other() -> None:
    assert MAPPINGS["dynamic"] == "strict"
    assert set(MAPPINGS["properties"]) == set(DocField) == set(FIELDS)


@pytest.mark.parametrize("name", list(DocField))
def test_the_mapping_queries_a_field_as_the_contract_says(name: DocField) -> None:
    spec, mapped = FIELDS[name], MAPPINGS["properties"][name]
    # a text field is matched exactly, sorted and aggregated through its keyword variant
    exact = mapped.get("fields", {}).get("raw") if mapped["type"] == "text" else mapped
    assert (mapped["type"] == "text" or "text" in mapped.get("fields", {})
            or _text_object(mapped)) == spec.searchable
    filterable = (exact is not None and not _text_object(exact) and exact.get("index", True)
                  and exact.get("enabled", True))
    assert filterable == spec.filterable
    columns = exact is not None and exact["type"] != "object" and exact.get("doc_values", True)
    assert columns == spec.aggregatable
    if exact is not None and exact["type"] == "keyword":
        assert exact["ignore_above"] == spec.max_chars


def _text_object(mapped: dict[str, Any]) -> bool:
    """An object whose leaves are all text (``localized.<language>.<field>``)."""
    if mapped.get("type", "object") != "object" or "properties" not in mapped:
        return False
    return all(sub.get("type") == "text" or _text_object(sub)
               for sub in mapped["properties"].values())


def test_every_localized_language_has_its_analyzer_on_every_localized_field() -> None:
    languages = MAPPINGS["properties"][DocField.localized]["properties"]
    assert set(languages) == set(LOCALIZED_LANGUAGES) == set(LANGUAGE_ANALYZERS)
    for language, mapped in languages.items():
        assert set(mapped["properties"]) == set(LOCALIZED_TEXT)
        assert {f["analyzer"] for f in mapped["properties"].values()} == {
            LANGUAGE_ANALYZERS[language]}


def test_the_writer_copies_the_text_of_a_localized_language_only() -> None:
    thai = normalized.Article(url="https://www.dawn.com/news/1/a", title="ข่าว", body="เนื้อหา",
                              language="th")
    assert to_document(thai, _page())[DocField.localized] == {
        "th": {"title": "ข่าว", "body": "เนื้อหา"}}
    english = thai.model_copy(update={"language": "en"})
    assert to_document(english, _page())[DocField.localized] is None


def test_reindex_derives_the_localized_copy_of_a_document_written_before_it() -> None:
    before: dict[str, Any] = {"title": "中國經濟", "body": "正文", "language": "zh"}
    assert upgraded(before)[DocField.localized] == {"zh": {"title": "中國經濟", "body": "正文"}}
    current = {**before, "localized": {"zh": {"title": "中國經濟"}}}
    assert upgraded(current) is current


def test_the_normalizer_writes_the_normalizer_fields_with_their_types() -> None:
    names = _assert_fields_of_the_contract(normalized.Article)
    assert names == written_by(Writer.normalizer)


def test_the_writer_sets_every_field_but_the_clustering_ones() -> None:
    doc = to_document(normalized.Article(url="https://www.dawn.com/news/1/a", title="A"), _page())
    assert set(doc) == written_by(Writer.normalizer, Writer.indexer)
    assert set(clusters.FIELDS) == written_by(Writer.clustering)


def test_the_api_returns_the_public_fields_with_their_types() -> None:
    assert _assert_fields_of_the_contract(models.Article, _API_ONLY) == public_fields()
    summary = _assert_fields_of_the_contract(models.ArticleSummary, _API_ONLY)
    assert not summary & set(HIT_EXCLUDES)
    assert _assert_fields_of_the_contract(models.Copy) <= summary
    # a story's copies (/stories, /syndication): read from the index by these names
    copy_fields = _assert_fields_of_the_contract(stories.StoryCopy)
    assert copy_fields <= public_fields()
    assert set(stories.COPY_FIELDS) == copy_fields - {DocField.id}


def _base(variant: str) -> DocField:
    """``title`` for ``title.en^3``."""
    return DocField(variant.split("^")[0].split(".")[0])


def test_the_query_builders_query_fields_as_the_contract_allows() -> None:
    searched = {_base(f) for f in query.TEXT_FIELDS} | set(query.HIGHLIGHT_FIELDS)
    searched |= set(similar.SIMILAR_FIELDS)
    assert all(FIELDS[f].searchable for f in searched), searched
    faceted = set(query.FACETS.values())
    assert all(FIELDS[f].filterable and FIELDS[f].aggregatable for f in faceted), faceted
    sorted_by = {_base(next(iter(clause))) for clause in query._sort(Sort.newest)}
    sorted_by |= {DocField.cluster_id}  # collapse
    aggs = sources.build_sources_query(["dawn"])["aggs"]["sources"]
    sorted_by |= {DocField(aggs["terms"]["field"])}
    sorted_by |= {DocField(a["max"]["field"]) for a in aggs["aggs"].values()}
    assert all(FIELDS[f].aggregatable for f in sorted_by), sorted_by
    assert set(query.COPY_FIELDS) <= public_fields()
    # a hit brings the summary's fields from the index, never the text or the clustering's
    assert set(query.HIT_FIELDS) <= public_fields() - set(HIT_EXCLUDES)


def test_the_result_set_routes_read_fields_as_the_contract_allows() -> None:
    """/timeline counts by date, split field and story; /top-terms reads text; /export
    returns public fields, every one but provenance."""
    assert {str(f) for f in export.ExportField} == public_fields() - {DocField.provenance}
    counted = {*timeline.SPLIT_FIELDS.values(), DocField.published_at, DocField.cluster_id}
    assert all(FIELDS[f].aggregatable for f in counted), counted
    assert FIELDS[top_terms.TEXT_FIELD].searchable
