"""The OpenAPI 3.1 description of the REST API, served at /api/openapi.json.

Written out here (not generated) so it reads as documentation; tests check it lists every route.
"""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    ok: int,
    ok_schema: dict[str, Any] | None,
    errors: list[int],
    body: dict[str, Any] | None = None,
    auth: bool = True,
    tag: str = "",
) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    responses[str(ok)] = {"description": "Success", **(_json(ok_schema) if ok_schema else {})}
    for status in ([401] if auth else []) + errors:
        responses[str(status)] = {"description": "Refused", **_json(ERROR)}
    op: dict[str, Any] = {"summary": summary, "responses": responses, "tags": [tag] if tag else []}
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    if not auth:
        op["security"] = []
    return op


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def openapi_document() -> dict[str, Any]:
    user = {"user": _ref("User")}
    group = _obj({"group": _ref("Group")})
    session = _obj({"session": _ref("Session")})
    schemas = {
        "Error": _obj(
            {"error": _obj({"code": {"type": "string"}, "message": {"type": "string"}}, ["code", "message"])}, ["error"]
        ),
        "User": _obj(
            {
                "id": {"type": "integer"},
                "pseudonym": {"type": "string"},
                "email": {"type": ["string", "null"]},
                "is_platform_admin": {"type": "boolean"},
                "staff": {
                    "type": "array",
                    "items": _obj({"hub_id": {"type": "integer"}, "role": {"enum": ["facilitator", "hub_admin"]}}),
                },
            }
        ),
        "Hub": _obj(
            {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "locality": {"type": "string"},
            }
        ),
        "Author": _obj(
            {"id": {"type": "integer"}, "display_name": {"type": "string"}, "role": {"enum": ["member", "facilitator"]}}
        ),
        "Session": _obj(
            {
                "id": {"type": "integer"},
                "group_id": {"type": "integer"},
                "status": {"enum": ["scheduled", "live", "ended"]},
                "scheduled_for": {"type": ["string", "null"], "format": "date-time"},
                "opened_at": {"type": ["string", "null"], "format": "date-time"},
                "ended_at": {"type": ["string", "null"], "format": "date-time"},
                "opened_by": {"oneOf": [_ref("Author"), {"type": "null"}]},
            }
        ),
        "Group": _obj(
            {
                "id": {"type": "integer"},
                "hub": _ref("Hub"),
                "name": {"type": "string"},
                "description": {"type": "string"},
                "agreement": {"type": "string"},
                "agreement_version": {"type": "integer"},
                "membership": {
                    "oneOf": [
                        _obj(
                            {
                                "agreement_version": {"type": "integer"},
                                "joined_at": {"type": "string"},
                                "current": {"type": "boolean"},
                            }
                        ),
                        {"type": "null"},
                    ]
                },
                "my_role": {"enum": ["member", "facilitator", "hub_admin", None]},
                "session": {"oneOf": [_ref("Session"), {"type": "null"}]},
            }
        ),
        "Staff": _obj(
            {
                "hub_id": {"type": "integer"},
                "user_id": {"type": "integer"},
                "pseudonym": {"type": "string"},
                "role": {"enum": ["facilitator", "hub_admin"]},
                "training_completed_on": {"type": ["string", "null"], "format": "date"},
            }
        ),
    }
    credentials = _obj({"pseudonym": {"type": "string"}, "password": {"type": "string"}}, ["pseudonym", "password"])
    signup_body = _obj(
        {
            "pseudonym": {"type": "string", "minLength": 3, "maxLength": 32},
            "password": {"type": "string", "minLength": 10, "maxLength": 256},
            "email": {"type": ["string", "null"]},
        },
        ["pseudonym", "password"],
    )
    group_body = _obj(
        {
            "name": {"type": "string", "maxLength": 120},
            "description": {"type": "string", "maxLength": 4000},
            "agreement": {"type": "string", "maxLength": 20000},
        },
        ["name", "agreement"],
    )
    paths: dict[str, Any] = {
        "/api/auth/signup": {
            "post": _op(
                "Sign up under a pseudonym",
                201,
                _obj(user),
                [400, 409, 413, 415],
                signup_body,
                auth=False,
                tag="accounts",
            )
        },
        "/api/auth/login": {
            "post": _op("Sign in", 200, _obj(user), [400, 429], credentials, auth=False, tag="accounts")
        },
        "/api/auth/logout": {"post": _op("Sign out", 204, None, [], auth=False, tag="accounts")},
        "/api/me": {"get": _op("Who am I", 200, _obj(user), [], tag="accounts")},
        "/api/hubs": {
            "get": _op("List hubs", 200, _obj({"hubs": {"type": "array", "items": _ref("Hub")}}), [], tag="hubs"),
            "post": _op(
                "Create a hub (platform admin)",
                201,
                _obj({"hub": _ref("Hub")}),
                [400, 403, 409],
                _obj(
                    {"name": {"type": "string"}, "slug": {"type": "string"}, "locality": {"type": "string"}},
                    ["name", "slug"],
                ),
                tag="hubs",
            ),
        },
        "/api/hubs/{hub_id}/staff": {
            "parameters": [_id_param("hub_id")],
            "get": _op(
                "List a hub's staff (hub admin)",
                200,
                _obj({"staff": {"type": "array", "items": _ref("Staff")}}),
                [403, 404],
                tag="hubs",
            ),
            "post": _op(
                "Add or update a staff role (hub admin)",
                201,
                _obj({"staff": _ref("Staff")}),
                [400, 403, 404],
                _obj(
                    {
                        "pseudonym": {"type": "string"},
                        "role": {"enum": ["facilitator", "hub_admin"]},
                        "training_completed_on": {"type": ["string", "null"], "format": "date"},
                    },
                    ["pseudonym", "role"],
                ),
                tag="hubs",
            ),
        },
        "/api/hubs/{hub_id}/groups": {
            "parameters": [_id_param("hub_id")],
            "post": _op("Create a group (hub admin)", 201, group, [400, 403, 404], group_body, tag="groups"),
        },
        "/api/groups": {
            "get": _op(
                "Group directory", 200, _obj({"groups": {"type": "array", "items": _ref("Group")}}), [], tag="groups"
            )
        },
        "/api/groups/{group_id}": {
            "parameters": [_id_param("group_id")],
            "get": _op("A group, with its agreement", 200, group, [404], tag="groups"),
            "patch": _op(
                "Change a group (hub admin); a changed agreement gets a new version",
                200,
                group,
                [400, 403, 404],
                {**group_body, "required": []},
                tag="groups",
            ),
        },
        "/api/groups/{group_id}/membership": {
            "parameters": [_id_param("group_id")],
            "put": _op(
                "Join, accepting the agreement version read",
                200,
                group,
                [400, 404, 409],
                _obj({"agreement_version": {"type": "integer"}}, ["agreement_version"]),
                tag="groups",
            ),
            "delete": _op("Leave the group", 204, None, [404], tag="groups"),
        },
        "/api/groups/{group_id}/sessions": {
            "parameters": [_id_param("group_id")],
            "get": _op(
                "Sessions of a group, newest first",
                200,
                _obj({"sessions": {"type": "array", "items": _ref("Session")}}),
                [404],
                tag="sessions",
            ),
            "post": _op(
                "Open a session now, or schedule one (trained facilitator)",
                201,
                session,
                [400, 403, 404, 409],
                _obj({"scheduled_for": {"type": ["string", "null"], "format": "date-time"}}),
                tag="sessions",
            ),
        },
        "/api/sessions/{session_id}/end": {
            "parameters": [_id_param("session_id")],
            "post": _op("End a live session (trained facilitator)", 200, session, [403, 404, 409], tag="sessions"),
        },
        "/healthz": {"get": _op("Liveness", 200, _obj({"status": {"type": "string"}}), [], auth=False, tag="ops")},
        "/readyz": {
            "get": {
                **_op("Readiness: database and Redis", 200, None, [], auth=False, tag="ops"),
                "responses": {"200": {"description": "Ready"}, "503": {"description": "Not ready"}},
            }
        },
        "/metrics": {
            "get": {
                **_op("Prometheus metrics", 200, None, [], auth=False, tag="ops"),
                "responses": {
                    "200": {
                        "description": "text/plain; version=0.0.4",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/api/openapi.json": {"get": _op("This document", 200, {"type": "object"}, [], auth=False, tag="ops")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Alongside API",
            "version": "0.1.0",
            "description": "Peer support community server. Realtime chat is Socket.IO; see docs/protocol.md.",
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "alongside_session"}},
        },
        "paths": paths,
    }
