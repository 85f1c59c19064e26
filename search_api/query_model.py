"""A route's query parameters read into one pydantic model, in one validation.

FastAPI reads declared query parameters one at a time: for each, on every request, it inspects
the annotation (a sequence? a model? which aliases?) and validates the value on its own, and the
model the route builds from them is validated once more. On ``/search`` (16 parameters) that was
0.7 ms of CPU per request, a sixth of all the API process spent (bench/api.py). A
:class:`QueryModel` reads the same parameters straight from the query string — every value of a
list field, the last of any other, unknown names ignored as before — into a single
``model_validate``, and publishes them in the OpenAPI document from the model's own JSON schema
(names by alias, types, constraints, defaults, descriptions), so a field added to the model is a
parameter of the route, documented, with nothing else to change.

Errors are FastAPI's 422 body: a field's error located at ``("query", name, ...)``, an error of
the whole model (two fields that contradict each other) at ``()``.
"""

from __future__ import annotations

from types import UnionType
from typing import Any, Generic, TypeVar, Union, get_args, get_origin

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import QueryParams

VALIDATION_ERROR: dict[str, Any] = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/HTTPValidationError"}}},
}
"""What FastAPI documents for a route whose parameters it reads itself."""

M = TypeVar("M", bound=BaseModel)


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return False


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/Name"}`` replaced by that definition."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        rest = {key: value for key, value in node.items() if key != "$ref"}
        return {**_inline(defs[ref.removeprefix("#/$defs/")], defs), **_inline(rest, defs)}
    return {key: _inline(value, defs) for key, value in node.items()}


class QueryModel(Generic[M]):
    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = [(info.alias or name, _is_list(info.annotation))
                       for name, info in model.model_fields.items() if not info.exclude]
        """The parameters: every field but those never dumped (``exclude=True``), which the
        route sets itself."""

    def read(self, query: QueryParams, **fields: Any) -> M:
        """The model of ``query``'s parameters and the route's own ``fields``."""
        raw = {name: query.getlist(name) if many else query[name]
               for name, many in self.fields if name in query}
        raw.update(fields)
        try:
            return self.model.model_validate(raw)
        except ValidationError as error:
            raise RequestValidationError([
                {**e, "loc": ("query", *e["loc"]) if e["loc"] else ()}
                for e in error.errors(include_url=False)
            ]) from error

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """The parameters as an OpenAPI operation lists them."""
        schema = self.model.model_json_schema(by_alias=True)
        defs, required = schema.get("$defs", {}), set(schema.get("required", []))
        parameters = []
        for name, _ in self.fields:
            field_schema = _inline(schema["properties"][name], defs)
            description = field_schema.pop("description", None)
            parameter = {"name": name, "in": "query", "required": name in required,
                         "schema": field_schema}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
        return parameters
