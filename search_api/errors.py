"""The error answers of the API, as its OpenAPI document publishes them.

Every error body is ``{"detail": ...}``: a sentence for the errors below, and FastAPI's list of
``{loc, msg, type}`` for a 422 (a parameter or body that is not valid), which every route raises
as a ``RequestValidationError`` so that one schema describes them all.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str


def error_answer(description: str) -> dict[str, Any]:
    """Always JSON, also on a route whose own answer is not (``/metrics``)."""
    schema = ErrorBody.model_json_schema()
    return {"description": description, "content": {"application/json": {"schema": schema}}}


Responses = dict[int | str, dict[str, Any]]

COMMON_ERRORS: Responses = {
    429: error_answer("Beyond ANN_API_RATE_LIMIT for this client; see the Retry-After header"),
    503: error_answer("Elasticsearch (for /admin: the crawl queue) is unreachable, failing, "
                      "overloaded or slower than ANN_API_ES_TIMEOUT, or nothing was ever indexed"),
}
REFUSED: Responses = {400: error_answer("Elasticsearch refused the request; its reason is given")}
NOT_FOUND: Responses = {404: error_answer("No article with this id")}


def invalid(location: tuple[str, ...], message: str, value: object) -> RequestValidationError:
    """A 422 for one parameter, in the same shape as FastAPI's own."""
    return RequestValidationError(
        [{"type": "value_error", "loc": location, "msg": message, "input": value}]
    )
