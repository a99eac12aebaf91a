"""The OpenAPI 3.1 description served at /api/openapi.json, generated from the declared routes and models.

Nothing here is written by hand but the operational endpoints' entries (server/ops.py serves them as plain
routes): paths, bodies, results and refusals come from server/api_spec.py declarations, and schemas from
the pydantic models in server/api_models.py, which are also what checks each request body.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from rooms import validate
from server import api_models as m
from server.api_spec import Operation

REF = "#/components/schemas/{model}"

OPERATIONAL = (
    Operation("GET", "/healthz", "Liveness: the process is up", "ops", auth=False, result=m.Health),
    Operation(
        "GET",
        "/readyz",
        "Readiness: the database, and Redis when configured",
        "ops",
        auth=False,
        result=m.Readiness,
        other_results={503: ("Not ready: a check failed", m.Readiness)},
    ),
    Operation(
        "GET", "/metrics", "Prometheus metrics (text format 0.0.4)", "ops", auth=False, content_type="text/plain"
    ),
    Operation(
        "GET",
        "/api/openapi.json",
        "This document",
        "ops",
        auth=False,
        description="OpenAPI 3.1, generated from the same models that check request bodies.",
    ),
)


def declared_operations() -> list[Operation]:
    """Every documented route: the declared REST and account routes, and the operational endpoints."""
    from server.http_routes import declared_routes

    return [*(op for routes in declared_routes() for op in routes.operations), *OPERATIONAL]


@functools.cache
def _cached_document() -> dict[str, Any]:
    return build_document(declared_operations())


def openapi_document() -> dict[str, Any]:
    return copy.deepcopy(_cached_document())


def build_document(operations: Iterable[Operation]) -> dict[str, Any]:
    operations = list(operations)
    refs, schemas = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        item = paths.setdefault(op.path, {})
        if op.path_params:
            item["parameters"] = [_id_parameter(name) for name in op.path_params]
        item[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Alongside API",
            "version": "0.1.0",
            "description": (
                "Peer support community server. Realtime chat is Socket.IO; see docs/protocol.md. "
                'Errors are always {"error": {"code", "message"}}; each response lists its codes. '
                "A method a path does not take is answered 405 with an Allow header."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in operations)],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "alongside_session"}},
        },
        "paths": paths,
    }


Mode = Literal["validation", "serialization"]
Refs = dict[tuple[Any, Mode], dict[str, Any]]


def _schemas(operations: list[Operation]) -> tuple[Refs, dict[str, Any]]:
    wanted: dict[tuple[type[BaseModel], Mode], None] = {(m.Error, "serialization"): None}
    for op in operations:
        if op.body is not None:
            wanted[(op.body, "validation")] = None
        for model in [op.result, *(model for _, model in op.other_results.values())]:
            if model is not None:
                wanted[(model, "serialization")] = None
    refs, top = models_json_schema(list(wanted), ref_template=REF)
    return dict(refs), top.get("$defs", {})


def _operation(op: Operation, refs: Refs) -> dict[str, Any]:
    responses: dict[str, Any] = {str(op.status): _success(op, refs)}
    for status, (description, model) in op.other_results.items():
        responses[str(status)] = _json_response(description, refs[(model, "serialization")] if model else None)
    for status, codes in op.refusals.items():
        responses[str(status)] = _refusal(status, codes)
    item: dict[str, Any] = {
        "summary": op.summary,
        "operationId": _operation_id(op),
        "tags": [op.tag],
        "responses": responses,
    }
    if op.description:
        item["description"] = op.description
    if op.query:
        item["parameters"] = [
            {"name": q.name, "in": "query", "required": False, "description": q.description, "schema": dict(q.schema)}
            for q in op.query
        ]
    if op.body is not None:
        item["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    if not op.auth:
        item["security"] = []
    return item


def _operation_id(op: Operation) -> str:
    words = [part.strip("{}") for part in op.path.split("/") if part and part != "api"]
    return "_".join([op.method.lower(), *words]).replace(".", "_").replace("-", "_")


def _success(op: Operation, refs: Refs) -> dict[str, Any]:
    if op.status == 204:
        return {"description": "Done; no content"}
    if op.content_type.startswith("text/"):
        return {"description": "Success", "content": {op.content_type: {"schema": {"type": "string"}}}}
    schema = refs[(op.result, "serialization")] if op.result else {"type": "object"}
    return _json_response("Success", schema)


def _json_response(description: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


REFUSAL_NAMES = {
    400: "The body is not what this route takes",
    401: "Not signed in, or sign-in refused",
    403: "Not allowed",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "The body is too large",
    415: "The body is not application/json",
    429: "Too many attempts; wait for Retry-After seconds",
}


def _refusal(status: int, codes: tuple[str, ...]) -> dict[str, Any]:
    schema = {
        "allOf": [
            {"$ref": REF.format(model="Error")},
            {"properties": {"error": {"properties": {"code": {"enum": list(codes)}}}}},
        ]
    }
    response = _json_response(f"{REFUSAL_NAMES.get(status, 'Refused')}: {', '.join(codes)}", schema)
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return response


TOKEN_PARAMETERS = {"token": "An invitation token, as given once when the invitation was made."}
# Path parameters that are words, each with its own schema (any other value names nothing: 404).
WORD_PARAMETERS: dict[str, tuple[str, dict[str, Any]]] = {
    "country": ("An ISO 3166-1 alpha-2 code in capitals, such as GB.", {"type": "string", "pattern": "^[A-Z]{2}$"}),
    "role": (
        "A staff role.",
        {"type": "string", "enum": ["facilitator", "senior_peer", "safeguarding_lead", "hub_admin"]},
    ),
}


def _id_parameter(name: str) -> dict[str, Any]:
    if name == "date":
        return {
            "name": name,
            "in": "path",
            "required": True,
            "description": "An occurrence's original local date (YYYY-MM-DD); any other value names nothing (404).",
            "schema": {"type": "string", "format": "date"},
        }
    if name in WORD_PARAMETERS:
        description, schema = WORD_PARAMETERS[name]
        return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}
    if name in TOKEN_PARAMETERS:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "description": TOKEN_PARAMETERS[name],
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
        }
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": "Ids are 32-bit; any other value names nothing (404).",
        "schema": {"type": "integer", "minimum": 1, "maximum": validate.ROW_ID_MAX},
    }
