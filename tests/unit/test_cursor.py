"""Cursors and the cursor page's request: what is accepted, what is refused and why."""

from __future__ import annotations

import base64
import json

import pytest

from search_api.cursor import CursorError, decode_cursor, encode_cursor, fingerprint, signature
from search_api.params import SearchParams
from search_api.query import SORT_VALUE_TYPES, _sort, build_search

SECRET = b"test-secret"


def _params(**values: object) -> SearchParams:
    return SearchParams.model_validate(values)


def _forged(params: SearchParams, **fields: object) -> str:
    data = {"v": 1, "s": params.sort.value, "f": fingerprint(params), "a": [1.5, 17, "abc"]}
    raw = json.dumps({**data, **fields}).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{signature(payload, SECRET)}"  # signed: the checks after the signature


def test_a_cursor_round_trips_its_sort_values() -> None:
    params = _params(q="floods", source=["dawn"])
    cursor = encode_cursor(params, [3.25, -(2**63), "f3df7f"], SECRET)
    decoded = decode_cursor(params.model_copy(update={"cursor": cursor}), SECRET)
    assert decoded == [3.25, -(2**63), "f3df7f"]


def test_the_fingerprint_ignores_paging_and_filter_order() -> None:
    one = _params(q="x", source=["dawn", "thestar"], page=3, size=7)
    other = _params(q="x", source=["thestar", "dawn"], size=50)
    assert fingerprint(one) == fingerprint(other)
    assert fingerprint(one) != fingerprint(_params(q="x", source=["dawn"]))


@pytest.mark.parametrize(
    "values",
    [
        [True, 17, "abc"],          # a bool is not a score
        [float("inf"), 17, "abc"],  # nor is infinity
        [1.5, 2**63, "abc"],        # outside Elasticsearch's long
        [1.5, 17.5, "abc"],         # a date is whole milliseconds
        [1.5, 17, {"x": 1}],        # nothing but an id string reaches the request
        [1.5, 17],
    ],
)
def test_a_cursor_with_values_of_the_wrong_shape_is_refused(values: list[object]) -> None:
    params = _params(q="x")
    cursor = _forged(params, a=values)
    with pytest.raises(CursorError, match="malformed"):
        decode_cursor(params.model_copy(update={"cursor": cursor}), SECRET)


def test_a_cursor_of_another_version_is_refused() -> None:
    params = _params()
    with pytest.raises(CursorError, match="another version"):
        decode_cursor(params.model_copy(update={"cursor": _forged(params, v=2)}), SECRET)


def test_the_value_shapes_follow_the_sort_clauses() -> None:
    for sort, types in SORT_VALUE_TYPES.items():
        assert len(types) == len(_sort(sort))


def test_a_cursor_page_asks_one_hit_more_after_the_cursor_and_no_facets() -> None:
    params = _params(q="x", size=20, source=["dawn"])
    body = build_search(params, ["1.5", 17, "abc"])
    assert body["search_after"] == ["1.5", 17, "abc"]
    assert body["size"] == 21 and "from" not in body and "aggs" not in body
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"source_id": ["dawn"]}}]}}
    numbered = build_search(params)
    assert numbered["size"] == 20 and numbered["from"] == 0 and "search_after" not in numbered


def test_cursor_paging_is_not_bound_by_the_result_window() -> None:
    assert _params(size=100, cursor="x").cursor == "x"
    with pytest.raises(ValueError, match="either 'page' or 'cursor'"):
        _params(page=2, cursor="x")


def test_an_edited_or_foreign_cursor_fails_its_signature() -> None:
    params = _params(q="floods", sort="newest")
    cursor = encode_cursor(params, [1_700_000_000_000, "abc"], SECRET)
    payload, mac = cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited = base64.urlsafe_b64encode(
        json.dumps({**data, "a": [0, "abc"]}, separators=(",", ":")).encode()
    ).decode().rstrip("=")
    for token in (f"{edited}.{mac}", payload, f"{payload}.{mac[:-2]}", f"{payload}.é{mac}"):
        with pytest.raises(CursorError, match="malformed or was edited"):
            decode_cursor(params.model_copy(update={"cursor": token}), SECRET)
    with pytest.raises(CursorError, match="malformed or was edited"):  # another deployment's
        decode_cursor(params.model_copy(update={"cursor": cursor}), b"another-secret")
