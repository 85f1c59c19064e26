"""/search reads its parameters into SearchParams in one validation (search_api.query_model):
the same names, lists and 422s as declared parameters, each error once, and every field of the
model published in the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.datastructures import QueryParams

from ann.settings import Settings
from search_api.app import create_app
from search_api.params import SearchParams, Sort
from search_api.query_model import QueryModel


def test_lists_take_every_value_other_fields_the_last_and_unknown_names_are_ignored() -> None:
    params = QueryModel(SearchParams).read(QueryParams(
        "q=floods&source=dawn&source=thestar&page=2&page=3&from=2025-01-01&sort=newest&x=1"))
    assert params.source == ["dawn", "thestar"] and params.page == 3
    assert params.date_from is not None and params.date_from.isoformat() == "2025-01-01"
    assert params.sort is Sort.newest and params.q == "floods"


def test_422s_locate_each_bad_parameter_once_and_the_openapi_lists_every_field() -> None:
    settings = Settings().model_copy(update={"es_url": "http://127.0.0.1:9",
                                             "api_es_timeout_seconds": 0.2})
    with TestClient(create_app(settings)) as api:
        bad = api.get("/search?size=1000&page=0&source=" + "x" * 300)
        assert bad.status_code == 422
        assert sorted(tuple(e["loc"]) for e in bad.json()["detail"]) == [
            ("query", "page"), ("query", "size"), ("query", "source", 0)]
        both = api.get("/search?from=2025-02-01&to=2025-01-01").json()["detail"]
        assert [e["loc"] for e in both] == [[]]  # the model's own check: no one parameter
        assert "'from' must not be after 'to'" in both[0]["msg"]
        operation = api.get("/openapi.json").json()["paths"]["/search"]["get"]
    published = {p["name"]: p for p in operation["parameters"]}
    assert set(published) == {f.alias or n for n, f in SearchParams.model_fields.items()
                              if not f.exclude}  # variants: the API's, not a parameter
    assert published["source"]["schema"]["type"] == "array"
    assert published["sort"]["schema"]["enum"] == [s.value for s in Sort]
    assert all(p["in"] == "query" and not p["required"] for p in published.values())
    assert "422" in operation["responses"]
