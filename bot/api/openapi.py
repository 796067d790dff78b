"""OpenAPI that tells the truth for every route, including ones other adapters mount."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from bot.api.schemas import ERROR_EXAMPLES, ErrorBody, error_example

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
DESCRIPTIONS = {
    "401": "Missing or unknown API key.",
    "404": "Unknown resource (or one that belongs to another key).",
    "413": "The request body is too large.",
    "422": "A malformed body or parameter.",
    "429": "Too many requests for this key; see Retry-After.",
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def statuses(operation: dict[str, Any]) -> list[str]:
    """Errors an operation can answer with, from what the schema says it takes."""
    params = {p.get("in") for p in operation.get("parameters", [])}
    out = ["422"] if params & {"path", "query"} else []
    if "requestBody" in operation:
        out += ["413", "422"]  # the body limit applies before any route runs
    if "path" in params:
        out.append("404")
    if operation.get("security"):
        out += ["401", "429"]  # keyed routes are rate limited per key
    return out


def _ensure_error_schema(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorBody" not in components:
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body


def add_error_responses(schema: dict[str, Any]) -> None:
    """Document the one error shape on every operation for the statuses it can return."""
    _ensure_error_schema(schema)
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in statuses(operation):
                responses.setdefault(status, {"description": DESCRIPTIONS[status]})
            for status, entry in responses.items():
                if status.isdigit() and int(status) in ERROR_EXAMPLES:
                    _error_content(entry, int(status))


def _error_content(entry: dict[str, Any], status: int) -> None:
    """The one error shape, with this status's own example (FastAPI's default 422 shape is not ours)."""
    media = entry.setdefault("content", {}).setdefault("application/json", {})
    if media.get("schema", VALIDATION_REF) == VALIDATION_REF:
        media["schema"] = ERROR_REF
    if media["schema"] == ERROR_REF:  # a richer shape (the readiness probe's) keeps its own
        media.setdefault("example", error_example(status))


def install_openapi(app: FastAPI) -> None:
    """Build the schema when first asked (after extensions are mounted), errors included."""
    routes_seen = -1

    def openapi() -> dict[str, Any]:
        nonlocal routes_seen
        if app.openapi_schema is None or routes_seen != len(app.routes):
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            add_error_responses(schema)
            app.openapi_schema, routes_seen = schema, len(app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
