"""Opaque cursors for ``search_after`` paging: the last hit's sort values, bound to their query.

A cursor is URL-safe base64 of a small JSON object — a format version, the sort it was made for, a
fingerprint of the query and filters, and the sort values — then a dot and an HMAC-SHA256 of that
text under ``ANN_API_CURSOR_SECRET`` (truncated to 128 bits). Clients only pass it back; its
content is not secret, but only this API can make one: an edited or forged cursor fails the
signature before anything in it is read, and decoding then checks every part, so a cursor from
another query or sort is a clear 422 too, never a wrong page or an Elasticsearch error. Every API
replica must share the secret, or a cursor issued by one is refused by the next.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
from typing import Any

from search_api.params import Filters, SearchParams
from search_api.query import SORT_VALUE_TYPES, SortValue

CURSOR_VERSION = 1
_QUERY_FIELDS = set(Filters.model_fields)
"""What selects the result list: every filter, including those added later."""
_LONG = (-(2**63), 2**63 - 1)
_MAC_BYTES = 16
_MALFORMED = (
    "cursor is malformed or was edited: pass back the next_cursor of a previous page unchanged"
)


class CursorError(ValueError):
    """The cursor cannot continue this search; the message says why."""


def fingerprint(params: SearchParams) -> str:
    """Identifies the result list (query and filters), not the page or its size."""
    data = params.model_dump(mode="json", include=_QUERY_FIELDS)
    canonical = {k: sorted(v) if isinstance(v, list) else v for k, v in data.items()}
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signature(payload: str, secret: bytes) -> str:
    """The signature part of a cursor whose payload part is ``payload``."""
    mac = hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()[:_MAC_BYTES]
    return _b64(mac)


def encode_cursor(params: SearchParams, values: list[SortValue], secret: bytes) -> str:
    """The cursor that continues ``params``' result list after the hit with sort ``values``."""
    data = {"v": CURSOR_VERSION, "s": params.sort.value, "f": fingerprint(params), "a": values}
    payload = _b64(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{payload}.{signature(payload, secret)}"


def _load(token: str, secret: bytes) -> Any:
    """The cursor's content, once its signature proves this API made it."""
    payload, _, mac = token.partition(".")
    if not token.isascii() or not hmac.compare_digest(mac, signature(payload, secret)):
        raise CursorError(_MALFORMED)
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise CursorError(_MALFORMED) from error


def _valid_value(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) or not isinstance(value, types):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return _LONG[0] <= value <= _LONG[1]
    return True


def decode_cursor(params: SearchParams, secret: bytes) -> list[SortValue] | None:
    """The ``search_after`` values of ``params.cursor`` (None without one), or a CursorError."""
    if params.cursor is None:
        return None
    data = _load(params.cursor, secret)
    if not isinstance(data, dict) or set(data) != {"v", "s", "f", "a"}:
        raise CursorError(_MALFORMED)
    if data["v"] != CURSOR_VERSION:
        raise CursorError("cursor is from another version of the API: start again without one")
    if data["s"] != params.sort.value:
        raise CursorError(f"cursor was made for sort={data['s']}, not sort={params.sort.value}")
    if data["f"] != fingerprint(params):
        raise CursorError("cursor belongs to another query or other filters: start again")
    values, types = data["a"], SORT_VALUE_TYPES[params.sort]
    if not isinstance(values, list) or len(values) != len(types):
        raise CursorError(_MALFORMED)
    if not all(_valid_value(v, t) for v, t in zip(values, types, strict=True)):
        raise CursorError(_MALFORMED)
    return values
